"""The argument checks the nn modules share: finite numbers, positive ints, predicted classes."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

__all__ = ["finite_float", "non_negative_int", "positive_int", "predicted_class"]


def finite_float(value: object, where: str) -> float:
    """``value`` as a finite float, or an error saying ``where``: ``row 5, feature 1: ...``.

    Raises:
        TypeError: ``value`` is not a real number (``bool`` and ``str`` are not numbers here).
        ValueError: ``value`` is NaN, infinite or too large for a float.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {value!r} is not a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"{where}: {value!r} is not a finite number")
    return number


def positive_int(value: object, what: str) -> int:
    """``value`` if it is an int >= 1 (not a bool); otherwise a ValueError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a positive int, got {value!r}")
    return value


def non_negative_int(value: object, what: str) -> int:
    """``value`` if it is an int >= 0 (not a bool); otherwise a ValueError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} must be an int >= 0, got {value!r}")
    return value


def predicted_class(outputs: Sequence[float]) -> int:
    """The class a model's outputs predict.

    A single score's sign (1 if > 0), else the index of the largest output (the first on ties).
    """
    if len(outputs) == 1:
        return int(outputs[0] > 0.0)
    return list(outputs).index(max(outputs))
