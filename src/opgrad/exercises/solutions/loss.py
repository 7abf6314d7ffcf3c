# opgrad exercise: loss
"""A loss: mean squared error and hinge.

A loss is one number that says how wrong the predictions are, as a Value, so that
``loss.backward()`` gives every parameter its gradient. The lecture sums squared errors; taking
the mean makes it not grow with the size of the data set. micrograd's moons demo uses the
hinge (max-margin) loss: labels are -1 or 1, and a score counts as right once label * score >=
1.

Write, for lists of Values (or numbers) and targets of the same length:
    mse(predictions, targets): the mean of (prediction - target)**2.
    hinge(scores, labels): the mean of relu(1 - label * score) (``Value.relu()``).
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value


def mse(predictions: Sequence[Value], targets: Sequence[float]) -> Value:
    """Mean squared error: sum((p - t)**2) / n."""
    total = sum(((p - t) ** 2 for p, t in zip(predictions, targets)), Value(0.0))
    return total / len(predictions)


def hinge(scores: Sequence[Value], labels: Sequence[float]) -> Value:
    """Mean hinge loss: sum(relu(1 - y * s)) / n."""
    total = sum(((1 - y * s).relu() for s, y in zip(scores, labels)), Value(0.0))
    return total / len(scores)
