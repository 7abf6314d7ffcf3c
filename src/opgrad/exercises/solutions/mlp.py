# opgrad exercise: mlp
"""MLP: the lecture's network, tanh in every layer.

A multi-layer perceptron is layers in a row, each reading the previous one's outputs:
``MLP(3, [4, 4, 1])`` is 3 inputs, two layers of 4 neurons and one output neuron. As in the
lecture, every layer applies tanh, the output layer too, so the output is in (-1, 1), the
targets' range. (micrograd's own ``MLP`` and opgrad's ``nn.MLP`` keep the last layer linear.)

Write, with opgrad's ``nn.Layer(nin, nout, activation="tanh", rng=rng)``:
    MLP.__init__(nin, nouts, rng): self.layers, layer i reading sizes[i] inputs and making
    sizes[i + 1] outputs, where sizes = [nin] + nouts.
    MLP.__call__(x): x through every layer in order, input side first.
    MLP.parameters(): every layer's parameters, input side first, in one list.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from autograd import Value
from nn import Layer


class MLP:
    """Layers of tanh neurons of sizes nouts after nin inputs."""

    def __init__(self, nin: int, nouts: Sequence[int], rng: random.Random | None = None) -> None:
        """Make the layers."""
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation="tanh", rng=rng) for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """The network's output on x."""
        out: Value | Sequence[Value | float] = x
        for layer in self.layers:
            out = layer(out if isinstance(out, Sequence) else [out])
        assert isinstance(out, (Value, list))
        return out

    def parameters(self) -> list[Value]:
        """Every layer's parameters, input side first."""
        return [p for layer in self.layers for p in layer.parameters()]
