from __future__ import annotations

import math
import random
from pathlib import Path

import micrograd.nn
import pytest
from micrograd.engine import Value as MicroValue

from autograd import Value
from nn import MLP, Layer, LectureMLP, Module, MultiLayerPerceptron, Neuron
from nn.datasets import tiny


def test_mlp_parameter_counts() -> None:
    assert len(MLP(2, [16, 16, 1]).parameters()) == 337
    assert len(MLP(3, [4, 4, 1]).parameters()) == 41
    assert len(Layer(3, 4).parameters()) == 16
    assert len(Neuron(5).parameters()) == 6


def test_multilayerperceptron_is_mlp() -> None:
    assert MultiLayerPerceptron is MLP
    assert issubclass(MLP, Module)


def test_mlp_labels_name_layer_neuron_and_weight() -> None:
    labels = [p.label for p in MLP(2, [2, 1], seed=0).parameters()]
    assert labels == [
        "L0.N0.w0",
        "L0.N0.w1",
        "L0.N0.b",
        "L0.N1.w0",
        "L0.N1.w1",
        "L0.N1.b",
        "L1.N0.w0",
        "L1.N0.w1",
        "L1.N0.b",
    ]


def test_standalone_labels() -> None:
    assert [p.label for p in Neuron(2, seed=0).parameters()] == ["w0", "w1", "b"]
    assert [p.label for p in Layer(1, 2, seed=0).parameters()] == ["N0.w0", "N0.b", "N1.w0", "N1.b"]


def test_parameters_order_is_stable() -> None:
    model = MLP(3, [4, 2], seed=0)
    first = model.parameters()
    assert all(a is b for a, b in zip(first, model.parameters(), strict=True))
    expected = [p for layer in model.layers for n in layer.neurons for p in (*n.w, n.b)]
    assert all(a is b for a, b in zip(first, expected, strict=True))


def test_bias_starts_at_zero_weights_in_unit_interval() -> None:
    model = MLP(4, [8, 3], seed=0)
    for layer in model.layers:
        for n in layer.neurons:
            assert n.b.data == 0.0
            assert all(-1.0 <= w.data <= 1.0 for w in n.w)


def test_mlp_one_output_returns_a_value_several_return_a_list() -> None:
    assert isinstance(MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    out = MLP(2, [3, 2], seed=0)([1.0, 2.0])
    assert isinstance(out, list)
    assert len(out) == 2
    assert all(isinstance(v, Value) for v in out)


def test_layer_one_output_returns_a_value() -> None:
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), Value)
    assert isinstance(Layer(2, 1, seed=0).outputs([1.0, 2.0]), list)


def test_mlp_hidden_layer_of_one_neuron_works() -> None:
    # micrograd's Layer returns a bare Value for one neuron, which its next layer cannot zip.
    model = MLP(2, [16, 1, 1], activation="tanh", seed=0)
    out = model([0.5, -0.25])
    assert isinstance(out, Value)
    out.backward()
    assert any(p.grad != 0.0 for p in model.layers[0].parameters())
    assert model.layers[2].neurons[0].w[0].grad != 0.0


def test_accepts_values_and_numbers_mixed() -> None:
    model = MLP(2, [3, 1], seed=0)
    a = model([Value(1.0), 2])
    b = model([1.0, 2.0])
    assert isinstance(a, Value)
    assert isinstance(b, Value)
    assert a.data == b.data


def test_accepts_any_iterable_row() -> None:
    model = MLP(2, [3, 1], seed=0)
    expected = model.outputs([1.0, 2.0])[0].data
    assert model.outputs((1.0, 2.0))[0].data == expected
    assert model.outputs(iter([1, 2]))[0].data == expected  # type: ignore[arg-type]


def test_wrong_input_length_names_the_layer_and_size() -> None:
    with pytest.raises(ValueError, match=r"layer L0 expects 2 inputs, got 3"):
        MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"layer L1 expects 3 inputs, got 2"):
        MLP(2, [3, 1], seed=0).layers[1]([1.0, 2.0])
    with pytest.raises(ValueError, match=r"neuron expects 2 inputs, got 1"):
        Neuron(2, seed=0)([1.0])


@pytest.mark.parametrize("bad", ["ab", b"ab", 3.0, [1.0, "x"], [1.0, True], [1.0, None]])
def test_wrong_input_type_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="layer L0"):
        MLP(2, [3, 1], seed=0)(bad)  # type: ignore[arg-type]


def test_global_random_seed_fixes_initialisation() -> None:
    random.seed(42)
    a = [p.data for p in MLP(2, [4, 1]).parameters()]
    random.seed(42)
    b = [p.data for p in MLP(2, [4, 1]).parameters()]
    assert a == b


