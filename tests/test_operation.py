import math
from typing import ClassVar

import attrs
import pytest

from autograd import GraphExecutor, LogSumExp, Mul, Operation, Pow, Value
from userops import Sin


@attrs.frozen
class Lerp(Operation):
    """Linear interpolation of three inputs: f(a, b, t) = a + t (b - a)."""

    arity: ClassVar[int] = 3

    def forward(self, a: float, b: float, t: float) -> float:
        return a + t * (b - a)

    def local_grads(self, a: float, b: float, t: float, *, output: float) -> tuple[float, ...]:
        return (1.0 - t, t, b - a)


def test_operation_call_builds_a_node_with_op_and_parents() -> None:
    a, b = Value(2.0), Value(-3.0)
    mul = Mul()
    c = mul(a, b)
    assert c.data == -6.0
    assert c.op is mul
    assert c.parents == (a, b)
    d = Pow(3)(a)
    assert d.data == 8.0
    assert d.parents == (a,)


def test_operation_call_wraps_numbers_as_leaves() -> None:
    c = Mul()(2, 4.5)
    assert c.data == 9.0
    assert all(p.is_leaf for p in c.parents)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_operation_wrong_number_of_inputs_names_op_and_arity(n: int) -> None:
    with pytest.raises(TypeError, match=r"Mul\(\) takes 2 inputs, got " + str(n)):
        Mul()(*([Value(1.0)] * n))


@attrs.frozen
class Total(Operation):
    """Sum of one or more inputs: f(x) = sum xi; df/dxi = 1."""

    arity: ClassVar[int | None] = None

    def forward(self, *xs: float) -> float:
        return math.fsum(xs)

    def local_grads(self, *xs: float, output: float) -> tuple[float, ...]:
        return (1.0,) * len(xs)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_operation_of_any_arity_takes_one_or_more_inputs(n: int) -> None:
    xs = [Value(float(k), label=f"x{k}") for k in range(n)]
    y = Total()(*xs)
    assert y.parents == tuple(xs)
    assert y.data == sum(range(n))
    (y * y).backward()
    assert [x.grad for x in xs] == [2.0 * y.data] * n
    with pytest.raises(TypeError, match=r"Total\(\) takes one or more inputs, got 0: none"):
        Total()()
    assert LogSumExp.arity is None


def test_operation_rejects_non_numeric_inputs() -> None:
    with pytest.raises(TypeError, match=r"Sin\(\): input 0 must be a Value, int or float, got str"):
        Sin()("x")  # type: ignore[arg-type]


def test_operation_symbol_defaults_to_lower_class_name() -> None:
    assert Sin.symbol == "sin"
    assert str(Sin()) == "sin"
    assert str(Mul()) == "*"


def test_operation_is_abstract() -> None:
    with pytest.raises(TypeError):
        Operation()  # type: ignore[abstract]

    @attrs.frozen
    class Half(Operation):
        def forward(self, x: float) -> float:
            return x / 2

    with pytest.raises(TypeError):
        Half()  # type: ignore[abstract]


def test_operation_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Pow(2).exponent = 3  # type: ignore[misc]


def test_operation_user_defined_unary_and_ternary_ops_backpropagate() -> None:
    x = Value(0.5, "x")
    y = Sin()(x) * 2
    y.backward()
    assert x.grad == pytest.approx(2 * math.cos(0.5))
    a, b, t = Value(1.0, "a"), Value(5.0, "b"), Value(0.25, "t")
    out = Lerp()(a, b, t)
    assert out.data == 2.0
    assert out.parents == (a, b, t)
    GraphExecutor().backward(out * out)
    assert (a.grad, b.grad, t.grad) == pytest.approx(
        (2 * 2.0 * 0.75, 2 * 2.0 * 0.25, 2 * 2.0 * 4.0)
    )


def test_operation_forward_returning_non_float_is_reported() -> None:
    @attrs.frozen
    class Bad(Operation):
        def forward(self, x: float) -> float:
            return complex(x, 1)  # type: ignore[return-value]

        def local_grads(self, x: float, *, output: float) -> tuple[float]:
            return (1.0,)

    with pytest.raises(TypeError, match=r"Bad\(\)\.forward must return a float.*, got complex"):
        Bad()(Value(1.0, "x"))


def test_operation_forward_int_output_is_coerced() -> None:
    @attrs.frozen
    class Floor(Operation):
        def forward(self, x: float) -> float:
            return math.floor(x)

        def local_grads(self, x: float, *, output: float) -> tuple[float]:
            return (0.0,)

    y = Floor()(Value(2.7))
    assert y.data == 2.0
    assert type(y.data) is float


