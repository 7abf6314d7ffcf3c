"""The graders of the extending part: own_op, relu_op and second_derivative."""

from __future__ import annotations

import math

from autograd import GradcheckError, Operation
from autograd.testing import away_from, check_operation, finite_floats
from opgrad.exercises.feedback import AnswerError, Learner, expect, expect_close, number
from opgrad.exercises.opchecks import check_op, check_operation_class

__all__ = ["check_own_op", "check_relu_op", "check_second_derivative"]


def _property_test(learner: Learner, call: str, run: object) -> None:
    """Run a check_operation call on the learner's op; its failure is feedback."""
    assert callable(run)
    try:
        run()
    except GradcheckError as error:
        table = str(error).splitlines()
        raise AnswerError(
            f"{call} found a point where local_grads is wrong:",
            *table[:12],
            hint="compare local_grads with the derivative of forward at that point",
        ) from None
    except Exception as error:
        raise learner.wrong_from(call, error) from None


def _smooth_abs(x: float) -> float:
    return math.sqrt(x * x + 1.0)


def check_own_op(learner: Learner) -> None:
    """SmoothAbs against its formulas and check_operation; check() must catch a broken op."""
    op = check_operation_class(learner, "SmoothAbs")
    check_op(
        learner,
        "SmoothAbs()",
        op,
        [(0.0,), (1.5,), (-3.2,), (7.0,)],
        f=_smooth_abs,
        grads=lambda x: (x / _smooth_abs(x),),
        hint="d/dx sqrt(x**2 + 1) = 2x / (2 sqrt(x**2 + 1)) = x / output",
    )
    _property_test(
        learner,
        "check_operation(SmoothAbs(), order=2)",
        lambda: check_operation(op, finite_floats(-10, 10), order=2, max_examples=30),
    )
    check = learner.get("check")
    learner.call("check()", check)
    honest = learner.namespace["SmoothAbs"]

    class Broken(honest):  # type: ignore[misc, valid-type]
        def local_grads(self, x: float, *, output: float) -> tuple[float]:
            return (2.0 * x,)

    learner.namespace["SmoothAbs"] = Broken
    try:
        check()
    except GradcheckError:
        return
    except Exception as error:
        raise learner.wrong_from("check() on a SmoothAbs whose local_grads is 2x", error) from None
    finally:
        learner.namespace["SmoothAbs"] = honest
    raise AnswerError(
        "check() passed a SmoothAbs whose local_grads is wrong (2 * x): it checks nothing",
        hint="call check_operation(SmoothAbs(), finite_floats(-10, 10), order=2) in check()",
    )


def check_relu_op(learner: Learner) -> None:
    """ReLU away from the kink (formulas, then property tests), and 0 at the kink."""
    op = check_operation_class(learner, "ReLU")
    check_op(
        learner,
        "ReLU()",
        op,
        [(1.5,), (-0.7,), (3.0,), (-2.5,)],
        f=lambda x: max(0.0, x),
        grads=lambda x: (1.0 if x > 0 else 0.0,),
        hint="relu passes x through above 0 (slope 1) and gives 0 below (slope 0)",
    )
    at_kink = learner.call("ReLU().local_grads(0.0, output=0.0)", op.local_grads, 0.0, output=0.0)
    expect(
        isinstance(at_kink, tuple) and len(at_kink) == 1 and at_kink[0] == 0.0,
        f"ReLU().local_grads(0.0, output=0.0) should be (0.0,), got {at_kink!r}",
        hint="at the kink opgrad uses 0, as micrograd and PyTorch: x > 0, not x >= 0",
    )
    _property_test(
        learner,
        "check_operation(ReLU(), away_from(finite_floats(), [0.0]), order=2)",
        lambda: check_operation(op, away_from(finite_floats(), [0.0]), order=2, max_examples=30),
    )
    expect(isinstance(op, Operation), "ReLU is not an Operation")


def check_second_derivative(learner: Learner) -> None:
    """second_derivative on four functions; tanh_second against its formula and differences."""
    fn = learner.get("second_derivative")
    cases = (
        ("x**3", lambda v: v * v * v, 1.5, 6 * 1.5),
        ("tanh x", lambda v: v.tanh(), 0.7, -2 * math.tanh(0.7) * (1 - math.tanh(0.7) ** 2)),
        ("x e**x", lambda v: v * v.exp(), -0.4, (2 - 0.4) * math.exp(-0.4)),
        ("1 / x", lambda v: 1 / v, 2.0, 2 / 2.0**3),
    )
    for name, f, x, want in cases:
        call = f"second_derivative(f, {number(x)}) for f(x) = {name}"
        expect_close(
            call,
            learner.call(call, fn, f, x),
            want,
            hint="grad(f(v), v, create_graph=True) is the derivative as a Value: "
            "take grad of that by v again",
            tol=1e-9,
        )
    second = learner.get("tanh_second")
    for x in (0.7, -1.2, 0.0, 2.5):
        h = 1e-4
        numeric = (math.tanh(x + h) - 2 * math.tanh(x) + math.tanh(x - h)) / (h * h)
        expect_close(
            f"tanh_second({number(x)})",
            learner.call(f"tanh_second({number(x)})", second, x),
            -2 * math.tanh(x) * (1 - math.tanh(x) ** 2),
            hint="differentiate 1 - t**2 with t = tanh x: -2t * dt/dx, and dt/dx = 1 - t**2",
            note=f"numeric second difference {number(numeric)}",
            tol=1e-9,
        )
