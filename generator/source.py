"""Stage 1: files to parsed documents.

Front matter is parsed with PyYAML's C loader (through python-frontmatter's
YAML handler). Line numbers are not tracked while parsing: `SourceFile.line_of`
re-reads the front matter as a node tree only when a problem must be located,
so a clean library costs little more than the YAML parse itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from .problems import Problem

try:  # the C loader is much faster; fall back for Python builds without libyaml
    from yaml import CSafeLoader as FastLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as FastLoader  # type: ignore[assignment]



class ContentLoader(FastLoader):  # type: ignore[misc,valid-type]
    """The C safe loader, minus YAML's implicit dates, noting duplicate keys.

    PyYAML turns `2026-13-01` into an exception from `datetime` rather than a
    YAML error, so dates stay text here and the validator parses them. It also
    keeps the last of two equal keys without a word, losing the author's first
    value, so the loader records each repeat as (key, first line, line).
    """

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[str, int, int]] = []

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            keys = [key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)]
            if len(set(keys)) != len(keys):  # rare: look closer only then
                seen: dict[object, int] = {}
                for key_node, _ in node.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        line = key_node.start_mark.line
                        if key_node.value in seen:
                            self.duplicates.append((key_node.value, seen[key_node.value], line))
                        else:
                            seen[key_node.value] = line
        return super().construct_mapping(node, deep)


ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in FastLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> tuple[Any, list[tuple[str, int, int]]]:
    """Parse YAML; return the data and its duplicate keys (0-based lines)."""
    loader = ContentLoader(text)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


_HANDLER = YAMLHandler()
_BOUNDARY = _HANDLER.FM_BOUNDARY

# A field path into the front matter: ("clips", 0, "start")
FieldPath = tuple[str | int, ...]


def field_name(path: FieldPath) -> str:
    """("clips", 0, "start") -> "clips[0].start"."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class SourceFile:
    """One front-matter Markdown file (or taxonomy.yml), parsed but not checked."""

    path: str  # relative to the repository root
    stem: str
    meta: dict[str, Any]
    body: str
    body_line: int  # line of the file where the body starts
    yaml_text: str = field(repr=False)
    yaml_line: int  # line of the file holding the first line of yaml_text

    @cached_property
    def _tree(self) -> yaml.Node | None:
        try:
            return yaml.compose(self.yaml_text, Loader=FastLoader)
        except yaml.YAMLError:
            return None

    def line_of(self, path: FieldPath) -> int:
        """The file line of a front-matter field, or of its nearest existing parent.

        A mapping key points at the key's line; a list item at the item's line.
        A field that is absent points at the start of the front matter.
        """
        node = self._tree
        line = self.yaml_line + (node.start_mark.line if node is not None else 0)
        if node is None:
            return self.yaml_line
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for key, value in node.value:
                    if key.value == part:
                        line = self.yaml_line + key.start_mark.line
                        child = value
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if 0 <= part < len(node.value):
                    child = node.value[part]
                    line = self.yaml_line + child.start_mark.line
            if child is None:
                break
            node = child
        return line

    def problem(
        self,
        path: FieldPath | str,
        message: str,
        hint: str = "",
        *,
        severity: str = "error",
        line: int | None = None,
        code: str = "",
    ) -> Problem:
        if isinstance(path, str):
            path = (path,) if path else ()
        return Problem(
            self.path,
            self.line_of(path) if line is None else line,
            field_name(path),
            message,
            hint,
            severity,  # type: ignore[arg-type]
            code,
        )


def _yaml_problem(rel: str, offset: int, error: yaml.YAMLError, what: str) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = offset + mark.line if mark is not None else offset
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    context_mark = getattr(error, "context_mark", None)
    if context and context_mark is not None and offset + context_mark.line != line:
        # Point back at where the unclosed construct began, as compilers do.
        context += f" that starts on line {offset + context_mark.line}"
    detail = f"{context}, {problem}" if context else problem
    return Problem(
        rel,
        line,
        "",
        f"{what} is not valid YAML: {detail}",
        "check the indentation and quoting on this line and the one above it; "
        "values containing ': ' or starting with a quote, '[', '{', '*' or '&' "
        "must be quoted",
    )


