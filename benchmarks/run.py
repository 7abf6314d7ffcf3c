"""Benchmarks: opgrad, eager and compiled, against micrograd and PyTorch on the same work.

Every figure is taken in one process, with Python's cyclic garbage collector on (as users run
it) and off, and printed as medians with their ratio to micrograd's, followed by the targets of
docs/performance.md and whether they are met. The results are also written as JSON.

    python benchmarks/run.py            # the full run of docs/performance.md (a few minutes)
    python benchmarks/run.py --quick    # tiny sizes: checks that everything runs, in seconds

PyTorch is optional (``pip install torch==2.13.0``); without it its rows are left out. The
numpy plan (``opgrad numpy``) needs numpy, the ``fast`` extra. numba is not measured: no numba
kernel ships with opgrad (docs/performance.md gives the prototype's figure for one).

One script on purpose, though long: every ratio of the targets table must come from figures
measured in the same process, so ``make bench`` runs this one file from top to bottom.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import itertools
import json
import math
import os
import platform
import random
import statistics
import struct
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import micrograd.engine
import numpy

import autograd
from nn.datasets import moons

torch: Any
try:
    torch = importlib.import_module("torch")
except ImportError:  # PyTorch is optional: its rows are left out
    torch = None

RESULTS = Path(__file__).parent / "results"
SIZES = (2, 16, 16, 1)  # micrograd's demo: MLP(2, [16, 16, 1])
STEPS_PER_COMPILE = 100  # a compiled plan's compile time is charged as spread over this many steps


@dataclass(frozen=True)
class Config:
    """How much work a run does."""

    points: int  # moons points in the training step
    rounds: int  # rounds of the interleaved timing; every engine runs once per round
    steps: int  # training steps timed per engine and round (after one untimed warm-up step)
    chains: tuple[int, ...]  # lengths of the chains whose backward pass is timed
    chain_repeats: int
    memory_chain: int  # length of the chain whose bytes per node are measured
    deepest: int  # the chain opgrad must backpropagate through
    quick: bool
    tensor_rounds: int = 7  # rounds of the numpy plan / python plan / PyTorch comparison
    tensor_steps: int = 5  # steps timed per engine and round in that comparison
    exact_steps: int = 100  # SGD steps after which the numpy plan must equal eager opgrad


FULL = Config(100, 5, 3, (10**4, 10**5, 10**6), 5, 100_000, 10**6, quick=False)
QUICK = Config(8, 2, 2, (10**2, 10**3, 10**4), 1, 2_000, 10**4, True, 2, 2, 5)


# The training step: micrograd's demo, the same code and the same weights for every engine.

Weights = list[list[tuple[list[float], float]]]  # per layer, per neuron: (weights, bias)


def initial_weights(seed: int = 0) -> Weights:
    rng = random.Random(seed)
    return [
        [([rng.uniform(-1.0, 1.0) for _ in range(nin)], 0.0) for _ in range(nout)]
        for nin, nout in itertools.pairwise(SIZES)
    ]


def demo_data(points: int) -> tuple[list[list[float]], list[float]]:
    """The moons of micrograd's demo, with labels -1 and 1."""
    features, labels = moons(points, noise=0.1, seed=1)
    return features, [2.0 * label - 1.0 for label in labels]


def mlp(layers: list[list[tuple[list[Any], Any]]], x: list[Any], activation: str = "relu") -> Any:
    """The MLP of micrograd's nn with any scalar engine's Values: ReLU (or tanh), then linear."""
    for depth, layer in enumerate(layers):
        last = depth == len(layers) - 1
        outputs = []
        for weights, bias in layer:
            act = sum((w * xi for w, xi in zip(weights, x)), bias)
            outputs.append(act if last else getattr(act, activation)())
        x = outputs
    return x[0]


