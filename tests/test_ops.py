import math
import random
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import (
    Abs,
    Add,
    Cos,
    Div,
    Exp,
    GraphExecutor,
    Log,
    LogSumExp,
    Max,
    Min,
    Mod,
    Mul,
    Neg,
    NonFiniteError,
    Operation,
    Pow,
    Power,
    ReLU,
    Sigmoid,
    Sin,
    Softmax,
    Softplus,
    Sqrt,
    Sub,
    Tanh,
    Value,
    gradcheck,
)
from autograd.testing import away_from, check_operation, finite_floats, positive_floats

# Each op with a domain inside which central differences are meaningful: away from kinks and
# poles, and small enough that exp and powers stay well inside the float range.
DOMAINS: list[tuple[Operation, object]] = [
    (Add(), finite_floats(-1e3, 1e3)),
    (Sub(), finite_floats(-1e3, 1e3)),
    (Mul(), finite_floats(-1e3, 1e3)),
    (Div(), [finite_floats(-100, 100), away_from(finite_floats(-100, 100), [0.0], 0.1)]),
    (Neg(), finite_floats(-1e3, 1e3)),
    (Pow(2), finite_floats(-100, 100)),
    (Pow(3), finite_floats(-50, 50)),
    (Pow(-1), away_from(finite_floats(-100, 100), [0.0], 0.1)),
    (Pow(0.5), positive_floats(1e-2, 1e3)),
    (Pow(-2.5), positive_floats(1e-1, 1e2)),
    (Power(), [positive_floats(1e-1, 10.0), finite_floats(-3, 3)]),
    (Tanh(), finite_floats(-20, 20)),
    (ReLU(), away_from(finite_floats(-100, 100), [0.0], 1e-3)),
    (Exp(), finite_floats(-30, 30)),
    (Log(), positive_floats(1e-2, 1e4)),
    (Sigmoid(), finite_floats(-40, 40)),
    (LogSumExp(), [finite_floats(-50, 50)]),
    (LogSumExp(), [finite_floats(-50, 50)] * 2),
    (LogSumExp(), [finite_floats(-50, 50)] * 4),
    (Abs(), away_from(finite_floats(-100, 100), [0.0], 1e-3)),
    (Sqrt(), positive_floats(1e-2, 1e4)),
    (Sin(), finite_floats(-20, 20)),
    (Cos(), finite_floats(-20, 20)),
    (Softplus(), finite_floats(-40, 40)),
    (Softmax(0), [finite_floats(-20, 20)] * 3),
    (Softmax(1), [finite_floats(-20, 20)] * 2),
]

# The kinks of two-input operations are not points of one input: these are checked on pairs
# drawn away from them (a != b for Max and Min, a/b not whole for Mod).
KINKED: list[tuple[Operation, Callable[[float, float], bool]]] = [
    (Max(), lambda a, b: abs(a - b) >= 1e-3),
    (Min(), lambda a, b: abs(a - b) >= 1e-3),
    (Mod(), lambda a, b: abs(b) >= 0.1 and abs(a / b - round(a / b)) >= 1e-3),
]


@pytest.mark.parametrize(
    ("op", "domain"), DOMAINS, ids=lambda x: repr(x) if isinstance(x, Operation) else ""
)
def test_ops_local_grads_match_finite_differences(op: Operation, domain: object) -> None:
    check_operation(op, domain, max_examples=60)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("op", "clear"), KINKED, ids=lambda x: repr(x) if isinstance(x, Operation) else ""
)
@settings(max_examples=60, deadline=None)
@given(a=finite_floats(-100, 100), b=finite_floats(-100, 100))
def test_ops_kinked_local_grads_match_finite_differences(
    op: Operation, clear: Callable[[float, float], bool], a: float, b: float
) -> None:
    assume(clear(a, b))
    gradcheck(op, [a, b])


