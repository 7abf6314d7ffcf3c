import math

import attrs
import pytest

from autograd import GradcheckError, Mul, Operation, Tanh, Value, gradcheck, numerical_gradients


@attrs.frozen
class WrongSin(Operation):
    """Sine with a wrong derivative (sin instead of cos), to see a check fail."""

    def forward(self, x: float) -> float:
        return math.sin(x)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        return (math.sin(x),)


def test_gradcheck_passes_for_correct_functions_and_ops() -> None:
    assert gradcheck(Mul(), [2.0, -3.0])
    assert gradcheck(Tanh(), [0.3])
    assert gradcheck(lambda a, b: (a * b + a**2).tanh() / (b * b + 1), [0.7, -1.2])


def test_gradcheck_reports_every_input_when_one_fails() -> None:
    def f(a: Value, b: Value) -> Value:
        return WrongSin()(a) * b

    with pytest.raises(GradcheckError) as info:
        gradcheck(f, [0.5, 2.0])
    message = str(info.value)
    assert "1 of 2 inputs disagree" in message
    assert "numerical vs analytical" in message
    lines = message.splitlines()
    x0 = next(line for line in lines if line.strip().startswith("x0"))
    x1 = next(line for line in lines if line.strip().startswith("x1"))
    assert "mismatch" in x0
    assert "mismatch" not in x1
    assert f"{2 * math.sin(0.5):.15g}" in x0
    assert f"{2 * math.cos(0.5):.12g}"[:12] in x0
    reports = info.value.reports
    assert [r.ok for r in reports] == [False, True]
    assert reports[0].difference == pytest.approx(2 * (math.sin(0.5) - math.cos(0.5)), abs=1e-8)


def test_gradcheck_tolerances_are_used() -> None:
    def nearly(a: Value) -> Value:
        return a * 1.0 + Value(0.0) * a  # exact

    assert gradcheck(nearly, [1.0], atol=0.0, rtol=1e-8)


def test_gradcheck_requires_fn_to_return_a_value() -> None:
    with pytest.raises(TypeError, match="fn must return a Value, got float"):
        gradcheck(lambda a: 1.0, [1.0])  # type: ignore[arg-type,return-value]


def test_gradcheck_outside_domain_is_explained() -> None:
    with pytest.raises(ValueError, match=r"input 0 at 1e-09.*domain"):
        gradcheck(lambda a: a.log(), [1e-9], eps=1e-6)


def test_numerical_gradients_are_central_differences() -> None:
    (g,) = numerical_gradients(lambda a: a * a * a, [2.0], eps=1e-4)
    assert g == pytest.approx(12.0, abs=1e-7)  # central difference error is eps**2


@attrs.frozen
class FloatSlopeCube(Operation):
    """x**3 whose local_grads uses x.data on a node: right at first order, wrong at second."""

    def forward(self, x: float) -> float:
        return x**3

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        number = x.data if isinstance(x, Value) else x
        return (3 * number * number,)


def test_gradcheck_second_order_passes_for_correct_functions() -> None:
    assert gradcheck(lambda a, b: (a * b + a**2).tanh() / (b * b + 1), [0.7, -1.2], order=2)
    assert gradcheck(lambda a: a.sin() * a.exp(), [0.3], order=3)


def test_gradcheck_second_order_reports_each_pair_of_inputs() -> None:
    assert gradcheck(FloatSlopeCube(), [1.5])  # first order is right
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: FloatSlopeCube()(a) * b, [1.5, 2.0], order=2)
    message = str(info.value)
    assert "derivatives of order 2 disagree" in message
    rows = {line.split()[0]: line for line in message.splitlines()[3:]}
    assert set(rows) == {"x0,x0", "x0,x1", "x1,x0", "x1,x1"}
    assert "mismatch" in rows["x0,x0"]  # 0 where 6 x b = 18
    assert "mismatch" not in rows["x1,x1"]
    reports = {r.wrt: r for r in info.value.reports}
    assert reports[(0, 0)].analytic == 0.0
    assert reports[(0, 0)].numeric == pytest.approx(18.0, rel=1e-6)
    assert reports[(0, 1)].order == 2


@pytest.mark.parametrize("order", [0, -1, 1.0, True])
def test_gradcheck_order_must_be_a_positive_int(order: object) -> None:
    with pytest.raises(ValueError, match="order must be an int >= 1"):
        gradcheck(Mul(), [1.0, 2.0], order=order)  # type: ignore[arg-type]


def test_gradcheck_second_order_of_a_float_only_op_names_it() -> None:
    with pytest.raises(TypeError, match=r"WrongSin\(\) cannot be differentiated twice"):
        gradcheck(WrongSin(), [0.5], order=2, atol=10.0)
