# opgrad exercise: layer
"""Layer.

A layer is ``nout`` neurons that all read the same ``nin`` inputs. opgrad's ``nn.Neuron`` is the
lecture's neuron (with ``activation="tanh"``); make the layer's neurons from it, each drawing its
weights from ``rng``.

Write:
    Layer.__init__(nin, nout, rng): self.neurons, a list of nout ``Neuron(nin,
    activation="tanh", rng=rng)``.
    Layer.__call__(x): the list of every neuron's output on x, in order; as the lecture does,
    the output itself (not a list of one) when the layer has one neuron.
    Layer.parameters(): every neuron's parameters, neuron by neuron, in one list.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from autograd import Value
from nn import Neuron


class Layer:
    """nout tanh neurons reading the same nin inputs."""

    def __init__(self, nin: int, nout: int, rng: random.Random | None = None) -> None:
        """Make the layer's neurons."""
        self.neurons = [Neuron(nin, activation="tanh", rng=rng) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """Each neuron's output on x; the output itself for a layer of one neuron."""
        outs = [neuron(x) for neuron in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self) -> list[Value]:
        """The parameters of the first neuron, then the second's, ..."""
        return [p for neuron in self.neurons for p in neuron.parameters()]
