import gc
import math
import sys
from collections.abc import Callable

import attrs
import pytest
from hypothesis import given, settings

from autograd import Add, Mul, Pow, Power, Value
from autograd.value import set_display
from strategies import small_floats


def test_value_stores_floats_and_starts_with_zero_grad() -> None:
    v = Value(3)
    assert v.data == 3.0
    assert type(v.data) is float
    assert v.grad == 0.0
    assert v.label == ""
    assert v.parents == ()
    assert v.op is None
    assert v.is_leaf


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], object(), True, 1 + 2j])
def test_value_rejects_non_numbers_naming_the_type(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)  # type: ignore[arg-type]


def test_value_label_is_settable_and_checked() -> None:
    y = Value(1.0)
    y.label = "y"
    assert y.label == "y"
    assert "y" in repr(y)
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)  # type: ignore[arg-type]


def test_value_equality_and_hash_are_by_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a != b
    assert a == a
    assert len({a, b, a}) == 2
    assert {a: 1}[a] == 1
    result = a == b
    assert result is False  # a comparison, not a node


def test_value_is_slotted_and_small() -> None:
    v = Value(1.0)
    with pytest.raises(AttributeError):
        v.extra = 1  # type: ignore[attr-defined]
    assert not hasattr(v, "__dict__")
    # object header + six slots; a tuple of parents would cost another 48-56 bytes.
    assert sys.getsizeof(v) <= 80


def test_value_repr_shows_label_data_grad_and_op() -> None:
    a = Value(2.0, label="a")
    assert repr(a) == "Value(label='a', data=2.0, grad=0.0)"
    b = a * 3
    assert repr(b) == "Value(data=6.0, grad=0.0, op=*)"


def test_value_operators_build_the_named_operations() -> None:
    a, b = Value(6.0, "a"), Value(3.0, "b")
    cases = {
        "+": (a + b, 9.0),
        "-": (a - b, 3.0),
        "*": (a * b, 18.0),
        "/": (a / b, 2.0),
        "neg": (-a, -6.0),
        "**2": (a**2, 36.0),
        "**": (a**b, 216.0),
        "tanh": (a.tanh(), math.tanh(6.0)),
        "relu": (a.relu(), 6.0),
        "exp": (a.exp(), math.exp(6.0)),
        "log": (a.log(), math.log(6.0)),
        "sigmoid": (a.sigmoid(), 1 / (1 + math.exp(-6.0))),
    }
    for symbol, (node, expected) in cases.items():
        assert str(node.op) == symbol
        assert node.data == pytest.approx(expected, rel=1e-15)
        assert node.parents[0] is a


def test_value_numbers_on_either_side_become_constant_leaves() -> None:
    a = Value(4.0)
    for node, expected in [
        (a + 1, 5.0),
        (1 + a, 5.0),
        (a - 1, 3.0),
        (1 - a, -3.0),
        (a * 2, 8.0),
        (2 * a, 8.0),
        (a / 2, 2.0),
        (2 / a, 0.5),
        (2**a, 16.0),
    ]:
        assert node.data == expected
        assert len(node.parents) == 2
        assert a in node.parents
        constant = next(p for p in node.parents if p is not a)
        assert constant.is_leaf
    rsub = 1 - a
    assert rsub.parents[1] is a  # operand order is kept: 1 - a, not a - 1


def test_value_arithmetic_with_unsupported_types_raises_type_error() -> None:
    a = Value(1.0)
    with pytest.raises(TypeError, match="str"):
        a + "x"  # type: ignore[operator]
    with pytest.raises(TypeError, match="Value"):
        [1] * a  # type: ignore[operator]
    with pytest.raises(TypeError):
        a ** "2"  # type: ignore[operator]


def test_value_parents_are_an_immutable_tuple() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a * b
    assert c.parents == (a, b)
    assert isinstance(c.parents, tuple)
    assert isinstance(c.op, Mul)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        c.op.symbol = "x"  # type: ignore[misc]


def test_value_power_with_value_exponent_has_both_gradients() -> None:
    a, b = Value(2.0, "a"), Value(3.0, "b")
    c = a**b
    assert isinstance(c.op, Power)
    c.backward()
    assert a.grad == pytest.approx(3.0 * 2.0**2)
    assert b.grad == pytest.approx(8.0 * math.log(2.0))
    x = Value(3.0)
    y = 2**x
    y.backward()
    assert x.grad == pytest.approx(8.0 * math.log(2.0))


