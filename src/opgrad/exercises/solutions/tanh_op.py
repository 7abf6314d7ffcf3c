# opgrad exercise: tanh_op
"""Tanh as an Operation.

In the lecture, tanh is a method of Value with a ``_backward`` closure that does the chain rule.
In opgrad an operation only computes numbers: ``forward(x)`` gives the output and
``local_grads(x, output=...)`` the local derivative d(output)/d(x), one per input, in a tuple.
The chain rule lives in the executor, once, for every operation.

Write Tanh's ``forward`` and ``local_grads``. Use ``output`` in local_grads (1 - output**2)
and plain arithmetic: then the same line works on Values too, which is what lets opgrad take a
second derivative (``math.tanh`` of a Value is an error).

Try it: ``o = Tanh()(Value(0.8814)); o.backward()``.
"""

from __future__ import annotations

import math

import attrs

from autograd import Operation


@attrs.frozen
class Tanh(Operation):
    """Hyperbolic tangent: f(x) = tanh x; df/dx = 1 - f(x)**2."""

    def forward(self, x: float) -> float:
        """Tanh x."""
        return math.tanh(x)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        """(1 - tanh(x)**2,), from the output."""
        return (1.0 - output * output,)
