# opgrad exercise: neuron
"""Neuron.

The lecture's neuron: weights w (one per input) and a bias b, all Values; on an input x it
computes tanh(w0*x0 + w1*x1 + ... + b). Its parameters are the weights, then the bias: the
numbers training changes.

Write:
    Neuron.__call__(x): the output Value, tanh(sum of wi * xi, plus b), for a list of numbers
    or Values x.
    Neuron.parameters(): the weights in order, then the bias, as one list.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from autograd import Value


class Neuron:
    """tanh(w . x + b), with w and b Values drawn uniformly from [-1, 1]."""

    def __init__(self, nin: int, rng: random.Random | None = None) -> None:
        draw = rng or random.Random()
        self.w = [Value(draw.uniform(-1, 1), label=f"w{i}") for i in range(nin)]
        self.b = Value(draw.uniform(-1, 1), label="b")

    def __call__(self, x: Sequence[Value | float]) -> Value:
        """tanh(w0*x0 + w1*x1 + ... + b)."""
        act = self.b
        for wi, xi in zip(self.w, x):
            act = act + wi * xi
        return act.tanh()

    def parameters(self) -> list[Value]:
        """The weights, then the bias."""
        return [*self.w, self.b]
