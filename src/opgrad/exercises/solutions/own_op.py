# opgrad exercise: own_op
"""Your own Operation, checked with check_operation.

A smooth absolute value: f(x) = sqrt(x**2 + 1). Far from 0 it is |x| (plus a little); near 0 it
is round instead of a kink, so its derivative is defined everywhere: f'(x) = x / f(x). Write it
as an Operation, then check it the way opgrad checks its own operations:
``autograd.testing.check_operation`` draws many points with hypothesis and compares
local_grads with finite differences at each, and, with ``order=2``, the second derivative too.

Write:
    SmoothAbs.forward(x) and SmoothAbs.local_grads(x, output=...), the latter with arithmetic
    on x and output only (it then works on Values, for the second derivative).
    check(): run check_operation on SmoothAbs() over finite floats in [-10, 10], order 2.
"""

from __future__ import annotations

import math

import attrs

from autograd import Operation
from autograd.testing import check_operation, finite_floats


@attrs.frozen
class SmoothAbs(Operation):
    """f(x) = sqrt(x**2 + 1); df/dx = x / f(x)."""

    def forward(self, x: float) -> float:
        """sqrt(x**2 + 1)."""
        return math.sqrt(x * x + 1.0)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        """(x / output,)."""
        return (x / output,)


def check() -> None:
    """Property-test SmoothAbs against finite differences, to the second order."""
    check_operation(SmoothAbs(), finite_floats(-10, 10), order=2, max_examples=50)