class ScalarTrainer:
    """The training step of micrograd's demo, with a scalar engine's Value class."""

    def __init__(
        self, value: Callable[[float], Any], weights: Weights, points: int, activation: str = "relu"
    ) -> None:
        self.value = value
        self.activation = activation
        self.layers = [[([value(w) for w in ws], value(b)) for ws, b in layer] for layer in weights]
        self.params = [p for layer in self.layers for ws, b in layer for p in [*ws, b]]
        self.features, self.labels = demo_data(points)

    def loss(self) -> Any:
        """The demo's forward pass: max-margin loss + 1e-4 L2, as a new graph."""
        inputs = [[self.value(x) for x in row] for row in self.features]
        scores = [mlp(self.layers, x, self.activation) for x in inputs]
        losses = [(1 + -yi * si).relu() for yi, si in zip(self.labels, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in self.params)
        return data_loss + reg_loss

    def step(self, k: int) -> float:
        """Step k: forward, loss, zero_grad, backward, update; return the loss."""
        total = self.loss()
        for p in self.params:
            p.grad = 0.0
        total.backward()
        self.update(k)
        return float(total.data)

    def update(self, k: int) -> None:
        """The demo's SGD update, with its learning rate decaying from 1.0."""
        learning_rate = 1.0 - 0.9 * k / 100
        for p in self.params:
            p.data -= learning_rate * p.grad


class CompiledTrainer(ScalarTrainer):
    """The same step with opgrad's graph compiled once (the python Plan) and replayed."""

    backend = "python"

    def __init__(self, weights: Weights, points: int, activation: str = "relu") -> None:
        super().__init__(autograd.Value, weights, points, activation)
        graph = self.loss()
        start = time.perf_counter()
        self.plan: Any = autograd.GraphExecutor().compile(graph, backend=self.backend)
        self.compile_seconds = time.perf_counter() - start

    def step(self, k: int) -> float:
        """Step k, replaying the compiled graph instead of building one."""
        loss: float = self.plan.forward()
        for p in self.params:
            p.grad = 0.0
        self.plan.backward()
        self.update(k)
        return loss


class NumpyTrainer(CompiledTrainer):
    """The same step replayed by numpy's VectorPlan, the parameters handed over as an array.

    The loop keeps the parameters' numbers in an array: the plan reads them from it
    (``forward(leaf_data=...)``) and gives their gradients as one (``leaf_gradients``), the
    update is one array operation, and each parameter's ``data`` and ``grad`` are written back
    after every step, as users expect to see them.
    """

    backend = "numpy"

    def __init__(self, weights: Weights, points: int, activation: str = "relu") -> None:
        super().__init__(weights, points, activation)
        where = {leaf: i for i, leaf in enumerate(self.plan.leaves)}
        self.positions = numpy.array([where[p] for p in self.params])
        self.leaf_data = numpy.array([leaf.data for leaf in self.plan.leaves])

    def step(self, k: int) -> float:
        """Step k: forward from the array, backward into one, the update on arrays."""
        leaf_data, positions = self.leaf_data, self.positions
        loss: float = self.plan.forward(leaf_data=leaf_data)
        grads = self.plan.leaf_gradients()[positions]
        learning_rate = 1.0 - 0.9 * k / 100
        data = leaf_data[positions] - learning_rate * grads  # p.data -= lr * p.grad
        leaf_data[positions] = data
        for p, x, g in zip(self.params, data.tolist(), grads.tolist()):
            p.data = x
            p.grad = g
        return loss


class TorchTrainer:
    """The same step on float64 tensors, for reference: what a tensor library does with it."""

    def __init__(self, weights: Weights, points: int, activation: str = "relu") -> None:
        assert torch is not None
        self.activation = getattr(torch, activation)
        features, labels = demo_data(points)
        self.x = torch.tensor(features, dtype=torch.float64)
        self.y = torch.tensor(labels, dtype=torch.float64)
        self.params = []
        for layer in weights:
            w = torch.tensor([ws for ws, _ in layer], dtype=torch.float64, requires_grad=True)
            b = torch.tensor([b for _, b in layer], dtype=torch.float64, requires_grad=True)
            self.params += [w, b]

    def step(self, k: int) -> float:
        """Step k on tensors."""
        h = self.x
        for depth in range(0, len(self.params), 2):
            w, b = self.params[depth], self.params[depth + 1]
            h = h @ w.T + b
            if depth + 2 < len(self.params):
                h = self.activation(h)
        scores = h.squeeze(1)
        data_loss = torch.relu(1 - self.y * scores).mean()
        reg_loss = 1e-4 * sum((p * p).sum() for p in self.params)
        total = data_loss + reg_loss
        for p in self.params:
            p.grad = None
        total.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        with torch.no_grad():
            for p in self.params:
                p -= learning_rate * p.grad
        return total.item()  # type: ignore[no-any-return]


Trainer = ScalarTrainer | CompiledTrainer | TorchTrainer


def trainers(points: int) -> dict[str, Callable[[], Trainer]]:
    weights = initial_weights()
    engines: dict[str, Callable[[], Trainer]] = {
        "micrograd": lambda: ScalarTrainer(micrograd.engine.Value, weights, points),
        "opgrad eager": lambda: ScalarTrainer(autograd.Value, weights, points),
        "opgrad compiled": lambda: CompiledTrainer(weights, points),
        "opgrad numpy": lambda: NumpyTrainer(weights, points),
    }
    if torch is not None:
        engines["PyTorch (tensors)"] = lambda: TorchTrainer(weights, points)
    return engines


def training_step(config: Config) -> dict[str, Any]:
    """Median time of one training step per engine, collector on and off.

    Rounds interleave the engines so that a slow spell of the machine hits them all; within a
    round each engine gets a fresh model, so that only its own objects are alive while it is
    timed (a live graph of another engine would slow the collector down for everyone).
    With the collector on, steps run back to back as in a training loop, each paying for
    collecting what the previous one left; with it off, the collector runs between steps.
    """
    engines = trainers(config.points)
    times: dict[str, dict[str, list[float]]] = {name: {"on": [], "off": []} for name in engines}
    losses: dict[str, list[float]] = {name: [] for name in engines}
    compile_seconds: dict[str, list[float]] = {}
    for round_ in range(config.rounds):
        for name, make in engines.items():
            for collector in ("on", "off"):
                gc.collect()
                trainer = make()
                if isinstance(trainer, CompiledTrainer):
                    compile_seconds.setdefault(name, []).append(trainer.compile_seconds)
                seen = [trainer.step(0)]  # warm-up, untimed
                for k in range(1, config.steps + 1):
                    if collector == "off":
                        gc.collect()
                        gc.disable()
                    start = time.perf_counter()
                    seen.append(trainer.step(k))
                    times[name][collector].append(time.perf_counter() - start)
                    gc.enable()
                if round_ == 0 and collector == "on":
                    losses[name] = seen  # every engine should see the same losses
                del trainer
    results: dict[str, Any] = {"engines": {}, "losses": losses}
    micro = {c: statistics.median(times["micrograd"][c]) for c in ("on", "off")}
    for name, by_collector in times.items():
        row: dict[str, Any] = {}
        for collector, samples in by_collector.items():
            seconds = statistics.median(samples)
            if name in compile_seconds:
                row[f"replay_{collector}"] = seconds
                seconds += statistics.median(compile_seconds[name]) / STEPS_PER_COMPILE
            row[collector] = seconds
            row[f"ratio_{collector}"] = seconds / micro[collector]
        results["engines"][name] = row
    results["compile_seconds"] = statistics.median(compile_seconds["opgrad compiled"])
    results["numpy_compile_seconds"] = statistics.median(compile_seconds["opgrad numpy"])
    results["nodes"] = {
        "opgrad": len(autograd.GraphExecutor().topological_order(trainer_graph(config.points))),
        "micrograd": micrograd_nodes(
            ScalarTrainer(micrograd.engine.Value, initial_weights(), config.points).loss()
        ),
    }
    return results


def trainer_graph(points: int) -> autograd.Value:
    graph: autograd.Value = ScalarTrainer(autograd.Value, initial_weights(), points).loss()
    return graph


def micrograd_nodes(root: Any) -> int:
    """How many nodes a micrograd graph has (counted without recursion)."""
    seen = {id(root)}
    stack = [root]
    while stack:
        for child in stack.pop()._prev:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


# The numpy plan against the python plan and PyTorch, with ReLU and with tanh, and its exactness.

TENSOR_ENGINES: dict[str, Callable[[Weights, int, str], Trainer]] = {
    "numpy plan": NumpyTrainer,
    "python plan": CompiledTrainer,
    "PyTorch": TorchTrainer,
}


def tensor_speed(config: Config) -> dict[str, Any]:
    """Median step of the numpy plan, the python plan and PyTorch, collector on, per activation.

    As in :func:`training_step`, rounds interleave the engines and each gets a fresh model;
    the steps run back to back with the collector on. Compile times are those of the plans.
    """
    weights = initial_weights()
    results: dict[str, Any] = {}
    for activation in ("relu", "tanh"):
        times: dict[str, list[float]] = {}
        compiles: dict[str, list[float]] = {}
        for _ in range(config.tensor_rounds):
            for name, make in TENSOR_ENGINES.items():
                if make is TorchTrainer and torch is None:
                    continue
                gc.collect()
                trainer = make(weights, config.points, activation)
                if isinstance(trainer, CompiledTrainer):
                    compiles.setdefault(name, []).append(trainer.compile_seconds)
                trainer.step(0)  # warm-up, untimed
                for k in range(1, config.tensor_steps + 1):
                    start = time.perf_counter()
                    trainer.step(k)
                    times.setdefault(name, []).append(time.perf_counter() - start)
                del trainer
        results[activation] = {
            "step": {name: statistics.median(samples) for name, samples in times.items()},
            "compile": {name: statistics.median(samples) for name, samples in compiles.items()},
        }
    return results


def exactness(config: Config) -> dict[str, Any]:
    """Whether the numpy plan's losses, parameters and gradients equal eager opgrad's, bit for bit.

    Both train the demo's model from the same weights for ``exact_steps`` SGD steps, eager
    opgrad building a new graph every step.
    """
    found: dict[str, Any] = {}
    for activation in ("relu", "tanh"):
        eager = ScalarTrainer(autograd.Value, initial_weights(), config.points, activation)
        fast = NumpyTrainer(initial_weights(), config.points, activation)
        same_losses = True
        for k in range(config.exact_steps):
            same_losses &= bits(eager.step(k)) == bits(fast.step(k))
        found[activation] = {
            "steps": config.exact_steps,
            "losses": same_losses,
            "parameters": [bits(p.data) for p in eager.params]
            == [bits(p.data) for p in fast.params],
            "gradients": [bits(p.grad) for p in eager.params]
            == [bits(p.grad) for p in fast.params],
        }
    return found


def bits(x: float) -> bytes:
    """A float's IEEE bytes: equal bytes are equal bit for bit (0.0 and -0.0 differ)."""
    return struct.pack("<d", x)


# Forward and backward, per node, on the training step's graph.


def per_node(config: Config) -> dict[str, Any]:
    """Seconds per node of building the graph (eager forward) and of backward, per engine."""
    weights = initial_weights()
    samples: dict[str, dict[str, list[float]]] = {}
    for _ in range(config.rounds):
        for collector in ("on", "off"):
            for name in ("micrograd", "opgrad eager", "opgrad compiled"):
                gc.collect()
                if collector == "off":
                    gc.disable()
                value = micrograd.engine.Value if name == "micrograd" else autograd.Value
                trainer = ScalarTrainer(value, weights, config.points)
                start = time.perf_counter()
                root = trainer.loss()
                built = time.perf_counter() - start
                if name == "micrograd":
                    nodes = micrograd_nodes(root)
                    forward = built
                    start = time.perf_counter()
                    root.backward()
                    backward = time.perf_counter() - start
                else:
                    nodes = len(autograd.GraphExecutor().topological_order(root))
                    forward = built
                    if name == "opgrad compiled":
                        plan = autograd.GraphExecutor().compile(root, backend="python")
                        start = time.perf_counter()
                        plan.forward()
                        forward = time.perf_counter() - start
                        start = time.perf_counter()
                        plan.backward()
                    else:
                        start = time.perf_counter()
                        root.backward()
                    backward = time.perf_counter() - start
                gc.enable()
                entry = samples.setdefault(name, {})
                entry.setdefault(f"forward_{collector}", []).append(forward / nodes)
                entry.setdefault(f"backward_{collector}", []).append(backward / nodes)
                del trainer, root
    return {
        name: {key: statistics.median(values) for key, values in entry.items()}
        for name, entry in samples.items()
    }


# Chains: memory per node, backward time against length, the deepest chain survived.


def opgrad_chain(n: int) -> tuple[autograd.Value, autograd.Value]:
    """x, then n nodes alternating tanh and a product with one shared weight."""
    x = autograd.Value(0.5, label="x")
    w = autograd.Value(1.0000001, label="w")
    y = x
    for i in range(n):
        y = y.tanh() if i % 2 else y * w
    return x, y


def micrograd_chain(n: int) -> tuple[Any, Any]:
    """x, then n products with one shared weight (micrograd has no tanh)."""
    x = micrograd.engine.Value(0.5)
    w = micrograd.engine.Value(1.0000001)
    y = x
    for _ in range(n):
        y = y * w
    return x, y


def bytes_per_node(config: Config) -> dict[str, float]:
    """Memory of a chain of products by one shared weight, per node, measured by tracemalloc."""
    found = {}
    for name, value in (("micrograd", micrograd.engine.Value), ("opgrad", autograd.Value)):
        gc.collect()
        x, w = value(0.5), value(1.0000001)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        y = x
        for _ in range(config.memory_chain):
            y = y * w
        found[name] = (tracemalloc.get_traced_memory()[0] - before) / config.memory_chain
        tracemalloc.stop()
        del x, w, y
    return found


def chain_backward(config: Config) -> dict[str, Any]:
    """Median backward time on chains of each length, eager and compiled, collector on and off.

    All the chains are built first and then timed in turns, so that a slow spell of the machine
    does not land on one length only: their ratio is a target.
    """
    chains = {n: opgrad_chain(n)[1] for n in config.chains}
    plans = {n: autograd.GraphExecutor().compile(y, backend="python") for n, y in chains.items()}
    samples: dict[int, dict[str, list[float]]] = {n: {} for n in config.chains}
    for _ in range(config.chain_repeats):
        for n, y in chains.items():
            for collector in ("on", "off"):
                for name, backward in (("eager", y.backward), ("compiled", plans[n].backward)):
                    gc.collect()
                    if collector == "off":
                        gc.disable()
                    start = time.perf_counter()
                    backward()
                    elapsed = time.perf_counter() - start
                    gc.enable()
                    samples[n].setdefault(f"{name}_{collector}", []).append(elapsed)
    return {
        str(n): {key: statistics.median(values) for key, values in by_key.items()}
        for n, by_key in samples.items()
    }


def deepest_chain(config: Config) -> dict[str, Any]:
    """The deepest chain each engine backpropagates through at the default recursion limit."""
    limit = sys.getrecursionlimit()
    x, y = opgrad_chain(config.deepest)
    y.backward()
    opgrad_ok = math.isfinite(x.grad)
    del x, y

    def micrograd_survives(n: int) -> bool:
        _, y = micrograd_chain(n)
        try:
            y.backward()
        except RecursionError:
            return False
        return True

    low, high = 1, 2
    while micrograd_survives(high):
        low, high = high, high * 2
    while high - low > 1:  # micrograd survives low, not high
        middle = (low + high) // 2
        low, high = (middle, high) if micrograd_survives(middle) else (low, middle)
    return {
        "recursion_limit": limit,
        "opgrad_depth_tried": config.deepest,
        "opgrad_survives": opgrad_ok,
        "micrograd_deepest": low,
    }


# Report.


@dataclass(frozen=True)
class Target:
    """A figure of the issue's targets table, its measured value and whether it is met."""

    figure: str
    value: float
    limit: float
    met: bool
    shown: str


def ratio_target(figure: str, value: float, limit: float) -> Target:
    return Target(figure, value, limit, value <= limit, f"{value:.4f} (target <= {limit:g})")


def targets(results: dict[str, Any]) -> list[Target]:
    step = results["training_step"]["engines"]
    memory = results["bytes_per_node"]
    chains = results["chain_backward"]
    longest, longer = sorted(chains, key=int)[:-3:-1]
    deepest = results["deepest_chain"]
    opgrad_ok = deepest["opgrad_survives"]
    return [
        ratio_target(
            "eager step / micrograd's, collector on", step["opgrad eager"]["ratio_on"], 0.25
        ),
        ratio_target(
            "eager step / micrograd's, collector off", step["opgrad eager"]["ratio_off"], 0.8
        ),
        ratio_target(
            f"compiled step (+ compile / {STEPS_PER_COMPILE}) / micrograd's, collector on",
            step["opgrad compiled"]["ratio_on"],
            0.03,
        ),
        ratio_target(
            f"compiled step (+ compile / {STEPS_PER_COMPILE}) / micrograd's, collector off",
            step["opgrad compiled"]["ratio_off"],
            0.25,
        ),
        ratio_target("bytes per node / micrograd's", memory["opgrad"] / memory["micrograd"], 0.2),
        ratio_target(
            f"backward, {int(longest):,}-node chain / {int(longer):,}-node chain",
            chains[longest]["eager_on"] / chains[longer]["eager_on"],
            12.0,
        ),
        Target(
            f"deepest chain at recursion limit {deepest['recursion_limit']}",
            deepest["opgrad_depth_tried"] if opgrad_ok else 0,
            deepest["micrograd_deepest"],
            opgrad_ok and deepest["micrograd_deepest"] < 1000,
            f"opgrad {'>= ' if opgrad_ok else 'fails at '}{deepest['opgrad_depth_tried']:,}, "
            f"micrograd {deepest['micrograd_deepest']:,}",
        ),
        *tensor_targets(results),
    ]


def tensor_targets(results: dict[str, Any]) -> list[Target]:
    """Issue 11's targets: the numpy plan against PyTorch and the python plan, its exactness."""
    speed, exact = results["tensor_speed"], results["exactness"]
    relu, tanh = speed["relu"], speed["tanh"]
    found = []
    if "PyTorch" in relu["step"]:
        found.append(
            ratio_target(
                "numpy plan step / PyTorch step (float64, 1 thread), ReLU",
                relu["step"]["numpy plan"] / relu["step"]["PyTorch"],
                3.0,
            )
        )
    found.append(
        ratio_target(
            "numpy plan step / python plan step, ReLU",
            relu["step"]["numpy plan"] / relu["step"]["python plan"],
            0.125,
        )
    )
    found.append(
        ratio_target(
            "numpy plan compile / python plan compile",
            relu["compile"]["numpy plan"] / relu["compile"]["python plan"],
            2.0,
        )
    )
    for activation in ("relu", "tanh"):
        same = exact[activation]
        met = same["losses"] and same["parameters"] and same["gradients"]
        found.append(
            Target(
                f"loss, parameters, gradients after {same['steps']} SGD steps vs eager, "
                f"{activation}",
                float(met),
                1.0,
                met,
                "bit-identical" if met else f"DIFFERENT {same}",
            )
        )
    if "PyTorch" in tanh["step"]:
        found.append(
            ratio_target(
                "numpy plan step / PyTorch step (float64, 1 thread), tanh",
                tanh["step"]["numpy plan"] / tanh["step"]["PyTorch"],
                4.0,
            )
        )
    return found


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1e3:10.3f}"


