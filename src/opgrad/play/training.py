"""The playground's Train view: a data set, an MLP, its Trainer, its history, its decision regions.

Training runs through :class:`~nn.Trainer` with its compiled replay (one plan per batch size);
the decision regions come from a second compiled plan, the model applied to a fixed grid of
points, replayed after every batch of epochs. The page draws the numbers this module returns.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from autograd import CompiledGraph, GraphExecutor, Value
from nn._checks import predicted_class
from nn.datasets import IRIS_CLASSES, Standardizer, iris, moons, tiny, xor
from nn.module import ACTIVATIONS, MLP
from nn.optim import SGD, Adam, Optimizer
from nn.train import LossName, Trainer
from opgrad.play.drawing import network_picture
from opgrad.play.expression import PlayError, json_number

__all__ = [
    "DATASETS",
    "GRID",
    "MAX_POINTS",
    "MAX_SEED",
    "OPTIMIZERS",
    "Dataset",
    "TrainState",
    "hidden_sizes",
]

GRID = 40
"""Grid points per axis of the decision regions."""

MAX_POINTS = 400
"""The most data points a 2-D set may hold (points are added by clicking)."""

MAX_SEED = 2**31 - 1
"""The largest seed of a model's first weights (a seed is a whole number from 0)."""

DIVERGING = 10.0
"""A run whose loss grows to this many times its first epoch's is said to diverge."""

_DEAD_PREFIX = "Trainer.fit: "  # how the Trainer's dead-ReLU warning opens

MAX_LAYERS = 3
MAX_WIDTH = 32
MAX_SECONDS = 1.0  # the longest a request to train may run
MAX_EPOCHS_PER_CALL = 200

OPTIMIZERS = ("sgd", "momentum", "adam")
"""``sgd``: plain gradient descent; ``momentum``: SGD with momentum 0.9; ``adam``: Adam."""

Data = tuple[list[list[float]], list[Any]]


@attrs.frozen
class Dataset:
    """A data set the Train view offers, with the settings it starts from.

    Attributes:
        load: Makes the points and labels.
        about: One line shown under the plot.
        features: The two axes' names (or the features' names for a set that is not 2-D).
        classes: The class names, or None for regression.
        loss: The Trainer's loss.
        hidden: The hidden layers' sizes.
        activation: The hidden layers' activation.
        optimizer: One of :data:`OPTIMIZERS`.
        lr: The learning rate.
        l2: The L2 penalty.
        standardize: Train on standardised features (the plot keeps the original units).
    """

    load: Callable[[], Data]
    about: str
    features: tuple[str, ...]
    classes: tuple[str, ...] | None
    loss: LossName
    hidden: tuple[int, ...]
    activation: str
    optimizer: str
    lr: float
    l2: float = 0.0
    standardize: bool = False


def _moons() -> Data:
    return moons(100, noise=0.1, seed=0)


def _iris_2d() -> Data:
    X, y = iris()
    return [[row[2], row[3]] for row in X], y


DATASETS: dict[str, Dataset] = {
    # The settings of `opgrad train` where they fit a live view (a constant learning rate).
    "moons": Dataset(
        _moons,
        "two moons, 100 points with noise 0.1 (max-margin loss, as micrograd's demo)",
        ("x1", "x2"),
        ("outer moon", "inner moon"),
        "max_margin",
        (16, 16),
        "relu",
        "sgd",
        0.2,
        l2=1e-4,
    ),
    "xor": Dataset(
        xor,
        "XOR, the 4 corners of the unit square: no straight line separates them",
        ("x1", "x2"),
        ("0", "1"),
        "max_margin",
        (8,),
        "tanh",
        "momentum",
        0.1,
    ),
    "tiny": Dataset(
        tiny,
        "the lecture's 4 samples of 3 features, targets +1 or -1 (mean squared error)",
        ("x1", "x2", "x3"),
        None,
        "mse",
        (4, 4),
        "tanh",
        "sgd",
        0.1,
    ),
    "iris": Dataset(
        _iris_2d,
        "Fisher's iris seen through petal length and width (cm), 3 species",
        ("petal length", "petal width"),
        IRIS_CLASSES,
        "softmax",
        (8,),
        "tanh",
        "adam",
        0.05,
        standardize=True,
    ),
}
"""The data sets of the Train view, by name."""


def hidden_sizes(text: str) -> tuple[int, ...]:
    """Hidden layer sizes from text such as ``"16, 16"`` (empty for none), checked.

    Raises:
        PlayError: The text is long, a piece is not a size from 1 to MAX_WIDTH, or there are
            more than MAX_LAYERS.
    """
    if len(text) > 40:
        raise PlayError("Hidden layers must be sizes separated by commas, such as 16, 16")
    pieces = [piece for piece in text.replace(" ", "").split(",") if piece]
    for piece in pieces:
        if not piece.isdigit():
            raise PlayError(_size_error(piece))
    return _checked_hidden(tuple(int(piece) for piece in pieces))


