"""Offline data sets for opgrad's nn: synthetic and packaged sets, splitting and standardising."""

from nn.datasets._validate import check_dataset, check_features
from nn.datasets.packaged import IRIS_CLASSES, IRIS_FEATURES, iris
from nn.datasets.synthetic import moons, tiny, xor

__all__ = [
    "IRIS_CLASSES",
    "IRIS_FEATURES",
    "check_dataset",
    "check_features",
    "iris",
    "moons",
    "tiny",
    "xor",
]
