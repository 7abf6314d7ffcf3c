"""Operations written the way a user writes them, shared by the tests of the engine and plans."""

from __future__ import annotations

import math
from typing import ClassVar

import attrs

from autograd import Operation


@attrs.frozen
class Sin(Operation):
    """Sine: f(x) = sin x; df/dx = cos x."""

    def forward(self, x: float) -> float:
        return math.sin(x)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        return (math.cos(x),)


@attrs.frozen
class Mix(Operation):
    """f(a, b) = a*b + a; df/da = b + 1, df/db = a."""

    arity: ClassVar[int] = 2

    def forward(self, a: float, b: float) -> float:
        return a * b + a

    def local_grads(self, a: float, b: float, *, output: float) -> tuple[float, float]:
        return (b + 1.0, a)


@attrs.frozen
class Fma(Operation):
    """Fused multiply-add: f(a, b, c) = a*b + c; df/da = b, df/db = a, df/dc = 1.

    Three inputs, so a node it makes keeps its parents as a tuple.
    """

    arity: ClassVar[int] = 3

    def forward(self, a: float, b: float, c: float) -> float:
        return a * b + c

    def local_grads(self, a: float, b: float, c: float, *, output: float) -> tuple[float, ...]:
        return (b, a, 1.0)


@attrs.frozen
class Kink(Operation):
    """|x| with no derivative at 0: f(x) = |x|; df/dx = sign x, and local_grads refuses x = 0."""

    def forward(self, x: float) -> float:
        return abs(x)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        if x == 0.0:
            raise ValueError("|x| has no derivative at 0")
        return (1.0 if x > 0 else -1.0,)
