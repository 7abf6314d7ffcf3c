import math
import subprocess
import sys
import textwrap

import attrs
import pytest

from autograd import GradcheckError, LogSumExp, Operation
from autograd.testing import away_from, check_operation, finite_floats, positive_floats


@attrs.frozen
class Softplus(Operation):
    """Softplus: f(x) = ln(1 + e**x); df/dx = sigmoid(x)."""

    def forward(self, x: float) -> float:
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        return (1.0 / (1.0 + math.exp(-x)),)


@attrs.frozen
class BadSquare(Operation):
    """Square with the derivative off by a factor of two."""

    def forward(self, x: float) -> float:
        return x * x

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        return (x,)


def test_testing_check_operation_passes_a_correct_user_op() -> None:
    check_operation(Softplus(), finite_floats(-30, 30), max_examples=50)


def test_testing_check_operation_finds_and_reports_a_wrong_derivative() -> None:
    with pytest.raises(GradcheckError, match="mismatch"):
        check_operation(BadSquare(), max_examples=50)


def test_testing_check_operation_validates_arguments() -> None:
    with pytest.raises(TypeError, match="Operation instance"):
        check_operation(Softplus)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="takes 1 input but domain has 2"):
        check_operation(Softplus(), [finite_floats(), finite_floats()])
    with pytest.raises(ValueError, match="takes 1 input, not arity=2"):
        check_operation(Softplus(), arity=2)
    with pytest.raises(ValueError, match="arity must be a positive int, got 0"):
        check_operation(LogSumExp(), arity=0)


def test_testing_check_operation_of_any_arity_needs_to_be_told_how_many() -> None:
    with pytest.raises(ValueError, match=r"LogSumExp\(\) takes one or more inputs; say how many"):
        check_operation(LogSumExp(), finite_floats())
    with pytest.raises(ValueError, match="arity=3 but domain has 2"):
        check_operation(LogSumExp(), [finite_floats()] * 2, arity=3)
    with pytest.raises(ValueError, match="domain gives no strategy"):
        check_operation(LogSumExp(), [])
    check_operation(Softplus(), finite_floats(-30, 30), arity=1, max_examples=10)
    check_operation(LogSumExp(), [finite_floats(), positive_floats()], max_examples=20)
    check_operation(LogSumExp(), arity=5, max_examples=20)


def test_testing_strategies_respect_their_bounds() -> None:
    from hypothesis import given

    @given(positive_floats(0.5, 2.0), away_from(finite_floats(-1, 1), [0.0], 0.25))
    def check(p: float, q: float) -> None:
        assert 0.5 <= p <= 2.0
        assert abs(q) >= 0.25

    check()
    with pytest.raises(ValueError, match="min_value must be > 0"):
        positive_floats(0.0)


def test_testing_without_hypothesis_names_the_extra() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["hypothesis"] = None  # makes `import hypothesis` fail
        try:
            import autograd.testing
        except ImportError as e:
            print(e)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "opgrad[testing]" in out.stdout
