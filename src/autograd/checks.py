"""The checks and error wording every module of autograd and nn shares, written once.

What counts as a real number (:func:`is_real`), a float from one (:func:`real_float`,
:func:`to_float`), a finite float (:func:`finite_float`), a positive int (:func:`positive_int`),
an error said again in other words (:func:`reworded`), a value short enough for a one-line
message (:func:`short_repr`), a number for a drawing (:func:`four_digits`), the sentinel a fast
path raises when an operation broke its contract (:class:`BrokenContractError`) and the write of
many attributes that an interrupt cannot cut in half (:func:`set_all`). This module imports no
other module of the project: everything may use it.
"""

from __future__ import annotations

import collections
import math
import numbers
from collections.abc import Iterable
from itertools import repeat
from typing import SupportsFloat

__all__ = [
    "BrokenContractError",
    "finite_float",
    "four_digits",
    "is_real",
    "non_negative_int",
    "positive_int",
    "real_float",
    "reworded",
    "set_all",
    "short_repr",
    "to_float",
]


def is_real(x: object) -> bool:
    """Whether ``x`` is a real number: an int, a float, a Fraction, a NumPy float; not a bool.

    A bool is an int to Python, but ``True`` given for a number is almost always a mistake; a
    str such as ``"2.5"`` is not a number, though ``float`` would take it.
    """
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def to_float(x: SupportsFloat, what: str) -> float:
    """``float(x)``, or a ValueError naming ``what`` for a number too large for a float.

    The message gives the size of a huge int rather than its digits (the repr of an int of more
    than 4300 digits is refused by Python, and would not fit on a line anyway).
    """
    try:
        return float(x)
    except OverflowError:
        raise ValueError(
            f"{what} ({_size(x)}) is too large for a float (at most about 1.8e308)"
        ) from None


def _size(x: object) -> str:
    """``an int of 400 digits`` (``about 5000`` past what ``str`` converts), or ``a Fraction``."""
    if isinstance(x, int) and not isinstance(x, bool):
        exact = x.bit_length() < 13_000  # str() refuses ints of more than 4300 digits
        digits = str(len(str(abs(x)))) if exact else f"about {int(math.log10(abs(x))) + 1}"
        return f"an int of {digits} digits"
    return f"a {type(x).__name__}"


def real_float(x: object, what: str) -> float:
    """``x`` as a float if it is a real number (see :func:`is_real`); else an error naming ``what``.

    Raises:
        TypeError: ``x`` is not a real number: ``Value data must be an int or a float, got str:
            'x'``.
        ValueError: ``x`` is too large for a float (see :func:`to_float`).
    """
    if type(x) is float:
        return x
    if not is_real(x):
        raise TypeError(
            f"{what} must be an int or a float, got {type(x).__name__}: {short_repr(x)}"
        )
    return to_float(x, what)  # type: ignore[arg-type]  # a real number has __float__


def finite_float(value: object, where: str) -> float:
    """``value`` as a finite float, or an error saying ``where``: ``row 5, feature 1: ...``.

    Raises:
        TypeError: ``value`` is not a real number (``bool`` and ``str`` are not numbers here).
        ValueError: ``value`` is NaN, infinite or too large for a float.
    """
    if not is_real(value):
        raise TypeError(f"{where}: {short_repr(value)} is not a number")
    try:
        number = float(value)  # type: ignore[arg-type]  # a real number has __float__
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"{where}: {short_repr(value)} is not a finite number")
    return number


def positive_int(value: object, what: str) -> int:
    """``value`` if it is an int >= 1 (not a bool); otherwise a ValueError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a positive int, got {short_repr(value)}")
    return value


def non_negative_int(value: object, what: str) -> int:
    """``value`` if it is an int >= 0 (not a bool); otherwise a ValueError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} must be an int >= 0, got {short_repr(value)}")
    return value


def reworded(error: Exception, message: str) -> Exception:
    """An error of ``error``'s type saying ``message``, to raise ``from error``.

    A user's exception class may take other constructor arguments than one message; then the
    nearest class in its MRO that does take one is used, so ``except`` clauses for the built-in
    type it derives from (ValueError, ZeroDivisionError, ...) still catch it.
    """
    for cls in type(error).__mro__:
        try:
            wrapped = cls(message)
        except Exception:  # a constructor that wants something else: try the base
            continue
        if isinstance(wrapped, Exception) and str(wrapped) == message:
            return wrapped
    return ValueError(message)


def short_repr(x: object, limit: int = 60) -> str:
    """``repr(x)`` cut to ``limit`` characters (``'aaaa...'``), for a one-line message.

    An int too long for Python to print (more than 4300 digits) is described by its size
    instead: ``<an int of about 5000 digits>``.
    """
    try:
        text = repr(x)
    except ValueError:  # int.__repr__ refuses more than sys.get_int_max_str_digits() digits
        return f"<{_size(x)}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def four_digits(x: float) -> str:
    """Four significant digits without trailing zeros: ``0.5``, ``-1.5``, ``6.881``, ``1e-08``.

    Drawings, explanations and the stepper share this format: short enough for a box in a
    drawing, and exact for the round numbers of hand-worked examples. ``-0.0`` prints as ``0``.
    """
    if x == 0.0:
        return "0"
    return f"{x:.4g}"


class BrokenContractError(TypeError):
    """A fast loop met an operation whose ``forward`` or ``local_grads`` broke its contract.

    The fast loops test only what is cheap (a tuple came back); they raise this, and the careful
    code then calls the operation again to say in full what went wrong and where. The message
    names the method: ``local_grads broke its contract``.
    """

    def __init__(self, method: str) -> None:
        super().__init__(f"{method} broke its contract")


_consume = collections.deque[object](maxlen=0).extend


def set_all(objects: Iterable[object], attribute: str, values: Iterable[object]) -> None:
    """Set ``attribute`` of each object to the matching value, in one uninterruptible step.

    Equivalent to ``for o, v in zip(objects, values): setattr(o, attribute, v)``, but run by C
    code alone (``map`` over ``setattr`` on a slot, consumed by a deque): no Python line runs
    between two objects, so neither a KeyboardInterrupt (which Python raises only between lines
    of Python code) nor another thread (which takes over only there too) can see half of the
    writes. The values must be computed beforehand; ``values`` must be an iterator of C code too
    (a list, ``repeat``, ``map`` of a builtin), never a generator.
    """
    _consume(map(setattr, objects, repeat(attribute), values))