def test_seed_and_rng_give_the_same_weights_and_leave_global_random_alone() -> None:
    state = random.getstate()
    a = [p.data for p in MLP(2, [4, 1], seed=7).parameters()]
    b = [p.data for p in MLP(2, [4, 1], rng=random.Random(7)).parameters()]
    c = [p.data for p in MLP(2, [4, 1], seed=8).parameters()]
    assert random.getstate() == state
    assert a == b
    assert a != c


def test_seed_and_rng_together_is_an_error() -> None:
    with pytest.raises(ValueError, match="not both"):
        MLP(2, [1], seed=1, rng=random.Random(1))
    with pytest.raises(TypeError, match="seed must be an int"):
        MLP(2, [1], seed=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"rng must be a random\.Random"):
        MLP(2, [1], rng=42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("nin", "nouts", "message"),
    [
        (0, [1], "nin"),
        (2, [], "non-empty"),
        (2, [3, 0], r"nouts\[1\]"),
        (2, [True], r"nouts\[0\]"),
        (2, 3, "non-empty"),
    ],
)
def test_bad_sizes_are_rejected(nin: int, nouts: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MLP(nin, nouts)


def test_zero_input_neurons_and_layers_are_biases_alone_as_in_micrograd() -> None:
    layer = Layer(0, 3, activation="relu", seed=0)
    assert len(layer.parameters()) == 3
    for p in layer.parameters():
        p.data = 0.5
    outputs = layer.outputs([])
    assert [o.data for o in outputs] == [0.5, 0.5, 0.5]
    theirs = micrograd.nn.Layer(0, 3)
    assert [o.data for o in theirs([])] == [0.0, 0.0, 0.0]
    assert Neuron(0, nonlin=False)([]).data == 0.0
    for bad in (-1, True, 1.0):
        with pytest.raises(ValueError, match="nin must be an int >= 0"):
            Layer(bad, 2)  # type: ignore[arg-type]


def test_unknown_activation_is_rejected() -> None:
    with pytest.raises(ValueError, match="relu, tanh, sigmoid"):
        MLP(2, [1], activation="gelu")


@pytest.mark.parametrize(
    ("activation", "f"),
    [
        ("relu", lambda z: max(z, 0.0)),
        ("tanh", math.tanh),
        ("sigmoid", lambda z: 1.0 / (1.0 + math.exp(-z))),
    ],
)
def test_neuron_computes_activation_of_weighted_sum(activation: str, f: object) -> None:
    n = Neuron(3, activation=activation, seed=3)
    n.b.data = 0.25
    x = [0.5, -1.5, 2.0]
    z = 0.25 + sum(w.data * xi for w, xi in zip(n.w, x, strict=True))
    assert n(x).data == pytest.approx(f(z), rel=1e-15)  # type: ignore[operator]


def test_nonlin_false_is_linear_and_last_layer_is_linear() -> None:
    n = Neuron(2, nonlin=False, seed=0)
    n.w[0].data, n.w[1].data = -2.0, -3.0
    assert n([1.0, 1.0]).data == -5.0
    model = MLP(2, [4, 4, 1], activation="tanh", seed=0)
    assert [n.nonlin for layer in model.layers for n in layer.neurons[:1]] == [True, True, False]
    assert all(n.activation == "tanh" for layer in model.layers for n in layer.neurons)


def test_layer_takes_micrograd_keywords() -> None:
    layer = Layer(2, 3, nonlin=False, seed=0)
    assert not any(n.nonlin for n in layer.neurons)


def test_zero_grad_clears_every_parameter() -> None:
    model = MLP(2, [3, 1], seed=0)
    out = model([1.0, -1.0])
    assert isinstance(out, Value)
    (out * out + 1.0).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_repr_is_short() -> None:
    assert repr(MLP(2, [16, 1])) == "MLP(2, [16, 1], activation='relu')"
    assert repr(Layer(2, 3, activation="tanh")) == "Layer(2, 3, tanh)"
    assert repr(Neuron(2, nonlin=False)) == "Neuron(2, linear)"


def test_same_numbers_as_micrograd() -> None:
    random.seed(1337)
    theirs = micrograd.nn.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]

    rng = random.Random(5)
    xs = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(20)]
    their_scores = [theirs([MicroValue(a) for a in x]) for x in xs]
    our_scores = [ours.outputs(x)[0] for x in xs]
    assert [s.data for s in our_scores] == [s.data for s in their_scores]


