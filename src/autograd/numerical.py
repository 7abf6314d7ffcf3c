"""Numerical gradients by central finite differences, and the check of backward against them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import attrs

from autograd.executor import GraphExecutor
from autograd.value import Value

__all__ = ["GradcheckError", "GradientReport", "gradcheck", "numerical_gradients"]


class GradcheckError(AssertionError):
    """Analytic and numerical gradients disagree; the message is the full report.

    Attributes:
        reports: One :class:`GradientReport` per input.
    """

    def __init__(self, message: str, reports: Sequence[GradientReport] = ()) -> None:
        super().__init__(message)
        self.reports = tuple(reports)


@attrs.frozen
class GradientReport:
    """How one input's analytic derivative compares with its numerical estimate."""

    index: int
    point: float
    analytic: float
    numeric: float
    ok: bool

    @property
    def difference(self) -> float:
        """Analytic - numeric."""
        return self.analytic - self.numeric


Function = Callable[..., Value]


def _evaluate(fn: Function, point: Sequence[float]) -> float:
    out = fn(*(Value(x) for x in point))
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: fn must return a Value, got {type(out).__name__}: {out!r}")
    return out.data


def numerical_gradients(fn: Function, inputs: Sequence[float], eps: float = 1e-6) -> list[float]:
    """Central differences (f(x + eps) - f(x - eps)) / (2 eps), one input at a time.

    The error of a central difference shrinks like eps**2 until rounding takes over (it grows
    like 1e-16 / eps), which is why eps near 1e-6 works for most functions.
    """
    point = [float(x) for x in inputs]
    estimates = []
    for i, x in enumerate(point):
        up = [*point[:i], x + eps, *point[i + 1 :]]
        down = [*point[:i], x - eps, *point[i + 1 :]]
        try:
            estimates.append((_evaluate(fn, up) - _evaluate(fn, down)) / (2.0 * eps))
        except (ArithmeticError, ValueError) as error:
            raise ValueError(
                f"gradcheck: cannot take a finite difference for input {i} at {x!r} "
                f"(x ± {eps!r} leaves the function's domain): {error}"
            ) from error
    return estimates


def gradcheck(
    fn: Function,
    inputs: Sequence[float],
    *,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
) -> bool:
    """Check backward's gradients of ``fn`` at ``inputs`` against central finite differences.

    Args:
        fn: Takes one Value per input and returns a Value; an Operation instance qualifies.
        inputs: The point to check at, one number per argument of ``fn``.
        eps: Step of the finite difference.
        atol: Absolute tolerance.
        rtol: Tolerance relative to the numerical derivative:
            ``|analytic - numeric| <= atol + rtol * |numeric|`` must hold for every input.

    Returns:
        True when every input passes.

    Raises:
        GradcheckError: A report listing, for every input, its analytic and numerical
            derivative and their difference, marking the ones that fail.

    Examples:
        >>> from autograd import Mul, gradcheck
        >>> gradcheck(Mul(), [2.0, -3.0])
        True
    """
    point = [float(x) for x in inputs]
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    out = fn(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: fn must return a Value, got {type(out).__name__}: {out!r}")
    grads = GraphExecutor().gradients(out)
    analytic = [grads.get(leaf, 0.0) for leaf in leaves]
    numeric = numerical_gradients(fn, point, eps)
    reports = [
        GradientReport(i, x, a, n, math.isclose(a, n, rel_tol=0.0, abs_tol=atol + rtol * abs(n)))
        for i, (x, a, n) in enumerate(zip(point, analytic, numeric))
    ]
    if all(r.ok for r in reports):
        return True
    raise GradcheckError(_format(fn, point, out.data, reports, eps, atol, rtol), reports)


def _format(
    fn: Function,
    point: Sequence[float],
    output: float,
    reports: Sequence[GradientReport],
    eps: float,
    atol: float,
    rtol: float,
) -> str:
    failed = sum(not r.ok for r in reports)
    lines = [
        f"gradcheck failed for {fn!r}: {failed} of {len(reports)} inputs disagree "
        f"(numerical vs analytical gradient, eps={eps!r}, atol={atol!r}, rtol={rtol!r})",
        f"at ({', '.join(repr(x) for x in point)}), output {output!r}:",
        f"  {'input':<7} {'point':>13} {'analytical':>22} {'numerical':>22} {'difference':>12}",
    ]
    for r in reports:
        mark = "" if r.ok else "   <-- mismatch"
        lines.append(
            f"  x{r.index:<6} {r.point:>13.6g} {r.analytic:>22.15g} {r.numeric:>22.15g} "
            f"{r.difference:>12.3e}{mark}"
        )
    return "\n".join(lines)
