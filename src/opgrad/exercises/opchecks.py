"""The check of a learner's Operation: forward, local_grads against differences, and order 2."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd import GraphExecutor, Operation, Value
from opgrad.exercises.feedback import Learner, expect, expect_close, number

__all__ = ["check_op", "check_operation_class"]

_EXECUTOR = GraphExecutor()
_H = 1e-6
_SECOND_HINT = (
    "for a second derivative opgrad calls local_grads on Values: write it with arithmetic on "
    "x and output (no math functions), the same formula as for floats"
)


def _args(point: Sequence[float]) -> str:
    return ", ".join(number(x) for x in point)


def _partial(fn: Callable[..., float], point: Sequence[float], i: int, h: float = _H) -> float:
    """D fn / d input i at point, by a central difference."""
    up, down = list(point), list(point)
    up[i] += h
    down[i] -= h
    return (fn(*up) - fn(*down)) / (2 * h)


def check_operation_class(learner: Learner, name: str, *args: object) -> Operation:
    """The learner's class ``name``, instantiated with ``args``, checked to be an Operation."""
    cls = learner.get(name, "class")
    shown = f"{name}({_args([a for a in args if isinstance(a, float)])})"
    op = learner.call(shown, cls, *args)
    expect(
        isinstance(op, Operation),
        f"{name} is not an Operation",
        hint=f"declare it as @attrs.frozen class {name}(Operation)",
    )
    return op  # type: ignore[no-any-return]


def check_op(
    learner: Learner,
    name: str,
    op: Operation,
    points: Sequence[Sequence[float]],
    *,
    f: Callable[..., float],
    grads: Callable[..., tuple[float, ...]],
    hint: str,
    second: bool = True,
    inputs: Sequence[str] = ("x",),
) -> None:
    """Check ``op`` at every point: forward against ``f``, local_grads against ``grads``.

    Each local derivative is shown next to its central difference when it is wrong. With
    ``second``, the second derivative through opgrad's ``grad(create_graph=True)`` (which
    calls local_grads on Values) is compared with a central difference of ``grads``.
    """
    for point in points:
        call = f"{name}.forward({_args(point)})"
        out = learner.call(call, op.forward, *point)
        expect_close(call, out, f(*point), hint="forward computes the output from the inputs")
    for point in points:
        call = f"{name}.local_grads({_args(point)}, output={number(f(*point))})"
        local = learner.call(call, op.local_grads, *point, output=f(*point))
        expect(
            isinstance(local, (tuple, list)) and len(local) == len(point),
            f"{call} should return {len(point)} derivative(s) in a tuple, got {local!r}",
            hint="one d(output)/d(input) per input, in input order: (d,) for one input",
        )
        for i, want in enumerate(grads(*point)):
            expect_close(
                f"{call}[{i}], d(output)/d({inputs[i]})",
                local[i],
                want,
                hint=hint,
                note=f"numeric difference {number(_partial(f, point, i))}",
                tol=1e-6,
            )
    if second:
        _check_second(learner, name, op, points, grads, inputs)


def _check_second(
    learner: Learner,
    name: str,
    op: Operation,
    points: Sequence[Sequence[float]],
    grads: Callable[..., tuple[float, ...]],
    inputs: Sequence[str],
) -> None:
    for point in points:
        leaves = [Value(x, label=label) for x, label in zip(point, inputs)]
        y = learner.call(f"{name}()({_args(point)})", op, *leaves)
        for i, leaf in enumerate(leaves):
            what = f"the second derivative of {name} by {inputs[i]} at ({_args(point)})"
            try:
                first = _EXECUTOR.grad(y, leaf, create_graph=True)
                got = _EXECUTOR.grad(first, leaf)
            except Exception as error:
                raise learner.wrong_from(what, error) from None
            want = _partial(lambda *p, k=i: grads(*p)[k], point, i, 1e-5)
            expect_close(what, got, want, hint=_SECOND_HINT, tol=1e-4)
