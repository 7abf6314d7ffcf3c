"""Derivatives of every order against PyTorch's torch.autograd.grad(create_graph=True).

PyTorch (``torch==2.13.0``, the CPU wheel) is installed by the Makefile with the dev tools; see
tests/torchtools.py for what happens without it.
"""

from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd import GraphExecutor, Value
from strategies import EVERY_OP_STEPS, Recipe, build, kinks_clear, recipes
from torchtools import installed_torch

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def torch() -> ModuleType:
    module: ModuleType = installed_torch()
    return module


def _torch_functions(torch: ModuleType) -> dict[str, Any]:
    return {
        "max": torch.maximum,
        "min": torch.minimum,
        "logsumexp": lambda *xs: torch.logsumexp(torch.stack(xs), 0),
        # PyTorch's softplus returns x above its threshold; opgrad's is exact everywhere.
        "softplus": lambda a: torch.nn.functional.softplus(a, threshold=1000.0),
    }


def _opgrad_derivatives(recipe: Recipe, path: list[int]) -> list[float]:
    root, leaves = build(recipe, Value)
    ex = GraphExecutor()
    found = []
    node = root
    for k, i in enumerate(path):
        if k == len(path) - 1:
            found.append(ex.grad(node, leaves[i]))
        else:
            node = ex.grad(node, leaves[i], create_graph=True)
            found.append(node.data)
    return found


def _torch_derivatives(torch: ModuleType, recipe: Recipe, path: list[int]) -> list[float]:
    def leaf(x: float) -> Any:
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    root, leaves = build(recipe, leaf, _torch_functions(torch))
    found = []
    node = root
    for i in path:
        if node is None or not node.requires_grad:
            found.append(0.0)
            node = None
            continue
        (node,) = torch.autograd.grad(node, leaves[i], create_graph=True, allow_unused=True)
        found.append(0.0 if node is None else float(node.detach()))
    return found


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(recipes(EVERY_OP_STEPS, max_steps=10), st.data())
def test_first_second_third_derivatives_agree_with_pytorch(
    torch: ModuleType, recipe: Recipe, data: st.DataObject
) -> None:
    root, leaves = build(recipe, Value)
    order = GraphExecutor().topological_order(root)
    assume(all(abs(n.data) < 1e6 for n in order))
    assume(kinks_clear(root, order, 1e-9))  # both engines agree at kinks; not a hair from them
    path = data.draw(st.lists(st.integers(0, len(leaves) - 1), min_size=3, max_size=3))
    try:
        ours = _opgrad_derivatives(recipe, path)
    except (ArithmeticError, ValueError):
        assume(False)  # a derivative graph left a domain (sqrt's second derivative at 0)
        raise
    theirs = _torch_derivatives(torch, recipe, path)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-9), (k + 1, path, ours, theirs)
