"""GraphExecutor.grad: derivatives as floats, and as graphs that can be differentiated again."""

import math
import struct

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import (
    BackwardStep,
    GraphExecutor,
    NonFiniteError,
    Value,
    explain,
    to_dot,
)
from strategies import EVERY_OP_STEPS, Recipe, build, kinks_clear, recipes
from userops import Fma, Sin

EX = GraphExecutor()


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def same(a: float, b: float) -> bool:
    """Equal, or both NaN (a zero's sign aside: see GraphExecutor.grad)."""
    return a == b or (a != a and b != b)


def test_grad_of_a_cube_to_the_fourth_order() -> None:
    x = Value(2.0, label="x")
    y = x**3
    d1 = EX.grad(y, x, create_graph=True)
    d2 = EX.grad(d1, x, create_graph=True)
    d3 = EX.grad(d2, x, create_graph=True)
    assert (d1.data, d2.data, d3.data) == (12.0, 12.0, 6.0)
    assert EX.grad(d3, x) == 0.0  # d3 is a constant: x is not in its graph


def test_grad_returns_one_result_for_one_node_and_a_list_for_a_sequence() -> None:
    a, b = Value(2.0), Value(-3.0)
    y = a * b + a
    assert EX.grad(y, a) == -2.0
    assert EX.grad(y, [a, b]) == [-2.0, 2.0]
    assert EX.grad(y, (b,)) == [2.0]
    values = EX.grad(y, [a, b], create_graph=True)
    assert [v.data for v in values] == [-2.0, 2.0]
    assert all(isinstance(v, Value) for v in values)


def test_grad_second_derivative_of_tanh_is_the_formula() -> None:
    x = Value(0.7)
    t = math.tanh(0.7)
    d1 = EX.grad(x.tanh(), x, create_graph=True)
    assert d1.data == pytest.approx(1 - t * t, rel=1e-15)
    assert EX.grad(d1, x) == pytest.approx(-2 * t * (1 - t * t), rel=1e-14)


def test_grad_mixed_partials_of_a_product() -> None:
    a, b = Value(1.5), Value(-2.0)
    y = a * a * b
    da, db = EX.grad(y, [a, b], create_graph=True)
    assert EX.grad(da, [a, b]) == [2 * -2.0, 2 * 1.5]
    assert EX.grad(db, [a, b]) == [2 * 1.5, 0.0]


def test_grad_leaves_every_grad_untouched() -> None:
    a, b = Value(1.5), Value(-2.0)
    a.grad, b.grad = 0.25, -0.0
    y = (a * b).tanh()
    y.grad = 7.0
    EX.grad(y, [a, b])
    d = EX.grad(y, a, create_graph=True)
    EX.grad(d, [a, b], create_graph=True)
    assert (bits(a.grad), bits(b.grad), y.grad) == (bits(0.25), bits(-0.0), 7.0)


def test_grad_of_a_node_outside_the_graph_is_zero() -> None:
    x, other = Value(1.0), Value(5.0)
    y = x * 2
    assert EX.grad(y, other) == 0.0
    zero = EX.grad(y, other, create_graph=True)
    assert zero.data == 0.0
    assert zero.is_leaf


def test_grad_with_respect_to_an_inner_node_and_the_root() -> None:
    x = Value(3.0)
    h = x * x
    y = h.tanh()
    assert EX.grad(y, h) == pytest.approx(1 - math.tanh(9.0) ** 2)
    assert EX.grad(y, y) == 1.0
    assert EX.grad(y, y, create_graph=True, seed=2.5).data == 2.5


def test_grad_seed_scales_and_may_be_a_value() -> None:
    x = Value(2.0)
    y = x * x
    assert EX.grad(y, x, seed=-0.5) == -2.0
    s = Value(3.0, label="s")
    d = EX.grad(y, x, create_graph=True, seed=s)
    assert d.data == 12.0
    assert EX.grad(d, [x, s]) == [6.0, 4.0]  # d = s * 2x
    assert EX.grad(y, x, seed=Value(2.0)) == 8.0


@pytest.mark.parametrize("wrt", [1.0, [Value(1.0), "x"], None])
def test_grad_refuses_what_is_not_a_value_naming_it(wrt: object) -> None:
    with pytest.raises(TypeError, match="grad: wrt must be a Value"):
        EX.grad(Value(1.0) * 2, wrt)  # type: ignore[call-overload]


@pytest.mark.parametrize("seed", ["1", True, None])
def test_grad_refuses_a_seed_that_is_not_a_number(seed: object) -> None:
    with pytest.raises(TypeError, match="grad: seed must be a number or a Value"):
        EX.grad(Value(1.0) * 2, [], seed=seed)  # type: ignore[call-overload]


@settings(deadline=None)  # a shared machine: timings say nothing here
@given(recipes(EVERY_OP_STEPS, max_steps=10), st.data())
def test_grad_graph_numbers_equal_the_float_pass(recipe: Recipe, data: st.DataObject) -> None:
    root, leaves = build(recipe, Value)
    floats = EX.grad(root, leaves)
    values = EX.grad(root, leaves, create_graph=True)
    assert all(same(v.data, f) for v, f in zip(values, floats))
    assert floats == [EX.gradients(root).get(leaf, 0.0) for leaf in leaves] or any(
        f != f for f in floats
    )