def test_operation_local_grads_of_wrong_length_is_reported_at_backward() -> None:
    @attrs.frozen
    class Wrong(Operation):
        def forward(self, x: float) -> float:
            return x

        def local_grads(self, x: float, *, output: float) -> tuple[float, ...]:
            return (1.0, 2.0)

    y = Wrong()(Value(1.0, "x"))
    y.label = "y"
    with pytest.raises(
        TypeError, match=r"Wrong\(\)\.local_grads must return a tuple of 1 real numbers.*'y'"
    ):
        y.backward()


def test_operation_forward_errors_name_op_and_inputs() -> None:
    @attrs.frozen
    class Sqrt(Operation):
        def forward(self, x: float) -> float:
            return math.sqrt(x)

        def local_grads(self, x: float, *, output: float) -> tuple[float]:
            return (0.5 / output,)

    with pytest.raises(ValueError, match=r"Sqrt\(\) on inputs \('x' = -4.0\): math domain error"):
        Sqrt()(Value(-4.0, "x"))


@attrs.frozen
class _Text(Operation):
    """Returns its input as text past 0: a number's string, which ``float`` would accept."""

    def forward(self, x: float) -> float:
        return str(x) if x > 0.0 else x  # type: ignore[return-value]

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        return (1.0,)


@attrs.frozen
class _Truth(Operation):
    """Returns a bool, which is an int but not a number an operation may return."""

    def forward(self, x: float) -> float:
        return x > 0.0

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        return (0.0,)


def test_operation_forward_returning_a_string_or_bool_is_refused_everywhere() -> None:
    expected = r"_Text\(\)\.forward must return a float.*, got str: '2.5' on inputs \('x' = 2.5\)"
    with pytest.raises(TypeError, match=expected):
        _Text()(Value(2.5, "x"))
    with pytest.raises(TypeError, match=r"_Truth\(\)\.forward .*got bool"):
        _Truth()(Value(2.5, "x"))
    x = Value(-1.0, "x")
    y = _Text()(x)
    plan = GraphExecutor().compile(y)
    x.data = 2.5
    with pytest.raises(TypeError, match=expected):
        GraphExecutor().forward(y)
    with pytest.raises(TypeError, match=expected):
        plan.forward()


@pytest.mark.parametrize("arity", [0, -1, 2.0, True, "2"])
def test_operation_subclass_with_a_bad_arity_is_refused(arity: object) -> None:
    with pytest.raises(TypeError, match=r"^Bad\.arity must be None .* or an int >= 1, got"):
        type("Bad", (Operation,), {"arity": arity})


def test_operation_pow_exponent_too_large_for_a_float_is_named() -> None:
    with pytest.raises(ValueError, match=r"^Pow exponent \(an int of 401 digits\)"):
        Pow(10**400)


def test_operation_init_that_sets_an_attribute_says_to_declare_a_field() -> None:
    class InitScale(Operation):
        def __init__(self, k: float) -> None:
            self.k = k

        def forward(self, x: float) -> float:
            return self.k * x

        def local_grads(self, x: float, *, output: float) -> tuple[float]:
            return (self.k,)

    with pytest.raises(attrs.exceptions.FrozenInstanceError) as caught:
        InitScale(3.0)
    message = str(caught.value)
    assert message.startswith("InitScale.__init__ sets an attribute, but operations are frozen")
    assert "'k: float' makes InitScale(k=3) and InitScale(3) work" in message
    assert type(caught.value).__name__ == "OperationInitError"


@attrs.frozen
class Scale(Operation):
    """Scale by a constant parameter: f(x) = k x; df/dx = k."""

    k: float

    def forward(self, x: float) -> float:
        return self.k * x

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        return (self.k,)


def test_operation_init_of_fields_is_left_to_attrs() -> None:
    assert Scale(3).k == 3
    assert Scale(k=2.5)(Value(2.0)).data == 5.0


def test_operation_called_with_too_many_inputs_names_arity() -> None:
    class Mix(Operation):  # forgot arity = 2
        def forward(self, a: float, b: float) -> float:
            return a * b

        def local_grads(self, a: float, b: float, *, output: float) -> tuple[float, float]:
            return (b, a)

    with pytest.raises(TypeError) as caught:
        Mix()(Value(1.0), 2.0)
    assert str(caught.value) == (
        "Mix() takes 1 input, got 2: 1.0, 2.0 "
        "(Mix.arity is 1; an operation of 2 inputs declares arity: ClassVar[int] = 2)"
    )


def test_operation_str_shows_the_parameters() -> None:
    assert str(Scale(3)) == "scale(k=3)"
    assert str(Pow(3)) == "**3"
    assert str(Mul()) == "*"
    assert str(Lerp()) == "lerp"
