"""The playground's pictures: Graphviz layouts of DOT source, and a network as numbers to draw.

A graph is laid out by Graphviz (``dot``), as ``opgrad graph`` draws it. A network is not: the
page draws it as a teacher draws one on the board, a column of small nodes per layer joined by
edges, from the numbers :func:`network_picture` gives (the weights, their gradients and every
neuron's output at one point), so that 2-16-16-1 fits on the screen at a glance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from autograd import GraphvizNotFoundError, Value
from nn.module import MLP

__all__ = ["network_picture", "svg"]

_INSTALL = (
    "the playground draws graphs with Graphviz: pip install 'opgrad[viz]' and install its dot "
    "program (apt-get install graphviz, brew install graphviz)"
)


def svg(dot_source: str) -> str:
    """Lay out DOT source with Graphviz's ``dot``; the ``<svg>`` element, to put in a page.

    Raises:
        GraphvizNotFoundError: The ``graphviz`` package or the ``dot`` program is missing.
    """
    try:
        import graphviz
    except ImportError as error:
        raise GraphvizNotFoundError(_INSTALL) from error
    try:
        image = graphviz.Source(dot_source).pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFoundError(_INSTALL) from error
    assert isinstance(image, str)  # pipe() decodes when given an encoding
    # The XML prolog and doctype mean nothing inside an HTML page.
    return image[image.index("<svg") :]


def _number(x: float) -> float | str:
    return x if math.isfinite(x) else str(x)


def network_picture(
    model: MLP, point: Sequence[float], names: Sequence[str], index: int
) -> dict[str, Any]:
    """What the page's drawing of ``model`` shows, as JSON-ready data.

    Neuron ``j`` of layer ``i`` computes ``a = act(b + sum_k w_k * x_k)`` from the previous
    column's outputs ``x``; its entry holds ``w``, ``b``, their gradients (``.grad`` now: those
    of the last training step, 0 before it) and ``a`` at ``point``. Inputs and neurons are
    listed in order (``x1`` above ``x2``, ``N0`` above ``N1``).

    Args:
        model: The network.
        point: One input vector, in the model's units (the standardised features if it
            trains on them).
        names: The inputs' names, one per feature.
        index: Which data point ``point`` is, to say so on the page.

    Returns:
        ``{"point": index, "inputs": [{"name", "value"}], "layers": [{"name", "activation",
        "neurons": [{"name", "weights", "weight_grads", "bias", "bias_grad", "output"}]}]}``.
    """
    inputs = [{"name": name, "value": _number(x)} for name, x in zip(names, point, strict=True)]
    layers = []
    values: list[Value | float] = list(point)
    for layer in model.layers:
        outputs = layer.outputs(values)
        first = layer.neurons[0]
        layers.append(
            {
                "name": layer.name,
                "activation": first.activation if first.nonlin else "linear",
                "neurons": [
                    {
                        "name": neuron.name,
                        "weights": [_number(w.data) for w in neuron.w],
                        "weight_grads": [_number(w.grad) for w in neuron.w],
                        "bias": _number(neuron.b.data),
                        "bias_grad": _number(neuron.b.grad),
                        "output": _number(out.data),
                    }
                    for neuron, out in zip(layer.neurons, outputs, strict=True)
                ],
            }
        )
        values = [out.data for out in outputs]
    return {"point": index, "inputs": inputs, "layers": layers}
