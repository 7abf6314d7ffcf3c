"""Property-based checks for operations: hypothesis strategies and check_operation.

Needs hypothesis, which comes with the ``testing`` extra: ``pip install 'opgrad[testing]'``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

try:
    from hypothesis import HealthCheck, assume, given, settings
    from hypothesis import strategies as st
    from hypothesis.errors import HypothesisException
except ImportError as error:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "autograd.testing needs hypothesis, which comes with the 'testing' extra: "
        "pip install 'opgrad[testing]'"
    ) from error

from autograd.checks import positive_int, reworded
from autograd.numerical import GradcheckError, gradcheck
from autograd.operation import Operation, describe_arity

__all__ = ["away_from", "check_operation", "finite_floats", "positive_floats"]


def finite_floats(min_value: float = -10.0, max_value: float = 10.0) -> st.SearchStrategy[float]:
    """Finite floats in [min_value, max_value] (no NaN, no infinity).

    Examples:
        >>> from autograd import Tanh
        >>> from autograd.testing import check_operation, finite_floats
        >>> check_operation(Tanh(), finite_floats(-20, 20), max_examples=20)
    """
    return st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)


def positive_floats(min_value: float = 1e-2, max_value: float = 100.0) -> st.SearchStrategy[float]:
    """Finite floats in [min_value, max_value], for domains like log's x > 0.

    The lower bound stays away from 0 on purpose: near a pole a finite difference is no
    estimate of the derivative.

    Examples:
        >>> from autograd import Sqrt
        >>> from autograd.testing import check_operation, positive_floats
        >>> check_operation(Sqrt(), positive_floats(), order=2, max_examples=20)
    """
    if min_value <= 0:
        raise ValueError(f"positive_floats: min_value must be > 0, got {min_value!r}")
    return finite_floats(min_value, max_value)


def away_from(
    strategy: st.SearchStrategy[float], points: Sequence[float], margin: float = 1e-3
) -> st.SearchStrategy[float]:
    """Values of ``strategy`` at least ``margin`` away from each of ``points``.

    For kinks and jumps (ReLU at 0, abs at 0) where the derivative is undefined and a central
    difference straddling the kink averages the two sides. For a kink that is not a point of
    one input (Max at a == b), filter whole points with ``check_operation(..., where=...)``.

    Examples:
        >>> from autograd import Abs
        >>> from autograd.testing import away_from, check_operation, finite_floats
        >>> check_operation(Abs(), away_from(finite_floats(), [0.0]), order=2, max_examples=20)
    """
    return strategy.filter(lambda x: all(abs(x - p) >= margin for p in points))


def check_operation(
    op: Operation,
    domain: st.SearchStrategy[float] | Sequence[st.SearchStrategy[float]] | None = None,
    *,
    arity: int | None = None,
    order: int = 1,
    where: Callable[..., bool] | None = None,
    max_examples: int = 100,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
) -> None:
    """Property-test ``op.local_grads`` against central finite differences.

    Hypothesis draws points from ``domain`` and runs :func:`~autograd.gradcheck` on ``op`` at
    each (to ``order``); on a failure it shrinks to a small counterexample, and the one report
    for it is raised: a :class:`~autograd.GradcheckError` whose message is gradcheck's table,
    or, if the operation itself raised there, that error in one message naming the point.

    Args:
        op: The operation instance to check.
        domain: Where to draw inputs from: one strategy for every input, or one per input.
            Defaults to finite floats in [-10, 10]. Keep it inside the op's domain and away from
            kinks (see :func:`positive_floats`, :func:`away_from`).
        arity: How many inputs to give an operation of any number of inputs (``op.arity`` is
            None, as for :class:`~autograd.LogSumExp`); such an operation needs this or one
            strategy per input in ``domain``. For other operations it may only repeat
            ``op.arity``.
        order: Check derivatives up to this order (2: second derivatives too, against
            differences of the first). An op checked at order 2 must write ``local_grads``
            with arithmetic and Value methods (see :meth:`GraphExecutor.grad
            <autograd.GraphExecutor.grad>`).
        where: Only points for which ``where(*point)`` is true are checked: a kink that is
            not a point of one input, such as Max's a == b (``where=lambda a, b: abs(a - b) >
            1e-3``). Hypothesis reports a filter that rejects almost everything.
        max_examples: How many points hypothesis tries.
        eps: Finite-difference step.
        atol: Absolute tolerance.
        rtol: Relative tolerance.

    Raises:
        GradcheckError: The derivatives disagree at the point reported.
        ArithmeticError, ValueError, TypeError: The operation raised at the point named (its
            ``forward`` outside its domain: draw inputs inside it; its ``local_grads`` unable
            to work on Values at ``order`` 2).

    Examples:
        >>> from autograd import Log, LogSumExp, Max
        >>> from autograd.testing import check_operation, finite_floats, positive_floats
        >>> check_operation(Log(), positive_floats(), max_examples=20)
        >>> check_operation(LogSumExp(), finite_floats(-50, 50), arity=3, max_examples=20)
        >>> check_operation(Max(), order=2, where=lambda a, b: abs(a - b) > 1e-3, max_examples=20)
    """
    if not isinstance(op, Operation):
        raise TypeError(f"check_operation needs an Operation instance, got {type(op).__name__}")
    if type(order) is not int or order < 1:
        raise ValueError(f"check_operation: order must be an int >= 1, got {order!r}")
    if where is not None and not callable(where):
        raise TypeError(f"check_operation: where must be a function, got {type(where).__name__}")
    strategies = _strategies(op, domain, arity)
    failing: list[tuple[float, ...]] = []

    @settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        report_multiple_bugs=False,  # one counterexample, one report
    )
    @given(st.tuples(*strategies))
    def _property(point: tuple[float, ...]) -> None:
        if where is not None:
            assume(where(*point))
        failing[:] = [point]
        output = op.forward(*point)
        if not isinstance(output, float):
            raise TypeError(f"{op!r}.forward{point} returned {type(output).__name__}, not float")
        # Beyond the float range a finite difference means nothing: such points are discarded
        # (hypothesis reports a domain that discards too many).
        assume(math.isfinite(output))
        gradcheck(op, point, order=order, eps=eps, atol=atol, rtol=rtol)

    try:
        _property()
    except GradcheckError as error:
        raise GradcheckError(str(error), error.reports) from None  # without hypothesis' notes
    except HypothesisException:
        raise
    except Exception as error:
        point = failing[-1] if failing else ()
        message = f"{op!r} raised {type(error).__name__} at {point!r}: {error}"
        raise reworded(error, message) from None


def _strategies(
    op: Operation,
    domain: st.SearchStrategy[float] | Sequence[st.SearchStrategy[float]] | None,
    arity: int | None,
) -> list[st.SearchStrategy[float]]:
    """One strategy per input of ``op``, checking ``domain`` and ``arity`` against it."""
    fixed = op.arity
    if arity is not None:
        positive_int(arity, "check_operation: arity")
        if fixed is not None and arity != fixed:
            raise ValueError(
                f"check_operation: {op!r} takes {describe_arity(fixed)}, not arity={arity}"
            )
    count = fixed if fixed is not None else arity
    if domain is None or isinstance(domain, st.SearchStrategy):
        if count is None:
            raise ValueError(
                f"check_operation: {op!r} takes {describe_arity(fixed)}; say how many to give "
                "it with arity= or with one strategy per input in domain"
            )
        return [domain if domain is not None else finite_floats()] * count
    strategies = list(domain)
    if count is not None and len(strategies) != count:
        wanted = f"takes {describe_arity(fixed)}" if fixed is not None else f"arity={arity}"
        declared = f" ({type(op).__name__}.arity is {fixed})" if fixed is not None else ""
        raise ValueError(
            f"check_operation: {op!r} {wanted} but domain has {len(strategies)}{declared}"
        )
    if not strategies:
        raise ValueError(f"check_operation: domain gives no strategy for {op!r}'s inputs")
    return strategies
