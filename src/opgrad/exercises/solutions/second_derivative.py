# opgrad exercise: second_derivative
"""A second derivative.

``GraphExecutor().grad(y, x)`` gives dy/dx as a number. With ``create_graph=True`` it gives the
derivative as a *graph* (a Value computed from x), which can be differentiated again: the
second derivative is the derivative of the derivative.

Write:
    second_derivative(f, x): d2f/dx2 at the number x, for a function f of one Value (such as
    ``lambda v: v * v * v`` or ``lambda v: v.tanh()``), with two calls of grad.
    tanh_second(x): the second derivative of tanh, by hand. d/dx tanh x = 1 - tanh(x)**2; the
    chain rule on that gives -2 tanh(x) (1 - tanh(x)**2).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from autograd import GraphExecutor, Value


def second_derivative(f: Callable[[Value], Value], x: float) -> float:
    """d2f/dx2 at x, by differentiating the derivative's graph."""
    executor = GraphExecutor()
    v = Value(x, label="x")
    dy = executor.grad(f(v), v, create_graph=True)
    return executor.grad(dy, v)


def tanh_second(x: float) -> float:
    """d2/dx2 tanh x = -2 tanh(x) (1 - tanh(x)**2)."""
    t = math.tanh(x)
    return -2 * t * (1 - t**2)
