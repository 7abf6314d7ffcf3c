"""Module, Neuron, Layer and MLP: the network built from autograd Values."""

from __future__ import annotations

import abc
import math
import os
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from autograd import Value
from autograd.checks import is_real, non_negative_int, positive_int
from autograd.markdown import Markdown
from nn._modelfile import read_model_file, write_model_file

if TYPE_CHECKING:  # typing has Unpack from Python 3.11; the annotations are never evaluated
    from typing_extensions import Unpack

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "Layer",
    "LectureMLP",
    "Module",
    "MultiLayerPerceptron",
    "Neuron",
    "NeuronKind",
]

ACTIVATIONS: tuple[str, ...] = ("relu", "tanh", "sigmoid")
"""The names accepted by ``activation=``."""

_ACTIVATE: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
}


class Module(abc.ABC):
    """A callable with parameters: the base of Neuron, Layer and MLP.

    A subclass implements ``__call__`` (inputs in, Values out) and ``parameters`` (every
    trainable Value, always in the same order); ``zero_grad`` comes with it.
    """

    @abc.abstractmethod
    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """Apply the module to one input vector."""

    @abc.abstractmethod
    def parameters(self) -> list[Value]:
        """Every trainable Value, in a stable order."""

    def zero_grad(self) -> None:
        """Set ``grad`` to 0.0 on every parameter (before each backward pass: it accumulates)."""
        for p in self.parameters():
            p.grad = 0.0

    def summary(self) -> Markdown:
        """The module in a few lines: its parameter count, then one line per layer.

        A ``str``; a Jupyter cell ending in it shows the layers as a Markdown table.

        Examples:
            >>> from nn import MLP
            >>> print(MLP(2, [16, 16, 1], seed=0).summary())
            MLP(2, [16, 16, 1], activation='relu'): 337 parameters
              L0: 2 inputs, 16 relu neurons, 48 parameters
              L1: 16 inputs, 16 relu neurons, 272 parameters
              L2: 16 inputs, 1 linear neuron, 17 parameters
        """
        total = len(self.parameters())
        head = f"{self!r}: {total} parameter{'' if total == 1 else 's'}"
        rows = self._summary_rows()
        lines = [head]
        for name, nin, nout, kind, count in rows:
            neurons = f"{nout} {kind} neuron{'' if nout == 1 else 's'}"
            lines.append(f"  {name}: {nin} inputs, {neurons}, {count} parameters")
        table = [f"`{head}`"]
        if rows:
            table += [
                "",
                "| layer | inputs | neurons | activation | parameters |",
                "| --- | -: | -: | --- | -: |",
                *(f"| {n} | {i} | {o} | {k} | {c} |" for n, i, o, k, c in rows),
            ]
        return Markdown("\n".join(lines), "\n".join(table))

    def _summary_rows(self) -> list[tuple[str, int, int, str, int]]:
        """One (name, inputs, neurons, activation, parameters) row per layer; none by default."""
        return []


class NeuronKind(TypedDict, total=False):
    """The keywords a :class:`Layer` passes on to each of its neurons."""

    nonlin: bool
    activation: str


def _check_activation(activation: object) -> str:
    if activation not in _ACTIVATE:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
    return str(activation)


def _check_output(output: object) -> str:
    if output != "linear" and output not in _ACTIVATE:
        raise ValueError(f"output must be one of linear, {', '.join(ACTIVATIONS)}; got {output!r}")
    return str(output)


def _resolve_rng(seed: int | None, rng: random.Random | None) -> random.Random | None:
    """The generator to draw initial weights from; None means the ``random`` module's own."""
    if seed is not None and rng is not None:
        raise ValueError("give seed= or rng=, not both")
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int, got {type(seed).__name__}: {seed!r}")
        return random.Random(seed)
    if rng is not None and not isinstance(rng, random.Random):
        raise TypeError(f"rng must be a random.Random, got {type(rng).__name__}: {rng!r}")
    return rng


def _inputs(x: object, nin: int, where: str) -> list[Value | float]:
    """Check one input vector of ``nin`` Values or numbers; say which module and entry is wrong."""
    # Any iterable will do (a list, a tuple, a numpy row, as micrograd's zip accepts).
    if isinstance(x, (str, bytes)) or not isinstance(x, Iterable):
        raise TypeError(
            f"{where} expects a sequence of {nin} inputs, got {type(x).__name__}: {x!r}"
        )
    xs = list(x)
    if len(xs) != nin:
        raise ValueError(f"{where} expects {nin} inputs, got {len(xs)}")
    for i, xi in enumerate(xs):
        if not isinstance(xi, Value) and not is_real(xi):
            raise TypeError(
                f"{where}: input {i} must be a Value or a number, got {type(xi).__name__}: {xi!r}"
            )
    return xs


