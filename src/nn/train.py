"""Training: build a batch's loss graph, step an optimiser over epochs, and record the history."""

from __future__ import annotations

import random
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

import attrs

from autograd import GraphExecutor, Value, backends
from autograd.checks import positive_int
from nn.batch import (
    Graph,
    Inputs,
    LossName,
    Targets,
    as_list,
    batch_accuracy,
    build_graph,
    check_data,
    check_loss,
    fill,
    is_penalty,
    target_numbers,
)
from nn.datasets import check_features
from nn.dead import dead_relu_layers
from nn.module import Module
from nn.optim import Optimizer, _rate

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = ["Evaluation", "Graph", "History", "LossName", "Trainer", "build_graph", "fit"]


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


class Trainer:
    """Trains a model with an optimiser on a loss, epoch by epoch.

    Each step computes the batch's graph (:func:`build_graph`), zeroes the parameters'
    gradients (``backward`` adds into ``grad``, so without this every step would also apply the
    previous steps' gradients), runs ``backward`` and lets the optimiser update the parameters.

    With ``replay`` (the default) the graph is built and compiled once per batch size, into
    the fastest plan installed (``backend="auto"``: numpy's
    :class:`~autograd.replay.vectorized.VectorPlan` for a graph wide enough, else the python
    :class:`~autograd.Plan`), and each later step of that size puts the
    batch's numbers into the graph's input and target leaves and replays the plan: forward,
    backward, no new nodes. The graph's shape never depends on the numbers (see
    :func:`build_graph`), so every number -- losses, accuracies, gradients, parameters -- is
    bit for bit what building a new graph every step gives (``replay=False``: what micrograd's
    demo does, and the simpler loop to follow). Full-batch training compiles one graph;
    mini-batches two at most (the last batch of an epoch may be smaller), plus one per size of
    data given to :meth:`evaluate`. Replay needs a model whose graph is made of Values and
    operations alone, as every :class:`~nn.Module` of this library is: a model that turned an
    input into a plain number (``float(x)``) or chose its operations from the numbers would
    replay the graph it had when it was built, so train such a model with ``replay=False``.

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
        verbose: Print the epoch's figures to standard output (instead of a progress bar):
            True (or 1) after every epoch, an int k after every k-th epoch and the last.
        progress: Show a tqdm progress bar on standard error: None (default) when standard error
            is a terminal and tqdm is installed (``pip install 'opgrad[progress]'``), True
            whenever tqdm is installed, False never.
        replay: Build and compile each batch size's graph once and replay it (True, the
            default), or build a new graph every step (False); the results are the same.
        backend: The replay backend that compiles the graphs (see
            :meth:`GraphExecutor.compile <autograd.GraphExecutor.compile>`): "auto" (the
            default), "numpy" or "python"; the results are the same. With a numpy plan and
            :class:`~nn.optim.SGD` or :class:`~nn.optim.Adam`, the update runs on arrays
            (:meth:`~nn.optim.Optimizer.step_arrays`), and every parameter's ``data`` and
            ``grad`` are written back after each step.

    Examples:
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
        verbose: bool | int = False,
        progress: bool | None = None,
        replay: bool = True,
        backend: str = "auto",
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
        if batch_size is not None:
            positive_int(batch_size, "Trainer: batch_size")
        if not is_penalty(l2):
            raise ValueError(f"Trainer: l2 must be a finite number >= 0, got {l2!r}")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"Trainer: seed must be an int, got {type(seed).__name__}: {seed!r}")
        if not isinstance(verbose, int) or verbose < 0:
            raise ValueError(f"Trainer: verbose must be a bool or an int >= 0, got {verbose!r}")
        if backend not in backends():
            raise ValueError(
                f"Trainer: backend must be one of {', '.join(backends())}, got {backend!r}"
            )
        self.model = model
        self.optimizer = optimizer
        self.loss: LossName = check_loss(loss)
        self.l2 = float(l2)
        self.schedule = schedule
        self.batch_size = batch_size
        self.verbose = verbose
        self.progress = progress
        self.replay = bool(replay)
        self.backend = backend
        self._rng = random.Random(seed)
        # Keyed by what the graph is made from, so that setting trainer.loss, .l2 or .model
        # afterwards makes a new graph rather than replaying a stale one.
        self._replays: dict[tuple[int, LossName, float, Module, str], _Replay] = {}

    def build_graph(self, X: Inputs, y: Targets) -> Graph:
        """The batch's graph for this trainer's model, loss and L2 penalty (:func:`build_graph`)."""
        return build_graph(self.model, X, y, self.loss, self.l2)

    def step(self, X: Inputs, y: Targets) -> Graph:
        """One optimisation step on one batch; returns the graph it was computed from.

        The graph's loss and outputs hold the numbers before the update. With replay it is the
        trainer's graph for this batch size, which the next step or evaluation of that size
        gives new numbers (and its inner nodes other than the outputs keep older ones).
        """
        if self.schedule is not None:
            k = self.optimizer.steps
            # Checked as the optimiser checks its lr: a NaN or negative rate would silently
            # ruin the parameters.
            self.optimizer.lr = _rate(
                self.schedule(k),
                f"Trainer: the lr from schedule {_callable_name(self.schedule)} at step {k}",
            )
        graph, replay = self._graph(X, y)
        if replay is not None and replay.step_arrays(self.model, self.optimizer):
            return graph
        self.model.zero_grad()
        if replay is None:
            graph.loss.backward()  # a new graph: only the parameters held gradients
        else:
            replay.backward()
        self.optimizer.step()
        return graph

    def evaluate(self, X: Inputs, y: Targets) -> Evaluation:
        """The model's loss (with the L2 penalty) and accuracy on ``X``, ``y``; no update."""
        graph, _ = self._graph(X, y)
        return Evaluation(graph.loss.data, batch_accuracy(graph.outputs, y, self.loss))

    def _graph(self, X: Inputs, y: Targets) -> tuple[Graph, _Replay | None]:
        """The batch's graph, holding the batch's numbers, and the replay that computed them.

        Without replay, or for a batch the cached graph does not fit, the graph is built and
        there is no replay. Otherwise the first batch of a size builds the graph and compiles
        it, and later ones fill its leaves and replay it.
        """
        if not self.replay:
            return self.build_graph(X, y), None
        X, y = check_data(X, y, "build_graph")
        key = (len(X), self.loss, self.l2, self.model, self.backend)
        cached = self._replays.get(key)
        if cached is None:
            graph = self.build_graph(X, y)
            self._replays[key] = cached = _Replay(graph, self.backend)
            return graph, cached
        if not fill(cached.graph, X, y, self.loss):
            # Inputs of another length than the graph's: a model that takes any length.
            return self.build_graph(X, y), None
        cached.forward()
        return cached.graph, cached

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
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"Trainer.fit: epochs must be an int >= 0, got {epochs!r}")
        # Every check comes before the first update: bad data never leaves a model half-trained.
        X, y = self._check_set(X, y, "training set")
        if test is not None:
            if isinstance(test, (str, bytes)) or not isinstance(test, Sequence) or len(test) != 2:
                raise TypeError(
                    f"Trainer.fit: test must be a pair (X_test, y_test), got {_short(test)}"
                )
            test = self._check_set(*test, "test set", n_features=len(X[0]))
        history = History()
        bar = _progress_bar(self.progress, self.verbose, epochs)
        try:
            for epoch in range(epochs):
                start = time.perf_counter()
                try:
                    loss, right = self._epoch(X, y)
                except (ArithmeticError, ValueError) as error:  # say where in the run it broke
                    raise _at_epoch(error, epoch + 1, epochs) from error
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
                every = int(self.verbose)
                if every and ((epoch + 1) % every == 0 or epoch + 1 == epochs):
                    print(f"epoch {epoch + 1:>{len(str(epochs))}}/{epochs}  {line}")
                if bar is not None:
                    bar.set_postfix_str(line, refresh=False)
                    bar.update(1)
        finally:
            if bar is not None:
                bar.close()
        if epochs:
            for name in dead_relu_layers(self.model, X):
                warnings.warn(
                    f"Trainer.fit: every ReLU of layer {name} is dead (0 on all {len(X)} "
                    "training samples): no gradient passes it, so the loss cannot fall further; "
                    "try tanh, a smaller learning rate or another seed",
                    RuntimeWarning,
                    stacklevel=2,
                )
        return history

    def _check_set(
        self, X: Inputs, y: Targets, what: str, n_features: int | None = None
    ) -> tuple[Inputs, Targets]:
        """Check a whole data set as :meth:`fit` needs it; errors say ``what`` set it is."""
        where = f"Trainer.fit: {what}"
        X, y = check_data(X, y, where)
        try:
            rows = check_features(X, n_features)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{where}: {error}") from None
        # The model's number of outputs, which the targets must fit: one forward pass, no update.
        width = len(as_list(self.model([Value(v) for v in rows[0]])))
        try:
            target_numbers(self.loss, y, width)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{where}: {error}") from None
        return rows, y

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
            right = batch_accuracy(graph.outputs, by, self.loss)
            total_right += (right or 0.0) * len(batch)
        return total_loss / n, (None if self.loss == "mse" else total_right / n)


