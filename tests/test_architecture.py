"""The package's architecture as tests: imports flow one way, modules stay small.

The layers (docs/ARCHITECTURE.md), each importing only from layers below it or from
itself: configuration and errors; the model and the results store; running
configurations; analysis; figures; the report and the command lines. Imports inside
functions count (a lazy import is still a dependency); imports for type checking only
do not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.shared import ROOT

SIM = ROOT / "sim"

LAYERS: list[tuple[str, ...]] = [
    ("sim.errors", "sim.config"),
    ("sim.model", "sim.store"),
    ("sim.run",),
    ("sim.analysis",),
    ("sim.figures",),
    (
        "sim.report",
        "sim.app",
        "sim.api",
        "sim.compare",
        "sim.calibrate",
        "sim.out_of_sample",
        "sim.sensitivity",
        "sim.robustness",
        "sim.__main__",
        "sim",
    ),
]
MAX_LINES = 400


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The `sim` modules a file imports, at module level or in functions (not for typing)."""
    found: set[str] = set()

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.ImportFrom) and (child.module or "").startswith("sim"):
                found.add(child.module)
                found.update(f"{child.module}.{a.name}" for a in child.names)
            elif isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("sim"))
            walk(child)

    walk(ast.parse(path.read_text()))
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in SIM.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        deps = set()
        for target in _imports(path):
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]  # `from sim.x import name`: the module
            if target in modules and target != name and not name.startswith(target + "."):
                deps.add(target)
        graph[name] = deps
    return graph


def _layer(module: str) -> int:
    best, level = -1, None
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and len(prefix) > best:
                best, level = len(prefix), i
    assert level is not None, f"{module} belongs to no layer: add it to LAYERS"
    return level


def test_imports_between_the_package_modules_have_no_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*path, module, dep]))
            if dep not in state:
                visit(dep, [*path, module])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_imports_flow_down_the_layers() -> None:
    upward = [
        f"{module} -> {dep}"
        for module, deps in _graph().items()
        for dep in deps
        if _layer(dep) > _layer(module)
    ]
    assert not upward, "imports running back up: " + ", ".join(sorted(upward))


@pytest.mark.parametrize("path", sorted(SIM.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= MAX_LINES, f"{path} is over {MAX_LINES} lines"


def test_importing_a_layer_does_not_import_the_ones_above() -> None:
    """`import sim.config` must not pull in the model, Mesa or Hydra's app (start-up cost)."""
    import subprocess
    import sys

    code = (
        "import sys, sim.config, sim.model.process;"
        "bad=[m for m in ('mesa','sim.run','sim.analysis','sim.figures','sim.api') "
        "if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
