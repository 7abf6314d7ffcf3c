"""The data sets ``opgrad train`` knows and the recipe it trains each with by default."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from nn.datasets import IRIS_CLASSES, IRIS_FEATURES, iris, moons, tiny, xor
from nn.train import LossName

__all__ = ["RECIPES", "Recipe"]

Data = tuple[list[list[float]], list[Any]]


@attrs.frozen
class Recipe:
    """How ``opgrad train NAME`` trains on a data set unless told otherwise.

    Attributes:
        load: Makes the data set, given the seed.
        about: One line describing the data.
        features: The features' names.
        classes: The class names (label ``k`` is ``classes[k]``), or None for regression.
        hidden: The hidden layers' sizes; the output layer follows from the loss.
        activation: The hidden layers' activation.
        loss: The loss, and with it the task.
        l2: The L2 penalty's strength.
        optimizer: ``"sgd"`` or ``"adam"``.
        lr: The learning rate for each optimizer.
        momentum: SGD's momentum.
        epochs: Passes over the training set.
        batch_size: Samples per step, or None for full batch.
        decay: Decay the learning rate linearly to a tenth of itself over the run.
        standardize: Standardise the features (fitted on the training set).
        test_size: The share held out as a stratified test set, or None to train on all.
    """

    load: Callable[[int], Data]
    about: str
    features: tuple[str, ...]
    classes: tuple[str, ...] | None
    hidden: tuple[int, ...]
    activation: str
    loss: LossName
    optimizer: str
    lr: Mapping[str, float]
    epochs: int
    l2: float = 0.0
    momentum: float = 0.0
    batch_size: int | None = None
    decay: bool = False
    standardize: bool = False
    test_size: float | None = None


def _moons(seed: int) -> Data:
    return moons(100, noise=0.1, seed=seed)


def _fixed(load: Callable[[], Data]) -> Callable[[int], Data]:
    return lambda seed: load()


RECIPES: Mapping[str, Recipe] = {
    # micrograd's demo: MLP(2, [16, 16, 1]), max-margin loss + 1e-4 L2, 100 full-batch SGD
    # steps with lr = 1.0 - 0.9 * k / 100.
    "moons": Recipe(
        load=_moons,
        about="two moons, 100 points with noise 0.1",
        features=("x1", "x2"),
        classes=("outer moon", "inner moon"),
        hidden=(16, 16),
        activation="relu",
        loss="max_margin",
        l2=1e-4,
        optimizer="sgd",
        lr={"sgd": 1.0, "adam": 0.05},
        epochs=100,
        decay=True,
    ),
    "iris": Recipe(
        load=_fixed(iris),
        about="Fisher's iris, 150 flowers of 3 species, 4 features",
        features=IRIS_FEATURES,
        classes=IRIS_CLASSES,
        hidden=(8,),
        activation="tanh",
        loss="softmax",
        optimizer="adam",
        lr={"sgd": 0.1, "adam": 0.01},
        momentum=0.9,
        epochs=100,
        batch_size=16,
        standardize=True,
        test_size=0.2,
    ),
    "xor": Recipe(
        load=_fixed(xor),
        about="XOR, the 4 corners of the unit square",
        features=("x1", "x2"),
        classes=("0", "1"),
        hidden=(8,),
        activation="tanh",
        loss="max_margin",
        optimizer="sgd",
        lr={"sgd": 0.1, "adam": 0.05},
        momentum=0.9,
        epochs=100,
    ),
    "tiny": Recipe(
        load=_fixed(tiny),
        about="the backprop lecture's 4 samples of 3 features, targets +1 or -1",
        features=("x1", "x2", "x3"),
        classes=None,
        hidden=(4, 4),
        activation="tanh",
        loss="mse",
        optimizer="sgd",
        lr={"sgd": 0.1, "adam": 0.05},
        epochs=50,
    ),
}
"""The data sets ``opgrad train`` knows, with their default training recipes."""
