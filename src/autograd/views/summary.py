"""Summarised drawings of graphs built by ``nn`` modules: one box per neuron, edges between them.

A network's graph repeats each neuron once per example, so a small model on a hundred points is
tens of thousands of Values: drawn in full it is unreadable. The summary finds the neurons by
the labels ``nn`` gives parameters (``L0.N3.w1``, ``L0.N3.b``; a lone neuron's ``w0``, ``b``)
and by the sum they start, ``b + w0*x0 + w1*x1 + ...`` (then an activation), which is how
:class:`nn.Neuron` computes. Each neuron is drawn once, with its weights, bias, activation and
their gradients; neurons are grouped by layer; the labelled leaves that are not parameters
(the inputs ``x0``, ``x1``, the targets ``y``) get a box per label, and everything else (the
loss) one box.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from autograd.checks import four_digits
from autograd.ops import Add, Mul, ReLU, Sigmoid, Tanh
from autograd.value import Value
from autograd.views.dot import _attributes, _escape_text, _header

__all__: list[str] = []

_PARAMETER = re.compile(r"^(?:(?P<neuron>.+)\.)?(?:w(?P<index>\d+)|b)$")
_ACTIVATIONS = (Tanh, ReLU, Sigmoid)
_REST = "rest"

_NEURON_STYLE = _attributes(shape="box", style="filled,rounded", fillcolor="#e7f0fd")
_INPUT_STYLE = _attributes(shape="box", style="filled", fillcolor="#eeeeee")
_REST_STYLE = _attributes(shape="box", style="filled", fillcolor="#fff3bf")
_LAYER_STYLE = _attributes(style="rounded", color="#999999")
_OPS_SHOWN = 8


@attrs.define
class _Neuron:
    """A neuron found in a graph: its parameters, activation and how often it is applied."""

    name: str
    weights: dict[int, Value] = attrs.Factory(dict)
    bias: Value | None = None
    activation: str = "linear"
    outputs: set[Value] = attrs.Factory(set)

    @property
    def layer(self) -> str:
        """The neuron's name without its last part: ``L0`` for ``L0.N3``, ``""`` for ``N3``."""
        return self.name.rpartition(".")[0]

    def text(self, is_root: bool) -> str:
        applied = len(self.outputs)
        times = f", applied {applied} times" if applied > 1 else ""
        lines = [f"{self.name or 'neuron'}: {self.activation}{times}"]
        parameters = [(f"w{i}", w) for i, w in sorted(self.weights.items())]
        if self.bias is not None:
            parameters.append(("b", self.bias))
        lines += [
            f"{name} {four_digits(p.data)}   grad {four_digits(p.grad)}" for name, p in parameters
        ]
        if is_root:
            (out,) = self.outputs
            lines.append(f"out {four_digits(out.data)}   grad {four_digits(out.grad)}")
        return "\n".join(lines)


@attrs.frozen
class _Summary:
    """What the summary draws: neurons, input boxes, the rest, and the edges between them."""

    neurons: dict[str, _Neuron]
    inputs: dict[str, list[Value]]
    rest: list[Value]
    edges: dict[tuple[str, str], None]
    direct_parameters: int