def test_module_summary_lists_layers_and_counts() -> None:
    summary = MLP(3, [4, 4, 1], activation="tanh", seed=0).summary()
    assert summary.splitlines() == [
        "MLP(3, [4, 4, 1], activation='tanh'): 41 parameters",
        "  L0: 3 inputs, 4 tanh neurons, 16 parameters",
        "  L1: 4 inputs, 4 tanh neurons, 20 parameters",
        "  L2: 4 inputs, 1 linear neuron, 5 parameters",
    ]
    assert summary._repr_markdown_().splitlines() == [
        "`MLP(3, [4, 4, 1], activation='tanh'): 41 parameters`",
        "",
        "| layer | inputs | neurons | activation | parameters |",
        "| --- | -: | -: | --- | -: |",
        "| L0 | 3 | 4 | tanh | 16 |",
        "| L1 | 4 | 4 | tanh | 20 |",
        "| L2 | 4 | 1 | linear | 5 |",
    ]
    assert (
        Layer(2, 3, seed=0).summary().splitlines()[1]
        == "  layer: 2 inputs, 3 relu neurons, 9 parameters"
    )
    assert Neuron(2, nonlin=False, seed=0).summary().splitlines() == [
        "Neuron(2, linear): 3 parameters",
        "  neuron: 2 inputs, 1 linear neuron, 3 parameters",
    ]


def test_module_summary_of_a_users_module_is_its_parameter_count() -> None:
    class Scale(Module):
        def __init__(self) -> None:
            self.k = Value(2.0, label="k")

        def __call__(self, x: list[Value | float]) -> Value:  # type: ignore[override]
            return self.k * x[0]

        def parameters(self) -> list[Value]:
            return [self.k]

        def __repr__(self) -> str:
            return "Scale()"

    summary = Scale().summary()
    assert summary == "Scale(): 1 parameter"
    assert summary._repr_markdown_() == "`Scale(): 1 parameter`"


def test_repr_names_only_the_activations_the_model_applies() -> None:
    assert repr(MLP(4, [3])) == "MLP(4, [3])"  # one layer: no hidden activation to apply
    assert repr(MLP(4, [3], activation="tanh")) == "MLP(4, [3])"
    assert repr(MLP(4, [3], output="tanh")) == "MLP(4, [3], output='tanh')"
    assert repr(MLP(2, [3, 1], output="sigmoid")) == (
        "MLP(2, [3, 1], activation='relu', output='sigmoid')"
    )
    assert repr(LectureMLP(3, [4, 4, 1])) == "LectureMLP(3, [4, 4, 1])"


def test_output_activation_applies_to_the_last_layer_alone() -> None:
    model = MLP(2, [3, 2], activation="relu", output="sigmoid", seed=0)
    hidden, last = model.layers
    assert [(n.nonlin, n.activation) for n in hidden.neurons] == [(True, "relu")] * 3
    assert [(n.nonlin, n.activation) for n in last.neurons] == [(True, "sigmoid")] * 2
    x = [0.3, -0.7]
    h = hidden.outputs(x)
    expected = [n([v.data for v in h]).data for n in last.neurons]
    assert [o.data for o in model.outputs(x)] == expected
    assert all(0.0 < o.data < 1.0 for o in model.outputs(x))
    with pytest.raises(ValueError, match="output must be one of linear, relu, tanh, sigmoid"):
        MLP(2, [1], output="gelu")


def test_lecture_mlp_is_tanh_everywhere_and_mlp_stays_micrograds() -> None:
    lecture = LectureMLP(3, [4, 4, 1], seed=0)
    assert [(n.nonlin, n.activation) for layer in lecture.layers for n in layer.neurons] == [
        (True, "tanh")
    ] * 9
    same = MLP(3, [4, 4, 1], activation="tanh", output="tanh", seed=0)
    assert [p.data for p in lecture.parameters()] == [p.data for p in same.parameters()]
    micrograd = MLP(3, [4, 4, 1], seed=0)
    assert [n.nonlin for n in micrograd.layers[-1].neurons] == [False]
    assert micrograd.layers[0].neurons[0].activation == "relu"


@pytest.mark.parametrize("lr", [0.1, 0.05])
def test_the_lectures_loop_trains_the_lecture_mlp_from_every_seed(lr: float) -> None:
    """micrograd's ReLU MLP stalls at 4.0 here for 20 of 20 seeds (every ReLU dead)."""
    xs, ys = tiny()
    final = []
    for seed in range(20):
        n = LectureMLP(3, [4, 4, 1], seed=seed)
        for _ in range(20):
            ypred = [n.outputs(x)[0] for x in xs]
            loss = sum(((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred)), Value(0.0))
            n.zero_grad()
            loss.backward()
            for p in n.parameters():
                p.data += -lr * p.grad
        final.append(loss.data)
    assert max(final) < 0.1


def test_lecture_mlp_saves_and_loads_with_its_output_activation(tmp_path: Path) -> None:
    model = LectureMLP(3, [4, 1], seed=2)
    model.save(tmp_path / "m.json")
    back = MLP.load(tmp_path / "m.json")
    assert repr(back) == "MLP(3, [4, 1], activation='tanh', output='tanh')"
    x = [0.5, -1.0, 2.0]
    assert back.outputs(x)[0].data == model.outputs(x)[0].data
    linear = MLP(3, [4, 1], seed=2)
    linear.save(tmp_path / "l.json")
    assert '"output"' not in (tmp_path / "l.json").read_text()  # the same file as before
