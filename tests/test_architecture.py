"""The import graph of pygen (and its two build plugins) reads as the layout says (README, Layout).

- no import cycle between modules (function-level imports count: they only hide a cycle; imports under
  ``if TYPE_CHECKING:`` do not, they never run);
- no module imports another package's private module: ``a.b._c`` is imported only from inside ``a.b``
  (a package's own modules and its subpackages); what other packages need, a package exports;
- the runtime packages import nothing from the generator, the CLI or the emulator (their imports at run time
  are checked in tests/test_runtime_boundary.py).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = {
    REPO: "pygen",
    REPO / "pygen_hatch" / "src": "pygen_hatch",
    REPO / "pygen_setuptools" / "src": "pygen_setuptools",
}
RUNTIME = ("pygen.transport", "pygen.dms", "pygen.instances")
NOT_FOR_THE_RUNTIME = ("pygen.generator", "pygen.cli", "pygen.emulator")


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root, package in SOURCES.items():
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for child in node.body for inner in ast.walk(child))
    return skipped


def _imports(name: str) -> Iterator[tuple[str, int]]:
    """``(imported module, line)`` for every import in module ``name`` that runs, resolved to modules of ours."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    package = name if _is_package(name) else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target not in MODULES:
                continue
            submodules = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in MODULES]
            yield from ((module, node.lineno) for module in submodules)
            if len(submodules) < len(node.names):
                yield target, node.lineno


GRAPH = {name: sorted(set(_imports(name))) for name in MODULES}


def _private_owner(module: str) -> str | None:
    """The package whose private module ``module`` is (``a.b`` for ``a.b._c.d``), or None when it is public."""
    parts = module.split(".")
    for index, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:index])
    return None


def test_no_module_imports_another_packages_private_module() -> None:
    crossings = []
    for importer, imported in GRAPH.items():
        for module, line in imported:
            owner = _private_owner(module)
            if owner is not None and importer != owner and not importer.startswith(owner + "."):
                crossings.append(f"{MODULES[importer].relative_to(REPO)}:{line} imports {module}")
    assert crossings == []


def test_the_import_graph_has_no_cycle() -> None:
    # Tarjan's strongly connected components: a component of more than one module is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target, _ in GRAPH[node]:
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
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    assert cycles == []


def test_the_runtime_imports_nothing_of_the_generator_cli_or_emulator() -> None:
    leaks = [
        f"{MODULES[importer].relative_to(REPO)}:{line} imports {module}"
        for importer, imported in GRAPH.items()
        if importer.startswith(RUNTIME)
        for module, line in imported
        if module.startswith(NOT_FOR_THE_RUNTIME)
    ]
    assert leaks == []


def test_the_checks_see_the_whole_tree() -> None:
    """A check that finds nothing to check passes for the wrong reason: the graph has every package."""
    for name in ("pygen.errors", "pygen.generator", "pygen.generator.config", "pygen.cli", "pygen.emulator"):
        assert name in GRAPH
    assert ("pygen.generator.config", 0) not in GRAPH["pygen.cli._generate"]
    assert any(module == "pygen.errors" for module, _ in GRAPH["pygen.transport._errors"])
