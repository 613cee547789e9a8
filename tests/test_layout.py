"""The package layout holds: data flows one way, no import circles, SQL in store/ and search/.

Every import counts, at module level, inside functions and under TYPE_CHECKING alike: the
graph is read from the source with `ast`, not from what happens to be imported at run time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "docshelf"

# Lower layers never import higher ones; a layer may import itself and anything below.
LAYERS = (
    (
        "docshelf.constants",
        "docshelf.wording",
        "docshelf.install",
        "docshelf.errors",
        "docshelf.settings",
        "docshelf.models",
        "docshelf.files",
    ),
    ("docshelf.semver", "docshelf.progress", "docshelf.locks"),
    ("docshelf.parsing", "docshelf.sources"),
    ("docshelf.store",),
    ("docshelf.search", "docshelf.reading"),
    ("docshelf.shelf",),
    ("docshelf.versions", "docshelf.packages", "docshelf.guides", "docshelf.evaluation"),
    ("docshelf.server", "docshelf.cli"),
)
ADAPTERS = ("docshelf.server", "docshelf.cli")
FACADES = ("docshelf", "docshelf.__main__")  # the lazy public API and `python -m docshelf`
SQL_HOMES = ("docshelf.store", "docshelf.search")
SQL_CALLS = {"execute", "executemany", "executescript"}


def module_name(file: Path) -> str:
    parts = list(file.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(f): f for f in sorted(PACKAGE.rglob("*.py"))}
TREES = {name: ast.parse(file.read_text(encoding="utf-8")) for name, file in MODULES.items()}


def within(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def imports(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """(docshelf module, line) for every import in the tree, wherever it stands."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if within(alias.name, "docshelf"):
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and within(node.module, "docshelf"):
            yield node.module, node.lineno
            for alias in node.names:
                if f"{node.module}.{alias.name}" in MODULES:  # `from docshelf.x import module`
                    yield f"{node.module}.{alias.name}", node.lineno


# A package's __init__ importing its own submodules (`from docshelf.cli import search`) names
# itself as well; that is not an edge.
GRAPH = {name: {t for t, _ in imports(tree) if t != name} for name, tree in TREES.items()}


def layer_of(name: str) -> int:
    for rank, members in enumerate(LAYERS):
        if within(name, *members):
            return rank
    raise AssertionError(f"{name} belongs to no layer; add it to LAYERS in {__file__}")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_import_names_a_module_that_exists():
    missing = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if target not in MODULES
    ]
    assert missing == []


def test_there_are_no_import_circles():
    assert cycles(GRAPH) == []


def test_the_circle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("name", sorted(set(MODULES) - set(FACADES)))
def test_modules_import_only_their_own_layer_and_below(name: str):
    upward = [t for t in GRAPH[name] if t not in FACADES and layer_of(t) > layer_of(name)]
    assert upward == [], f"{name} (layer {layer_of(name)}) imports a higher layer"


def test_the_core_never_imports_the_server_or_the_cli():
    core = [n for n in MODULES if not within(n, *ADAPTERS) and n not in FACADES]
    offenders = [(n, t) for n in core for t in GRAPH[n] if within(t, *ADAPTERS)]
    assert offenders == []


def test_the_cli_enters_the_server_only_through_serve_in_the_serve_command():
    entries = [
        (name, node, function)
        for name, tree in TREES.items()
        if within(name, "docshelf.cli")
        for function, node in imports_with_function(tree)
        if within(node.module or "", "docshelf.server")
    ]
    assert len(entries) == 1, [(name, node.lineno) for name, node, _ in entries]
    [(_, node, function)] = entries
    assert (node.module, [a.name for a in node.names]) == ("docshelf.server", ["serve"])
    assert function == "serve"  # imported when the command runs, so `--help` stays cheap


def imports_with_function(tree: ast.AST) -> Iterator[tuple[str, ast.ImportFrom]]:
    """Each `from ... import` with the name of the function it stands in ("" at top level)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom):
                    yield node.name, inner
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.ImportFrom):
            yield "", node


def test_sql_is_run_only_in_store_and_search():
    offenders = [
        f"{name}:{node.lineno}"
        for name, tree in TREES.items()
        if not within(name, *SQL_HOMES)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_CALLS
    ]
    assert offenders == []


# uvicorn's HTTP protocol names its h11 state machine `conn`; it is no index connection.
NOT_SQLITE = ("docshelf.server.connections",)


def test_only_the_shelf_hands_out_its_connection():
    offenders = [
        f"{name}:{node.lineno}"
        for name, tree in TREES.items()
        if not within(name, "docshelf.shelf", *SQL_HOMES, *NOT_SQLITE)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "conn"
    ]
    assert offenders == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_module_opens_with_a_line_on_its_job(name: str):
    doc = ast.get_docstring(TREES[name])
    assert doc, f"{name} has no docstring"
    first = doc.split("\n\n", 1)[0]
    assert first.rstrip().endswith((".", ":")), f"{name}: {first!r}"
