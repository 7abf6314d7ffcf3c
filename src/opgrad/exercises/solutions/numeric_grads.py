# opgrad exercise: numeric_grads
"""A gradient checker: central differences.

The lecture checks a gradient by nudging one input and watching the output. Nudging both ways,
(f(x + h) - f(x - h)) / 2h, is much more accurate than the forward nudge: its error shrinks
with h**2 instead of h. Do that for each input of a function of several numbers in turn, the
others held still: that is how opgrad's ``gradcheck`` tests every operation.

Write:
    numerical_gradient(fn, point, h): one central difference per input of fn at point (a list
    of numbers), without changing point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def numerical_gradient(
    fn: Callable[[list[float]], float], point: Sequence[float], h: float = 1e-5
) -> list[float]:
    """D fn / d point[i] for each i, by central differences."""
    grads = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        grads.append((fn(up) - fn(down)) / (2 * h))
    return grads
