"""Training: build a batch's loss graph, step an optimiser over epochs, and record the history."""

from __future__ import annotations

import math
import numbers
import random
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TextIO, get_args

import attrs

from autograd import Value
from nn.losses import (
    accuracy,
    binary_accuracy,
    binary_cross_entropy,
    max_margin,
    mse,
    softmax_cross_entropy,
)
from nn.losses import l2 as l2_penalty
from nn.module import Module
from nn.optim import Optimizer

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = ["Evaluation", "Graph", "History", "LossName", "Trainer", "build_graph", "fit"]

LossName = Literal["max_margin", "bce", "softmax", "mse"]
"""The losses a Trainer knows, each with its task:

* ``"max_margin"``: binary classification, one score per sample, labels -1/+1 or 0/1
  (:func:`nn.losses.max_margin`); accuracy by the score's sign.
* ``"bce"``: binary classification, one logit per sample, labels 0/1
  (:func:`nn.losses.binary_cross_entropy`); accuracy by the logit's sign.
* ``"softmax"``: multi-class classification, one logit per class, labels are class indices
  (:func:`nn.losses.softmax_cross_entropy`); accuracy by the largest logit.
* ``"mse"``: regression, targets are numbers (one output) or lists (several outputs)
  (:func:`nn.losses.mse`); no accuracy.
"""

_LOSS_NAMES: tuple[str, ...] = get_args(LossName)

Inputs = Sequence[Sequence[float]]
Targets = Sequence[float | Sequence[float]]


@attrs.frozen
class Graph:
    """One batch's forward graph, as built by :func:`build_graph`.

    Attributes:
        loss: The objective: the mean loss over the batch plus the L2 penalty. Call
            ``backward`` on it.
        outputs: The model's outputs, one list per sample (a list of one for one output).
    """

    loss: Value
    outputs: list[list[Value]]


@attrs.frozen
class Evaluation:
    """The loss and accuracy of a model on some data.

    Attributes:
        loss: The objective (mean loss plus L2 penalty), as a number.
        accuracy: The fraction classified right, or None for regression.
    """

    loss: float
    accuracy: float | None


@attrs.define
class History:
    """What :meth:`Trainer.fit` measured, one entry per epoch.

    Training loss and accuracy are averaged over the epoch's batches as they were computed
    (each batch before its update), as in micrograd's demo; test figures are measured after the
    epoch's last update. A list that was not measured stays empty: accuracy for regression,
    test figures when no test set was given.

    Attributes:
        loss: Training objective (mean loss plus L2 penalty).
        train_accuracy: Training accuracy, in [0, 1].
        test_loss: Objective on the test set.
        test_accuracy: Accuracy on the test set.
        lr: The learning rate of the epoch's last step.
        seconds: Wall-clock time of the epoch, test evaluation included.
    """

    loss: list[float] = attrs.Factory(list)
    train_accuracy: list[float] = attrs.Factory(list)
    test_loss: list[float] = attrs.Factory(list)
    test_accuracy: list[float] = attrs.Factory(list)
    lr: list[float] = attrs.Factory(list)
    seconds: list[float] = attrs.Factory(list)

    @property
    def epochs(self) -> int:
        """How many epochs were recorded."""
        return len(self.loss)


def _check_data(X: object, y: object, where: str) -> tuple[Inputs, Targets]:
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


def _is_penalty(l2: object) -> bool:
    if isinstance(l2, bool) or not isinstance(l2, numbers.Real):
        return False
    return 0.0 <= float(l2) < math.inf


def _check_loss(loss: object) -> LossName:
    if loss not in _LOSS_NAMES:
        raise ValueError(f"loss must be one of {', '.join(map(repr, _LOSS_NAMES))}; got {loss!r}")
    return loss  # type: ignore[return-value]


def _as_list(out: Value | list[Value]) -> list[Value]:
    return out if isinstance(out, list) else [out]