@pytest.mark.parametrize(("base", "exponent"), [(-2.0, 2.0), (0.0, 0.0), (0.0, -1.0)])
def test_value_power_with_value_exponent_needs_positive_base(base: float, exponent: float) -> None:
    with pytest.raises(ValueError, match=r"Power\(\).*'base'.*positive base"):
        Value(base, "base") ** Value(exponent)


def test_value_pow_by_constant_shares_op_instances() -> None:
    a = Value(3.0)
    assert (a**2).op is (a**2).op
    assert (a**2).op == Pow(2)
    assert (a**2.0).op == Pow(2.0)
    assert (a + a).op is (a + 1).op
    assert isinstance((a + a).op, Add)


def test_value_is_not_a_float_so_math_functions_cannot_cut_the_graph() -> None:
    # micrograd's message: a math function given a node must fail, not return a float.
    with pytest.raises(TypeError, match="must be real number, not Value"):
        math.tanh(Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not 'Value'"):
        float(Value(2.5))  # type: ignore[arg-type]


@settings(deadline=None)  # a shared machine: timings say nothing here
@given(small_floats, small_floats)
def test_value_orderings_compare_data_with_values_and_numbers(a: float, b: float) -> None:
    x, y = Value(a), Value(b)
    assert (x < y, x <= y, x > y, x >= y) == (a < b, a <= b, a > b, a >= b)
    assert (x < b, x <= b, x > b, x >= b) == (a < b, a <= b, a > b, a >= b)
    assert (a < y, a <= y, a > y, a >= y) == (a < b, a <= b, a > b, a >= b)
    assert type(x < y) is bool


def test_value_equality_stays_identity_beside_orderings() -> None:
    x, y = Value(1.0), Value(1.0)
    assert x <= y
    assert x >= y
    assert x != y
    assert x == x
    assert sorted([Value(2.0), x])[0] is x


@pytest.mark.parametrize("other", ["1", None, True, [1.0]])
def test_value_orderings_refuse_what_is_not_a_number(other: object) -> None:
    with pytest.raises(TypeError, match="not supported between"):
        Value(1.0) < other  # type: ignore[operator]  # noqa: B015


def test_value_deep_chain_is_freed_without_recursion_error() -> None:
    x = Value(0.0)
    for _ in range(200_000):
        x = x + 1.0
    del x
    gc.collect()


@pytest.mark.parametrize(
    ("build", "what"),
    [
        (lambda: Value(10**400), "Value data"),
        (lambda: Value(2.0) * 10**400, "operand"),
        (lambda: 10**400 - Value(1.0), "operand"),
        (lambda: Value(2.0) ** 10**400, "Pow exponent"),
        (lambda: Value(-(10**5000)), "Value data"),
    ],
)
def test_value_number_too_large_for_a_float_is_named(build: Callable[[], Value], what: str) -> None:
    with pytest.raises(
        ValueError, match=f"^{what} \\(an int of (about )?\\d+ digits\\) is too large"
    ):
        build()


def test_value_display_goes_through_the_views_seam(monkeypatch: pytest.MonkeyPatch) -> None:
    import autograd.value as value_module

    x = Value(1.0, label="x")
    monkeypatch.setattr(value_module, "_display", None)
    assert x._repr_mimebundle_() == {"text/plain": repr(x)}  # the core alone: just the repr
    seen: list[object] = []

    def display(v: Value, include: object, exclude: object) -> dict[str, str]:
        seen.append((v, include, exclude))
        return {"text/plain": "drawn"}

    set_display(display)
    assert x._repr_mimebundle_(include={"text/plain"}) == {"text/plain": "drawn"}
    assert seen == [(x, {"text/plain"}, None)]
    with pytest.raises(TypeError, match="needs a callable"):
        set_display("svg")  # type: ignore[arg-type]


def test_value_zero_grad_zeroes_its_graph_so_hand_set_grads_do_not_double() -> None:
    """The lecture sets grads by hand; a backward after that adds on top (issue 21, Why 2)."""
    a, b = Value(2.0), Value(-3.0)
    L = a * b + a
    L.grad, a.grad = 1.0, -2.0  # the hand-set gradients, as the lecture fills them in
    L.backward()
    assert (L.grad, a.grad, b.grad) == (2.0, -4.0, 2.0)  # doubled: backward adds
    L.zero_grad()
    assert (L.grad, a.grad, b.grad) == (0.0, 0.0, 0.0)
    other = Value(5.0)
    other.grad = 3.0
    L.zero_grad()  # only L's graph
    assert other.grad == 3.0
    L.backward()
    assert (L.grad, a.grad, b.grad) == (1.0, -2.0, 2.0)
