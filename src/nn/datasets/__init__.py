"""Offline data sets for opgrad's nn: synthetic and packaged sets, splitting and standardising."""

from nn.datasets._validate import check_dataset, check_features
from nn.datasets.packaged import IRIS_CLASSES, IRIS_FEATURES, iris
from nn.datasets.preprocessing import Standardizer, train_test_split
from nn.datasets.synthetic import moons, tiny, xor

__all__ = [
    "IRIS_CLASSES",
    "IRIS_FEATURES",
    "Standardizer",
    "check_dataset",
    "check_features",
    "iris",
    "moons",
    "tiny",
    "train_test_split",
    "xor",
]