def _derivative(recipe: Recipe, point: list[float], path: list[int]) -> float:
    """d/dx_path[-1] ... d/dx_path[0] of the recipe's root at ``point`` (the root for [])."""
    root, leaves = build(Recipe(tuple(point), recipe.steps), Value)
    if not path:
        return root.data
    g = root
    for i in path[:-1]:
        g = EX.grad(g, leaves[i], create_graph=True)
    return EX.grad(g, leaves[path[-1]])


H = 1e-5


def _check_order(recipe: Recipe, path: list[int]) -> None:
    """The derivative along ``path`` against a central difference of the one before it."""
    point = list(recipe.leaves)
    analytic = _derivative(recipe, point, path)
    i = path[-1]
    up = [*point[:i], point[i] + H, *point[i + 1 :]]
    down = [*point[:i], point[i] - H, *point[i + 1 :]]
    f_up, f_down = _derivative(recipe, up, path[:-1]), _derivative(recipe, down, path[:-1])
    numeric = (f_up - f_down) / (2 * H)
    # Central differences err by about h**2 * f''' (truncation) and 1e-16 * |f| / h (rounding).
    tolerance = 1e-4 * (1 + abs(numeric)) + 1e-10 * max(abs(f_up), abs(f_down)) / H
    assert abs(analytic - numeric) <= tolerance, (path, analytic, numeric)


@settings(max_examples=60, deadline=None)
@given(recipes(EVERY_OP_STEPS, max_steps=8), st.data())
def test_grad_first_second_third_derivatives_match_finite_differences(
    recipe: Recipe, data: st.DataObject
) -> None:
    root, leaves = build(recipe, Value)
    order = EX.topological_order(root)
    assume(all(abs(n.data) < 1e4 for n in order))
    assume(kinks_clear(root, order, 1e-2))
    n = len(leaves)
    path = data.draw(st.lists(st.integers(0, n - 1), min_size=3, max_size=3), label="path")
    for k in (1, 2, 3):
        try:
            _check_order(recipe, path[:k])
        except (ArithmeticError, ValueError):
            # A derivative graph may leave a domain the function stays in (the second derivative
            # of sqrt at 0 divides by zero); such points say nothing about correctness.
            assume(False)


def test_grad_of_a_float_only_user_op_fails_at_second_order_naming_it() -> None:
    x = Value(0.5, label="x")
    y = Sin()(x)
    assert EX.grad(y, x) == math.cos(0.5)  # first order: floats, as ever
    with pytest.raises(TypeError) as caught:
        EX.grad(y, x, create_graph=True)
    message = str(caught.value)
    assert "Sin() cannot be differentiated twice" in message
    assert "'x' = 0.5" in message
    assert "x.cos()" in message
    assert "must be real number, not Value" in message


def test_grad_of_a_three_input_user_op_builds_a_graph() -> None:
    a, b, c = Value(2.0), Value(3.0), Value(4.0)
    y = Fma()(a, b, c) * a
    da = EX.grad(y, a, create_graph=True)  # d/da (a*b + c)*a = 2ab + c
    assert da.data == 16.0
    assert EX.grad(da, [a, b, c]) == [6.0, 4.0, 1.0]


def test_grad_gradient_graph_is_drawn_explained_and_compiled() -> None:
    x, w = Value(0.5, label="x"), Value(-1.5, label="w")
    y = (x * w).tanh()
    dw = EX.grad(y, w, create_graph=True)
    dw.label = "dy/dw"
    assert "tanh" in to_dot(dw)
    assert "dy/dw" in to_dot(dw)
    assert "dy/dw" in explain(dw)
    plan = EX.compile(dw)
    x.data, w.data = -0.25, 2.0
    fresh = EX.grad((x * w).tanh(), w, create_graph=True)
    assert bits(plan.forward()) == bits(fresh.data)
    plan.backward()
    assert bits(w.grad) == bits(EX.grad(fresh, w))


def test_grad_gradient_graph_grows_linearly_with_the_graph() -> None:
    for n in (100, 1000):
        x = Value(0.1)
        y = x
        for _ in range(n):
            y = (y * 0.5).tanh() + x
        before = len(EX.topological_order(y))
        d = EX.grad(y, x, create_graph=True)
        # Each node of the chain adds a few nodes to the derivative (products, a sum, 1 - t*t).
        assert len(EX.topological_order(d)) <= before + 6 * n


def test_grad_observer_and_check_finite_apply_to_the_graph_pass() -> None:
    steps: list[BackwardStep] = []
    x = Value(2.0, label="x")
    y = x * x
    d = GraphExecutor(observer=steps.append).grad(y, x, create_graph=True)
    assert d.data == 4.0
    assert [(s.index, s.local_grad, s.upstream, s.parent_grad) for s in steps] == [
        (0, 2.0, 1.0, 2.0),
        (1, 2.0, 1.0, 4.0),
    ]
    z = Value(0.0, label="z")
    with pytest.raises(NonFiniteError, match="'z'"):
        GraphExecutor(check_finite=True).grad(z.sqrt() * 1, z, create_graph=False)
    with pytest.raises(ZeroDivisionError, match=r"Sqrt\(\)\(.z. = 0.0\)"):
        EX.grad(z.sqrt(), z, create_graph=True)  # the slope at 0 is infinite: no graph for it


def test_grad_works_through_a_million_node_chain_without_recursion() -> None:
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    d = EX.grad(y * y, x, create_graph=True)
    assert d.data == 1.0
    assert EX.grad(d, x) == 2.0
