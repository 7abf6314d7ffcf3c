"""autograd.higher: Hessians, Hessian-vector products and n-th derivatives."""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import BackwardStep, GraphExecutor, Value, derivative, hessian, hvp
from strategies import EVERY_OP_STEPS, Recipe, build, kinks_clear, recipes

H = 1e-5


def _close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= 1e-7 * (abs(a) + abs(b)) + 1e-12 * scale


def _usable(recipe: Recipe) -> tuple[Value, list[Value]]:
    root, leaves = build(recipe, Value)
    order = GraphExecutor().topological_order(root)
    assume(all(abs(n.data) < 1e4 for n in order))
    assume(kinks_clear(root, order, 1e-2))
    return root, leaves


@settings(max_examples=60, deadline=None)
@given(recipes(EVERY_OP_STEPS, max_steps=8))
def test_hessian_is_symmetric(recipe: Recipe) -> None:
    root, leaves = _usable(recipe)
    try:
        matrix = hessian(root, leaves)
    except (ArithmeticError, ValueError):
        assume(False)  # a derivative graph left a domain (sqrt's second derivative at 0)
        raise
    scale = max((abs(x) for row in matrix for x in row if math.isfinite(x)), default=1.0)
    for i, row in enumerate(matrix):
        for j, x in enumerate(row):
            assert _close(x, matrix[j][i], 1.0 + scale), (i, j, x, matrix[j][i])


@settings(max_examples=60, deadline=None)
@given(recipes(EVERY_OP_STEPS, max_steps=8), st.data())
def test_hvp_is_the_hessian_times_v(recipe: Recipe, data: st.DataObject) -> None:
    root, leaves = _usable(recipe)
    v = data.draw(st.lists(st.floats(-2, 2), min_size=len(leaves), max_size=len(leaves)))
    try:
        matrix = hessian(root, leaves)
        product = hvp(root, leaves, v)
    except (ArithmeticError, ValueError):
        assume(False)
        raise
    # H v summed by rows; hvp differentiates sum_i g_i v_i, i.e. sums by columns: equal where H
    # is symmetric, which the test above checks.
    expected = [math.fsum(matrix[j][i] * v[j] for j in range(len(v))) for i in range(len(v))]
    scale = 1.0 + max((abs(x) for row in matrix for x in row), default=0.0)
    assert all(_close(a, b, scale) for a, b in zip(product, expected)), (product, expected)


@settings(max_examples=40, deadline=None)
@given(recipes(EVERY_OP_STEPS, max_steps=6))
def test_hessian_matches_finite_differences_of_the_gradient(recipe: Recipe) -> None:
    root, leaves = _usable(recipe)
    try:
        matrix = hessian(root, leaves)
    except (ArithmeticError, ValueError):
        assume(False)
        raise
    point = list(recipe.leaves)
    for i in range(len(point)):
        up = [*point[:i], point[i] + H, *point[i + 1 :]]
        down = [*point[:i], point[i] - H, *point[i + 1 :]]
        g_up = GraphExecutor().grad(*_root_and_leaves(recipe, up))
        g_down = GraphExecutor().grad(*_root_and_leaves(recipe, down))
        for j in range(len(point)):
            numeric = (g_up[j] - g_down[j]) / (2 * H)
            tolerance = 1e-4 * (1 + abs(numeric)) + 1e-10 * max(abs(g_up[j]), abs(g_down[j])) / H
            assert abs(matrix[i][j] - numeric) <= tolerance, (i, j, matrix[i][j], numeric)


def _root_and_leaves(recipe: Recipe, point: list[float]) -> tuple[Value, list[Value]]:
    return build(Recipe(tuple(point), recipe.steps), Value)


def test_hessian_of_a_quadratic_form_is_its_matrix() -> None:
    x, y, z = Value(0.3), Value(-1.2), Value(2.0)
    q = 2 * x * x + 3 * x * y - y * y + 5 * y * z + 0.5 * z * z
    assert hessian(q, [x, y, z]) == [[4.0, 3.0, 0.0], [3.0, -2.0, 5.0], [0.0, 5.0, 1.0]]


def test_hessian_of_rosenbrock_at_the_minimum() -> None:
    x, y = Value(1.0), Value(1.0)
    f = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    assert hessian(f, [x, y]) == [[802.0, -400.0], [-400.0, 200.0]]


def test_hvp_takes_two_passes_whatever_the_size_where_hessian_takes_n_plus_one() -> None:
    def passes(n: int, helper: str) -> int:
        steps: list[BackwardStep] = []
        xs = [Value(0.1 * (k + 1)) for k in range(n)]
        f = sum(xs, Value(0.0)) ** 3  # every second derivative goes through the whole sum
        ex = GraphExecutor(observer=steps.append)
        if helper == "hvp":
            hvp(f, xs, [1.0] * n, executor=ex)
        else:
            hessian(f, xs, executor=ex)
        return len(steps)

    # Chain-rule steps counted by the observer: hvp's grow linearly with n, hessian's
    # quadratically (n + 1 passes over graphs of size proportional to n).
    assert passes(40, "hvp") / passes(10, "hvp") < 5
    assert passes(40, "hessian") / passes(10, "hessian") > 12


@pytest.mark.parametrize(
    ("make", "x0", "derivatives"),
    [
        (lambda x: x.sin(), 0.5, [math.sin(0.5), math.cos(0.5), -math.sin(0.5), -math.cos(0.5)]),
        (lambda x: x.exp(), 0.3, [math.exp(0.3)] * 5),
        (lambda x: x**5, 2.0, [32.0, 80.0, 160.0, 240.0, 240.0, 120.0, 0.0]),
        (lambda x: x.log(), 2.0, [math.log(2.0), 0.5, -0.25, 0.25, -0.375]),
        (lambda x: x.tanh(), 0.4, None),
    ],
)
def test_derivative_of_every_order(make, x0: float, derivatives: list[float] | None) -> None:  # type: ignore[no-untyped-def]
    x = Value(x0)
    y = make(x)
    if derivatives is None:  # tanh: t' = 1 - t^2, t'' = -2 t t', t''' = -2 (t'^2 + t t'')
        t = math.tanh(x0)
        d1 = 1 - t * t
        d2 = -2 * t * d1
        derivatives = [t, d1, d2, -2 * (d1 * d1 + t * d2)]
    for n, expected in enumerate(derivatives):
        assert derivative(y, x, n) == pytest.approx(expected, rel=1e-12), n


def test_helpers_refuse_bad_arguments_naming_them() -> None:
    x = Value(1.0)
    y = x * x
    with pytest.raises(TypeError, match="hessian: wrt must be a sequence of Values"):
        hessian(y, x)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="hvp: wrt must hold Values, got float at position 1"):
        hvp(y, [x, 1.0], [1.0, 1.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="hvp: v has 2 numbers for 1 nodes"):
        hvp(y, [x], [1.0, 2.0])
    with pytest.raises(TypeError, match="hvp: v must hold real numbers, got str"):
        hvp(y, [x], ["1"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="derivative: order must be an int >= 0, got -1"):
        derivative(y, x, -1)
    with pytest.raises(TypeError, match="derivative: x must be a Value"):
        derivative(y, 1.0)  # type: ignore[arg-type]
    assert hvp(y, [], []) == []
    assert hessian(y, []) == []