class _Replay:
    """A batch size's graph compiled into a plan, and the nodes a step reads or zeroes."""

    def __init__(self, graph: Graph, backend: str) -> None:
        self.graph = graph
        self.plan = GraphExecutor().compile(graph.loss, backend=backend)
        self.leaves = self.plan.leaves
        self.outputs = [v for row in graph.outputs for v in row]
        # For step_arrays: the optimiser and model it last stepped, and where the optimiser's
        # parameters are among the leaves (None: not all of them and the model's are leaves).
        self._stepped: tuple[Optimizer, Module, list[int] | None] | None = None

    def forward(self) -> None:
        """Replay the forward pass from the leaves' data; write the loss and the outputs."""
        self.plan.forward()
        for node, data in zip(self.outputs, self.plan.read(self.outputs)):
            node.data = data

    def backward(self) -> None:
        """Zero every leaf's gradient, then add the replayed backward pass into the leaves.

        The parameters among the leaves then hold the step's gradient as eager backward on a
        new graph leaves it; the other leaves (inputs, targets, constants) do too, rather than
        summing the gradients of every step so far.
        """
        for leaf in self.leaves:
            leaf.grad = 0.0
        self.plan.backward()

    def step_arrays(self, model: Module, optimizer: Optimizer) -> bool:
        """Backward and the optimiser's update with the numbers in arrays, if the plan can.

        The same numbers as :meth:`backward` followed by ``optimizer.step()``, with the
        parameters' numbers handed to the optimiser as one array rather than read and written
        one Value at a time: the plan gives the leaves' gradients as an array
        (``leaf_gradients``), each leaf's ``grad`` is set from it, and the optimiser's
        :meth:`~nn.optim.Optimizer.step_arrays` computes the new ``data`` of every parameter,
        written back at once. It needs a plan that gives arrays (numpy's), an optimiser whose
        ``step`` has a ``step_arrays`` beside it, and every parameter of the optimiser and of
        the model among the graph's leaves; otherwise it returns False and does nothing.
        """
        leaf_gradients = getattr(self.plan, "leaf_gradients", None)
        if leaf_gradients is None or not _steps_arrays(type(optimizer)):
            return False
        stepped = self._stepped
        if stepped is None or stepped[0] is not optimizer or stepped[1] is not model:
            where = {leaf: i for i, leaf in enumerate(self.leaves)}
            inside = all(p in where for p in model.parameters())
            found = [where.get(p, -1) for p in optimizer.params]
            usable = inside and min(found) >= 0
            stepped = self._stepped = (optimizer, model, found if usable else None)
        positions = stepped[2]
        if positions is None:
            return False
        grads = leaf_gradients()
        for leaf, g in zip(self.leaves, grads.tolist()):
            leaf.grad = g  # 0.0 + g, since a leaf's gradient is never -0.0
        params = optimizer.params
        new = optimizer.step_arrays([p.data for p in params], grads[positions])
        for p, x in zip(params, new.tolist()):
            p.data = x
        return True


