"""Property-based checks for operations: hypothesis strategies and check_operation.

Needs hypothesis, which comes with the ``testing`` extra: ``pip install 'opgrad[testing]'``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

try:
    from hypothesis import HealthCheck, assume, given, settings
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "autograd.testing needs hypothesis, which comes with the 'testing' extra: "
        "pip install 'opgrad[testing]'"
    ) from error

from autograd.numerical import gradcheck
from autograd.operation import Operation, describe_arity

__all__ = ["away_from", "check_operation", "finite_floats", "positive_floats"]


def finite_floats(min_value: float = -10.0, max_value: float = 10.0) -> st.SearchStrategy[float]:
    """Finite floats in [min_value, max_value] (no NaN, no infinity)."""
    return st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)


def positive_floats(min_value: float = 1e-2, max_value: float = 100.0) -> st.SearchStrategy[float]:
    """Finite floats in [min_value, max_value], for domains like log's x > 0.

    The lower bound stays away from 0 on purpose: near a pole a finite difference is no
    estimate of the derivative.
    """
    if min_value <= 0:
        raise ValueError(f"positive_floats: min_value must be > 0, got {min_value!r}")
    return finite_floats(min_value, max_value)


def away_from(
    strategy: st.SearchStrategy[float], points: Sequence[float], margin: float = 1e-3
) -> st.SearchStrategy[float]:
    """Values of ``strategy`` at least ``margin`` away from each of ``points``.

    For kinks and jumps (ReLU at 0, abs at 0) where the derivative is undefined and a central
    difference straddling the kink averages the two sides.
    """
    return strategy.filter(lambda x: all(abs(x - p) >= margin for p in points))


def check_operation(
    op: Operation,
    domain: st.SearchStrategy[float] | Sequence[st.SearchStrategy[float]] | None = None,
    *,
    arity: int | None = None,
    max_examples: int = 100,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
) -> None:
    """Property-test ``op.local_grads`` against central finite differences.

    Hypothesis draws points from ``domain`` and runs :func:`~autograd.gradcheck` on ``op`` at
    each; on a failure it shrinks to a small counterexample and re-raises the
    :class:`~autograd.GradcheckError` report for it.

    Args:
        op: The operation instance to check.
        domain: Where to draw inputs from: one strategy for every input, or one per input.
            Defaults to finite floats in [-10, 10]. Keep it inside the op's domain and away from
            kinks (see :func:`positive_floats`, :func:`away_from`).
        arity: How many inputs to give an operation of any number of inputs (``op.arity`` is
            None, as for :class:`~autograd.LogSumExp`); such an operation needs this or one
            strategy per input in ``domain``. For other operations it may only repeat
            ``op.arity``.
        max_examples: How many points hypothesis tries.
        eps: Finite-difference step.
        atol: Absolute tolerance.
        rtol: Relative tolerance.

    Examples:
        >>> from autograd import Log, LogSumExp
        >>> from autograd.testing import check_operation, finite_floats, positive_floats
        >>> check_operation(Log(), positive_floats(), max_examples=20)
        >>> check_operation(LogSumExp(), finite_floats(-50, 50), arity=3, max_examples=20)
    """
    if not isinstance(op, Operation):
        raise TypeError(f"check_operation needs an Operation instance, got {type(op).__name__}")
    fixed = op.arity
    if arity is not None:
        if isinstance(arity, bool) or not isinstance(arity, int) or arity < 1:
            raise ValueError(f"check_operation: arity must be a positive int, got {arity!r}")
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
        strategies = [domain if domain is not None else finite_floats()] * count
    else:
        strategies = list(domain)
        if count is not None and len(strategies) != count:
            wanted = f"takes {describe_arity(fixed)}" if fixed is not None else f"arity={arity}"
            raise ValueError(f"check_operation: {op!r} {wanted} but domain has {len(strategies)}")
        if not strategies:
            raise ValueError(f"check_operation: domain gives no strategy for {op!r}'s inputs")

    @settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.tuples(*strategies))
    def _property(point: tuple[float, ...]) -> None:
        output = op.forward(*point)
        if not isinstance(output, float):
            raise TypeError(f"{op!r}.forward{point} returned {type(output).__name__}, not float")
        # Beyond the float range a finite difference means nothing: such points are discarded
        # (hypothesis reports a domain that discards too many).
        assume(math.isfinite(output))
        gradcheck(op, point, eps=eps, atol=atol, rtol=rtol)

    _property()
