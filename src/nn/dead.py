"""Dead ReLUs: the layers of a network whose every ReLU outputs 0 on every sample of a data set.

A ReLU neuron whose sum ``b + w0*x0 + ...`` is at most 0 on every sample outputs 0 with a slope
of 0 there, so no gradient reaches its weights and training cannot bring it back. When every
ReLU of a layer is dead, nothing passes that layer: the network's output is a constant and the
loss stops falling (micrograd's ``MLP(3, [4, 4, 1])`` on the lecture's four samples at lr 0.1
ends there for 20 seeds of 20). :meth:`nn.Trainer.fit` warns with :func:`dead_relu_layers`.
"""

from __future__ import annotations

from collections.abc import Sequence

from nn.module import Layer, Module

__all__ = ["dead_relu_layers"]


def dead_relu_layers(model: Module, X: Sequence[Sequence[float]]) -> list[str]:
    """The names of the ReLU layers of ``model`` whose every neuron is dead on all of ``X``.

    A neuron is dead on ``X`` when its sum is <= 0 for every sample (relu'(0) is 0 here, as in
    :class:`~autograd.ReLU`). Only layered models (an :class:`~nn.MLP`, anything with a
    ``layers`` list of :class:`~nn.Layer`) are read; any other module has none to report.

    Args:
        model: The network.
        X: The inputs it is trained on, one sequence of numbers per sample.

    Returns:
        The dead layers' names (``L0``, ...), input side first; empty when none is.

    Examples:
        >>> from nn import MLP
        >>> from nn.dead import dead_relu_layers
        >>> model = MLP(2, [3, 1], seed=0)
        >>> dead_relu_layers(model, [[1.0, 0.0], [0.0, 1.0]])
        []
        >>> for neuron in model.layers[0].neurons:
        ...     neuron.b.data = -10.0
        >>> dead_relu_layers(model, [[1.0, 0.0], [0.0, 1.0]])
        ['L0']
    """
    layers = getattr(model, "layers", None)
    if not isinstance(layers, list) or not all(isinstance(layer, Layer) for layer in layers):
        return []
    relu = [n.nonlin and n.activation == "relu" for n in (layer.neurons[0] for layer in layers)]
    alive = [False] * len(layers)
    for x in X:
        h: list[float] = [float(v) for v in x]
        for i, layer in enumerate(layers):
            outputs = [o.data for o in layer.outputs(h)]
            alive[i] = alive[i] or any(o > 0.0 for o in outputs)  # relu > 0 iff its sum is
            h = outputs
    return [
        layer.name or f"layer {i}" for i, layer in enumerate(layers) if relu[i] and not alive[i]
    ]