def report(results: dict[str, Any]) -> Iterator[str]:
    machine = results["machine"]
    config = results["config"]
    quick = " (QUICK run: tiny sizes, the figures mean nothing)" if config["quick"] else ""
    yield (
        f"opgrad benchmarks: Python {machine['python']}, {machine['system']}, "
        f"{machine['cpus']} CPUs ({machine['processor']}), numpy {machine['numpy']}, "
        f"torch {machine['torch'] or 'not installed'}{quick}"
    )
    step = results["training_step"]
    nodes = step["nodes"]
    yield ""
    yield (
        f"Training step of micrograd's demo: {config['points']} moons points, MLP(2, [16, 16, 1]), "
        f"max-margin loss + 1e-4 L2; {nodes['opgrad']:,} nodes in opgrad, "
        f"{nodes['micrograd']:,} in micrograd. Median ms per step."
    )
    head = ("engine", "collector on", "x micrograd", "collector off", "x micrograd")
    yield "  {:<20} {:>13} {:>12} {:>14} {:>12}".format(*head)
    for name, row in step["engines"].items():
        yield (
            f"  {name:<20} {row['on'] * 1e3:>13.3f} {row['ratio_on']:>12.4f} "
            f"{row['off'] * 1e3:>14.3f} {row['ratio_off']:>12.4f}"
        )
    for name, key in (("compiled", "compile_seconds"), ("numpy", "numpy_compile_seconds")):
        row = step["engines"][f"opgrad {name}"]
        yield (
            f"  opgrad {name} = replay ({row['replay_on'] * 1e3:.3f} / "
            f"{row['replay_off'] * 1e3:.3f} ms) + compile ({step[key] * 1e3:.1f} ms)"
            f" / {STEPS_PER_COMPILE}"
        )
    yield ""
    yield "Per node on the same graph: forward (building it; compiled: replay) and backward, ns"
    keys = ("forward_on", "forward_off", "backward_on", "backward_off")
    columns = ("fwd on", "x mg", "fwd off", "x mg", "bwd on", "x mg", "bwd off", "x mg")
    yield f"  {'engine':<20}" + "".join(f" {column:>8}" for column in columns)
    micro = results["per_node"]["micrograd"]
    for name, row in results["per_node"].items():
        cells = "".join(f" {row[k] * 1e9:>8.0f} {row[k] / micro[k]:>8.3f}" for k in keys)
        yield f"  {name:<20}{cells}"
    memory = results["bytes_per_node"]
    yield ""
    yield (
        f"Bytes per node (tracemalloc, a chain of {config['memory_chain']:,} products): "
        f"micrograd {memory['micrograd']:.0f}, opgrad {memory['opgrad']:.0f}"
    )
    yield ""
    yield "Backward on a chain alternating tanh and products (micrograd cannot), median ms"
    head = ("nodes", "eager on", "eager off", "compiled on", "compiled off")
    yield "  {:>10} {:>11} {:>11} {:>12} {:>12}".format(*head)
    for n, row in results["chain_backward"].items():
        yield (
            f"  {int(n):>10,} {row['eager_on'] * 1e3:>11.2f} {row['eager_off'] * 1e3:>11.2f} "
            f"{row['compiled_on'] * 1e3:>12.2f} {row['compiled_off'] * 1e3:>12.2f}"
        )
    deepest = results["deepest_chain"]
    outcome = ">= " if deepest["opgrad_survives"] else "fails at "
    yield ""
    yield (
        f"Deepest chain backpropagated at the default recursion limit "
        f"({deepest['recursion_limit']}): opgrad {outcome}{deepest['opgrad_depth_tried']:,}, "
        f"micrograd {deepest['micrograd_deepest']:,} (RecursionError beyond)"
    )
    yield ""
    yield "numpy plan, python plan and PyTorch on the same step, collector on, median ms"
    speed = results["tensor_speed"]
    yield f"  {'engine':<14} {'ReLU step':>10} {'tanh step':>10} {'compile':>10}"
    for name in speed["relu"]["step"]:
        compile_ms = speed["relu"]["compile"].get(name)
        shown = f"{compile_ms * 1e3:>10.1f}" if compile_ms is not None else f"{'-':>10}"
        yield (
            f"  {name:<14} {speed['relu']['step'][name] * 1e3:>10.3f} "
            f"{speed['tanh']['step'][name] * 1e3:>10.3f} {shown}"
        )
    yield ""
    yield "Targets"
    for target in results["targets"]:
        verdict = "PASS" if target["met"] else "FAIL"
        yield f"  {verdict}  {target['figure']:<66} {target['shown']}"


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "torch": torch.__version__ if torch is not None else None,
        "numpy": numpy.__version__,
        "processor": processor(),
    }


def processor() -> str:
    """The processor's model name, from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument("--out", type=Path, help="where to write the JSON results")
    args = parser.parse_args(argv)
    config = QUICK if args.quick else FULL
    if torch is not None:
        torch.set_num_threads(1)
    results: dict[str, Any] = {"machine": machine(), "config": asdict(config)}
    results["training_step"] = training_step(config)
    results["per_node"] = per_node(config)
    results["bytes_per_node"] = bytes_per_node(config)
    results["chain_backward"] = chain_backward(config)
    results["deepest_chain"] = deepest_chain(config)
    results["tensor_speed"] = tensor_speed(config)
    results["exactness"] = exactness(config)
    results["targets"] = [asdict(target) for target in targets(results)]
    for line in report(results):
        print(line)
    out = args.out or RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