def _size_error(piece: object) -> str:
    return f"hidden layer size {str(piece)[:10]!r} must be a whole number from 1 to {MAX_WIDTH}"


def _checked_hidden(sizes: tuple[int, ...]) -> tuple[int, ...]:
    for size in sizes:
        if not 1 <= size <= MAX_WIDTH:
            raise PlayError(_size_error(size))
    if len(sizes) > MAX_LAYERS:
        raise PlayError(f"at most {MAX_LAYERS} hidden layers, got {len(sizes)}")
    return sizes


def _checked_rate(rate: float) -> float:
    if not (math.isfinite(rate) and 0.0 < rate <= 10.0):
        raise PlayError(f"Learning rate must be above 0 and at most 10, got {rate!r}")
    return rate


def _checked_seed(seed: int) -> int:
    if not 0 <= seed <= MAX_SEED:
        raise PlayError(f"Seed must be a whole number from 0 to {MAX_SEED}")
    return seed


def _optimizer(name: str, params: list[Value], lr: float) -> Optimizer:
    if name == "adam":
        return Adam(params, lr=lr)
    return SGD(params, lr=lr, momentum=0.9 if name == "momentum" else 0.0)


def _span(values: Sequence[float]) -> list[float]:
    low, high = min(values), max(values)
    pad = 0.25 * (high - low) if high > low else 1.0
    return [low - pad, high + pad]