def test_ops_logsumexp_is_checked_at_any_arity_given() -> None:
    check_operation(LogSumExp(), finite_floats(-50, 50), arity=7, max_examples=30)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("op", "domain"), DOMAINS, ids=lambda x: repr(x) if isinstance(x, Operation) else ""
)
def test_ops_local_grads_match_finite_differences_thoroughly(op: Operation, domain: object) -> None:
    check_operation(op, domain, max_examples=1500)  # type: ignore[arg-type]


GOLDEN = [
    (Add(), (2.0, -3.0), 2.0 + -3.0, (1.0, 1.0)),
    (Sub(), (2.0, -3.0), 5.0, (1.0, -1.0)),
    (Mul(), (2.0, -3.0), -6.0, (-3.0, 2.0)),
    (Div(), (3.0, 2.0), 1.5, (0.5, -0.75)),
    (Neg(), (2.0,), -2.0, (-1.0,)),
    (Pow(3), (2.0,), 8.0, (12.0,)),
    (Pow(0.5), (4.0,), 2.0, (0.25,)),
    (Power(), (2.0, 3.0), 8.0, (12.0, 8.0 * math.log(2.0))),
    (Tanh(), (0.0,), 0.0, (1.0,)),
    (ReLU(), (2.0,), 2.0, (1.0,)),
    (ReLU(), (-2.0,), 0.0, (0.0,)),
    (ReLU(), (0.0,), 0.0, (0.0,)),
    (Exp(), (1.0,), math.e, (math.e,)),
    (Log(), (math.e,), 1.0, (1 / math.e,)),
    (Sigmoid(), (0.0,), 0.5, (0.25,)),
    (LogSumExp(), (5.0,), 5.0, (1.0,)),
    (LogSumExp(), (0.0, 0.0), math.log(2.0), (0.5, 0.5)),
    (
        LogSumExp(),
        (1.0, 2.0, 3.0),
        3.4076059644443806,  # 3 + log(e**-2 + e**-1 + 1)
        (0.09003057317038046, 0.24472847105479767, 0.6652409557748219),
    ),
    (Abs(), (-2.0,), 2.0, (-1.0,)),
    (Abs(), (3.0,), 3.0, (1.0,)),
    (Abs(), (0.0,), 0.0, (0.0,)),  # PyTorch: sign(0) = 0
    (Sqrt(), (4.0,), 2.0, (0.25,)),
    (Sqrt(), (0.0,), 0.0, (math.inf,)),  # PyTorch: +inf
    (Sin(), (0.0,), 0.0, (1.0,)),
    (Cos(), (0.0,), 1.0, (-0.0,)),
    (Softplus(), (0.0,), math.log(2.0), (0.5,)),
    (Softplus(), (1000.0,), 1000.0, (1.0,)),
    (Softplus(), (-1000.0,), 0.0, (0.0,)),
    (Max(), (2.0, -3.0), 2.0, (1.0, 0.0)),
    (Max(), (-3.0, 2.0), 2.0, (0.0, 1.0)),
    (Max(), (1.5, 1.5), 1.5, (0.5, 0.5)),  # PyTorch's maximum shares a tie evenly
    (Min(), (2.0, -3.0), -3.0, (0.0, 1.0)),
    (Min(), (1.5, 1.5), 1.5, (0.5, 0.5)),
    (Mod(), (7.5, 2.0), 1.5, (1.0, -3.0)),
    (Mod(), (-7.5, 2.0), 0.5, (1.0, 4.0)),  # Python's %: the sign of b
    (Mod(), (7.5, -2.0), -0.5, (1.0, 4.0)),
    (Softmax(0), (0.0, 0.0), 0.5, (0.25, -0.25)),
]


@pytest.mark.parametrize(("op", "inputs", "output", "grads"), GOLDEN, ids=lambda x: repr(x))
def test_ops_golden_values(
    op: Operation, inputs: tuple[float, ...], output: float, grads: tuple[float, ...]
) -> None:
    out = op.forward(*inputs)
    assert out == pytest.approx(output, rel=1e-15, abs=1e-15)
    assert op.local_grads(*inputs, output=out) == pytest.approx(grads, rel=1e-15)


