# opgrad exercise: exp_pow_div
"""Exp, Pow and Div.

The lecture adds exp, a power by a number and division to its Value; here each is an
Operation: ``forward`` gives the number and ``local_grads`` the local derivatives, one per
input. Pow has a parameter, the exponent (an attrs field: ``Pow(3.0)``); Div has two inputs.

Write the three ``local_grads``:
    Exp: d/dx e**x = e**x (the output itself).
    Pow: d/dx x**k = k * x**(k - 1).
    Div: d/da (a / b) = 1 / b and d/db (a / b) = -a / b**2, in input order.
"""

from __future__ import annotations

import math
from typing import ClassVar

import attrs

from autograd import Operation


@attrs.frozen
class Exp(Operation):
    """f(x) = e**x."""

    def forward(self, x: float) -> float:
        """e**x."""
        return math.exp(x)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        """(d/dx e**x,)."""
        return (output,)


@attrs.frozen
class Pow(Operation):
    """f(x) = x**exponent, for a number exponent."""

    exponent: float

    def forward(self, x: float) -> float:
        """x**exponent."""
        return float(x**self.exponent)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        """(d/dx x**exponent,)."""
        return (self.exponent * x ** (self.exponent - 1),)


@attrs.frozen
class Div(Operation):
    """f(a, b) = a / b."""

    arity: ClassVar[int] = 2

    def forward(self, a: float, b: float) -> float:
        """A / b."""
        return a / b

    def local_grads(self, a: float, b: float, *, output: float) -> tuple[float, float]:
        """(d/da a/b, d/db a/b)."""
        return (1.0 / b, -a / (b * b))
