"""Losses built from Values (so they are differentiable), L2 regularisation and accuracy helpers.

Every loss takes the model's predictions (Values, or plain numbers) and the targets, checks that
they match, and returns the mean over the samples as one Value to call ``backward`` on.

The cross-entropies are built on :class:`~autograd.LogSumExp`, which is stable inside its
``forward``: softplus(z) = ln(e**0 + e**z) and ln sum_j e**zj never overflow. So no loss picks
a formula from the numbers: the graph's shape depends only on how many samples and outputs
there are, and a graph built once can be replayed with new numbers (see :class:`nn.Trainer`).

Each loss is two functions here: the public one checks its arguments and calls the builder of
its graph (``mse_graph``, ...), which checks nothing and takes the targets as numbers or as
Values, the leaves :func:`nn.batch.build_graph` gives new numbers before a replay. The target
conversions (``regression_targets``, ``probabilities``, ``one_hot``, ``signed_labels``) are the
checks both share.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence

from autograd import LogSumExp, Value
from autograd.checks import finite_float, is_real

__all__ = [
    "accuracy",
    "binary_accuracy",
    "binary_cross_entropy",
    "l2",
    "max_margin",
    "mse",
    "softmax_cross_entropy",
]
# The unlisted names (the graph builders and the target conversions) are what nn.batch shares
# with this module, not part of nn's public API.


def _value(x: object, where: str) -> Value:
    if isinstance(x, Value):
        return x
    if not is_real(x):
        raise TypeError(f"{where} must be a Value or a number, got {type(x).__name__}: {x!r}")
    return Value(float(x))  # type: ignore[arg-type]  # a real number has __float__


def _check_lengths(name: str, predictions: Sequence[object], targets: Sequence[object]) -> int:
    n = len(predictions)
    if n != len(targets):
        raise ValueError(f"{name}: {n} predictions but {len(targets)} targets")
    if n == 0:
        raise ValueError(f"{name}: no samples (empty predictions and targets)")
    return n


def _samples(
    name: str,
    what: str,
    predictions: Sequence[object],
    targets: Sequence[object],
    convert: Callable[[str, Sequence[object]], list[float]],
) -> tuple[list[Value], list[float]]:
    """The predictions as Values and the targets as ``convert`` checks them, one per sample."""
    _check_lengths(name, predictions, targets)
    values = [_value(p, f"{name}: {what} {i}") for i, p in enumerate(predictions)]
    return values, convert(name, targets)


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
    return mse_graph(*_samples("mse", "prediction", predictions, targets, regression_targets))


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
        >>> from nn.losses import max_margin
        >>> max_margin([2.0, 0.5], [1, 0]).data  # scores may be numbers as well as Values
        0.75
    """
    return max_margin_graph(*_samples("max_margin", "score", scores, labels, signed_labels))


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
    return binary_cross_entropy_graph(*_samples(name, "logit", logits, targets, probabilities))


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
    return softmax_cross_entropy_graph(rows, one_hot(name, targets, width))


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


def mean(terms: Sequence[Value]) -> Value:
    """(t0 + t1 + ...) * (1/n), summed left to right from the first term, as micrograd does."""
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total * (1.0 / len(terms))


_LOGSUMEXP = LogSumExp()


def mse_graph(predictions: Sequence[Value], targets: Sequence[Value | float]) -> Value:
    """The graph of :func:`mse`: mean((p - t)**2)."""
    return mean([(p - t) ** 2 for p, t in zip(predictions, targets, strict=True)])


def max_margin_graph(scores: Sequence[Value], signs: Sequence[Value | float]) -> Value:
    """The graph of :func:`max_margin`: mean(relu(1 - s*y)), with y the sign -1.0 or +1.0."""
    return mean([(1.0 - s * y).relu() for s, y in zip(scores, signs, strict=True)])


def binary_cross_entropy_graph(logits: Sequence[Value], targets: Sequence[Value | float]) -> Value:
    """The graph of :func:`binary_cross_entropy`: mean(softplus(z) - z*y)."""
    # softplus(z) - z*y, with softplus(z) = ln(e**0 + e**z): one formula for every z.
    return mean([_LOGSUMEXP(0.0, z) - z * y for z, y in zip(logits, targets, strict=True)])


def softmax_cross_entropy_graph(
    logits: Sequence[Sequence[Value]], one_hots: Sequence[Sequence[Value | float]]
) -> Value:
    """The graph of :func:`softmax_cross_entropy`: mean(ln sum_j e**zj - sum_j t_j z_j)."""
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
    signs = signed_labels("binary_accuracy", labels)
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
