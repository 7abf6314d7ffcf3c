"""The bridge to PyTorch: an MLP's layers as a ``torch.nn.Sequential`` of float64 layers, and back.

:meth:`nn.MLP.to_torch` and :meth:`nn.MLP.from_torch` call these. torch is imported when they
run, never when :mod:`nn` is imported: it is an optional extra (``pip install 'opgrad[torch]'``,
which pins the CPU build ``torch==2.13.0``; a plain ``pip install torch`` may pull a
multi-gigabyte CUDA build). The functions take and return plain numbers (sizes, activation
name, weights), so this module knows nothing of :class:`~nn.MLP` itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

__all__ = ["read_sequential", "sequential"]

Weights = list[list[tuple[list[float], float]]]
"""Per layer, per neuron: (weights, bias), as :meth:`nn.MLP.save` writes them."""

_MODULES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}


def _torch() -> Any:
    try:
        import torch
    except ModuleNotFoundError as error:
        if error.name != "torch":
            raise
        raise ModuleNotFoundError(
            "the bridge to PyTorch needs torch: pip install 'opgrad[torch]' "
            "(or pip install torch==2.13.0, the CPU build)",
            name="torch",
        ) from None
    return torch


def sequential(
    nin: int, nouts: Sequence[int], activation: str, weights: Weights, output: str = "linear"
) -> Any:
    """A ``torch.nn.Sequential``: ``Linear`` layers of float64 with the activation between them.

    Layer i is ``torch.nn.Linear(sizes[i], sizes[i + 1], dtype=torch.float64)`` whose weight
    row j is neuron j's weights and whose bias is the neurons' biases, followed, except for the
    last, by ``torch.nn.ReLU()``, ``Tanh()`` or ``Sigmoid()``: the same function as the MLP.
    The last is followed by the ``output`` activation's module unless it is "linear".
    """
    torch = _torch()
    sizes = [nin, *nouts]
    layers: list[Any] = []
    for i, layer in enumerate(weights):
        linear = torch.nn.Linear(sizes[i], sizes[i + 1], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([w for w, _ in layer], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([b for _, b in layer], dtype=torch.float64))
        layers.append(linear)
        kind = activation if i != len(weights) - 1 else output
        if kind != "linear":
            layers.append(getattr(torch.nn, _MODULES[kind])())
    return torch.nn.Sequential(*layers)


def read_sequential(
    model: Any, activation: str | None = None
) -> tuple[int, list[int], str, str, Weights]:
    """The sizes, activations and weights of a ``Sequential`` that :func:`sequential` could make.

    Returns ``nin, nouts, activation, output, weights``. The model must alternate
    ``torch.nn.Linear`` layers (with a bias) and one kind of activation (``ReLU``, ``Tanh`` or
    ``Sigmoid``: those classes themselves, not subclasses or classes of the same name),
    starting with a ``Linear``, each layer's inputs the previous one's outputs. It ends with a
    ``Linear`` (a linear output) or with the output's activation, of any of the three kinds.
    Weights of any float dtype are read as Python floats (float32 ones exactly); complex ones
    are refused, and so are a weight or bias whose shape is not the layer's
    ``(out_features, in_features)`` and ``(out_features,)``.

    Args:
        model: The ``torch.nn.Sequential``.
        activation: The activation to record for a model of a single ``Linear`` (which has
            none to read); by default "relu". For a deeper model it must match the model's.

    Raises:
        TypeError: ``model`` is not a Sequential of that form, or a weight is not of a float
            dtype; the error names the layer.
        ValueError: Sizes do not chain, a weight or bias has the wrong shape, a weight is not
            finite, or ``activation`` disagrees with the model's.
    """
    torch = _torch()
    if not isinstance(model, torch.nn.Sequential):
        raise TypeError(
            f"MLP.from_torch: expected a torch.nn.Sequential, got {type(model).__name__}"
        )
    parts = list(model)
    # The real classes, not their names: a module of its own merely called Tanh computes
    # whatever its forward says.
    kinds = {getattr(torch.nn, name): key for key, name in _MODULES.items()}
    for i, part in enumerate(parts):
        if i % 2 == 0 and not (isinstance(part, torch.nn.Linear) and part.bias is not None):
            raise TypeError(
                f"MLP.from_torch: layer {i} must be a torch.nn.Linear with a bias, got {part!r}"
            )
        if i % 2 == 1 and type(part) not in kinds:
            raise TypeError(
                f"MLP.from_torch: layer {i} must be one of "
                f"{', '.join(f'torch.nn.{n}()' for n in _MODULES.values())}, "
                f"got {part!r} (class {type(part).__module__}.{type(part).__qualname__})"
            )
    if not parts:
        raise TypeError("MLP.from_torch: the Sequential is empty; it must start with a Linear")
    output = "linear" if len(parts) % 2 else kinds[type(parts[-1])]
    hidden = parts[1::2] if len(parts) % 2 else parts[1:-1:2]
    found = {kinds[type(part)] for part in hidden}
    if len(found) > 1:
        raise TypeError(
            "MLP.from_torch: the hidden layers must share one activation, got "
            f"{sorted(_MODULES[key] for key in found)}"
        )
    read = found.pop() if found else None
    if read is not None and activation is not None and activation != read:
        raise ValueError(f"MLP.from_torch: activation={activation!r}, but the model's is {read!r}")
    linears = parts[0::2]
    nin = int(linears[0].in_features)
    nouts: list[int] = []
    weights: Weights = []
    for i, linear in enumerate(linears):
        expected = nin if i == 0 else nouts[-1]
        if linear.in_features != expected:
            raise ValueError(
                f"MLP.from_torch: layer {2 * i} takes {linear.in_features} inputs, but the "
                f"layer before gives {expected}"
            )
        rows, biases = _numbers(torch, linear, 2 * i)
        for row, b in zip(rows, biases, strict=True):
            if not all(math.isfinite(x) for x in [*row, b]):
                raise ValueError(f"MLP.from_torch: layer {2 * i} has a weight that is not finite")
        nouts.append(int(linear.out_features))
        weights.append([(row, b) for row, b in zip(rows, biases, strict=True)])
    return nin, nouts, read or activation or "relu", output, weights


def _numbers(torch: Any, linear: Any, index: int) -> tuple[list[list[float]], list[float]]:
    """A Linear's weight rows and biases as floats, once their dtype and shapes are checked.

    Its ``weight`` and ``bias`` are attributes anyone may replace, so their shapes are checked
    against ``in_features`` and ``out_features`` rather than trusted.
    """
    weight, bias = linear.weight, linear.bias
    for what, tensor in (("weight", weight), ("bias", bias)):
        if not tensor.dtype.is_floating_point:
            raise TypeError(
                f"MLP.from_torch: layer {index} has a {what} of {tensor.dtype}; "
                "an MLP holds real numbers (a float dtype)"
            )
    shape = (int(linear.out_features), int(linear.in_features))
    if tuple(weight.shape) != shape:
        raise ValueError(
            f"MLP.from_torch: layer {index}'s weight has shape {tuple(weight.shape)}, but it is "
            f"Linear({shape[1]}, {shape[0]}): expected {shape}"
        )
    if tuple(bias.shape) != shape[:1]:
        raise ValueError(
            f"MLP.from_torch: layer {index}'s bias has shape {tuple(bias.shape)}, but the layer "
            f"has {shape[0]} outputs: expected ({shape[0]},)"
        )
    rows = weight.detach().to(torch.float64).tolist()
    biases = bias.detach().to(torch.float64).tolist()
    return rows, biases
