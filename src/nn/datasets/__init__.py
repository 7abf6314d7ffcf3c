"""Offline data sets for opgrad's nn: synthetic and packaged sets, splitting and standardising."""

from nn.datasets._validate import check_dataset, check_features
from nn.datasets.synthetic import moons, tiny, xor

__all__ = [
    "check_dataset",
    "check_features",
    "moons",
    "tiny",
    "xor",
]