def _steps_arrays(kind: type[Optimizer]) -> bool:
    """Whether the class that defines ``kind``'s ``step`` also defines its ``step_arrays``."""
    for cls in kind.__mro__:
        if "step" in cls.__dict__:
            return "step_arrays" in cls.__dict__
    return False


def _callable_name(f: Callable[..., object]) -> str:
    """A function by its qualified name, anything else (e.g. a LinearDecay) by its repr."""
    name = getattr(f, "__qualname__", None)
    return name if isinstance(name, str) else repr(f)


def _short(x: object) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def _at_epoch(error: Exception, epoch: int, epochs: int) -> Exception:
    """``error`` again, of the same type where it can be, saying which epoch it broke."""
    message = f"{error} (in epoch {epoch} of {epochs})"
    try:
        found = type(error)(message)
    except Exception:  # an exception class that takes other arguments
        return ValueError(message)
    return found if str(found) == message else ValueError(message)


def _summary(history: History) -> str:
    parts = [f"loss {history.loss[-1]:.4f}"]
    if history.train_accuracy:
        parts.append(f"accuracy {history.train_accuracy[-1]:.1%}")
    if history.test_loss:
        parts.append(f"test loss {history.test_loss[-1]:.4f}")
    if history.test_accuracy:
        parts.append(f"test accuracy {history.test_accuracy[-1]:.1%}")
    return "  ".join(parts)


def _progress_bar(progress: bool | None, verbose: bool | int, epochs: int) -> tqdm[Any] | None:
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
    verbose: bool | int = False,
    progress: bool | None = None,
    replay: bool = True,
    backend: str = "auto",
) -> History:
    """Train ``model`` in one call: ``Trainer(model, optimizer, loss, ...).fit(X, y, epochs)``.

    The arguments are those of :class:`Trainer` and :meth:`Trainer.fit`.

    Examples:
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
        replay=replay,
        backend=backend,
    )
    return trainer.fit(X, y, epochs, test=test)