def test_ops_relu_derivative_at_zero_is_zero() -> None:
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


@pytest.mark.parametrize("x", [1000.0, -1000.0, 710.0, -710.0, 1e308, -1e308])
def test_ops_tanh_and_sigmoid_are_stable_at_extremes(x: float) -> None:
    a = Value(x)
    t = a.tanh()
    t.backward()
    assert t.data == math.copysign(1.0, x)
    assert a.grad == 0.0
    b = Value(x)
    s = b.sigmoid()
    s.backward()
    # sigmoid(-710) is a subnormal 4.5e-309: zero to every purpose but not bit for bit.
    assert s.data == pytest.approx(1.0 if x > 0 else 0.0, abs=1e-300)
    assert b.grad == pytest.approx(0.0, abs=1e-300)


@pytest.mark.parametrize(
    ("xs", "output", "grads"),
    [
        ((1000.0, -1000.0), 1000.0, (1.0, 0.0)),
        ((-1000.0, 1000.0), 1000.0, (0.0, 1.0)),
        ((1000.0, 1000.0), 1000.0 + math.log(2.0), (0.5, 0.5)),
        ((-1000.0, -1000.0, -1000.0, -1000.0), -1000.0 + math.log(4.0), (0.25,) * 4),
        ((0.0, 1000.0), 1000.0, (0.0, 1.0)),  # softplus(1000)
        ((0.0, -1000.0), 0.0, (1.0, 0.0)),  # softplus(-1000)
        ((1e308, -1e308), 1e308, (1.0, 0.0)),
    ],
)
def test_ops_logsumexp_is_stable_at_extremes(
    xs: tuple[float, ...], output: float, grads: tuple[float, ...]
) -> None:
    # The largest input is subtracted first, so exp never overflows and the sum is >= 1; the
    # softmax is e**(xi - m) / sum, exact here, with no rounding of f in it.
    op = LogSumExp()
    out = op.forward(*xs)
    assert out == output
    assert op.local_grads(*xs, output=out) == grads
    nodes = [Value(x) for x in xs]
    root = op(*nodes)
    root.backward()
    assert root.data == output
    assert tuple(n.grad for n in nodes) == grads


@given(st.lists(finite_floats(-1e3, 1e3), min_size=1, max_size=6), st.randoms())
def test_ops_logsumexp_bounds_and_order(xs: list[float], rng: random.Random) -> None:
    # max(x) <= f <= max(x) + ln n, the softmax sums to 1, and fsum makes f symmetric: a
    # shuffle of the inputs gives the same bits.
    op = LogSumExp()
    out = op.forward(*xs)
    assert max(xs) <= out <= max(xs) + math.log(len(xs)) + 1e-12 * max(1.0, abs(out))
    grads = op.local_grads(*xs, output=out)
    assert all(0.0 <= g <= 1.0 for g in grads)
    assert math.fsum(grads) == pytest.approx(1.0, rel=1e-15 * len(xs))
    shuffled = list(xs)
    rng.shuffle(shuffled)
    assert op.forward(*shuffled) == out


def test_ops_logsumexp_of_infinities_and_nothing() -> None:
    op = LogSumExp()
    assert op.forward(math.inf, 0.0) == math.inf
    assert op.forward(-math.inf, -math.inf) == -math.inf
    assert op.forward(-math.inf, 0.0) == 0.0
    with pytest.raises(ValueError, match="at least one input"):
        op.forward()
    with pytest.raises(TypeError, match=r"LogSumExp\(\) takes one or more inputs, got 0: none"):
        op()


