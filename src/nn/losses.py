"""Losses built from Values (so they are differentiable), L2 regularisation and accuracy helpers.

Every loss takes the model's predictions (Values, or plain numbers) and the targets, checks that
they match, and returns the mean over the samples as one Value to call ``backward`` on.

The cross-entropies are built on :class:`~autograd.LogSumExp`, which is stable inside its
``forward``: softplus(z) = ln(e**0 + e**z) and ln sum_j e**zj never overflow. So no loss picks
a formula from the numbers: the graph's shape depends only on how many samples and outputs
there are, and a graph built once can be replayed with new numbers (see :class:`nn.Trainer`).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

from autograd import Value
from nn import _graphs
from nn._checks import finite_float

__all__ = [
    "accuracy",
    "binary_accuracy",
    "binary_cross_entropy",
    "l2",
    "max_margin",
    "mse",
    "softmax_cross_entropy",
]


def _value(x: object, where: str) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{where} must be a Value or a number, got {type(x).__name__}: {x!r}")
    return Value(float(x))


def _check_lengths(name: str, predictions: Sequence[object], targets: Sequence[object]) -> int:
    n = len(predictions)
    if n != len(targets):
        raise ValueError(f"{name}: {n} predictions but {len(targets)} targets")
    if n == 0:
        raise ValueError(f"{name}: no samples (empty predictions and targets)")
    return n


def mse(predictions: Sequence[Value | float], targets: Sequence[float]) -> Value:
    """Mean squared error: (1/n) * sum_i (p_i - t_i)**2.

    Args:
        predictions: One prediction per sample.
        targets: One number per sample.

    Returns:
        The mean, a Value.

    Examples:
        >>> from autograd import Value
        >>> from nn.losses import mse
        >>> mse([Value(1.0), Value(3.0)], [0.0, 1.0]).data
        2.5
    """
    _check_lengths("mse", predictions, targets)
    values = [_value(p, f"mse: prediction {i}") for i, p in enumerate(predictions)]
    return _graphs.mse(values, _graphs.regression_targets("mse", targets))


def max_margin(scores: Sequence[Value | float], labels: Sequence[float]) -> Value:
    """The SVM max-margin (hinge) loss of micrograd's demo: (1/n) * sum_i relu(1 - y_i * s_i).

    Labels are -1/+1. Labels 0/1 are accepted too and 0 is read as -1: the two encodings
    agree on 1 and 0 is no -1/+1 label, so there is no ambiguity; a list mixing 0 and -1 is an
    error.

    Args:
        scores: One score per sample; positive means the class +1.
        labels: -1/+1 (or 0/1) per sample.

    Returns:
        The mean hinge loss, a Value.

    Examples:
        >>> from autograd import Value
        >>> from nn.losses import max_margin
        >>> max_margin([Value(2.0), Value(0.5)], [1, 0]).data
        0.75
    """
    _check_lengths("max_margin", scores, labels)
    signs = _graphs.signed_labels("max_margin", labels)
    return _graphs.max_margin(
        [_value(s, f"max_margin: score {i}") for i, s in enumerate(scores)], signs
    )


def binary_cross_entropy(logits: Sequence[Value | float], targets: Sequence[float]) -> Value:
    """Binary cross-entropy on logits, numerically stable.

    For a logit z and a target y in [0, 1], the loss is -y log s(z) - (1 - y) log(1 - s(z))
    with s the sigmoid, which is softplus(z) - z*y with softplus(z) = ln(1 + e**z). The graph
    computes softplus as ``LogSumExp()(0.0, z)``, stable for every z (a logit of +-1000 gives
    a finite loss and gradient), and one formula whatever the sign of z. The gradient is
    d/dz = s(z) - y: LogSumExp's softmax of (0, z) is (1 - s(z), s(z)), exactly 1/2 at z = 0.

    Args:
        logits: One logit per sample (a Value, e.g. a one-output MLP's output).
        targets: 0 or 1 per sample (any probability in [0, 1] works).

    Returns:
        The mean cross-entropy, a Value.

    Examples:
        >>> from autograd import Value
        >>> from nn.losses import binary_cross_entropy
        >>> round(binary_cross_entropy([Value(0.0)], [1]).data, 6)  # log 2
        0.693147
        >>> binary_cross_entropy([Value(-1000.0)], [1]).data
        1000.0
    """
    name = "binary_cross_entropy"
    _check_lengths(name, logits, targets)
    values = [_value(z, f"{name}: logit {i}") for i, z in enumerate(logits)]
    return _graphs.binary_cross_entropy(values, _graphs.probabilities(name, targets))


def softmax_cross_entropy(
    logits: Sequence[Sequence[Value | float]], targets: Sequence[int]
) -> Value:
    """Softmax cross-entropy for several classes, numerically stable.

    For the logits z of one sample and its class c, the loss is -log softmax(z)_c
    = ln sum_j e**zj - z_c. The graph computes the first term with ``LogSumExp()(*z)``,
    stable for any logits, and the second as the dot product sum_j t_j z_j with t the class's
    one-hot vector, which is z_c exactly: so the graph's shape is the same for every class and
    every value of the logits. The gradient is softmax(z) - onehot(c).

    Args:
        logits: One list of logits per sample (a multi-output MLP's output), all the same length.
        targets: The class index per sample, in ``range(len(logits[i]))``.

    Returns:
        The mean cross-entropy, a Value.

    Examples:
        >>> from autograd import Value
        >>> from nn.losses import softmax_cross_entropy
        >>> round(softmax_cross_entropy([[Value(1.0), Value(1.0)]], [0]).data, 6)  # log 2
        0.693147
        >>> softmax_cross_entropy([[Value(1000.0), Value(-1000.0)]], [1]).data
        2000.0
    """
    name = "softmax_cross_entropy"
    _check_lengths(name, logits, targets)
    width = -1
    rows: list[list[Value]] = []
    for i, row in enumerate(logits):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence) or not row:
            raise TypeError(f"{name}: logits {i} must be a non-empty list of Values, got {row!r}")
        if width < 0:
            width = len(row)
        elif len(row) != width:
            raise ValueError(f"{name}: sample {i} has {len(row)} logits, sample 0 has {width}")
        rows.append([_value(z, f"{name}: logit {i}[{j}]") for j, z in enumerate(row)])
    return _graphs.softmax_cross_entropy(rows, _graphs.one_hot(name, targets, width))


def l2(parameters: Iterable[Value], alpha: float) -> Value:
    """L2 regularisation: alpha * sum_p p**2, as micrograd's demo adds to its loss.

    Args:
        parameters: The Values to penalise, e.g. ``model.parameters()``.
        alpha: The strength, >= 0.

    Returns:
        The penalty, a Value (0.0 for no parameters).

    Examples:
        >>> from autograd import Value
        >>> from nn.losses import l2
        >>> l2([Value(1.0), Value(-2.0)], 1e-4).data
        0.0005
    """
    strength = finite_float(alpha, "l2: alpha")
    if strength < 0.0:
        raise ValueError(f"l2: alpha must be >= 0, got {alpha!r}")
    params = list(parameters)
    if not params:
        return Value(0.0)
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"l2: parameter {i} must be a Value, got {type(p).__name__}: {p!r}")
    total = params[0] * params[0]
    for p in params[1:]:
        total = total + p * p
    return total * strength


def _data(x: Value | float) -> float:
    return x.data if isinstance(x, Value) else float(x)


def binary_accuracy(scores: Sequence[Value | float], labels: Sequence[float]) -> float:
    """The fraction of samples whose score has the label's sign.

    A score > 0 predicts the positive class; labels are -1/+1 or 0/1 as for
    :func:`max_margin` (1 is the positive class). Scores may be margins or logits.

    Examples:
        >>> from nn.losses import binary_accuracy
        >>> binary_accuracy([0.3, -2.0, 0.1, -0.5], [1, 0, 0, 0])
        0.75
    """
    n = _check_lengths("binary_accuracy", scores, labels)
    signs = _graphs.signed_labels("binary_accuracy", labels)
    right = sum((_data(s) > 0.0) == (y > 0.0) for s, y in zip(scores, signs, strict=True))
    return right / n


def accuracy(logits: Sequence[Sequence[Value | float]], labels: Sequence[int]) -> float:
    """The fraction of samples whose largest logit is at the label's index (the first on ties).

    Examples:
        >>> from nn.losses import accuracy
        >>> accuracy([[0.1, 2.0, -1.0], [3.0, 0.0, 0.0]], [1, 2])
        0.5
    """
    n = _check_lengths("accuracy", logits, labels)
    right = 0
    for i, (row, label) in enumerate(zip(logits, labels, strict=True)):
        if isinstance(label, bool) or not isinstance(label, numbers.Integral):
            raise TypeError(f"accuracy: label {i} must be a class index (int), got {label!r}")
        values = [_data(z) for z in row]
        right += values.index(max(values)) == label
    return right / n
