"""Validation of user data (feature rows and labels) and of the arguments shared by the loaders."""

from __future__ import annotations

import numbers
import random
from collections.abc import Sequence
from typing import TypeVar, cast

from autograd.checks import finite_float

__all__ = ["Label", "check_dataset", "check_features", "finite_float", "resolve_rng"]

Label = TypeVar("Label", int, float)


def check_features(
    X: Sequence[Sequence[float]], n_features: int | None = None
) -> list[list[float]]:
    """Check a table of feature rows and return a copy with every entry as a float.

    Every row must have the same number of features (``n_features`` when given, otherwise the
    number in row 0), at least one, and every entry must be a finite real number (an ``int``,
    a ``float`` or a number type such as numpy's scalars; ``bool`` and ``str`` are rejected).
    Rows and features are counted from 0, as in ``X[3][1]``.

    Args:
        X: The feature rows.
        n_features: The number of features each row must have, e.g. the number a model was
            trained on; None to take it from row 0.

    Returns:
        A new list of new lists of floats; changing it does not change ``X``.

    Raises:
        ValueError: ``X`` is empty, a row has no features or the wrong number of them, or an
            entry is NaN or infinite.
        TypeError: ``X`` or a row is not a sequence, or an entry is not a number.

    Examples:
        >>> check_features([[1, 2.5], [3, 4]])
        [[1.0, 2.5], [3.0, 4.0]]
        >>> check_features([[1, 2], [3]])
        Traceback (most recent call last):
        ...
        ValueError: row 1 has 1 features, expected 2
    """
    if isinstance(X, (str, bytes)) or not isinstance(X, Sequence):
        raise TypeError(f"X must be a sequence of rows, got {type(X).__name__}")
    if len(X) == 0:
        raise ValueError("X is empty: there are no rows")
    rows: list[list[float]] = []
    for i, row in enumerate(X):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise TypeError(
                f"row {i} must be a sequence of numbers, got {type(row).__name__}: {row!r}"
            )
        if n_features is None:
            if len(row) == 0:
                raise ValueError(f"row {i} has no features")
            n_features = len(row)
        elif len(row) != n_features:
            raise ValueError(f"row {i} has {len(row)} features, expected {n_features}")
        rows.append([finite_float(value, f"row {i}, feature {j}") for j, value in enumerate(row)])
    return rows


def _label(value: object, i: int) -> int | float:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    return finite_float(value, f"label {i}")


def check_dataset(
    X: Sequence[Sequence[float]], y: Sequence[Label]
) -> tuple[list[list[float]], list[Label]]:
    """Check a data set of feature rows and labels; return validated copies.

    ``X`` is checked as by :func:`check_features`. ``y`` must have one label per row; each
    label must be a finite real number. Integer labels (class indices, also numpy integers)
    come back as ``int`` and the others as ``float``, so classes stay classes and regression
    targets stay floats.

    Args:
        X: The feature rows, all of the same length.
        y: One label (class index or target value) per row.

    Returns:
        ``(X, y)`` as new lists: ``X`` as lists of floats, ``y`` as ints or floats.

    Raises:
        ValueError: Empty data, ragged rows, a NaN or infinite entry, or ``len(X) != len(y)``.
        TypeError: A row or entry of ``X``, or a label, is not a number (or not a sequence).

    Examples:
        >>> check_dataset([[0, 1], [1, 0]], [1, 0])
        ([[0.0, 1.0], [1.0, 0.0]], [1, 0])
        >>> check_dataset([[0, 1], [1, "abc"]], [1, 0])
        Traceback (most recent call last):
        ...
        TypeError: row 1, feature 1: 'abc' is not a number
    """
    rows = check_features(X)
    if isinstance(y, (str, bytes)) or not isinstance(y, Sequence):
        raise TypeError(f"y must be a sequence of labels, got {type(y).__name__}")
    if len(y) != len(rows):
        raise ValueError(f"len(X) = {len(rows)} but len(y) = {len(y)}: one label per row is needed")
    labels = [_label(value, i) for i, value in enumerate(y)]
    return rows, cast("list[Label]", labels)


def resolve_rng(seed: int | random.Random, where: str) -> random.Random:
    """The generator to draw from: ``seed`` itself, or a new ``random.Random(seed)``.

    Args:
        seed: An int seed, or a ``random.Random`` to draw from (and advance).
        where: The calling function's name, for the error message.

    Raises:
        TypeError: ``seed`` is neither an int nor a ``random.Random``.
    """
    if isinstance(seed, random.Random):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(
            f"{where}: seed must be an int or a random.Random, got {type(seed).__name__}: {seed!r}"
        )
    return random.Random(seed)