def _single(outputs: list[list[Value]], loss: str) -> list[Value]:
    """The one output per sample that a binary loss needs."""
    if len(outputs[0]) != 1:
        raise ValueError(
            f"loss {loss!r} needs one output per sample; the model gives {len(outputs[0])}"
        )
    return [row[0] for row in outputs]


def _regression_pairs(outputs: list[list[Value]], y: Targets) -> tuple[list[Value], list[float]]:
    """Flatten outputs and targets for MSE; a number target goes with a one-output model."""
    predictions: list[Value] = []
    targets: list[float] = []
    for i, (row, target) in enumerate(zip(outputs, y, strict=True)):
        wanted: Sequence[float] = target if isinstance(target, Sequence) else [target]
        if len(wanted) != len(row):
            raise ValueError(
                f"loss 'mse': sample {i} has {len(wanted)} target(s) but the model gives "
                f"{len(row)} output(s)"
            )
        predictions.extend(row)
        targets.extend(wanted)
    return predictions, targets


def build_graph(model: Module, X: Inputs, y: Targets, loss: LossName, l2: float = 0.0) -> Graph:
    """Run the model on a batch and build its loss: the one place a training graph is made.

    The graph is the same function of the parameters whatever their values when it was built:
    the only choices made from the numbers (the branch of the binary cross-entropy, the shift
    of the softmax) are exact identities picked for range, see :mod:`nn.losses`. So a batch's
    graph can be built once and replayed after each update, rather than rebuilt (though once a
    logit has moved far from its value at build time, an ``exp`` of the replay may overflow
    where a rebuilt graph would not).

    Args:
        model: Any Module; its output for one sample is one Value or a list of them.
        X: The batch's inputs, one sequence of numbers per sample.
        y: The batch's targets, as the loss wants them (see :data:`LossName`).
        loss: Which loss.
        l2: The strength of the L2 penalty on ``model.parameters()`` (0 for none).

    Returns:
        The objective and the outputs.
    """
    X, y = _check_data(X, y, "build_graph")
    loss = _check_loss(loss)
    outputs = [_as_list(model(x)) for x in X]
    if loss == "softmax":
        objective = softmax_cross_entropy(outputs, y)  # type: ignore[arg-type]
    elif loss == "mse":
        objective = mse(*_regression_pairs(outputs, y))
    elif loss == "bce":
        objective = binary_cross_entropy(_single(outputs, loss), y)  # type: ignore[arg-type]
    else:
        objective = max_margin(_single(outputs, loss), y)  # type: ignore[arg-type]
    if l2:
        objective = objective + l2_penalty(model.parameters(), l2)
    return Graph(objective, outputs)


def _accuracy(outputs: list[list[Value]], y: Targets, loss: LossName) -> float | None:
    if loss == "mse":
        return None
    if loss == "softmax":
        return accuracy(outputs, y)  # type: ignore[arg-type]
    return binary_accuracy(_single(outputs, loss), y)  # type: ignore[arg-type]


