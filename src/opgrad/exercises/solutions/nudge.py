# opgrad exercise: nudge
"""The derivative as a nudge.

Nudge x by a small h and see how far f(x) moves: the slope (f(x + h) - f(x)) / h tends to the
derivative f'(x) as h shrinks. The lecture's function is f(x) = 3x**2 - 4x + 5.

Write:
    slope(fn, x, h): the lecture's forward nudge, (fn(x + h) - fn(x)) / h, for any function.
    df(x): the derivative of the lecture's f, worked out by hand (the power rule), exactly.

At x = 3 the slope with h = 0.0001 is about 14, and df(3) is 14.
"""

from __future__ import annotations

from collections.abc import Callable


def f(x: float) -> float:
    """The lecture's function, 3x**2 - 4x + 5."""
    return 3 * x**2 - 4 * x + 5


def slope(fn: Callable[[float], float], x: float, h: float = 0.0001) -> float:
    """How far fn(x) moves per unit of x when x is nudged forward by h."""
    return (fn(x + h) - fn(x)) / h


def df(x: float) -> float:
    """f'(x), the derivative of 3x**2 - 4x + 5, exactly."""
    return 6 * x - 4
