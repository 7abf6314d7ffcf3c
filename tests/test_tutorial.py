"""The tutorial's readable code agrees with the engine's tuned code."""

from __future__ import annotations

import doctest
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from autograd import GraphExecutor, Value
from strategies import Recipe, build, opgrad_leaf, recipes
from userops import Fma

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "tutorial.md"


def _readable_sort() -> Callable[[Value], list[Value]]:
    """The ``topological_order`` the tutorial defines in its section 4, run from the page."""
    examples = doctest.DocTestParser().get_examples(TUTORIAL.read_text(encoding="utf-8"))
    (source,) = [e.source for e in examples if e.source.startswith("def topological_order(")]
    namespace: dict[str, object] = {}
    exec(source, namespace)
    function = namespace["topological_order"]
    assert callable(function)
    return function


READABLE_SORT = _readable_sort()


@given(recipes(), st.integers(0, 3))
def test_tutorial_readable_sort_gives_the_executors_order(recipe: Recipe, k: int) -> None:
    root, leaves = build(recipe, opgrad_leaf)
    if k:  # an operation of three inputs, and inputs used twice
        root = Fma()(root, leaves[k % len(leaves)], root * root) + leaves[0]
    assert READABLE_SORT(root) == GraphExecutor().topological_order(root)


def test_tutorial_readable_sort_needs_no_recursion() -> None:
    node = Value(1.0)
    for _ in range(5_000):
        node = node * 1.0
    assert READABLE_SORT(node) == GraphExecutor().topological_order(node)
