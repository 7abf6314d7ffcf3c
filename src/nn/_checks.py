"""The class a model's outputs predict, shared by the plots and the application.

The checks of numbers (finite floats, positive ints, ...) are autograd's, in
:mod:`autograd.checks`.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["predicted_class"]


def predicted_class(outputs: Sequence[float]) -> int:
    """The class a model's outputs predict.

    A single score's sign (1 if > 0), else the index of the largest output (the first on ties).
    """
    if len(outputs) == 1:
        return int(outputs[0] > 0.0)
    return list(outputs).index(max(outputs))
