"""The shape of the code: no module reaches into another's private names, and no two
modules import each other (function-level imports included)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import hadr_lib

PACKAGE = Path(hadr_lib.__file__).parent


def _imports() -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """Module -> modules it imports from within hadr_lib; and (module, from, name) for
    every private name imported across modules."""
    graph: dict[str, set[str]] = defaultdict(set)
    private = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if path.name == "__init__.py" else parts)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                graph[module].add(target)
                private += [(module, target, a.name) for a in node.names
                            if a.name.startswith("_") and not a.name.startswith("__")]
            elif isinstance(node, ast.Import):
                graph[module].update(a.name for a in node.names if a.name.startswith("hadr_lib."))
    return graph, private


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def test_no_module_imports_another_modules_private_names():
    _, private = _imports()
    assert private == [], "\n".join(f"{m} imports {n} from {t}" for m, t, n in private)


def test_no_import_cycle():
    graph, _ = _imports()
    assert _cycles(graph) == []


def test_the_scan_sees_a_cycle_and_a_private_import():
    """The checks above can fail: a made-up pair of modules trips both."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    graph, _ = _imports()
    assert "hadr_lib.checks" in graph["hadr_lib.model"]  # the scan reads real imports
    assert "hadr_lib.strategies" in graph["hadr_lib.scenario"]


def test_every_module_is_on_one_side_of_the_import_contracts():
    """pyproject.toml's import-linter contracts name domain modules (they compute) and
    the modules they must not import (they present): a new module must take a side."""
    import tomllib

    contracts = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["importlinter"]
    domain = next(c for c in contracts["contracts"] if c["id"] == "domain")
    sides = set(domain["source_modules"]) | {m for m in domain["forbidden_modules"] if m.startswith("hadr_lib.")}
    modules = {f"hadr_lib.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    modules |= {f"hadr_lib.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    modules -= {"hadr_lib.__main__"}
    assert modules - sides == set(), "modules on neither side of the import contracts"
    assert sides - modules == set(), "contracts name modules that do not exist"


def test_moved_names_still_work_with_a_warning():
    import hadr_lib.overview as old
    from hadr_lib.views import overview_html

    with pytest.warns(DeprecationWarning, match="moved to hadr_lib.views.overview_html"):
        assert old.overview_html is overview_html
    with pytest.raises(AttributeError):
        old.no_such_name  # noqa: B018


_KIND_CLASSES = {"Component", "Series", "Parallel", "KofN", "Standby", "CommonCause"}


def _kind_checks(tree: ast.AST) -> list[int]:
    """Lines of ``isinstance(x, <kind class>)`` and ``type(x) is <kind class>``."""
    def names(node) -> set[str]:
        if isinstance(node, ast.Tuple):
            return set().union(*(names(e) for e in node.elts))
        if isinstance(node, ast.Name):
            return {node.id}
        if isinstance(node, ast.Attribute):
            return {node.attr}
        return set()

    lines = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance"
                and len(node.args) == 2 and names(node.args[1]) & _KIND_CLASSES):
            lines.append(node.lineno)
        elif (isinstance(node, ast.Compare) and isinstance(node.left, ast.Call)
              and isinstance(node.left.func, ast.Name) and node.left.func.id == "type"
              and any(names(c) & _KIND_CLASSES for c in node.comparators)):
            lines.append(node.lineno)
    return lines


def test_kind_specific_checks_live_only_in_their_kind_module():
    """What a block kind means is said in its module under design/blocks; everything
    else asks the registry (``kind_of``), so a new kind is never mistaken for another."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent == PACKAGE / "design" / "blocks":
            continue
        found += [f"{path.relative_to(PACKAGE)}:{line}"
                  for line in _kind_checks(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == []


def test_the_kind_check_scan_sees_both_spellings():
    code = "isinstance(a, (m.Standby, int))\nif type(b) is CommonCause: pass\nisinstance(c, dict)\n"
    assert _kind_checks(ast.parse(code)) == [1, 2]


def test_every_module_has_its_layer_in_the_stack():
    """The "stack" contract (import-linter, run by make lint) names every module's layer:
    a new module must be placed in it."""
    import re
    import tomllib

    contracts = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["importlinter"]
    stack = next(c for c in contracts["contracts"] if c["id"] == "stack")
    placed = [f"hadr_lib.{name}" for layer in stack["layers"] for name in re.split(r"\s*[|:]\s*", layer)]
    assert len(placed) == len(set(placed)), "a module in two layers"
    modules = {f"hadr_lib.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__")}
    modules |= {f"hadr_lib.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    assert modules == set(placed)
