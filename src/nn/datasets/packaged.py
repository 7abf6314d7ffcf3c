"""Data sets shipped as CSV files inside this package (read offline): Fisher's iris."""

from __future__ import annotations

import csv
import io
from importlib import resources

__all__ = ["IRIS_CLASSES", "IRIS_FEATURES", "iris"]

IRIS_FEATURES: tuple[str, ...] = ("sepal_length", "sepal_width", "petal_length", "petal_width")
"""The names of iris's four features, in column order; all four are lengths in cm."""

IRIS_CLASSES: tuple[str, ...] = ("setosa", "versicolor", "virginica")
"""The iris species; label ``k`` of :func:`iris` is ``IRIS_CLASSES[k]``."""

_FILE = "iris.csv"
_HEADER = [*IRIS_FEATURES, "species"]


def iris() -> tuple[list[list[float]], list[int]]:
    """Fisher's iris flowers: 150 samples, 4 features, 3 species of 50 samples each.

    The table is ``iris.csv`` in this package, read with :mod:`importlib.resources`, so no
    network is ever used. Its values are scikit-learn's copy, which follows Fisher's 1936 paper
    (the UCI file differs from it in samples 35 and 38). Rows come in the file's order: 50
    setosa, then 50 versicolor, then 50 virginica.

    Returns:
        ``(X, y)``: 150 rows of the features named by :data:`IRIS_FEATURES` (cm) and 150 labels
        0, 1 or 2, indices into :data:`IRIS_CLASSES`. Each call returns new lists.

    Raises:
        ValueError: The packaged file is damaged (a wrong header, row or species), naming the
            line.

    Examples:
        >>> X, y = iris()
        >>> len(X), X[0], IRIS_CLASSES[y[0]]
        (150, [5.1, 3.5, 1.4, 0.2], 'setosa')
    """
    text = resources.files("nn.datasets").joinpath(_FILE).read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header != _HEADER:
        raise ValueError(f"{_FILE} line 1: header {header!r}, expected {_HEADER!r}")
    X: list[list[float]] = []
    y: list[int] = []
    for line, row in enumerate(reader, start=2):
        if len(row) != len(_HEADER):
            raise ValueError(f"{_FILE} line {line}: {len(row)} fields, expected {len(_HEADER)}")
        *features, species = row
        if species not in IRIS_CLASSES:
            raise ValueError(f"{_FILE} line {line}: unknown species {species!r}")
        try:
            X.append([float(value) for value in features])
        except ValueError as error:
            raise ValueError(f"{_FILE} line {line}: {error}") from error
        y.append(IRIS_CLASSES.index(species))
    return X, y