class Trainer:
    """Trains a model with an optimiser on a loss, epoch by epoch.

    Each step builds the batch's graph (:func:`build_graph`), zeroes the parameters' gradients
    (``backward`` adds into ``grad``, so without this every step would also apply the previous
    steps' gradients), runs ``backward`` and lets the optimiser update the parameters.

    Args:
        model: The model to train.
        optimizer: Built on (some of) ``model.parameters()``.
        loss: The loss and with it the task (see :data:`LossName`).
        l2: L2 penalty strength added to the loss (micrograd's demo uses 1e-4).
        schedule: Called with the optimiser's step count (0, 1, ...) before each step; its
            result becomes the learning rate (e.g. :class:`~nn.optim.LinearDecay`).
        batch_size: Samples per step; None (default) for full batch, one step per epoch.
            Mini-batches are drawn from a shuffle of the training set each epoch.
        seed: Seeds the trainer's own ``random.Random`` for shuffling, so a run is reproducible
            and the global ``random`` is left alone.
        verbose: Print one line per epoch to standard output (instead of a progress bar).
        progress: Show a tqdm progress bar on standard error: None (default) when standard error
            is a terminal and tqdm is installed (``pip install 'opgrad[progress]'``), True
            whenever tqdm is installed, False never.

    Example:
        >>> from nn import MLP, SGD, Trainer
        >>> model = MLP(2, [4, 1], seed=1)
        >>> trainer = Trainer(model, SGD(model.parameters(), lr=0.1), loss="mse")
        >>> history = trainer.fit([[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0], epochs=50)
        >>> history.loss[-1] < 0.01
        True
    """

    def __init__(
        self,
        model: Module,
        optimizer: Optimizer,
        loss: LossName = "max_margin",
        *,
        l2: float = 0.0,
        schedule: Callable[[int], float] | None = None,
        batch_size: int | None = None,
        seed: int = 0,
        verbose: bool = False,
        progress: bool | None = None,
    ) -> None:
        if not isinstance(model, Module):
            raise TypeError(f"Trainer: model must be a Module, got {type(model).__name__}")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"Trainer: optimizer must be an Optimizer, got {optimizer!r}")
        owned = set(model.parameters())
        strangers = [p for p in optimizer.params if p not in owned]
        if strangers:
            raise ValueError(
                f"Trainer: the optimizer holds {len(strangers)} parameter(s) that are not the "
                f"model's (first: {strangers[0]!r}); build it on model.parameters()"
            )
        if batch_size is not None and (
            isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
        ):
            raise ValueError(
                f"Trainer: batch_size must be a positive int or None, got {batch_size!r}"
            )
        if not _is_penalty(l2):
            raise ValueError(f"Trainer: l2 must be a finite number >= 0, got {l2!r}")
        self.model = model
        self.optimizer = optimizer
        self.loss: LossName = _check_loss(loss)
        self.l2 = float(l2)
        self.schedule = schedule
        self.batch_size = batch_size
        self.verbose = verbose
        self.progress = progress
        self._rng = random.Random(seed)

    def build_graph(self, X: Inputs, y: Targets) -> Graph:
        """The batch's graph for this trainer's model, loss and L2 penalty (:func:`build_graph`)."""
        return build_graph(self.model, X, y, self.loss, self.l2)

    def step(self, X: Inputs, y: Targets) -> Graph:
        """One optimisation step on one batch; returns the graph it was computed from.

        The graph's numbers are those before the update.
        """
        if self.schedule is not None:
            self.optimizer.lr = self.schedule(self.optimizer.steps)
        graph = self.build_graph(X, y)
        # The graph is new, so only the parameters hold gradients from earlier steps.
        self.model.zero_grad()
        graph.loss.backward()
        self.optimizer.step()
        return graph

    def evaluate(self, X: Inputs, y: Targets) -> Evaluation:
        """The model's loss (with the L2 penalty) and accuracy on ``X``, ``y``; no update."""
        graph = self.build_graph(X, y)
        return Evaluation(graph.loss.data, _accuracy(graph.outputs, y, self.loss))

    def fit(
        self,
        X: Inputs,
        y: Targets,
        epochs: int,
        *,
        test: tuple[Inputs, Targets] | None = None,
    ) -> History:
        """Train for ``epochs`` epochs and return what was measured.

        Args:
            X: Training inputs, one sequence of numbers per sample.
            y: Training targets (see :data:`LossName`).
            epochs: How many passes over the training set.
            test: Optional ``(X_test, y_test)`` evaluated after every epoch.

        Returns:
            The :class:`History`, one entry per epoch.
        """
        X, y = _check_data(X, y, "Trainer.fit")
        if test is not None:
            _check_data(*test, "Trainer.fit test")
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"Trainer.fit: epochs must be an int >= 0, got {epochs!r}")
        history = History()
        bar = _progress_bar(self.progress, self.verbose, epochs)
        try:
            for epoch in range(epochs):
                start = time.perf_counter()
                loss, right = self._epoch(X, y)
                history.loss.append(loss)
                if right is not None:
                    history.train_accuracy.append(right)
                if test is not None:
                    result = self.evaluate(*test)
                    history.test_loss.append(result.loss)
                    if result.accuracy is not None:
                        history.test_accuracy.append(result.accuracy)
                history.lr.append(self.optimizer.lr)
                history.seconds.append(time.perf_counter() - start)
                line = _summary(history)
                if self.verbose:
                    print(f"epoch {epoch + 1:>{len(str(epochs))}}/{epochs}  {line}")
                if bar is not None:
                    bar.set_postfix_str(line, refresh=False)
                    bar.update(1)
        finally:
            if bar is not None:
                bar.close()
        return history

    def _epoch(self, X: Inputs, y: Targets) -> tuple[float, float | None]:
        """One pass over the data; the loss and accuracy averaged over its batches."""
        n = len(X)
        size = n if self.batch_size is None else min(self.batch_size, n)
        order = list(range(n))
        if size < n:
            self._rng.shuffle(order)
        total_loss = 0.0
        total_right = 0.0
        for first in range(0, n, size):
            batch = order[first : first + size]
            bx = [X[i] for i in batch]
            by = [y[i] for i in batch]
            graph = self.step(bx, by)
            total_loss += graph.loss.data * len(batch)
            right = _accuracy(graph.outputs, by, self.loss)
            total_right += (right or 0.0) * len(batch)
        return total_loss / n, (None if self.loss == "mse" else total_right / n)


