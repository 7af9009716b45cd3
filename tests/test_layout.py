"""The shape of ganlib: packages whose imports run one way, short modules, no cycles.

A newcomer reads `ganlib/gan/` first and finds the whole algorithm there; the packages
after it build on the ones before, never the other way round. These tests keep it so.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GANLIB = Path(__file__).resolve().parent.parent / "ganlib"

FOUNDATION = {"errors", "checks"}
MAY_IMPORT = {
    "errors": set(),
    "checks": {"errors"},
    "gan": FOUNDATION,
    "data": FOUNDATION,
    "evaluate": FOUNDATION | {"gan", "data"},
    "pictures": FOUNDATION | {"gan", "data", "evaluate"},
    "creative": FOUNDATION | {"gan", "data", "evaluate", "pictures"},
    "workbook": FOUNDATION | {"gan", "data", "evaluate", "pictures", "creative"},
}
"""What each part of ganlib may import from the others (besides itself). The package's
front door, `ganlib/__init__.py`, and the commands, `ganlib/__main__.py`, may import any."""

MODULES = sorted(path for path in GANLIB.rglob("*.py") if path.parent != GANLIB or path.stem in FOUNDATION)


def part_of(path: Path) -> str:
    """The part of ganlib a file belongs to: its package, or `errors` / `checks`."""
    relative = path.relative_to(GANLIB)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def module_name(path: Path) -> str:
    parts = path.relative_to(GANLIB.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def ganlib_imports(path: Path) -> list[tuple[str, ast.stmt, bool]]:
    """(module imported, the statement, whether it runs inside a function) for every import of
    ganlib in `path`."""
    tree = ast.parse(path.read_text())
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, child, in_function) for alias in child.names if alias.name.startswith("ganlib"))
            elif isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("ganlib"):
                names = [f"{child.module}.{alias.name}" if child.module == "ganlib" else child.module for alias in child.names]
                found.extend((name, child, in_function) for name in names)
            visit(child, nested)

    visit(tree, False)
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(GANLIB)))
def test_imports_run_one_way(path):
    part = part_of(path)
    for imported, statement, _ in ganlib_imports(path):
        target = imported.split(".")[1] if "." in imported else ""
        assert target in MAY_IMPORT[part] | {part}, (
            f"{path.relative_to(GANLIB)} (in {part}/) imports {imported} (line {statement.lineno}); "
            f"{part} may import only {sorted(MAY_IMPORT[part])}"
        )


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(GANLIB)))
def test_an_import_inside_a_function_says_why(path):
    lines = path.read_text().splitlines()
    for imported, statement, in_function in ganlib_imports(path):
        if in_function:
            said = lines[statement.lineno - 1] + lines[statement.lineno - 2]
            assert "#" in said, f"{path.relative_to(GANLIB)}:{statement.lineno} imports {imported} late without saying why"


def test_no_module_imports_itself_round_in_a_circle():
    graph = {module_name(path): {imported for imported, _, in_function in ganlib_imports(path) if not in_function}
             for path in GANLIB.rglob("*.py")}
    graph = {module: {target for target in targets if target in graph} for module, targets in graph.items()}
    visiting, done = [], set()

    def visit(module: str) -> None:
        assert module not in visiting, "an import cycle: " + " -> ".join([*visiting[visiting.index(module):], module])
        if module in done:
            return
        visiting.append(module)
        for target in sorted(graph[module]):
            if target != "ganlib" and not module.startswith(target + "."):  # a package's own __init__ is not a cycle
                visit(target)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


@pytest.mark.parametrize("path", sorted(GANLIB.rglob("*.py")), ids=lambda path: str(path.relative_to(GANLIB)))
def test_every_module_reads_in_one_sitting(path):
    assert len(path.read_text().splitlines()) <= 300, f"{path.relative_to(GANLIB)} is longer than 300 lines"


def test_the_map_in_ganlibs_docstring_names_every_package():
    import ganlib

    for package in sorted(path.name for path in GANLIB.iterdir() if (path / "__init__.py").exists()):
        assert f"{package}/" in ganlib.__doc__, f"ganlib/__init__.py's map does not mention {package}/"


@pytest.mark.parametrize("package", sorted(path for path in GANLIB.iterdir() if (path / "__init__.py").exists()),
                         ids=lambda path: path.name)
def test_each_package_lists_its_modules(package):
    listed = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
    for module in sorted(path.stem for path in package.iterdir() if path.suffix == ".py" and path.stem != "__init__"):
        assert module in listed, f"{package.name}/__init__.py's docstring does not mention {module}"
