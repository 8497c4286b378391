"""Structure limits of the package (issue 13): modules of at most 600 lines, functions of at
most 80 (docstring included), no import cycle, no private name imported from another module.

A module over the limit is split by job (not by length) into modules with public names; a
long function is broken into named helpers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import asnsql

PACKAGE = Path(asnsql.__file__).resolve().parent
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("asnsql",) + path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _is_type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def imports(tree: ast.AST, module: str, is_package: bool):
    """``(target module, imported name or None, line)`` of every import in ``tree``, at
    module or function level (not under ``if TYPE_CHECKING``); relative imports resolved
    against ``module``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                yield target, alias.name, node.lineno


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the package modules it imports (a name that is a submodule counts as the
    submodule; importing a module's parent packages is not counted)."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target, imported, _ in imports(tree, name, path.name == "__init__.py"):
            if imported is not None and f"{target}.{imported}" in modules:
                graph[name].add(f"{target}.{imported}")
            elif target in modules:
                graph[name].add(target)
    for name in graph:
        graph[name].discard(name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def private_imports(modules: dict[str, Path]):
    """``(importing file, defining module, name, line)`` of each ``from .x import _name``
    that takes a private name (one ``_``, not a submodule) from another package module."""
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target, imported, line in imports(tree, name, path.name == "__init__.py"):
            if (imported and imported.startswith("_") and not imported.startswith("__")
                    and target in modules and target != name
                    and f"{target}.{imported}" not in modules):
                yield _relative(path), target, imported, line


def test_no_module_is_too_long():
    long = {}
    for path in _modules().values():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            long[_relative(path)] = lines
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split them by job): {long}"


def test_no_function_is_too_long():
    long = {}
    for path in _modules().values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{_relative(path)}:{node.lineno} {node.name}"] = lines
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_no_import_cycle():
    found = cycles(import_graph(_modules()))
    assert not found, f"modules importing each other (directly or round a loop): {found}"


def test_no_private_name_is_imported_from_another_module():
    modules = _modules()
    found = [f"{file}:{line} imports {name} from {target}"
             for file, target, name, line in private_imports(modules)]
    assert not found, f"private names imported across modules (make them public): {found}"


def test_the_sql_cache_key_hashes_every_module(monkeypatch):
    """The plan's cache key (plan._fingerprint) hashes the source of every module of the
    package, so a module split or renamed can never drop out of it."""
    from pathlib import Path as RealPath

    from asnsql import plan

    read = []
    original = RealPath.read_bytes

    def recording(self):
        read.append(self.resolve())
        return original(self)

    monkeypatch.setattr(RealPath, "read_bytes", recording)
    plan._fingerprint.cache_clear()
    try:
        plan._fingerprint()
    finally:
        plan._fingerprint.cache_clear()
    assert set(_modules().values()) <= set(read)


# --- the checks themselves can fail ----------------------------------------------------------


def test_cycles_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("source, module, expected", [
    ("from .io import _STAGING, clean\n", "asnsql.session",
     [("asnsql.io", "_STAGING"), ("asnsql.io", "clean")]),
    ("def f():\n    from ..engine import Engine\n", "asnsql.tools.gather",
     [("asnsql.engine", "Engine")]),
    ("from . import io\n", "asnsql.profiles", [("asnsql.profiles", "io")]),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .x import Y\n",
     "asnsql.a", [("typing", "TYPE_CHECKING")]),
])
def test_imports_are_resolved(source, module, expected):
    found = [(target, name) for target, name, _ in imports(ast.parse(source), module,
                                                            is_package=module == "asnsql.profiles")]
    assert found == expected
