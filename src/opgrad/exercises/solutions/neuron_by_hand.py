# opgrad exercise: neuron_by_hand
"""The tanh neuron by hand.

The lecture's neuron: n = x1*w1 + x2*w2 + b and o = tanh(n). The derivative of tanh is
1 - tanh(n)**2, that is 1 - o**2, which reuses the output. From do/do = 1, work backwards.

Write:
    neuron_grads(x1, x2, w1, w2, b): {"n": do/dn, "x1w1": do/d(x1*w1), "x2w2": do/d(x2*w2),
    "x1": do/dx1, "w1": do/dw1, "x2": do/dx2, "w2": do/dw2, "b": do/db}, as formulas.

At the lecture's numbers (x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432):
n 0.5, x1 -1.5, w1 1, x2 0.5, w2 0.
"""

from __future__ import annotations

import math


def neuron_grads(x1: float, x2: float, w1: float, w2: float, b: float) -> dict[str, float]:
    """The gradient of o = tanh(x1*w1 + x2*w2 + b) with respect to each node."""
    o = math.tanh(x1 * w1 + x2 * w2 + b)
    dn = 1 - o**2
    return {
        "n": dn,
        "x1w1": dn,
        "x2w2": dn,
        "b": dn,
        "x1": dn * w1,
        "w1": dn * x1,
        "x2": dn * w2,
        "w2": dn * x2,
    }