def _prefix(name: str) -> str:
    return f"{name}." if name else ""


class Neuron(Module):
    """One neuron: ``activation(b + w0*x0 + w1*x1 + ...)``, or without the activation.

    As in micrograd, the weights start uniform in [-1, 1] and the bias at 0; the weighted sum is
    accumulated from the bias in input order, so the numbers match micrograd's bit for bit.

    Args:
        nin: How many inputs; 0 makes a neuron of a bias alone, as in micrograd and PyTorch.
        nonlin: Apply the activation; False makes a linear neuron.
        activation: "relu" (default, as micrograd), "tanh" or "sigmoid".
        seed: Draw the initial weights from ``random.Random(seed)``.
        rng: Draw the initial weights from this generator. With neither ``seed`` nor ``rng`` the
            ``random`` module's functions are used, so ``random.seed`` fixes them.
        name: Prefix of the parameters' labels: ``name.w0``, ..., ``name.b``.

    Attributes:
        w: The weights, labelled ``w0``, ``w1``, ... (after the prefix).
        b: The bias, labelled ``b``.

    Examples:
        >>> from nn import Neuron
        >>> n = Neuron(2, activation="tanh", seed=0)
        >>> [p.label for p in n.parameters()]
        ['w0', 'w1', 'b']
        >>> n([0.0, 0.0]).data
        0.0
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        *,
        activation: str = "relu",
        seed: int | None = None,
        rng: random.Random | None = None,
        name: str = "",
    ) -> None:
        self.nin = non_negative_int(nin, "Neuron nin")
        self.nonlin = bool(nonlin)
        self.activation = _check_activation(activation)
        self.name = name
        draw = _resolve_rng(seed, rng) or random
        prefix = _prefix(name)
        self.w = [Value(draw.uniform(-1, 1), label=f"{prefix}w{i}") for i in range(nin)]
        self.b = Value(0.0, label=f"{prefix}b")

    def __call__(self, x: Sequence[Value | float]) -> Value:
        """Return the neuron's output Value for one input vector of length ``nin``."""
        where = f"neuron {self.name}" if self.name else "neuron"
        return self._activate(_inputs(x, self.nin, where))

    def _activate(self, x: Sequence[Value | float]) -> Value:
        act = self.b
        for wi, xi in zip(self.w, x, strict=True):
            act = act + wi * xi
        return _ACTIVATE[self.activation](act) if self.nonlin else act

    def parameters(self) -> list[Value]:
        """The weights in input order, then the bias."""
        return [*self.w, self.b]

    def __repr__(self) -> str:
        kind = self.activation if self.nonlin else "linear"
        return f"Neuron({self.nin}, {kind})"

    def _summary_rows(self) -> list[tuple[str, int, int, str, int]]:
        kind = self.activation if self.nonlin else "linear"
        return [(self.name or "neuron", self.nin, 1, kind, self.nin + 1)]


class Layer(Module):
    """A layer of ``nout`` neurons reading the same ``nin`` inputs.

    Args:
        nin: How many inputs; 0 makes a layer of biases alone, as in micrograd and PyTorch.
        nout: How many neurons (outputs).
        nonlin: Apply the activation (micrograd's keyword, passed on to each Neuron).
        activation: "relu" (default), "tanh" or "sigmoid".
        seed: Draw the initial weights from ``random.Random(seed)``.
        rng: Draw the initial weights from this generator (neuron by neuron, weight by weight).
        name: Prefix of the labels: neuron ``j`` is ``name.Nj`` and its weights ``name.Nj.w0``...

    Attributes:
        neurons: The neurons, in output order.

    Examples:
        >>> from nn import Layer
        >>> layer = Layer(3, 2, seed=0, name="L0")
        >>> [p.label for p in layer.parameters()][:4]
        ['L0.N0.w0', 'L0.N0.w1', 'L0.N0.w2', 'L0.N0.b']
        >>> len(layer([1.0, 2.0, 3.0]))
        2
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
        name: str = "",
        **kind: Unpack[NeuronKind],
    ) -> None:
        self.nin = non_negative_int(nin, "Layer nin")
        self.nout = positive_int(nout, "Layer nout")
        self.name = name
        generator = _resolve_rng(seed, rng)
        prefix = _prefix(name)
        # As micrograd's Layer(nin, nout, **kwargs): the neuron's keywords go to every neuron.
        self.neurons = [
            Neuron(nin, rng=generator, name=f"{prefix}N{j}", **kind) for j in range(nout)
        ]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """Return the outputs for one input vector: a list, or the single Value if ``nout == 1``."""
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def outputs(self, x: Sequence[Value | float]) -> list[Value]:
        """Return the outputs for one input vector, always as a list (even of one Value)."""
        where = f"layer {self.name}" if self.name else "layer"
        xs = _inputs(x, self.nin, where)
        # Numbers become leaves once, shared by every neuron, rather than one constant per product.
        xs = [xi if isinstance(xi, Value) else Value(xi, label=f"x{i}") for i, xi in enumerate(xs)]
        return [n._activate(xs) for n in self.neurons]

    def parameters(self) -> list[Value]:
        """Every neuron's parameters, neuron by neuron."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        kind = self.neurons[0].activation if self.neurons[0].nonlin else "linear"
        return f"Layer({self.nin}, {self.nout}, {kind})"

    def _summary_rows(self) -> list[tuple[str, int, int, str, int]]:
        first = self.neurons[0]
        kind = first.activation if first.nonlin else "linear"
        return [(self.name or "layer", self.nin, self.nout, kind, self.nout * (self.nin + 1))]


