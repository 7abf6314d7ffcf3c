"""The loss graphs and target conversions shared by :mod:`nn.losses` and :mod:`nn.train`.

The graph builders take the targets as numbers or as Values: leaves a training loop can give new
numbers before replaying the graph (see :class:`nn.Trainer`). Either way the graph has the same
shape and computes the same numbers. They check nothing: the public losses and the trainer check
their arguments (with the conversions below) and call them.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

from autograd import LogSumExp, Value
from nn._checks import finite_float

__all__ = [
    "binary_cross_entropy",
    "max_margin",
    "mean",
    "mse",
    "one_hot",
    "probabilities",
    "regression_targets",
    "signed_labels",
    "softmax_cross_entropy",
]


def mean(terms: Sequence[Value]) -> Value:
    """(t0 + t1 + ...) * (1/n), summed left to right from the first term, as micrograd does."""
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total * (1.0 / len(terms))


_LOGSUMEXP = LogSumExp()


def mse(predictions: Sequence[Value], targets: Sequence[Value | float]) -> Value:
    return mean([(p - t) ** 2 for p, t in zip(predictions, targets, strict=True)])


def max_margin(scores: Sequence[Value], signs: Sequence[Value | float]) -> Value:
    return mean([(1.0 - s * y).relu() for s, y in zip(scores, signs, strict=True)])


def binary_cross_entropy(logits: Sequence[Value], targets: Sequence[Value | float]) -> Value:
    # softplus(z) - z*y, with softplus(z) = ln(e**0 + e**z): one formula for every z.
    return mean([_LOGSUMEXP(0.0, z) - z * y for z, y in zip(logits, targets, strict=True)])


def softmax_cross_entropy(
    logits: Sequence[Sequence[Value]], one_hots: Sequence[Sequence[Value | float]]
) -> Value:
    # ln sum_j e**zj - sum_j t_j z_j: the one-hot t picks z_c exactly (0 * z is 0, 1 * z is z)
    # with a graph that is the same whatever the class, so a batch's graph fits every batch.
    terms = []
    for zs, ts in zip(logits, one_hots, strict=True):
        picked = zs[0] * ts[0]
        for z, t in zip(zs[1:], ts[1:], strict=True):
            picked = picked + z * t
        terms.append(_LOGSUMEXP(*zs) - picked)
    return mean(terms)


def regression_targets(name: str, targets: Sequence[object]) -> list[float]:
    """Regression targets: finite numbers."""
    return [finite_float(t, f"{name}: target {i}") for i, t in enumerate(targets)]


def probabilities(name: str, targets: Sequence[object]) -> list[float]:
    """Binary cross-entropy targets: numbers in [0, 1]."""
    checked = []
    for i, target in enumerate(targets):
        y = finite_float(target, f"{name}: target {i}")
        if not 0.0 <= y <= 1.0:
            raise ValueError(f"{name}: target {i} is {target!r}, not in [0, 1]")
        checked.append(y)
    return checked


def one_hot(name: str, targets: Sequence[object], width: int) -> list[list[float]]:
    """Class indices in range(width) as one-hot rows of 0.0 and 1.0."""
    rows = []
    for i, target in enumerate(targets):
        if isinstance(target, bool) or not isinstance(target, numbers.Integral):
            raise TypeError(
                f"{name}: target {i} must be a class index (int), "
                f"got {type(target).__name__}: {target!r}"
            )
        index = int(target)
        if not 0 <= index < width:
            raise ValueError(
                f"{name}: target {i} is class {index}, "
                f"but there are {width} logits (classes 0..{width - 1})"
            )
        row = [0.0] * width
        row[index] = 1.0
        rows.append(row)
    return rows


def signed_labels(name: str, labels: Sequence[object]) -> list[float]:
    """Binary labels as -1.0/+1.0: accepts {-1, 1} or {0, 1} (0 means the negative class)."""
    signs = []
    seen_zero = seen_minus = False
    for i, y in enumerate(labels):
        value = finite_float(y, f"{name}: label {i}")
        if value not in (-1.0, 0.0, 1.0):
            raise ValueError(f"{name}: label {i} is {y!r}; binary labels are -1/+1 or 0/1")
        seen_zero = seen_zero or value == 0.0
        seen_minus = seen_minus or value == -1.0
        signs.append(1.0 if value == 1.0 else -1.0)
    if seen_zero and seen_minus:
        raise ValueError(f"{name}: labels mix 0 and -1; use -1/+1 or 0/1, not both")
    return signs
