"""Each module imports only its own stage and earlier ones (generator/stages.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from generator.stages import STAGES, stage_of

PACKAGE = Path(__file__).resolve().parent.parent / "generator"


def _top(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """The top-level generator modules that `path` imports (relative or absolute)."""
    depth = len(path.relative_to(PACKAGE).parts) - 1  # 0 for generator/x.py
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            up = node.level - 1
            inside = list(path.relative_to(PACKAGE).parts[:depth])[:depth - up]
            parts = inside + (node.module.split(".") if node.module else [])
            if parts:
                found.add(parts[0])
            else:  # `from . import source, privacy`
                found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator."):
            found.add(node.module.split(".")[1])
    return found - {"__init__"}


def test_every_module_is_in_exactly_one_stage():
    modules = {_top(path) for path in PACKAGE.rglob("*.py")} - {"__init__"}
    listed = [module for _, _, names in STAGES for module in names]
    assert sorted(listed) == sorted(set(listed)), "a module is listed twice"
    assert modules == set(listed)


def test_no_module_imports_a_later_stage():
    later = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py" and path.parent == PACKAGE:
            continue
        own = stage_of(_top(path))
        for module in sorted(_imports(path)):
            if stage_of(module) > own:
                later.append(f"{path.relative_to(PACKAGE)} imports {module} "
                             f"({STAGES[stage_of(module)][0]}, after {STAGES[own][0]})")
    assert later == []


def test_validation_imports_neither_the_library_nor_audio_nor_load():
    for path in sorted((PACKAGE / "validate").glob("*.py")):
        assert not _imports(path) & {"load", "library", "links", "analysis", "audio",
                                     "checks"}, path
