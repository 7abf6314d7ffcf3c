from __future__ import annotations

import functools
import itertools
import json
import re

import pytest

from autograd import GraphExecutor, Value, draw_dot, to_dot
from autograd.checks import four_digits
from drawings import needs_graphviz
from nn import MLP, Layer, Neuron
from nn.datasets import moons
from nn.train import build_graph

BOX = re.compile(r'^\s+(\w+) \[shape="box", .*label="(.*)"\];$', re.MULTILINE)
EDGE = re.compile(r"^  (\w+) -> (\w+);$", re.MULTILINE)


@functools.cache
def _demo() -> tuple[MLP, Value]:
    """The demo's graph: micrograd's MLP on 100 moons, max-margin loss and an L2 penalty."""
    X, y = moons(100)
    model = MLP(2, [16, 16, 1], seed=0)
    loss = build_graph(model, X, y, "max_margin", 1e-4).loss
    loss.backward()
    return model, loss


def _boxes(source: str) -> dict[str, list[str]]:
    """Each box's lines of text, by the first word of its title (``L0.N3:``, ``x0:``)."""
    boxes = {}
    for _, label in BOX.findall(source):
        lines = label.split(r"\l")[:-1]
        boxes[lines[0].split()[0].rstrip(":")] = lines
    return boxes


def test_summary_of_the_demo_graph_is_a_few_hundred_lines_naming_every_neuron() -> None:
    model, loss = _demo()
    assert len(GraphExecutor().topological_order(loss)) > 65_000
    source = to_dot(loss)  # "auto": the graph is far beyond max_nodes
    assert source == to_dot(loss, view="summary")
    assert len(source.splitlines()) <= 400
    boxes = _boxes(source)
    names = [n.name for layer in model.layers for n in layer.neurons]
    assert len(names) == 33
    assert set(names) <= set(boxes)
    assert boxes["L0.N0"][0] == "L0.N0: relu, applied 100 times"
    assert boxes["L2.N0"][0] == "L2.N0: linear, applied 100 times"
    assert boxes["x0"] == ["x0: 100 values"]
    assert boxes["y"] == ["y: 100 values"]
    rest = next(lines for lines in boxes.values() if lines[-1].startswith("reads"))
    assert rest[-1] == "reads 337 parameters directly"  # the L2 penalty
    # Clusters, one per layer.
    assert [m for m in re.findall(r'label="(L\d)"\]', source)] == ["L0", "L1", "L2"]


def test_summary_shows_every_parameters_data_and_grad() -> None:
    model, loss = _demo()
    boxes = _boxes(to_dot(loss, view="summary"))
    for layer in model.layers:
        for neuron in layer.neurons:
            lines = boxes[neuron.name][1:]
            parameters = [*(f"w{i}" for i in range(len(neuron.w))), "b"]
            assert lines == [
                f"{name} {four_digits(p.data)}   grad {four_digits(p.grad)}"
                for name, p in zip(parameters, neuron.parameters())
            ]


def test_summary_edges_follow_the_layers() -> None:
    model, loss = _demo()
    source = to_dot(loss, view="summary")
    ids = {
        label.split(r"\l")[0].split()[0].rstrip(":"): node for node, label in BOX.findall(source)
    }
    name = {node: label for label, node in ids.items()}
    edges = {(name.get(a, a), name.get(b, b)) for a, b in EDGE.findall(source)}
    layers = [[n.name for n in layer.neurons] for layer in model.layers]
    expected = {(x, n) for x in ("x0", "x1") for n in layers[0]}
    for before, after in itertools.pairwise(layers):
        expected |= {(a, b) for a in before for b in after}
    expected |= {("L2.N0", "output"), ("y", "output")}  # the rest: the loss
    assert edges == expected


@needs_graphviz
def test_summary_of_the_demo_graph_is_drawn_by_graphviz() -> None:
    _, loss = _demo()
    layout = json.loads(draw_dot(loss).pipe(format="json"))
    assert len(layout["objects"]) == 33 + 3 + 1 + 3  # neurons, inputs, the rest, clusters


def test_summary_is_picked_only_for_graphs_bigger_than_max_nodes() -> None:
    model = MLP(2, [3, 1], seed=0)
    out = model([1.0, -2.0])
    assert isinstance(out, Value)
    assert "shape=record" in to_dot(out)  # 35 nodes: drawn in full
    summary = to_dot(out, max_nodes=10)
    assert "shape=record" not in summary
    assert set(_boxes(summary)) == {"L0.N0", "L0.N1", "L0.N2", "L1.N0", "x0", "x1"}


def test_summary_of_a_lone_neuron_shows_its_output() -> None:
    neuron = Neuron(2, activation="tanh", seed=0)
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = -3.0, 1.0, 6.8813735870195432
    out = neuron([2.0, 0.0])
    out.backward()
    source = to_dot(out, view="summary")
    assert 'penwidth="2"' in source  # the root's box
    assert _boxes(source)["neuron"] == [
        "neuron: tanh",
        "w0 -3   grad 1",
        "w1 1   grad 0",
        "b 6.881   grad 0.5",
        "out 0.7071   grad 1",
    ]


def test_summary_of_a_layer_without_a_name_has_no_clusters() -> None:
    layer = Layer(2, 2, activation="sigmoid", seed=1)
    total = sum(layer.outputs([0.5, 1.5]), Value(0.0))
    source = to_dot(total, view="summary")
    assert "subgraph" not in source
    boxes = _boxes(source)
    assert boxes["N0"][0] == boxes["N1"][0].replace("N1", "N0") == "N0: sigmoid"


def test_summary_ignores_look_alike_labels_outside_neuron_sums() -> None:
    w0, b = Value(2.0, label="w0"), Value(1.0, label="b")
    y = w0 * w0 + b  # parameters' labels, but no b + w0 * x sum
    with pytest.raises(ValueError, match="no such neuron"):
        to_dot(y, view="summary")


def test_summary_orders_neurons_by_number_not_as_text() -> None:
    layer = Layer(1, 12, seed=0, name="L0")
    total = sum(layer.outputs([0.5]), Value(0.0))
    titles = [
        label.split(r"\l")[0].split(":")[0]
        for _, label in BOX.findall(to_dot(total, view="summary"))
    ]
    assert titles[:12] == [f"L0.N{j}" for j in range(12)]  # L0.N2 before L0.N10


def test_summary_gives_a_neuron_only_the_sum_it_starts() -> None:
    """A sum of one neuron plus another's product is neither's: it is drawn with the rest."""
    a = Neuron(1, nonlin=False, seed=0, name="A")
    b = Neuron(1, nonlin=False, seed=1, name="B")
    x = Value(2.0, label="x0")
    mixed = a([x]) + b.w[0] * x  # A's sum, then B's product: not B's sum (it has no B bias)
    mixed.backward()
    boxes = _boxes(to_dot(mixed, view="summary"))
    assert not [lines for lines in boxes.values() if lines[-1].startswith("out ")]
    assert boxes["output"][0] == f"output {four_digits(mixed.data)}   grad 1"
    assert boxes["B"][0] == "B: linear"
    assert boxes["A"][0] == "A: linear"
