"""The playbook plugin's settings in mkdocs.yml, for the `playbook` command.

The plugin gets them from MkDocs; the command reads mkdocs.yml itself
(`plugin_settings`), so validating needs neither MkDocs nor its environment.
Calibration and insights settings:

    plugins:
      - playbook:
          calibration:
            threshold: 85            # % of rater pairs that must agree (default 85)
          insights:
            stale_after_months: 18   # a story older than this is stale
            competitor_months: 12    # a competitor without a story this recent is a gap
            gaps_from_stories: 10    # report coverage gaps once the library has this many

Read by the `playbook` command without MkDocs, and by the plugin.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import yaml


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


def plugin_settings(config_file: str) -> dict[str, Any]:
    """The playbook plugin's settings in `config_file`; empty when there are none.

    Raises ValueError when the file cannot be read or parsed.
    """

    class Tolerant(yaml.SafeLoader):  # MkDocs' own tags (!ENV) are not ours to read
        pass

    Tolerant.add_multi_constructor("!", lambda loader, suffix, node: None)
    try:
        with open(config_file, encoding="utf-8") as stream:
            config = yaml.load(stream, Loader=Tolerant) or {}
    except FileNotFoundError:
        return {}
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read {config_file}: {error}") from None
    for plugin in (config.get("plugins") if isinstance(config, dict) else None) or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("playbook"), dict):
            return plugin["playbook"]
    return {}


def read_options(config_file: str) -> InsightOptions:
    """The calibration and insights options in `config_file`; defaults when it has none."""
    settings = plugin_settings(config_file)
    try:
        return insight_options(settings.get("calibration"), settings.get("insights"))
    except ValueError as error:
        raise ValueError(f"{config_file}: {error}") from None