@given(finite_floats(-800, 800))
def test_ops_sigmoid_stays_in_unit_interval(x: float) -> None:
    s = Sigmoid().forward(x)
    assert 0.0 <= s <= 1.0
    assert s == pytest.approx(0.5 * (1 + math.tanh(x / 2)), abs=1e-15)


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300])
def test_ops_log_of_non_positive_names_op_node_and_value(x: float) -> None:
    with pytest.raises(
        ValueError, match=rf"Log\(\) on inputs \('x' = {x!r}\): log is defined for x > 0"
    ):
        Value(x, "x").log()


def test_ops_division_by_zero_names_op_and_nodes() -> None:
    with pytest.raises(ZeroDivisionError, match=r"Div\(\) on inputs \('a' = 1.0, 'b' = 0.0\)"):
        Value(1.0, "a") / Value(0.0, "b")
    with pytest.raises(ZeroDivisionError, match=r"Div\(\)"):
        1 / Value(0.0)


def test_ops_negative_base_to_fractional_power_names_op() -> None:
    with pytest.raises(ValueError, match=r"Pow\(exponent=0.5\) on inputs \('x' = -4.0\).*complex"):
        Value(-4.0, "x") ** 0.5
    assert (Value(-2.0) ** 3).data == -8.0
    assert (Value(-2.0) ** 2.0).data == 4.0


def test_ops_zero_to_negative_power_is_division_by_zero() -> None:
    with pytest.raises(ZeroDivisionError, match=r"Pow\(exponent=-1\)"):
        Value(0.0, "x") ** -1


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda x: x * 1e308, math.inf),
        (lambda x: x**400, math.inf),
        (lambda x: x**400.0, math.inf),
        (lambda x: (-x) ** 401, -math.inf),
        (lambda x: (-x) ** 400, math.inf),
        (lambda x: (x * 1e-3) ** -400, math.inf),
        (lambda x: (-x * 1e-3) ** -401, -math.inf),
        (lambda x: (x * 100.0).exp(), math.inf),
        (lambda x: x ** Value(400.0), math.inf),
        (lambda x: 10.0**x * 1e300, math.inf),
    ],
)
def test_ops_overflow_is_an_infinity_of_its_sign_as_for_mul(
    build: Callable[[Value], Value], expected: float
) -> None:
    # One rule for the whole engine (IEEE arithmetic): too large for a float is an infinity,
    # never an exception; an executor with check_finite=True names the node where it appears.
    x = Value(10.0, "x")
    y = build(x)
    assert y.data == expected
    y.label = "y"
    plan = GraphExecutor().compile(y)
    assert plan.forward() == expected
    with pytest.raises(NonFiniteError, match="'y'"):
        GraphExecutor(check_finite=True).forward(y)


def test_ops_zero_to_a_positive_variable_power_is_zero_with_zero_slope() -> None:
    # As PyTorch and HIPS autograd: 0 ** y = 0 for y > 0, d/dy = 0 (the limit of f ln a).
    for b, slope in ((2.0, 0.0), (1.0, 1.0), (0.5, math.inf)):
        a, y = Value(0.0, "a"), Value(b, "y")
        z = a**y
        z.backward()
        assert (z.data, a.grad, y.grad) == (0.0, slope, 0.0)
        assert GraphExecutor().compile(z).forward() == 0.0
    y = Value(3.0, "y")
    z = 0.0**y
    z.backward()
    assert (z.data, y.grad) == (0.0, 0.0)
    for b in (0.0, -1.0):
        with pytest.raises(ValueError, match=r"Power\(\).*positive base.*exponent"):
            Value(0.0, "a") ** Value(b)


