"""The graders of the networks part: neuron, layer, mlp, loss, training_loop and momentum."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

import nn
from autograd import Value
from opgrad.exercises.feedback import Learner, expect, expect_close, number

__all__ = [
    "check_layer",
    "check_loss",
    "check_mlp",
    "check_momentum",
    "check_neuron",
    "check_training_loop",
]

_Term = Callable[[float, float], float]

_XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
_YS = [1.0, -1.0, -1.0, 1.0]


def _same_list(what: str, got: object, want: Sequence[Value], hint: str) -> None:
    expect(
        isinstance(got, list) and len(got) == len(want),
        f"{what} should be a list of {len(want)} Values, got {_brief(got)}",
        hint=hint,
    )
    assert isinstance(got, list)
    for i, (g, w) in enumerate(zip(got, want)):
        expect(g is w, f"{what}[{i}] should be {w.label or w!r}, got {_brief(g)}", hint=hint)


def _brief(x: object) -> str:
    if isinstance(x, list):
        return f"a list of {len(x)}"
    if isinstance(x, Value):
        return x.label or repr(x)
    return f"{type(x).__name__}: {x!r}"


def _check_outputs(what: str, got: object, want: Sequence[float], hint: str) -> None:
    """``got`` is a list of Values holding the numbers ``want``, in order."""
    expect(
        isinstance(got, list) and len(got) == len(want),
        f"{what} should be a list of {len(want)} outputs, got {_brief(got)}",
        hint=hint,
    )
    assert isinstance(got, list)
    for j, (g, w) in enumerate(zip(got, want)):
        expect_close(
            f"{what}, output {j}", _value(f"{what}, output {j}", g, hint).data, w, hint=hint
        )


def _value(what: str, got: object, hint: str) -> Value:
    expect(isinstance(got, Value), f"{what} should be a Value, got {_brief(got)}", hint=hint)
    assert isinstance(got, Value)
    return got


def check_neuron(learner: Learner) -> None:
    """The output is tanh(w.x + b) for numbers and Values; parameters are w then b."""
    cls = learner.get("Neuron", "class")
    for nin, seed in ((3, 0), (5, 1)):
        neuron = learner.call(f"Neuron({nin}, rng)", cls, nin, random.Random(seed))
        rng = random.Random(seed + 10)
        xs = [round(rng.uniform(-2, 2), 2) for _ in range(nin)]
        w = [p.data for p in neuron.w]
        pre = sum((wi * xi for wi, xi in zip(w, xs)), neuron.b.data)
        for inputs, kind in ((xs, "numbers"), ([Value(x) for x in xs], "Values")):
            call = f"Neuron({nin})({xs}) on {kind}"
            out = _value(call, learner.call(call, neuron, inputs), "return the tanh node")
            expect_close(
                call,
                out.data,
                math.tanh(pre),
                hint="tanh(w0*x0 + w1*x1 + ... + b): every weight times its input, plus the "
                "bias, through tanh",
                note=f"(w . x + b is {number(pre)})",
            )
        got = learner.call(f"Neuron({nin}).parameters()", neuron.parameters)
        _same_list(
            f"Neuron({nin}).parameters()",
            got,
            [*neuron.w, neuron.b],
            "the weights in order, then the bias: [*self.w, self.b]",
        )


def check_layer(learner: Learner) -> None:
    """Nout tanh Neurons of nin inputs drawn from rng; their outputs; their parameters."""
    cls = learner.get("Layer", "class")
    layer = learner.call("Layer(3, 4, rng)", cls, 3, 4, random.Random(1))
    neurons = getattr(layer, "neurons", None)
    expect(
        isinstance(neurons, list) and len(neurons) == 4,
        f"Layer(3, 4).neurons should be a list of 4 neurons, got {_brief(neurons)}",
        hint="one Neuron per output: [Neuron(nin, ...) for _ in range(nout)]",
    )
    assert isinstance(neurons, list)
    for j, neuron in enumerate(neurons):
        ok = isinstance(neuron, nn.Neuron) and neuron.nin == 3 and neuron.activation == "tanh"
        expect(
            ok,
            f"Layer(3, 4).neurons[{j}] should be Neuron(3, tanh), got {neuron!r}",
            hint='each reads all nin inputs: Neuron(nin, activation="tanh", rng=rng)',
        )
    again = learner.call("Layer(3, 4, rng)", cls, 3, 4, random.Random(1))
    expect(
        [p.data for p in again.neurons[0].parameters()]
        == [p.data for p in neurons[0].parameters()],
        "two Layer(3, 4, random.Random(1)) have different weights",
        hint="pass rng on to each Neuron (rng=rng), so a seed fixes the weights",
    )
    x = [0.5, -1.0, 2.0]
    outs = learner.call(f"Layer(3, 4)({x})", layer, x)
    _check_outputs(
        f"Layer(3, 4)({x})",
        outs,
        [neuron(x).data for neuron in neurons],
        hint="output j is neuron j's output on x, in the neurons' order",
    )
    single = learner.call("Layer(3, 1)(x)", learner.call("Layer(3, 1)", cls, 3, 1), x)
    _value("Layer(3, 1)(x)", single, "a layer of one neuron gives its output, not a list of one")
    got = learner.call("Layer(3, 4).parameters()", layer.parameters)
    _same_list(
        "Layer(3, 4).parameters()",
        got,
        [p for neuron in neurons for p in neuron.parameters()],
        "every neuron's parameters, the first neuron's first",
    )


def check_mlp(learner: Learner) -> None:
    """Layers of the right sizes, tanh throughout; x through them in order; their parameters."""
    cls = learner.get("MLP", "class")
    for nin, nouts in ((3, [4, 4, 1]), (2, [3, 2])):
        name = f"MLP({nin}, {nouts})"
        model = learner.call(f"MLP({nin}, {nouts}, rng)", cls, nin, nouts, random.Random(2))
        layers = getattr(model, "layers", None)
        expect(
            isinstance(layers, list) and len(layers) == len(nouts),
            f"{name}.layers should be a list of {len(nouts)} layers, got {_brief(layers)}",
            hint="one Layer per size in nouts",
        )
        assert isinstance(layers, list)
        sizes = [nin, *nouts]
        for i, layer in enumerate(layers):
            shape = (
                (len(layer.neurons), layer.neurons[0].nin) if isinstance(layer, nn.Layer) else None
            )
            expect(
                shape == (sizes[i + 1], sizes[i]),
                f"{name}.layers[{i}] should read {sizes[i]} inputs and make {sizes[i + 1]} "
                f"outputs, got {layer!r}",
                hint="layer i is Layer(sizes[i], sizes[i + 1]) with sizes = [nin] + nouts",
            )
            expect(
                all(n.activation == "tanh" and n.nonlin for n in layer.neurons),
                f"{name}.layers[{i}] should be tanh, got {layer!r}",
                hint='the lecture\'s MLP applies tanh in every layer: activation="tanh"',
            )
        x = [round(0.3 * (i + 1) - 0.5, 2) for i in range(nin)]
        h: list[Value | float] = list(x)
        for layer in layers:
            h = list(layer.outputs(h))
        out = learner.call(f"{name}({x})", model, x)
        _check_outputs(
            f"{name}({x})",
            [out] if isinstance(out, Value) else out,
            [v.data if isinstance(v, Value) else v for v in h],
            hint="x goes through layers[0] first, then each layer reads the one before's outputs",
        )
        params = learner.call(f"{name}.parameters()", model.parameters)
        _same_list(
            f"{name}.parameters()",
            params,
            [p for layer in layers for p in layer.parameters()],
            "every layer's parameters, input side first",
        )


def check_loss(learner: Learner) -> None:
    """Mse and hinge: the value, and the gradient of every prediction."""
    rng = random.Random(3)
    n = 5
    predictions = [round(rng.uniform(-2, 2), 2) for _ in range(n)]
    targets = [round(rng.uniform(-2, 2), 2) for _ in range(n)]
    labels = [1.0, -1.0, 1.0, -1.0, 1.0]
    scores = [2.0, 0.5, -0.3, -1.5, 0.9]
    cases: tuple[tuple[str, list[float], list[float], _Term, _Term], ...] = (
        ("mse", predictions, targets, lambda p, t: (p - t) ** 2, lambda p, t: 2 * (p - t)),
        (
            "hinge",
            scores,
            labels,
            lambda s, y: max(0.0, 1 - y * s),
            lambda s, y: -y if y * s < 1 else 0.0,
        ),
    )
    hints = {
        "mse": "the mean over the samples of (prediction - target)**2",
        "hinge": "the mean over the samples of relu(1 - label * score): zero once label * "
        "score >= 1",
    }
    for name, xs, ys, term, slope in cases:
        fn = learner.get(name)
        leaves = [Value(x, label=f"p{i}") for i, x in enumerate(xs)]
        call = f"{name}({xs}, {ys})"
        loss = _value(call, learner.call(call, fn, leaves, ys), "return one Value, the loss")
        want = sum(term(x, y) for x, y in zip(xs, ys)) / n
        expect_close(call, loss.data, want, hint=hints[name])
        learner.call(f"{call}.backward()", loss.backward)
        for i, (leaf, x, y) in enumerate(zip(leaves, xs, ys)):
            expect_close(
                f"{call}: the gradient of prediction {i}",
                leaf.grad,
                slope(x, y) / n,
                hint=f"build the loss from the predictions' Values: {hints[name]}",
            )


def _reference_losses(seed: int, steps: int, lr: float) -> tuple[list[float], list[float]]:
    """The lecture's losses and final parameters, through nn's loss and optimiser."""
    model = nn.MLP(3, [4, 4, 1], activation="tanh", seed=seed)
    sgd = nn.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = nn.mse([model.outputs(x)[0] for x in _XS], _YS) * len(_YS)  # the sum of squares
        model.zero_grad()
        loss.backward()
        sgd.step()
        losses.append(loss.data)
    return losses, [p.data for p in model.parameters()]


def check_training_loop(learner: Learner) -> None:
    """Train gives the lecture's losses step by step and leaves the same parameters."""
    train = learner.get("train")
    steps, lr = 8, 0.05
    for seed in (0, 1):
        model = nn.MLP(3, [4, 4, 1], activation="tanh", seed=seed)
        call = f"train(MLP(3, [4, 4, 1], seed={seed}), xs, ys, steps={steps}, lr={lr})"
        losses = learner.call(call, train, model, [list(x) for x in _XS], list(_YS), steps, lr)
        want, params = _reference_losses(seed, steps, lr)
        expect(
            isinstance(losses, list) and len(losses) == steps,
            f"{call} should return {steps} losses, got {_brief(losses)}",
            hint="append loss.data once per step",
        )
        assert isinstance(losses, list)
        for k, (got, expected) in enumerate(zip(losses, want)):
            expect_close(
                f"{call}: the loss of step {k + 1}",
                got,
                expected,
                hint="the loss is sum((ypred - y)**2) over the four samples"
                if k == 0
                else "each step: forward, model.zero_grad(), loss.backward(), then "
                "p.data -= lr * p.grad (without zero_grad old gradients add up)",
                tol=1e-9,
            )
        for i, (p, expected) in enumerate(zip(model.parameters(), params)):
            expect_close(
                f"{call}: parameter {p.label} (number {i}) after the last step",
                p.data,
                expected,
                hint="update every parameter once per step, after backward",
                tol=1e-9,
            )


def check_momentum(learner: Learner) -> None:
    """Momentum's steps match nn.SGD's with momentum, parameter by parameter, step by step."""
    cls = learner.get("Momentum", "class")
    rng = random.Random(6)
    start = [round(rng.uniform(-1, 1), 3) for _ in range(3)]
    params = [Value(x, label=f"p{i}") for i, x in enumerate(start)]
    reference = [Value(x) for x in start]
    opt = learner.call("Momentum(params, lr=0.1, beta=0.9)", cls, params, 0.1, 0.9)
    sgd = nn.SGD(reference, lr=0.1, momentum=0.9)
    for step in range(1, 5):
        grads = [round(rng.uniform(-2, 2), 3) for _ in params]
        for p, q, g in zip(params, reference, grads):
            p.grad = q.grad = g
        learner.call(f"step {step}", opt.step)
        sgd.step()
        for p, q in zip(params, reference):
            expect_close(
                f"{p.label} after step {step} (grads {grads})",
                p.data,
                q.data,
                hint="v = beta * v + grad, then p.data -= lr * v; each parameter has its own "
                "velocity, kept from step to step",
                tol=1e-9,
            )