def _with_weights(
    nin: int,
    nouts: list[int],
    activation: str,
    output: str,
    weights: list[list[tuple[list[float], float]]],
    metadata: Mapping[str, Any],
) -> MLP:
    """An MLP of these sizes holding these weights (per layer, per neuron: weights, bias)."""
    # Initial weights come from a private generator: loading must not consume the caller's
    # random.
    model = MLP(
        nin,
        nouts,
        activation=activation,
        output=output,
        rng=random.Random(0),
        metadata=metadata,
    )
    for layer, layer_weights in zip(model.layers, weights, strict=True):
        for neuron, (w, b) in zip(layer.neurons, layer_weights, strict=True):
            for wi, value in zip(neuron.w, w, strict=True):
                wi.data = value
            neuron.b.data = b
    return model


class MLP(Module):
    """A multi-layer perceptron: layers of sizes ``nouts`` after ``nin`` inputs; the last is linear.

    Compatible with micrograd's ``MLP(nin, nouts)``: with the same ``random.seed`` it starts from
    the same weights and computes the same numbers (ReLU hidden layers, a linear output: the
    network of micrograd's demo). Layer ``i`` is labelled ``Li``, so the parameters read
    ``L0.N3.w1``, ``L0.N3.b``, ... The network of the backprop lecture, tanh in every layer
    and the output too, is :class:`LectureMLP`.

    Args:
        nin: How many inputs, at least 1: unlike a Layer, an MLP is a model of data, which the
            trainer, the model files and ``opgrad predict`` read as features (with none, it
            could only learn a constant).
        nouts: The size of each layer, the last one being the output layer.
        activation: The hidden layers' activation: "relu" (default), "tanh" or "sigmoid".
        output: The output layer's: "linear" (default: any number can come out), "relu",
            "tanh" or "sigmoid".
        seed: Draw the initial weights from ``random.Random(seed)``.
        rng: Draw the initial weights from this generator.
        metadata: JSON-compatible data saved with the model (a standardiser's dict, class
            names, ...); kept as ``metadata``.

    Attributes:
        layers: The layers, input side first.
        metadata: The dict given above (empty by default).

    Examples:
        >>> from nn import MLP
        >>> model = MLP(2, [16, 16, 1], seed=0)
        >>> len(model.parameters())
        337
        >>> model.parameters()[0].label
        'L0.N0.w0'
        >>> type(model([0.5, -1.0])).__name__
        'Value'
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        *,
        activation: str = "relu",
        output: str = "linear",
        seed: int | None = None,
        rng: random.Random | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.nin = positive_int(nin, "MLP nin")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"MLP nouts must be a non-empty list of layer sizes, got {nouts!r}")
        self.nouts = [positive_int(n, f"MLP layer size nouts[{i}]") for i, n in enumerate(nouts)]
        self.activation = _check_activation(activation)
        self.output = _check_output(output)
        self.metadata: dict[str, Any] = dict(metadata or {})
        generator = _resolve_rng(seed, rng)
        sizes = [nin, *self.nouts]
        kinds: list[NeuronKind] = [{"activation": activation}] * (len(self.nouts) - 1)
        kinds.append(
            {"activation": activation, "nonlin": False}
            if output == "linear"
            else {"activation": output, "nonlin": True}
        )
        self.layers = [
            Layer(sizes[i], sizes[i + 1], rng=generator, name=f"L{i}", **kind)
            for i, kind in enumerate(kinds)
        ]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """Return the outputs for one input vector: a list, or the single Value for one output."""
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def outputs(self, x: Sequence[Value | float]) -> list[Value]:
        """Return the outputs for one input vector, always as a list.

        Layers pass lists to each other, so a hidden layer of one neuron works.
        """
        out = self.layers[0].outputs(x)
        for layer in self.layers[1:]:
            out = layer.outputs(out)
        return out

    def parameters(self) -> list[Value]:
        """Every layer's parameters, input side first."""
        return [p for layer in self.layers for p in layer.parameters()]

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model to ``path`` as JSON, atomically (see :func:`nn.save_model`)."""
        for p in self.parameters():
            if not math.isfinite(p.data):
                raise ValueError(
                    f"cannot save to {os.fspath(path)}: parameter {p.label} is {p.data!r}"
                )
        write_model_file(
            path,
            nin=self.nin,
            nouts=self.nouts,
            activation=self.activation,
            output=self.output,
            weights=self._weights(),
            metadata=self.metadata,
        )

    def _weights(self) -> list[list[tuple[list[float], float]]]:
        """Per layer, per neuron: (weights, bias), the numbers a file or torch model holds."""
        return [[([w.data for w in n.w], n.b.data) for n in layer.neurons] for layer in self.layers]

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MLP:
        """Read a model written by :meth:`save` (see :func:`nn.load_model`).

        The result is a plain :class:`MLP` even when called on a subclass: the file holds an
        MLP's fields alone, not what a subclass's constructor may need.
        """
        nin, nouts, activation, output, weights, metadata = read_model_file(path, ACTIVATIONS)
        return _with_weights(nin, nouts, activation, output, weights, metadata)

    def to_torch(self) -> Any:
        """The same network in PyTorch: a ``torch.nn.Sequential`` of float64 layers.

        ``torch.nn.Linear`` layers whose weight rows are the neurons' weights and whose biases
        are theirs, with ``ReLU``, ``Tanh`` or ``Sigmoid`` between them (and after the last,
        for an output that is not linear): the same function,
        the same weights (copied, not shared). Needs PyTorch (``pip install
        'opgrad[torch]'``); see "Graduating to PyTorch" in the docs.
        """
        from nn.torch_bridge import sequential

        return sequential(self.nin, self.nouts, self.activation, self._weights(), self.output)

    @classmethod
    def from_torch(
        cls,
        model: Any,
        *,
        activation: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> MLP:
        """Read back a ``torch.nn.Sequential`` of the form :meth:`to_torch` makes.

        ``Linear`` layers with biases, one kind of activation between them (``ReLU``, ``Tanh``
        or ``Sigmoid``), and after the last one the output's activation if it has one; weights
        of any float dtype. The result is a plain :class:`MLP`.

        Args:
            model: The PyTorch model.
            activation: For a model of one ``Linear`` layer, which has no activation to read:
                the MLP's (default "relu"); otherwise, if given, it must be the model's.
            metadata: Kept as the MLP's ``metadata``.

        Raises:
            TypeError: The model is not of that form; the error names the layer.
            ValueError: Its sizes do not chain, or a weight is not finite.
        """
        from nn.torch_bridge import read_sequential

        if activation is not None:
            _check_activation(activation)
        nin, nouts, found, output, weights = read_sequential(model, activation)
        return _with_weights(nin, nouts, found, output, weights, dict(metadata or {}))

    def __repr__(self) -> str:
        # The hidden layers' activation only when there are hidden layers to apply it.
        hidden = f", activation={self.activation!r}" if len(self.nouts) > 1 else ""
        output = f", output={self.output!r}" if self.output != "linear" else ""
        return f"MLP({self.nin}, {self.nouts}{hidden}{output})"

    def _summary_rows(self) -> list[tuple[str, int, int, str, int]]:
        return [row for layer in self.layers for row in layer._summary_rows()]


MultiLayerPerceptron = MLP
"""The long name of :class:`MLP` (the same class)."""


class LectureMLP(MLP):
    """The backprop lecture's network: an :class:`MLP` with tanh in every layer, output included.

    ``LectureMLP(nin, nouts)`` is ``MLP(nin, nouts, activation="tanh", output="tanh")``: its
    outputs lie in (-1, 1), as the lecture's targets do. With the lecture's loop (sum of
    squared errors, ``p.data -= 0.05 * p.grad``) it learns the four samples of
    :func:`nn.datasets.tiny`; micrograd's :class:`MLP` with ReLU hidden layers can stall there
    with every ReLU dead. Saved, loaded or read back from PyTorch, it is an ``MLP`` with those
    two activations.

    Examples:
        >>> from nn import LectureMLP
        >>> n = LectureMLP(3, [4, 4, 1], seed=0)
        >>> n
        LectureMLP(3, [4, 4, 1])
        >>> [layer.neurons[0].activation for layer in n.layers]
        ['tanh', 'tanh', 'tanh']
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(
            nin, nouts, activation="tanh", output="tanh", seed=seed, rng=rng, metadata=metadata
        )

    def __repr__(self) -> str:
        return f"LectureMLP({self.nin}, {self.nouts})"