def test_ops_pow_validates_exponent() -> None:
    with pytest.raises(TypeError, match="Pow exponent must be an int or a float, got str"):
        Pow("2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        Pow(math.inf)
    with pytest.raises(TypeError):
        Pow(True)


def test_ops_sqrt_slope_at_zero_is_infinite_and_caught_by_check_finite() -> None:
    x = Value(0.0, "x")
    y = x**0.5
    assert Pow(0.5).local_grads(0.0, output=0.0) == (math.inf,)
    from autograd import NonFiniteError

    with pytest.raises(NonFiniteError, match="'x'"):
        GraphExecutor(check_finite=True).backward(y)


@given(st.floats(-5, 5), st.floats(-5, 5))
def test_ops_division_gradient_is_exact_for_the_quotient_rule(a: float, b: float) -> None:
    if abs(b) < 1e-3:
        return
    x, y = Value(a), Value(b)
    (x / y).backward()
    assert x.grad == pytest.approx(1 / b, rel=1e-12)
    assert y.grad == pytest.approx(-a / (b * b), rel=1e-12, abs=1e-300)


def test_ops_relu_keeps_nan_and_turns_negative_zero_into_zero() -> None:
    assert math.isnan(ReLU().forward(math.nan))
    assert math.copysign(1.0, ReLU().forward(-0.0)) == 1.0


@pytest.mark.parametrize(
    ("x", "k", "slope"),
    [
        (1e-300, -1, -math.inf),
        (-1e-300, -1, -math.inf),
        (-1e-120, -2, math.inf),
        (-1e-120, 3, 3e-240),
    ],
)
def test_ops_pow_slope_too_large_for_a_float_is_a_signed_infinity(
    x: float, k: int, slope: float
) -> None:
    assert Pow(k).local_grads(x, output=0.0) == (slope,)
    leaf = Value(x)
    (leaf**k).backward()
    assert leaf.grad == slope


def test_ops_power_slope_too_large_for_a_float_is_a_signed_infinity() -> None:
    assert Power().local_grads(1e-300, -1.0, output=1e300)[0] == -math.inf
    assert Pow(4).local_grads(-1e200, output=math.inf) == (-math.inf,)
    with pytest.raises(NonFiniteError, match="Pow"):
        GraphExecutor(check_finite=True).backward(Value(1e-300, "x") ** -1)


@pytest.mark.parametrize("other", [math.inf, -math.inf, 1.0])
def test_ops_log_sum_exp_of_a_nan_is_nan_in_any_order(other: float) -> None:
    for xs in ((math.nan, other), (other, math.nan), (other, math.nan, other)):
        assert math.isnan(LogSumExp().forward(*xs)), xs
        leaves = [Value(x) for x in xs]
        root = LogSumExp()(*leaves)
        assert math.isnan(root.data)
        assert math.isnan(GraphExecutor().compile(root).forward())


@pytest.mark.parametrize(
    ("x", "expected"),
    [(math.nan, math.nan), (-0.0, 0.0), (-math.inf, math.inf)],
)
def test_ops_abs_keeps_nan_and_drops_the_sign(x: float, expected: float) -> None:
    out = Abs().forward(x)
    assert (out != out) if expected != expected else bits_equal(out, expected)


def bits_equal(a: float, b: float) -> bool:
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


@pytest.mark.parametrize("op", [Max(), Min()])
def test_ops_max_and_min_give_nan_for_a_nan_on_either_side(op: Operation) -> None:
    assert math.isnan(op.forward(math.nan, 1.0))
    assert math.isnan(op.forward(1.0, math.nan))


def test_ops_max_of_a_node_with_itself_has_slope_one() -> None:
    x = Value(2.0)
    Max()(x, x).backward()
    assert x.grad == 1.0


def test_ops_mod_by_zero_and_sqrt_of_a_negative_name_the_op() -> None:
    with pytest.raises(ZeroDivisionError, match=r"Mod\(\) on inputs \('a' = 1.0, 0.0\): modulo"):
        Value(1.0, "a") % 0.0
    with pytest.raises(ValueError, match=r"Sqrt\(\) on inputs \('x' = -1.0\): sqrt is defined"):
        Value(-1.0, "x").sqrt()


def test_ops_softmax_index_is_checked() -> None:
    with pytest.raises(TypeError, match="Softmax index must be an int >= 0"):
        Softmax(-1)
    with pytest.raises(TypeError, match="Softmax index"):
        Softmax(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="softmax of input 2 needs more than 2 inputs"):
        Softmax(2)(Value(1.0), Value(2.0))


def test_ops_value_methods_and_operators_use_the_new_ops() -> None:
    x = Value(-2.25)
    made = [abs(x), x.abs(), (-x).sqrt(), x.sin(), x.cos(), x.softplus(), x % 2]
    assert [type(v.op) for v in made] == [Abs, Abs, Sqrt, Sin, Cos, Softplus, Mod]
    assert [v.data for v in made[:5]] == [2.25, 2.25, 1.5, math.sin(-2.25), math.cos(-2.25)]
    assert made[-1].data == -2.25 % 2
    assert (7 % Value(2.0)).data == 1.0


# Second derivatives of every built-in operation, each against a central difference of its
# first derivative (the first derivatives are checked above).
SECOND: list[tuple[Callable[[Value, Value], Value], Callable[[float, float], float]]] = [
    (lambda a, b: a * b * a, lambda a, b: 2 * b),
    (lambda a, b: a / b, lambda a, b: 0.0),
    (lambda a, b: b / a, lambda a, b: 2 * b / a**3),
    (lambda a, b: a**3, lambda a, b: 6 * a),
    (lambda a, b: a**0.5, lambda a, b: -0.25 * a**-1.5),
    (lambda a, b: a**b, lambda a, b: b * (b - 1) * a ** (b - 2)),
    (lambda a, b: b**a, lambda a, b: b**a * math.log(b) ** 2),
    (lambda a, b: a.tanh(), lambda a, b: -2 * math.tanh(a) * (1 - math.tanh(a) ** 2)),
    (lambda a, b: a.exp(), lambda a, b: math.exp(a)),
    (lambda a, b: a.log(), lambda a, b: -1 / a**2),
    (lambda a, b: a.sigmoid(), lambda a, b: (s := 1 / (1 + math.exp(-a))) * (1 - s) * (1 - 2 * s)),
    (lambda a, b: a.sqrt(), lambda a, b: -0.25 * a**-1.5),
    (lambda a, b: a.sin(), lambda a, b: -math.sin(a)),
    (lambda a, b: a.cos(), lambda a, b: -math.cos(a)),
    (lambda a, b: a.softplus(), lambda a, b: (s := 1 / (1 + math.exp(-a))) * (1 - s)),
    (lambda a, b: a.abs() * a, lambda a, b: 2.0 if a > 0 else -2.0),
    (lambda a, b: a.relu() * a, lambda a, b: 2.0 if a > 0 else 0.0),
    (lambda a, b: Max()(a * a, b), lambda a, b: 2.0 if a * a > b else 1.0 if a * a == b else 0.0),
    (lambda a, b: Min()(a * a, b), lambda a, b: 0.0 if a * a > b else 1.0 if a * a == b else 2.0),
    (lambda a, b: (a * a) % b, lambda a, b: 2.0),
    (lambda a, b: LogSumExp()(a, b), lambda a, b: (s := 1 / (1 + math.exp(b - a))) * (1 - s)),
    (
        lambda a, b: Softmax(0)(a, b),
        lambda a, b: (s := 1 / (1 + math.exp(b - a))) * (1 - s) * (1 - 2 * s),
    ),
]


@pytest.mark.parametrize(("build", "exact"), SECOND)
@settings(deadline=None)  # a shared machine: timings say nothing here
@given(a=finite_floats(0.3, 3.0), b=finite_floats(0.3, 3.0))
def test_ops_second_derivatives_of_every_op(
    build: Callable[[Value, Value], Value],
    exact: Callable[[float, float], float],
    a: float,
    b: float,
) -> None:
    x, y = Value(a), Value(b)
    ex = GraphExecutor()
    d2 = ex.grad(ex.grad(build(x, y), x, create_graph=True), x)
    assert d2 == pytest.approx(exact(a, b), rel=1e-9, abs=1e-12)