def _natural(name: str) -> tuple[tuple[int, str], ...]:
    """Sort key reading the numbers in a name as numbers: ``L0.N2`` before ``L0.N10``."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"(\d+)", name))


def _find_neurons(order: Sequence[Value]) -> tuple[dict[str, _Neuron], dict[Value, str]]:
    """Find the neurons: their parameters by label, then the nodes of their sums.

    A node belongs to neuron K when it is ``w * x`` for a weight ``w`` of K, ``s + w * x``
    where ``s`` is K's bias or a sum of K and ``w * x`` a product of K, or an activation
    (tanh, relu, sigmoid) of a sum of K. Returns the neurons by name and the owner of every
    node that belongs to one (parameters included).
    """
    neurons: dict[str, _Neuron] = {}
    owner: dict[Value, str] = {}
    weights: set[Value] = set()
    parameters: set[Value] = set()  # a penalty's w * w is not a neuron's w * x
    for node in order:
        match = _PARAMETER.match(node.label) if node.op is None and node.label else None
        if match is None:
            continue
        name = match["neuron"] or ""
        neuron = neurons.setdefault(name, _Neuron(name))
        if match["index"] is None:
            neuron.bias = node
        else:
            neuron.weights[int(match["index"])] = node
            weights.add(node)
        owner[node] = name
        parameters.add(node)
    products: set[Value] = set()
    sums: set[Value] = set()
    for node in order:
        op = node.op
        if op is None:
            continue
        parents = node.parents
        if type(op) is Mul and parents[0] in weights and parents[1] not in parameters:
            owner[node] = owner[parents[0]]
            products.add(node)
        elif type(op) is Add and parents[1] in products:
            name = owner[parents[1]]
            first = parents[0]
            if (first in sums and owner[first] == name) or first is neurons[name].bias:
                owner[node] = name
                sums.add(node)
        elif isinstance(op, _ACTIVATIONS) and parents[0] in sums:
            owner[node] = owner[parents[0]]
            neurons[owner[node]].activation = str(op)
    return neurons, owner


def _summarise(order: Sequence[Value]) -> _Summary | None:
    """The summary of a graph in topological order, or None when no neuron is applied in it."""
    neurons, owner = _find_neurons(order)
    inputs: dict[str, list[Value]] = {}
    rest: list[Value] = []
    box: dict[Value, str] = {}
    for node in order:
        name = owner.get(node)
        if name is not None:
            box[node] = f"n:{name}"
        elif node.op is not None:
            box[node] = _REST
            rest.append(node)
        elif node.label:
            box[node] = f"i:{node.label}"
            inputs.setdefault(node.label, []).append(node)
    edges: dict[tuple[str, str], None] = {}
    read_directly: set[Value] = set()
    for node in order:
        if node.op is None:
            continue
        target = box[node]
        for parent in node.parents:
            source = box.get(parent)
            if source is None or source == target:
                continue
            if parent.op is None and parent in owner:
                read_directly.add(parent)  # a parameter used outside its neuron (a penalty)
                continue
            edges[source, target] = None
            if parent in owner:
                neurons[owner[parent]].outputs.add(parent)
    root = order[-1]
    if root in owner:
        neurons[owner[root]].outputs.add(root)
    applied = {name: n for name, n in neurons.items() if n.outputs}
    if not applied:
        return None
    return _Summary(applied, inputs, rest, edges, len(read_directly))


def _rest_text(rest: list[Value], root: Value, direct_parameters: int) -> str:
    symbols = sorted({str(node.op) for node in rest})
    shown = ", ".join(symbols[:_OPS_SHOWN]) + (", ..." if len(symbols) > _OPS_SHOWN else "")
    lines = [f"{len(rest)} more nodes ({shown})"]
    if rest and rest[-1] is root:
        name = root.label or "output"
        lines.insert(0, f"{name} {four_digits(root.data)}   grad {four_digits(root.grad)}")
    if direct_parameters:
        lines.append(f"reads {direct_parameters} parameters directly")
    return "\n".join(lines)


def _input_text(label: str, leaves: list[Value]) -> str:
    if len(leaves) == 1:
        (leaf,) = leaves
        return f"{label} {four_digits(leaf.data)}   grad {four_digits(leaf.grad)}"
    return f"{label}: {len(leaves)} values"


def _label(text: str) -> str:
    # \l ends a line left-justified; the last line needs one too, or it is centred.
    return _escape_text(text, newline=r"\l") + r"\l"


def _summary_dot(order: Sequence[Value], rankdir: str) -> str | None:
    """DOT source of the summarised drawing of a graph, or None if it has no ``nn`` neurons.

    Args:
        order: The graph in topological order, root last.
        rankdir: Graphviz's rank direction.
    """
    summary = _summarise(order)
    if summary is None:
        return None
    root = order[-1]
    lines = _header(rankdir, ranksep="0.6")
    ids: dict[str, str] = {}
    layers: dict[str, list[_Neuron]] = {}
    for name in sorted(summary.neurons, key=_natural):
        neuron = summary.neurons[name]
        layers.setdefault(neuron.layer, []).append(neuron)
    for number, (layer, members) in enumerate(layers.items()):  # in order: the names were
        indent = "  "
        if layer:
            lines.append(f"  subgraph cluster_{number} {{")
            lines.append(f'    graph [{_LAYER_STYLE}, label="{_escape_text(layer)}"];')
            indent = "    "
        for neuron in members:
            node_id = ids[f"n:{neuron.name}"] = f"n{len(ids)}"
            is_root = root in neuron.outputs
            style = _NEURON_STYLE + (', penwidth="2"' if is_root else "")
            lines.append(f'{indent}{node_id} [{style}, label="{_label(neuron.text(is_root))}"];')
        if layer:
            lines.append("  }")
    for label, leaves in summary.inputs.items():
        node_id = ids[f"i:{label}"] = f"i{len(ids)}"
        lines.append(f'  {node_id} [{_INPUT_STYLE}, label="{_label(_input_text(label, leaves))}"];')
    if summary.rest:
        ids[_REST] = _REST
        text = _rest_text(summary.rest, root, summary.direct_parameters)
        lines.append(f'  {_REST} [{_REST_STYLE}, label="{_label(text)}"];')
    lines += [
        f"  {ids[source]} -> {ids[target]};"
        for source, target in summary.edges
        if source in ids and target in ids
    ]
    lines.append("}")
    return "\n".join(lines) + "\n"