class TrainState:
    """One model being trained on the page, and everything the Train view shows of it.

    Args:
        dataset: A name of :data:`DATASETS`.
        hidden: The hidden layers' sizes; the data set's by default.
        activation: One of :data:`nn.module.ACTIVATIONS`; the data set's by default.
        optimizer: One of :data:`OPTIMIZERS`; the data set's by default.
        lr: The learning rate; the data set's by default.
        seed: Seeds the model's first weights (0 by default).
        points: The points of a 2-D set as ``(x, y, class)``, in the plot's units, instead
            of the data set's own (a shared link brings the points a class edited).

    Raises:
        PlayError: An unknown name or a setting out of range.
    """

    def __init__(
        self,
        dataset: str = "moons",
        hidden: tuple[int, ...] | None = None,
        activation: str | None = None,
        optimizer: str | None = None,
        lr: float | None = None,
        seed: int | None = None,
        points: Sequence[tuple[float, float, int]] | None = None,
    ) -> None:
        if dataset not in DATASETS:
            raise PlayError(f"Data set must be one of {', '.join(DATASETS)}")
        recipe = DATASETS[dataset]
        self.name = dataset
        self.recipe = recipe
        self.hidden = recipe.hidden if hidden is None else _checked_hidden(hidden)
        activation = recipe.activation if activation is None else activation
        if activation not in ACTIVATIONS:
            raise PlayError(f"Activation must be one of {', '.join(ACTIVATIONS)}")
        self.activation = activation
        optimizer = recipe.optimizer if optimizer is None else optimizer
        if optimizer not in OPTIMIZERS:
            raise PlayError(f"Optimiser must be one of {', '.join(OPTIMIZERS)}")
        self.optimizer_name = optimizer
        self.lr = recipe.lr if lr is None else _checked_rate(lr)
        self.seed = 0 if seed is None else _checked_seed(seed)
        X, y = recipe.load()
        self.X, self.y = X, list(y)
        self.plottable = len(X[0]) == 2
        # The standardiser and the plot's ranges are the data set's own, whatever points it holds.
        self.standardizer = Standardizer().fit(X) if recipe.standardize else None
        if self.plottable:
            self.ranges = [_span([p[0] for p in X]), _span([p[1] for p in X])]
        if points is not None:
            self._replace_points(points)
        outputs = 1 if recipe.classes is None or len(recipe.classes) == 2 else len(recipe.classes)
        self.model = MLP(
            len(X[0]), [*self.hidden, outputs], activation=self.activation, seed=self.seed
        )
        self.optimizer = _optimizer(self.optimizer_name, self.model.parameters(), self.lr)
        self.trainer = self._trainer()
        self.loss: list[float] = []
        self.accuracy: list[float] = []
        self.seconds: list[float] = []
        self.message = ""
        self.shown = 0  # the data point whose activations the network's drawing shows
        if self.plottable:
            self._grid_points = self._grid_rows()
            self._grid_parts = self._grid()
        self._regions()

    def _trainer(self) -> Trainer:
        # A new Trainer for new data: it compiles one plan per batch size, and a click changes it.
        return Trainer(
            self.model, self.optimizer, self.recipe.loss, l2=self.recipe.l2, progress=False
        )

    def _inputs(self, rows: list[list[float]]) -> list[list[float]]:
        return self.standardizer.transform(rows) if self.standardizer is not None else rows

    def _grid(self) -> tuple[list[list[Value]], list[list[Value]], CompiledGraph]:
        """One row of grid points through the model, compiled; each row of the grid replays it.

        Returns the row's input leaves, its outputs and the plan of their sum. Replaying one
        row's plan per row (filling its inputs, as the Trainer fills a batch) costs the same
        as one plan of the whole grid, and compiling it is GRID times cheaper.
        """
        inputs = [[Value(0.0), Value(0.0)] for _ in range(GRID)]
        outputs = [self.model.outputs(row) for row in inputs]
        total = sum((v for row in outputs for v in row), Value(0.0))
        return inputs, outputs, GraphExecutor().compile(total)

    def _grid_rows(self) -> list[list[list[float]]]:
        """The grid's points in the model's units, one list per row, bottom row first."""
        (x_low, x_high), (y_low, y_high) = self.ranges
        xs = [x_low + (x_high - x_low) * (i + 0.5) / GRID for i in range(GRID)]
        ys = [y_low + (y_high - y_low) * (j + 0.5) / GRID for j in range(GRID)]
        return [self._inputs([[x, y] for x in xs]) for y in ys]

    def _regions(self) -> None:
        """Replay the grid with the current parameters: each cell's class and confidence."""
        self.cells: list[int] = []
        self.strengths: list[float] = []
        if not self.plottable:
            return
        inputs, outputs, plan = self._grid_parts
        flat_outputs = [v for row in outputs for v in row]
        width = len(outputs[0])
        for row in self._grid_points:
            for leaves, point in zip(inputs, row):
                for leaf, value in zip(leaves, point):
                    leaf.data = value
            plan.forward()
            flat = plan.read(flat_outputs)
            for k in range(0, len(flat), width):
                scores = flat[k : k + width]
                self.cells.append(predicted_class(scores))
                self.strengths.append(round(_confidence(scores), 2))

    def run(self, seconds: float = 0.25, epochs: int | None = None) -> None:
        """Train for ``epochs`` epochs, or for about ``seconds`` (at least one epoch)."""
        budget = _budget(seconds)
        limit = MAX_EPOCHS_PER_CALL
        if epochs is not None:
            if not 1 <= epochs <= limit:
                raise PlayError(f"epochs must be a whole number from 1 to {limit}")
            limit, budget = epochs, MAX_SECONDS
        start = time.perf_counter()
        done = 0
        X = self._inputs(self.X)
        dead: list[str] = []
        chunk = limit if epochs is not None else 1
        while done < limit:
            called = time.perf_counter()
            try:
                # The Trainer warns when every ReLU of a layer is dead: the page says so instead.
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    history = self.trainer.fit(X, self.y, chunk)
            except (ArithmeticError, ValueError) as error:
                raise PlayError(f"training failed: {str(error).splitlines()[0]}") from None
            now = time.perf_counter()
            dead = [
                str(w.message).removeprefix(_DEAD_PREFIX)
                for w in caught
                if str(w.message).startswith(_DEAD_PREFIX)
            ]
            done += chunk
            self.loss.extend(history.loss)
            self.accuracy.extend(history.train_accuracy)
            self.seconds.extend(history.seconds)
            if epochs is None and now - start >= budget:
                break
            # Each call of fit costs its epochs and a fixed part (the dead-ReLU check reads
            # every sample eagerly): the rest of the budget goes to as many epochs as fit in
            # one more call, not to one call per epoch.
            per_epoch = max(sum(history.seconds) / len(history.seconds), 1e-6)
            overhead = max(0.0, now - called - sum(history.seconds))
            room = budget - (now - start) - overhead
            chunk = max(1, min(limit - done, int(room / per_epoch)))
        self.message = self._diverging() or "; ".join(dead)
        self._regions()

    def _diverging(self) -> str:
        """What to say when the loss is not finite or has grown :data:`DIVERGING` times."""
        first, last = self.loss[0], self.loss[-1]
        if not math.isfinite(last):
            return f"the loss is {last}: lower the learning rate and press Reset"
        if len(self.loss) > 1 and last > DIVERGING * first:
            return (
                f"training diverges: the loss grew from {first:.3g} to {last:.3g}; "
                "lower the learning rate and press Reset"
            )
        return ""

    def _point(self, x: float, y: float, label: int) -> list[float]:
        """The point (``x``, ``y``) of class ``label``, checked against the plot's ranges."""
        if not self.plottable:
            raise PlayError("this data set has 3 features: points are added on 2-D sets only")
        classes = self.recipe.classes or ()
        if not 0 <= label < len(classes):
            raise PlayError(f"Class must be one of 0 to {len(classes) - 1}")
        point = [x, y]
        for value, (low, high), axis in zip(point, self.ranges, self.recipe.features):
            if not low <= value <= high:
                raise PlayError(f"{axis} must be between {low:.3g} and {high:.3g}")
        return point

    def _replace_points(self, points: Sequence[tuple[float, float, int]]) -> None:
        if not self.plottable:
            raise PlayError("this data set has 3 features: its points cannot be replaced")
        if not 1 <= len(points) <= MAX_POINTS:
            raise PlayError(f"points must be a list of 1 to {MAX_POINTS} [x, y, class] lists")
        self.X = [self._point(x, y, label) for x, y, label in points]
        self.y = [label for _, _, label in points]

    def add_point(self, x: float, y: float, label: int) -> None:
        """Add a data point of class ``label`` at (``x``, ``y``), in the plot's units."""
        point = self._point(x, y, label)
        if len(self.X) >= MAX_POINTS:
            raise PlayError(f"the data set holds {MAX_POINTS} points already")
        self.X.append(point)
        self.y.append(label)
        self.trainer = self._trainer()
        classes = self.recipe.classes or ()
        self.message = f"added a point of class {classes[label]}"

    def remove_point(self, index: int) -> None:
        """Remove the data point at ``index``."""
        if not 0 <= index < len(self.X):
            raise PlayError(f"no point number {index}")
        if len(self.X) == 1:
            raise PlayError("the last point stays: a data set needs at least one")
        del self.X[index]
        del self.y[index]
        self.shown = min(self.shown, len(self.X) - 1)
        self.trainer = self._trainer()
        self.message = "removed a point"

    def remove_nearest(self, x: float, y: float) -> None:
        """Remove the data point nearest (``x``, ``y``), in the plot's units (by keyboard)."""
        if not self.plottable:
            raise PlayError("this data set has 3 features: points are removed on 2-D sets only")
        distances = [math.hypot(p[0] - x, p[1] - y) for p in self.X]
        self.remove_point(distances.index(min(distances)))

    def show_point(self, index: int) -> None:
        """Show the activations at data point ``index`` in the network's drawing."""
        if not 0 <= index < len(self.X):
            raise PlayError(f"no point number {index}")
        self.shown = index
        self.message = ""

    def network(self) -> dict[str, Any]:
        """The network's drawing: :func:`~opgrad.play.drawing.network_picture` at the shown point.

        The gradients are those of the last training step (zero before the first).
        """
        point = self._inputs([self.X[self.shown]])[0]
        return network_picture(self.model, point, self.recipe.features, self.shown)

    def snapshot(self) -> dict[str, Any]:
        """What the page shows, as JSON-ready data."""
        recipe = self.recipe
        result: dict[str, Any] = {
            "dataset": self.name,
            "about": recipe.about,
            "settings": {
                "hidden": ", ".join(map(str, self.hidden)),
                "activation": self.activation,
                "optimizer": self.optimizer_name,
                "lr": self.lr,
                "seed": self.seed,
            },
            "model": repr(self.model),
            "parameters": len(self.model.parameters()),
            "features": list(recipe.features),
            "classes": list(recipe.classes) if recipe.classes else None,
            "epoch": len(self.loss),
            "loss": [json_number(v) for v in self.loss],
            "accuracy": self.accuracy,
            "epoch_seconds": self.seconds[-1] if self.seconds else None,
            "message": self.message,
            "network": self.network(),
            "plot": None,
        }
        if self.plottable:
            result["plot"] = {
                "points": [[p[0], p[1], label] for p, label in zip(self.X, self.y)],
                "ranges": self.ranges,
                "grid": GRID,
                "cells": self.cells,
                "strengths": self.strengths,
            }
        else:
            result["predictions"] = [
                {"target": target, "output": json_number(out)}
                for target, out in zip(self.y, self._outputs())
            ]
        return result

    def _outputs(self) -> list[float]:
        return [self.model.outputs(row)[0].data for row in self._inputs(self.X)]


def _confidence(scores: Sequence[float]) -> float:
    """How sure the model is at a grid point, from 0 (undecided) to 1.

    One score: its size, capped at 1 (the max-margin loss is satisfied at 1). Several: the
    softmax probability of the chosen class, rescaled so that a uniform guess is 0.
    """
    if len(scores) == 1:
        return min(1.0, abs(scores[0])) if math.isfinite(scores[0]) else 0.0
    top = max(scores)
    if not math.isfinite(top):
        return 0.0
    probability = 1.0 / sum(math.exp(s - top) for s in scores)
    floor = 1.0 / len(scores)
    return (probability - floor) / (1.0 - floor)


def _budget(seconds: float) -> float:
    if not 0.0 < seconds <= MAX_SECONDS:
        raise PlayError(f"seconds must be above 0 and at most {MAX_SECONDS}")
    return seconds
