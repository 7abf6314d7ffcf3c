"""A batch's loss graph: build_graph and Graph, and new numbers filled into it for replay.

The model applied to a batch of inputs, the loss over it and the L2 penalty, built once with the
inputs and targets as leaves so that :class:`nn.Trainer` can give them new numbers and replay the
compiled graph instead of building it again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Literal, get_args

import attrs

from autograd import Value
from autograd.checks import finite_float, is_real
from nn import losses
from nn.module import Module

# The unlisted names (check_data, fill, batch_accuracy, ...) are what nn.train shares with
# this module, not part of nn's public API.
__all__ = ["Graph", "Inputs", "LossName", "Targets", "build_graph"]

LossName = Literal["max_margin", "bce", "softmax", "mse"]
"""The losses a Trainer knows, each with its task:

* ``"max_margin"``: binary classification, one score per sample, labels -1/+1 or 0/1
  (:func:`nn.losses.max_margin`); accuracy by the score's sign.
* ``"bce"``: binary classification, one logit per sample, targets are probabilities in [0, 1]
  (labels 0/1 are the usual case; :func:`nn.losses.binary_cross_entropy`); accuracy by the
  logit's sign, a target above 0.5 counting as the positive class.
* ``"softmax"``: multi-class classification, one logit per class, labels are class indices
  (:func:`nn.losses.softmax_cross_entropy`); accuracy by the largest logit.
* ``"mse"``: regression, targets are numbers (one output) or lists (several outputs)
  (:func:`nn.losses.mse`); no accuracy.
"""

LOSS_NAMES: tuple[str, ...] = get_args(LossName)

Inputs = Sequence[Sequence[float]]
Targets = Sequence[float | Sequence[float]]


@attrs.frozen
class Graph:
    """One batch's forward graph, as built by :func:`build_graph`.

    The batch's numbers sit in leaves of their own, ``inputs`` and ``targets``: give them a
    batch of the same size's numbers and replay the graph (``GraphExecutor().compile(loss)``),
    and it computes what :func:`build_graph` would build for that batch, bit for bit.

    Attributes:
        loss: The objective: the mean loss over the batch plus the L2 penalty. Call
            ``backward`` on it.
        outputs: The model's outputs, one list per sample (a list of one for one output).
        inputs: The input leaves, one list per sample, labelled ``x0``, ``x1``, ...
        targets: The target leaves, one list per sample, holding the numbers the loss reads:
            the target values for ``"mse"``, the label as -1.0/+1.0 for ``"max_margin"``, the
            target in [0, 1] for ``"bce"``, the label's one-hot vector for ``"softmax"``.
    """

    loss: Value
    outputs: list[list[Value]]
    inputs: list[list[Value]] = attrs.Factory(list)
    targets: list[list[Value]] = attrs.Factory(list)


def check_data(X: object, y: object, where: str) -> tuple[Inputs, Targets]:
    for name, data in (("X", X), ("y", y)):
        if isinstance(data, (str, bytes)) or not isinstance(data, Sequence):
            raise TypeError(f"{where}: {name} must be a sequence, got {type(data).__name__}")
    assert isinstance(X, Sequence)  # for mypy: checked above
    assert isinstance(y, Sequence)
    if len(X) != len(y):
        raise ValueError(f"{where}: X has {len(X)} samples but y has {len(y)}")
    if not X:
        raise ValueError(f"{where}: no samples")
    return X, y


def is_penalty(l2: object) -> bool:
    if not is_real(l2):
        return False
    return 0.0 <= float(l2) < math.inf  # type: ignore[arg-type]  # a real number, checked


def check_loss(loss: object) -> LossName:
    if loss not in LOSS_NAMES:
        raise ValueError(f"loss must be one of {', '.join(map(repr, LOSS_NAMES))}; got {loss!r}")
    return loss  # type: ignore[return-value]


def as_list(out: Value | list[Value]) -> list[Value]:
    return out if isinstance(out, list) else [out]


def _single(outputs: list[list[Value]], loss: str) -> list[Value]:
    """The one output per sample that a binary loss needs."""
    if len(outputs[0]) != 1:
        raise ValueError(
            f"loss {loss!r} needs one output per sample; the model gives {len(outputs[0])}"
        )
    return [row[0] for row in outputs]


def _input_numbers(X: Inputs) -> list[list[float]]:
    """The batch's inputs as finite floats, one list per sample.

    Rows may differ in length here (a model may take inputs of any length); :meth:`Trainer.fit`
    checks a whole data set with :func:`~nn.datasets.check_features` instead.
    """
    rows = []
    for i, x in enumerate(X):
        if isinstance(x, (str, bytes)) or not isinstance(x, Iterable):
            raise TypeError(
                f"build_graph: sample {i} must be a sequence of numbers, "
                f"got {type(x).__name__}: {x!r}"
            )
        rows.append(
            [finite_float(v, f"build_graph: sample {i}, input {j}") for j, v in enumerate(x)]
        )
    return rows


def _regression_targets(y: Targets, width: int) -> list[list[float]]:
    """MSE's targets, one list per sample; a number target goes with a one-output model."""
    rows: list[Sequence[object]] = []
    for i, target in enumerate(y):
        wanted: Sequence[object] = target if isinstance(target, Sequence) else [target]
        if len(wanted) != width:
            raise ValueError(
                f"loss 'mse': sample {i} has {len(wanted)} target(s) but the model gives "
                f"{width} output(s)"
            )
        rows.append(wanted)
    flat = iter(losses.regression_targets("mse", [t for row in rows for t in row]))
    return [[next(flat) for _ in row] for row in rows]


