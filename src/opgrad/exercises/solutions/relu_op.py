# opgrad exercise: relu_op
"""ReLU: an operation with a kink.

relu(x) = max(0, x): the identity above 0, zero below. Its derivative is 1 above 0 and 0 below;
at the kink itself there is none, and opgrad (like micrograd and PyTorch) uses 0 there. A
finite difference straddling 0 gives 1/2, neither side: when checking a kinked operation, draw
points away from the kink (``autograd.testing.away_from``).

Write ReLU's forward and local_grads (a comparison such as ``x > 0`` works on Values as on
floats, so local_grads works on both).
"""

from __future__ import annotations

import attrs

from autograd import Operation


@attrs.frozen
class ReLU(Operation):
    """f(x) = max(0, x); df/dx = 1 for x > 0, else 0."""

    def forward(self, x: float) -> float:
        """max(0, x)."""
        return x if x > 0 else 0.0

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        """(1.0,) above 0, (0.0,) at 0 and below."""
        return (1.0 if x > 0 else 0.0,)
