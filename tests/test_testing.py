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


def test_testing_check_operation_second_order_of_every_new_op() -> None:
    from autograd import Abs, Cos, Max, Min, Mod, Sin, Softplus, Sqrt

    check_operation(Sqrt(), positive_floats(), order=2, max_examples=20)
    check_operation(Sin(), order=2, max_examples=20)
    check_operation(Cos(), order=2, max_examples=20)
    check_operation(Softplus(), finite_floats(-30, 30), order=2, max_examples=20)
    check_operation(Abs(), away_from(finite_floats(), [0.0]), order=2, max_examples=20)
    apart = lambda a, b: abs(a - b) > 1e-3  # noqa: E731
    check_operation(Max(), order=2, where=apart, max_examples=20)
    check_operation(Min(), order=2, where=apart, max_examples=20)
    check_operation(
        Mod(),
        [finite_floats(), away_from(finite_floats(), [0.0], 0.1)],
        order=2,
        where=lambda a, b: abs(a / b - round(a / b)) > 1e-3,
        max_examples=20,
    )


def test_testing_check_operation_without_where_finds_the_kink_of_max() -> None:
    from hypothesis import strategies as st

    from autograd import Max

    # At a tie the central difference averages the sides, 1/2 each, as Max's convention does;
    # a hair away from one it straddles the kink and disagrees with the one-sided slope.
    a, b = st.just(1.0), st.just(1.0 + 1e-7)
    with pytest.raises(GradcheckError, match="mismatch"):
        check_operation(Max(), [a, b], max_examples=5)
    check_operation(Max(), [a, a], max_examples=5)


def test_testing_check_operation_raises_one_readable_error_not_a_group() -> None:
    from autograd import Sqrt

    with pytest.raises(ValueError, match="raised") as caught:
        check_operation(Sqrt(), max_examples=100)  # the default domain includes x < 0
    assert type(caught.value) is ValueError
    message = str(caught.value)
    assert message.startswith("Sqrt() raised ValueError at (")
    assert "\n" not in message
    assert not getattr(caught.value, "__notes__", None)


def test_testing_check_operation_second_order_of_a_float_only_op_names_it() -> None:
    with pytest.raises(TypeError, match=r"Softplus\(\) cannot be differentiated twice") as caught:
        check_operation(Softplus(), finite_floats(-30, 30), order=2, max_examples=10)
    assert str(caught.value).startswith("Softplus() raised TypeError at (")
    check_operation(Softplus(), finite_floats(-30, 30), order=1, max_examples=10)


def test_testing_check_operation_refuses_bad_order_and_where() -> None:
    with pytest.raises(ValueError, match="order must be an int >= 1, got 0"):
        check_operation(Softplus(), order=0)
    with pytest.raises(TypeError, match="where must be a function, got int"):
        check_operation(Softplus(), where=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"domain has 2 \(Softplus.arity is 1\)"):
        check_operation(Softplus(), [finite_floats(), finite_floats()])
