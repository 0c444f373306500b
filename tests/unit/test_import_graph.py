"""favorbook's own imports, read from the source: no cycle between its modules and no
use of another module's private names.

Imports inside functions count as much as those at the top of a module: an import
moved into a function hides a cycle from Python, not from a reader.
"""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "favorbook"


def _modules() -> dict[str, pathlib.Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _owner(name: str) -> str | None:
    """The favorbook module ``name`` is, or lies in (``favorbook.db.models.db``: the models)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if MODULES[module].name != "__init__.py":
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _read(module: str) -> tuple[dict[str, int], list[str]]:
    """(the favorbook modules ``module`` imports, with a line of each; its uses of
    another module's private names)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    imports: dict[str, int] = {}
    private: list[str] = []
    bound: dict[str, str] = {}  # local name -> the favorbook module it stands for

    def depends(name: str, line: int) -> None:
        owner = _owner(name)
        if owner and owner != module:
            imports.setdefault(owner, line)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "favorbook":
                    depends(alias.name, node.lineno)
                    if alias.asname and alias.name in MODULES:
                        bound[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            if source.split(".")[0] != "favorbook":
                continue
            for alias in node.names:
                full = f"{source}.{alias.name}"
                if full in MODULES:
                    depends(full, node.lineno)
                    bound[alias.asname or alias.name] = full
                    continue
                depends(source, node.lineno)
                if _private(alias.name) and _owner(source) != module:
                    private.append(f"{module}:{node.lineno} from {source} import {alias.name}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and _private(node.attr)
            and bound[node.value.id] != module
        ):
            private.append(f"{module}:{node.lineno} {bound[node.value.id]}.{node.attr}")
    return imports, private


GRAPH: dict[str, dict[str, int]] = {}
PRIVATE: list[str] = []
for _name in MODULES:
    GRAPH[_name], _uses = _read(_name)
    PRIVATE += _uses


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm,
    without recursion), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph[target])))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    members = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.append(member)
                        if member == node:
                            break
                    if len(members) > 1:
                        found.append(sorted(members))
    return found


def _described(cycle: list[str]) -> str:
    edges = [f"{a} -> {b} (line {GRAPH[a][b]})" for a in cycle for b in cycle if b in GRAPH[a]]
    return "; ".join(edges)


def test_the_graph_sees_imports_inside_functions():
    # favorbook.cli imports its command modules only when a command runs.
    assert "favorbook.sample.demo" in GRAPH["favorbook.cli"]


def test_no_import_cycle_between_favorbook_modules():
    assert [_described(c) for c in _cycles(GRAPH)] == []


def test_cycle_finder_finds_a_cycle_through_three_modules():
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1, "d": 1}, "d": {}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_module_uses_another_modules_private_names():
    assert PRIVATE == []