def _summary(history: History) -> str:
    parts = [f"loss {history.loss[-1]:.4f}"]
    if history.train_accuracy:
        parts.append(f"accuracy {history.train_accuracy[-1]:.1%}")
    if history.test_loss:
        parts.append(f"test loss {history.test_loss[-1]:.4f}")
    if history.test_accuracy:
        parts.append(f"test accuracy {history.test_accuracy[-1]:.1%}")
    return "  ".join(parts)


def _progress_bar(progress: bool | None, verbose: bool, epochs: int) -> tqdm[Any] | None:
    """A tqdm bar over the epochs, or None: when not wanted, not a terminal, or no tqdm."""
    if progress is False or verbose:
        return None
    stream: TextIO = sys.stderr
    if progress is None:
        isatty = getattr(stream, "isatty", None)
        if isatty is None or not isatty():
            return None
    try:
        from tqdm import tqdm
    except ImportError:  # the optional 'progress' extra is not installed: train without a bar
        return None
    return tqdm(total=epochs, unit="epoch", file=stream, leave=True)


def fit(
    model: Module,
    optimizer: Optimizer,
    X: Inputs,
    y: Targets,
    *,
    epochs: int,
    loss: LossName = "max_margin",
    l2: float = 0.0,
    schedule: Callable[[int], float] | None = None,
    batch_size: int | None = None,
    test: tuple[Inputs, Targets] | None = None,
    seed: int = 0,
    verbose: bool = False,
    progress: bool | None = None,
) -> History:
    """Train ``model`` in one call: ``Trainer(model, optimizer, loss, ...).fit(X, y, epochs)``.

    The arguments are those of :class:`Trainer` and :meth:`Trainer.fit`.

    Example:
        >>> from nn import MLP, SGD, fit
        >>> model = MLP(2, [8, 1], activation="tanh", seed=0)
        >>> X, y = [[0, 0], [0, 1], [1, 0], [1, 1]], [-1, 1, 1, -1]
        >>> history = fit(model, SGD(model.parameters(), lr=0.1, momentum=0.9), X, y, epochs=100)
        >>> history.train_accuracy[-1]
        1.0
    """
    trainer = Trainer(
        model,
        optimizer,
        loss,
        l2=l2,
        schedule=schedule,
        batch_size=batch_size,
        seed=seed,
        verbose=verbose,
        progress=progress,
    )
    return trainer.fit(X, y, epochs, test=test)
