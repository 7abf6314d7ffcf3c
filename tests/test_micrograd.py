"""Differential tests against micrograd 0.1.0 on random expressions over the ops it has."""

import math

import pytest
from hypothesis import given, settings

from autograd import Value
from strategies import PORTABLE_STEPS, Recipe, build, opgrad_leaf, recipes

micrograd_engine = pytest.importorskip("micrograd.engine")


@given(recipes(PORTABLE_STEPS))
@settings(max_examples=150)
def test_micrograd_same_values_and_gradients(recipe: Recipe) -> None:
    ours, our_leaves = build(recipe, opgrad_leaf)
    theirs, their_leaves = build(recipe, micrograd_engine.Value)
    if not math.isfinite(ours.data) or abs(ours.data) > 1e12:
        return
    assert ours.data == pytest.approx(theirs.data, rel=1e-9, abs=1e-9)
    ours.backward()
    theirs.backward()
    for mine, other in zip(our_leaves, their_leaves):
        assert mine.grad == pytest.approx(other.grad, rel=1e-7, abs=1e-7)


def test_micrograd_double_counts_on_second_backward_and_we_do_not() -> None:
    a = micrograd_engine.Value(3.0)
    z = (a * a) * 2
    z.backward()
    z.backward()
    assert a.grad == 36.0
    b = Value(3.0)
    w = (b * b) * 2
    w.backward()
    w.backward()
    assert b.grad == 24.0


def test_micrograd_dies_on_a_deep_chain_and_we_do_not() -> None:
    x = micrograd_engine.Value(1.0)
    y = x
    for _ in range(5000):
        y = y * 1.0
    with pytest.raises(RecursionError):
        y.backward()
    v = Value(1.0)
    w = v
    for _ in range(5000):
        w = w * 1.0
    w.backward()
    assert v.grad == 1.0