def target_numbers(loss: LossName, y: Targets, width: int) -> list[list[float]]:
    """The numbers of the batch's target leaves, one list per sample (see :class:`Graph`)."""
    if loss == "softmax":
        return losses.one_hot("softmax_cross_entropy", y, width)
    if loss == "mse":
        return _regression_targets(y, width)
    if width != 1:
        raise ValueError(f"loss {loss!r} needs one output per sample; the model gives {width}")
    if loss == "bce":
        return [[t] for t in losses.probabilities("binary_cross_entropy", y)]
    return [[sign] for sign in losses.signed_labels("max_margin", y)]


def _objective(loss: LossName, outputs: list[list[Value]], targets: list[list[Value]]) -> Value:
    """The mean loss of the batch, from its outputs and target leaves."""
    if loss == "softmax":
        return losses.softmax_cross_entropy_graph(outputs, targets)
    flat_outputs = [v for row in outputs for v in row]
    flat_targets = [t for row in targets for t in row]
    if loss == "mse":
        return losses.mse_graph(flat_outputs, flat_targets)
    if loss == "bce":
        return losses.binary_cross_entropy_graph(flat_outputs, flat_targets)
    return losses.max_margin_graph(flat_outputs, flat_targets)


def build_graph(model: Module, X: Inputs, y: Targets, loss: LossName, l2: float = 0.0) -> Graph:
    """Run the model on a batch and build its loss: the one place a training graph is made.

    The inputs and the targets become leaves of their own (see :class:`Graph`), and no choice
    is made from the numbers: the cross-entropies use :class:`~autograd.LogSumExp`, stable for
    any logit, and the softmax picks the label's logit with a one-hot dot product. So the graph
    is the same function of the parameters and of the batch's numbers whatever they were when
    it was built, and :class:`Trainer` replays one graph per batch size instead of rebuilding
    it every step (as long as the model's graph does not depend on the numbers either, which
    holds for any model made of Values and operations, such as :class:`~nn.MLP`).

    Args:
        model: Any Module; its output for one sample is one Value or a list of them.
        X: The batch's inputs, one sequence of numbers per sample.
        y: The batch's targets, as the loss wants them (see :data:`LossName`).
        loss: Which loss.
        l2: The strength of the L2 penalty on ``model.parameters()`` (0 for none).

    Returns:
        The objective, the outputs, and the input and target leaves.
    """
    X, y = check_data(X, y, "build_graph")
    loss = check_loss(loss)
    inputs = [[Value(v, label=f"x{j}") for j, v in enumerate(row)] for row in _input_numbers(X)]
    outputs = [as_list(model(x)) for x in inputs]
    targets = [
        [Value(t, label="y" if len(row) == 1 else f"y{j}") for j, t in enumerate(row)]
        for row in target_numbers(loss, y, len(outputs[0]))
    ]
    objective = _objective(loss, outputs, targets)
    if l2:
        objective = objective + losses.l2(model.parameters(), l2)
    return Graph(objective, outputs, inputs, targets)


def fill(graph: Graph, X: Inputs, y: Targets, loss: LossName) -> bool:
    """Give the graph's input and target leaves a batch's numbers; False if they do not fit.

    The numbers are made by the functions :func:`build_graph` uses, so the leaves hold what a
    graph built for this batch would hold.
    """
    rows = _input_numbers(X)
    leaves = graph.inputs
    if len(rows) != len(leaves) or any(len(r) != len(n) for r, n in zip(rows, leaves)):
        return False
    targets = target_numbers(loss, y, len(graph.outputs[0]))
    for row, nodes in zip(rows, leaves):
        for x, leaf in zip(row, nodes):
            leaf.data = x
    for row, nodes in zip(targets, graph.targets):
        for t, leaf in zip(row, nodes):
            leaf.data = t
    return True


def batch_accuracy(outputs: list[list[Value]], y: Targets, loss: LossName) -> float | None:
    if loss == "mse":
        return None
    if loss == "softmax":
        return losses.accuracy(outputs, y)  # type: ignore[arg-type]
    scores = _single(outputs, loss)
    if loss == "bce":
        # Targets are probabilities: one above one half is the positive class.
        targets = losses.probabilities("Trainer", y)
        right = sum((s.data > 0.0) == (t > 0.5) for s, t in zip(scores, targets, strict=True))
        return right / len(scores)
    return losses.binary_accuracy(scores, y)  # type: ignore[arg-type]
