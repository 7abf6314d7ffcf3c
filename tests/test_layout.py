"""Imports point one way: the application (opgrad) -> nn -> the engine's views, backends -> core.

Every ``import`` in src/ (at module level or inside a function, type-checking ones too) is read
with ``ast``; a module may import its own layer or a lower one, never a higher one, and the only
import cycle allowed is the core's (value, operation, ops and the executor, whose loops live in
passes and its step-by-step pass in stepper).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

CORE = frozenset(
    {
        "autograd.value",
        "autograd.operation",
        "autograd.ops",
        "autograd.executor",
        "autograd.passes",
        "autograd.stepper",
    }
)

# Lowest first. The first prefix a module name starts with (or equals) gives its layer.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("autograd.checks", "autograd.files", "autograd.markdown"),
    tuple(sorted(CORE)),
    ("autograd.numerical", "autograd.higher", "autograd.testing", "autograd.replay"),
    ("autograd.views",),
    ("autograd",),  # the package's __init__, which re-exports everything below it
    # nn.torch_bridge works on plain numbers, so that MLP.to_torch/from_torch can call it.
    ("nn._checks", "nn._modelfile", "nn.datasets", "nn.torch_bridge"),
    ("nn.module", "nn.dead", "nn.losses", "nn.optim", "nn.serialize"),
    ("nn.batch",),
    ("nn.train",),
    ("nn.plot",),
    ("nn",),  # the package's __init__
    ("opgrad.play", "opgrad.exercises"),
    ("opgrad.cli",),
    ("opgrad", "opgrad.__main__"),
)


# These name the package __init__ only, not its modules.
_ROOTS = frozenset({"autograd", "nn", "opgrad"})


def _modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _layer(module: str) -> int:
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or (prefix not in _ROOTS and module.startswith(prefix + ".")):
                return rank
    raise AssertionError(f"{module} is in no layer of tests/test_layout.py: place it there")


def _imports(module: str, source: str | None = None) -> Iterator[tuple[str, int]]:
    """The project modules ``module`` imports (anywhere in its source), with their lines."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if source is None:
        source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                name = f"{base}.{alias.name}"
                if name in MODULES:
                    yield name, node.lineno
                elif base in MODULES:
                    yield base, node.lineno


GRAPH = {m: {target for target, _ in _imports(m)} - {m} for m in MODULES}


def test_layout_every_module_has_a_layer() -> None:
    for module in MODULES:
        _layer(module)


def _upward(module: str, source: str | None = None) -> list[str]:
    rank = _layer(module)
    return [
        f"line {line}: {target}"
        for target, line in _imports(module, source)
        if target != module and _layer(target) > rank
    ]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_layout_imports_point_down(module: str) -> None:
    upward = _upward(module)
    assert not upward, f"{module} imports a higher layer: {'; '.join(upward)}"


def _reachable(start: str) -> set[str]:
    seen: set[str] = set()
    stack = list(GRAPH[start])
    while stack:
        module = stack.pop()
        if module not in seen:
            seen.add(module)
            stack.extend(GRAPH[module])
    return seen


def test_layout_the_only_cycle_is_the_core() -> None:
    reach = {m: _reachable(m) for m in MODULES}
    in_cycles = {m for m in MODULES if m in reach[m]}
    assert in_cycles <= CORE, f"import cycles outside the core: {sorted(in_cycles - CORE)}"


def test_layout_the_checker_sees_upward_imports() -> None:
    # The rules above must be able to fail: the imports the old layout had are caught, inside
    # functions and under TYPE_CHECKING too, and relative imports are resolved.
    inside = "def f():\n    from autograd.views.viz import _mimebundle\n"
    assert _upward("autograd.value", inside) == ["line 2: autograd.views.viz"]
    typing_only = "if TYPE_CHECKING:\n    from autograd.replay.plan import Plan\n"
    assert _upward("autograd.executor", typing_only) == ["line 2: autograd.replay.plan"]
    assert _upward("autograd.ops", "from . import views\n") == ["line 1: autograd.views"]
    assert _upward("nn.module", "import opgrad.cli\n") == ["line 1: opgrad.cli"]
    assert _upward("autograd.views.viz", "from autograd.executor import GraphExecutor\n") == []


_APPLICATION_MODULES = frozenset({"argparse", "http.server", "socketserver", "wsgiref"})


def _stdlib_imports(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if m.split(".")[0] in {"autograd", "nn"})
)
def test_layout_libraries_neither_parse_a_command_line_nor_serve_http(module: str) -> None:
    # The application (opgrad.cli, opgrad.play) owns argparse and the HTTP server; a user who
    # imports the engine or the network library gets neither.
    found = _stdlib_imports(module) & _APPLICATION_MODULES
    assert not found, f"{module} imports {sorted(found)}: that belongs in the opgrad package"


def test_layout_the_application_check_can_fail() -> None:
    assert "argparse" in _stdlib_imports("opgrad.cli.common")
