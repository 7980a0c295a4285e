"""The playbook plugin's settings in mkdocs.yml, for the `playbook` command.

The plugin gets them from MkDocs; the command reads mkdocs.yml itself
(`read_config`), so validating needs neither MkDocs nor its environment.
Both turn them into the build's settings with `build.Settings.from_options`.
Calibration and insights settings:

    plugins:
      - playbook:
          calibration:
            threshold: 85            # % of rater pairs that must agree (default 85)
          insights:
            stale_after_months: 18   # a story this much older than the newest is stale
            competitor_months: 12    # a competitor without a story this close to the newest
                                     # is a gap (both measured from the newest interview)
            gaps_from_stories: 10    # report coverage gaps once the library has this many
          site_budget_mb: 1000       # warn at 80% of this site size, fail above it
          clips_base_url: https://clips.example.com/playbook   # clips hosted there, not in site/
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

# GitHub Pages refuses a published site over 1 GB.
DEFAULT_SITE_BUDGET_MB = 1000


@dataclass(frozen=True)
class InsightOptions:
    # Binary and 3-point criteria: exact agreement; 5-point: agreement within one level.
    calibration_threshold: float = 0.85
    stale_after_months: int = 18
    competitor_months: int = 12
    # Below this many stories every skill is a gap; the warnings would be noise.
    gaps_from_stories: int = 10


def insight_options(calibration: dict | None, insights: dict | None) -> InsightOptions:
    """The options from the plugin's `calibration:` and `insights:` settings.

    Raises ValueError naming the setting when a value is out of range or unknown.
    """
    values: dict[str, Any] = {}
    calibration = calibration or {}
    for key, value in calibration.items():
        if key != "threshold":
            raise ValueError(f"unknown setting 'calibration: {key}'; expected 'threshold'")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not 0 < value <= 100:
            raise ValueError(f"'calibration: threshold' must be a percentage from 1 to 100; "
                             f"found {value!r}")
        values["calibration_threshold"] = value / 100
    names = [f.name for f in fields(InsightOptions) if f.name != "calibration_threshold"]
    for key, value in (insights or {}).items():
        if key not in names:
            raise ValueError(f"unknown setting 'insights: {key}'; expected one of "
                             f"{', '.join(names)}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"'insights: {key}' must be a whole number of 0 or more; "
                             f"found {value!r}")
        values[key] = value
    return InsightOptions(**values)


def site_budget_mb(value: Any) -> float:
    """The plugin's `site_budget_mb` option: megabytes (10^6 bytes), positive and finite.

    Raises ValueError naming the option when it is anything else.
    """
    if value is None:
        return DEFAULT_SITE_BUDGET_MB
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value) or value <= 0:
        raise ValueError(f"the playbook option 'site_budget_mb' must be a number of megabytes "
                         f"above 0, e.g. {DEFAULT_SITE_BUDGET_MB} (GitHub Pages' 1 GB); "
                         f"found {value!r}")
    return float(value)


# Characters a URL may hold unescaped (RFC 3986), less those a base URL must not
# carry: '?' and '#' (the clip's path is appended) and quotes or brackets.
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/@!$&()*+,;=%]+")


def clips_base_url(value: Any) -> str:
    """The plugin's `clips_base_url` option without its trailing slash ("" when unset).

    Raises ValueError naming the option unless it is an http(s) URL with a host
    and no query, fragment or characters a URL must escape.
    """
    if value is None or value == "":
        return ""
    problem = ""
    if not isinstance(value, str):
        problem = "it is not text"
    elif not _URL_CHARACTERS.fullmatch(value):
        problem = "it holds a space, quote, bracket, '?', '#' or other character a URL escapes"
    else:
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            problem = "it does not start with https:// (or http://) and a host name"
        elif parts.username is not None or parts.password is not None:
            problem = "it holds a user name or password"
    if problem:
        raise ValueError(f"the playbook option 'clips_base_url' must be the https:// address "
                         f"the clips are uploaded to, e.g. https://clips.example.com/playbook; "
                         f"found {value!r} ({problem})")
    return value.rstrip("/")


@dataclass(frozen=True)
class ConfigFile:
    """What the playbook reads of mkdocs.yml: the plugin's options and the site's name."""

    plugin: dict[str, Any]  # the playbook plugin's options; empty when there are none
    site_url: str = ""
    site_name: str = "Playbook"
    docs_dir: str = "docs"  # as written, relative to the config file's folder
    site_dir: str = "site"
    nav: list | None = None


def read_config(config_file: str | Path) -> ConfigFile:
    """The playbook's settings in `config_file` (defaults when the file is missing).

    Raises ValueError when the file cannot be read or parsed. MkDocs' `!ENV`
    tag is read as MkDocs reads it (the first variable set, else the last
    item as the default); other tags are not ours and read as nothing.
    """

    class Tolerant(yaml.SafeLoader):
        pass

    Tolerant.add_multi_constructor("!", lambda loader, suffix, node: None)
    Tolerant.add_constructor("!ENV", _env_value)
    try:
        with open(config_file, encoding="utf-8") as stream:
            config = yaml.load(stream, Loader=Tolerant) or {}
    except FileNotFoundError:
        return ConfigFile({})
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read {config_file}: {error}") from None
    if not isinstance(config, dict):
        raise ValueError(f"{config_file}: expected a mapping of settings")
    plugin: dict[str, Any] = {}
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and isinstance(entry.get("playbook"), dict):
            plugin = entry["playbook"]
    nav = config.get("nav")
    return ConfigFile(plugin, str(config.get("site_url") or ""),
                      str(config.get("site_name") or "Playbook"),
                      str(config.get("docs_dir") or "docs"), str(config.get("site_dir") or "site"),
                      nav if isinstance(nav, list) else None)


def _env_value(loader: yaml.SafeLoader, node: yaml.Node) -> str | None:
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    names = [loader.construct_scalar(item) for item in items if isinstance(item, yaml.ScalarNode)]
    if not names:
        return None
    for name in names:
        if isinstance(name, str) and name in os.environ:
            return os.environ[name]
    return names[-1] if len(names) > 1 else None