def _duplicate_problems(rel: str, duplicates: list[tuple[str, int, int]],
                        offset: int, what: str = "key") -> list[Problem]:
    return [
        Problem(rel, offset + line, str(key),
                f"duplicate {what} '{key}' (first given on line {offset + first}); "
                "only the last value is kept",
                f"merge the two '{key}' entries into one, or rename one of them")
        for key, first, line in duplicates
    ]


def read_markdown(path: Path, root: Path) -> tuple[SourceFile | None, list[Problem]]:
    """Read a front-matter Markdown file. Returns None when it cannot be parsed."""
    rel = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        return None, [
            Problem(rel, line, "", "the file is not UTF-8 text",
                    "save the file with UTF-8 encoding")
        ]
    except OSError as error:
        return None, [Problem(rel, 0, "", f"cannot read the file: {error.strerror}")]
    text = text.replace("\r\n", "\n")

    opening = _BOUNDARY.match(text)
    closing = _BOUNDARY.search(text, opening.end()) if opening else None
    if opening is None or closing is None:
        found = "no opening '---' line" if opening is None else "no closing '---' line"
        return None, [
            Problem(
                rel,
                1,
                "",
                f"expected front matter between two '---' lines at the top of the file; "
                f"found {found}",
                "start the file with '---', the YAML fields, then '---' and the body",
            )
        ]
    yaml_text = text[opening.end() : closing.start()]
    yaml_line = text.count("\n", 0, opening.end()) + 1
    body_line = text.count("\n", 0, closing.end()) + 2

    try:
        meta, duplicates = load_yaml(yaml_text) if yaml_text.strip() else ({}, [])
    except yaml.YAMLError as error:
        return None, [_yaml_problem(rel, yaml_line, error, "the front matter")]
    except ValueError as error:  # a value the constructor rejects, e.g. bad base64
        return None, [Problem(rel, yaml_line, "", f"the front matter has a value YAML cannot "
                                                   f"read: {error}", "quote the value")]
    problems = _duplicate_problems(rel, duplicates, yaml_line)
    if not isinstance(meta, dict):
        return None, [
            Problem(
                rel,
                yaml_line + 1,
                "",
                f"expected the front matter to be a mapping of 'field: value' lines; "
                f"found {describe(meta)}",
                "write one 'field: value' per line between the '---' lines",
            )
        ]
    source = SourceFile(
        rel, path.stem, meta, text[closing.end() :].lstrip("\n"), body_line, yaml_text, yaml_line
    )
    return source, problems


def read_yaml(path: Path, root: Path) -> tuple[SourceFile | None, list[Problem]]:
    """Read a plain YAML file (taxonomy.yml) into a SourceFile with no body."""
    rel = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except FileNotFoundError:
        return None, [
            Problem(rel, 0, "", "the taxonomy file is missing",
                    f"create {rel} with the vocabularies skills, competitors, roles, "
                    "objections, stages and deal_sizes")
        ]
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(rel, 0, "", f"cannot read the file: {error}")]
    try:
        data, duplicates = load_yaml(text)
    except yaml.YAMLError as error:
        return None, [_yaml_problem(rel, 1, error, "the file")]
    except ValueError as error:
        return None, [Problem(rel, 1, "", f"the file has a value YAML cannot read: {error}",
                              "quote the value")]
    problems = _duplicate_problems(rel, duplicates, 1, "id or key")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [
            Problem(rel, 1, "", f"expected a mapping of vocabularies; found {describe(data)}")
        ]
    return SourceFile(rel, path.stem, data, "", 0, text, 1), problems


def describe(value: Any) -> str:
    """A short, human description of a YAML value for error messages."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'" if value else "an empty text"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"
