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


def _indices(wrt: Sequence[int]) -> tuple[int, ...]:
    return tuple(wrt)


@attrs.frozen
class GradientReport:
    """How one analytic derivative compares with its numerical estimate.

    Attributes:
        index: The input the finite difference moved (the last of ``wrt``).
        point: That input's value.
        analytic: The derivative the engine computed.
        numeric: Its central-difference estimate.
        ok: Whether they agree within the tolerances.
        wrt: The inputs differentiated by, in order: ``(i,)`` for d/dxi, ``(i, j)`` for
            d/dxj d/dxi (a second derivative, estimated from the analytic first ones).
    """

    index: int
    point: float
    analytic: float
    numeric: float
    ok: bool
    wrt: tuple[int, ...] = attrs.field(default=(), converter=_indices)

    @property
    def order(self) -> int:
        """How many times the output was differentiated: ``len(wrt)``, at least 1."""
        return max(len(self.wrt), 1)

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
    order: int = 1,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
) -> bool:
    """Check backward's gradients of ``fn`` at ``inputs`` against central finite differences.

    With ``order`` = k > 1, the derivatives of every order up to k are checked, each against
    central differences of the analytic derivatives one order below (as PyTorch's
    ``gradgradcheck`` does for the second): the derivative graphs come from
    :meth:`GraphExecutor.grad <autograd.GraphExecutor.grad>` with ``create_graph=True``. The
    first order that disagrees is reported.

    Args:
        fn: Takes one Value per input and returns a Value; an Operation instance qualifies.
        inputs: The point to check at, one number per argument of ``fn``.
        order: The highest order of derivatives to check, an int >= 1.
        eps: Step of the finite difference.
        atol: Absolute tolerance.
        rtol: Tolerance relative to the numerical derivative:
            ``|analytic - numeric| <= atol + rtol * |numeric|`` must hold for every input.

    Returns:
        True when every input passes.

    Raises:
        GradcheckError: A report listing, for every input (at order k, every sequence of k
            inputs), its analytic and numerical derivative and their difference, marking the
            ones that fail.
        TypeError: At ``order`` > 1, an operation's ``local_grads`` only works on floats
            (the message names it and says how to fix it).

    Examples:
        >>> import math
        >>> from autograd import Mul, Value, gradcheck
        >>> gradcheck(Mul(), [2.0, -3.0])
        True
        >>> gradcheck(lambda x, y: (x * y).tanh() * x, [0.5, -1.5], order=2)
        True
    """
    if type(order) is not int or order < 1:
        raise ValueError(f"gradcheck: order must be an int >= 1, got {order!r}")
    point = [float(x) for x in inputs]
    _first_order(fn, point, eps, atol, rtol)
    for k in range(2, order + 1):
        _check_order(fn, point, k, eps, atol, rtol)
    return True


def _first_order(fn: Function, point: list[float], eps: float, atol: float, rtol: float) -> None:
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
    if not all(r.ok for r in reports):
        raise GradcheckError(_format(fn, point, out.data, reports, eps, atol, rtol), reports)


def _derivatives(fn: Function, point: Sequence[float], order: int) -> dict[tuple[int, ...], float]:
    """Every analytic derivative of ``fn`` at ``point`` of this order, by path.

    A path is the inputs differentiated by, in order: ``{(): f}`` for order 0.
    """
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    out = fn(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: fn must return a Value, got {type(out).__name__}: {out!r}")
    if order == 0:
        return {(): out.data}
    ex = GraphExecutor()
    level: dict[tuple[int, ...], Value] = {(): out}
    for _ in range(order - 1):
        level = {
            (*path, i): g
            for path, node in level.items()
            for i, g in enumerate(ex.grad(node, leaves, create_graph=True))
        }
    return {
        (*path, i): g for path, node in level.items() for i, g in enumerate(ex.grad(node, leaves))
    }


def _check_order(
    fn: Function, point: list[float], order: int, eps: float, atol: float, rtol: float
) -> None:
    """Check the derivatives of one order > 1 against differences of the order below."""
    analytic = _derivatives(fn, point, order)
    reports = []
    for i, x in enumerate(point):
        up = [*point[:i], x + eps, *point[i + 1 :]]
        down = [*point[:i], x - eps, *point[i + 1 :]]
        try:
            above, below = _derivatives(fn, up, order - 1), _derivatives(fn, down, order - 1)
        except (ArithmeticError, ValueError) as error:
            raise ValueError(
                f"gradcheck: cannot take a finite difference of the order-{order - 1} "
                f"derivatives for input {i} at {x!r} (x ± {eps!r} leaves the domain): {error}"
            ) from error
        for path in above:
            key = (*path, i)
            a = analytic[key]
            n = (above[path] - below[path]) / (2.0 * eps)
            ok = math.isclose(a, n, rel_tol=0.0, abs_tol=atol + rtol * abs(n))
            reports.append(GradientReport(i, x, a, n, ok, wrt=key))
    reports.sort(key=lambda r: r.wrt)
    if not all(r.ok for r in reports):
        output = _derivatives(fn, point, 0)[()]
        raise GradcheckError(_format(fn, point, output, reports, eps, atol, rtol), reports)


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
    order = reports[0].order if reports else 1
    if order == 1:
        what = "inputs disagree (numerical vs analytical gradient"
        head = "input"
    else:
        what = (
            f"derivatives of order {order} disagree (analytical vs central differences of the "
            f"analytical order-{order - 1} derivatives"
        )
        head = "wrt"
    width = max(7, *(len(_name(r)) for r in reports)) if reports else 7
    lines = [
        f"gradcheck failed for {fn!r}: {failed} of {len(reports)} {what}, "
        f"eps={eps!r}, atol={atol!r}, rtol={rtol!r})",
        f"at ({', '.join(repr(x) for x in point)}), output {output!r}:",
        f"  {head:<{width}} {'point':>13} {'analytical':>22} {'numerical':>22} {'difference':>12}",
    ]
    for r in reports:
        mark = "" if r.ok else "   <-- mismatch"
        lines.append(
            f"  {_name(r):<{width}} {r.point:>13.6g} {r.analytic:>22.15g} {r.numeric:>22.15g} "
            f"{r.difference:>12.3e}{mark}"
        )
    return "\n".join(lines)


def _name(report: GradientReport) -> str:
    """``x0`` for a first derivative, ``x0,x1`` for d/dx1 d/dx0."""
    return ",".join(f"x{i}" for i in report.wrt or (report.index,))
