"""Synthetic data sets made in code: two moons, XOR and the backprop lecture's tiny set."""

from __future__ import annotations

import math
import random

from autograd.checks import is_real
from nn.datasets._validate import resolve_rng

__all__ = ["moons", "tiny", "xor"]


def _linspace_0_pi(count: int) -> list[float]:
    """``count`` evenly spaced angles from 0 to pi, both included (numpy's linspace(0, pi))."""
    if count == 1:
        return [0.0]
    return [math.pi * k / (count - 1) for k in range(count)]


def moons(
    n: int = 100, noise: float = 0.1, seed: int | random.Random = 0
) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles, the construction of scikit-learn's ``make_moons``.

    With ``n_out = n // 2`` and ``n_in = n - n_out``, and angles ``t`` running over
    ``linspace(0, pi)`` (evenly spaced, both ends included):

    - the outer moon, label 0: ``n_out`` points ``(cos t, sin t)``, the upper half of the unit
      circle around (0, 0);
    - the inner moon, label 1: ``n_in`` points ``(1 - cos t, 1 - sin t - 0.5)``, the lower half
      of the unit circle around (1, 0.5).

    The points are then shuffled, and independent gaussian noise of standard deviation
    ``noise`` is added to each coordinate. Everything random comes from one
    ``random.Random``, so a seed always gives the same data set.

    Args:
        n: Number of points, at least 2 (so both moons have a point).
        noise: Standard deviation of the gaussian noise; 0 puts every point on its circle.
        seed: An int seed, or a ``random.Random`` to draw from (it is advanced).

    Returns:
        ``(X, y)``: ``n`` rows ``[x1, x2]`` and ``n`` labels 0 or 1.

    Raises:
        TypeError: ``n`` is not an int, ``noise`` not a number or ``seed`` of the wrong type.
        ValueError: ``n < 2``, or ``noise`` negative or not finite.

    Examples:
        >>> X, y = moons(6, noise=0.0)
        >>> sorted(y)
        [0, 0, 0, 1, 1, 1]
        >>> sorted((round(x1, 3), round(x2, 3)) for (x1, x2), label in zip(X, y) if label == 1)
        [(0.0, 0.5), (1.0, -0.5), (2.0, 0.5)]
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"moons: n must be an int, got {type(n).__name__}: {n!r}")
    if n < 2:
        raise ValueError(f"moons: n must be at least 2 (one point per moon), got {n}")
    if not is_real(noise):
        raise TypeError(f"moons: noise must be a number, got {type(noise).__name__}: {noise!r}")
    if not (math.isfinite(noise) and noise >= 0):
        raise ValueError(f"moons: noise must be a finite number >= 0, got {noise!r}")
    rng = resolve_rng(seed, "moons")
    sigma = float(noise)

    n_out = n // 2
    n_in = n - n_out
    points = [[math.cos(t), math.sin(t)] for t in _linspace_0_pi(n_out)]
    points += [[1.0 - math.cos(t), 1.0 - math.sin(t) - 0.5] for t in _linspace_0_pi(n_in)]
    labels = [0] * n_out + [1] * n_in

    order = list(range(n))
    rng.shuffle(order)
    X: list[list[float]] = []
    for i in order:
        x1, x2 = points[i]
        X.append([x1 + rng.gauss(0.0, sigma), x2 + rng.gauss(0.0, sigma)])
    return X, [labels[i] for i in order]


def xor() -> tuple[list[list[float]], list[int]]:
    """The four corners of the unit square labelled with XOR of their coordinates.

    Returns:
        ``(X, y)`` with ``X = [[0, 0], [0, 1], [1, 0], [1, 1]]`` (as floats) and
        ``y = [0, 1, 1, 0]``: the smallest set no linear model separates.
    """
    return [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0]


def tiny() -> tuple[list[list[float]], list[float]]:
    """The classic backprop lecture's four samples of three features with targets +1 or -1.

    Returns:
        ``(X, y)`` with ``X = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]]`` and
        ``y = [1, -1, -1, 1]``, all floats: regression targets for a tanh MLP and a squared loss.
    """
    X = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    y = [1.0, -1.0, -1.0, 1.0]
    return X, y
