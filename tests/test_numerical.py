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
