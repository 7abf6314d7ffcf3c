"""MLP.to_torch / MLP.from_torch, with PyTorch installed as the benchmarks install it."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from autograd import Value
from nn import MLP, LectureMLP
from torchtools import installed_torch

DOCS_PAGE = Path(__file__).resolve().parent.parent / "docs" / "torch.md"


@pytest.fixture(scope="module")
def torch() -> Any:
    return installed_torch()


def _inputs(n: int, nin: int, seed: int) -> list[list[float]]:
    rng = random.Random(seed)
    return [[rng.uniform(-2.0, 2.0) for _ in range(nin)] for _ in range(n)]


def _torch_grads(net: Any) -> list[float]:
    """A Sequential's gradients in MLP.parameters() order: per neuron, its weights then bias."""
    found = []
    for layer in net[0::2]:
        for row, b in zip(layer.weight.grad.tolist(), layer.bias.grad.tolist()):
            found += [*row, b]
    return found


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_to_torch_computes_the_same_outputs_and_gradients(torch: Any, activation: str) -> None:
    model = MLP(3, [8, 6, 2], activation=activation, seed=5)
    net = model.to_torch()
    assert isinstance(net, torch.nn.Sequential)
    assert len(net) == 5
    assert (
        type(net[1]).__name__ == {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}[activation]
    )
    X = _inputs(10, 3, seed=1)
    total = Value(0.0)
    for row in X:
        for out in model.outputs(row):
            total = total + out * out
    total.backward()
    theirs = (net(torch.tensor(X, dtype=torch.float64)) ** 2).sum()
    theirs.backward()
    assert abs(theirs.item() - total.data) <= 1e-12 * max(1.0, abs(total.data))
    ours = [p.grad for p in model.parameters()]
    assert len(ours) == len(_torch_grads(net))
    assert max(abs(a - b) for a, b in zip(ours, _torch_grads(net))) <= 1e-12


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_from_torch_reads_back_the_same_model_bit_for_bit(torch: Any, activation: str) -> None:
    model = MLP(2, [5, 4, 3], activation=activation, seed=2)
    back = MLP.from_torch(model.to_torch(), metadata={"classes": ["a", "b", "c"]})
    assert (back.nin, back.nouts, back.activation) == (2, [5, 4, 3], activation)
    assert back.metadata == {"classes": ["a", "b", "c"]}
    assert [p.data for p in back.parameters()] == [p.data for p in model.parameters()]
    assert [p.label for p in back.parameters()] == [p.label for p in model.parameters()]
    for row in _inputs(5, 2, seed=3):
        assert [v.data for v in back.outputs(row)] == [v.data for v in model.outputs(row)]


@pytest.mark.parametrize("output", ["relu", "tanh", "sigmoid"])
def test_an_output_activation_goes_to_torch_and_back(torch: Any, output: str) -> None:
    model = MLP(2, [4, 3], activation="relu", output=output, seed=4)
    net = model.to_torch()
    assert [type(part).__name__.lower() for part in net[1::2]] == ["relu", output]
    X = _inputs(5, 2, seed=5)
    theirs = net(torch.tensor(X, dtype=torch.float64)).tolist()
    for row, want in zip(X, theirs):
        got = [v.data for v in model.outputs(row)]
        assert max(abs(a - b) for a, b in zip(got, want)) <= 1e-15
    back = MLP.from_torch(net)
    assert (back.activation, back.output) == ("relu", output)
    assert [p.data for p in back.parameters()] == [p.data for p in model.parameters()]
    lecture = MLP.from_torch(LectureMLP(3, [1], seed=0).to_torch(), activation="tanh")
    assert repr(lecture) == "MLP(3, [1], output='tanh')"


def test_from_torch_reads_a_model_trained_in_torch(torch: Any) -> None:
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(4, 7), torch.nn.Tanh(), torch.nn.Linear(7, 2)
    )  # float32, as torch makes them by default
    back = MLP.from_torch(net)
    assert back.activation == "tanh"
    X = _inputs(6, 4, seed=4)
    expected = net(torch.tensor(X, dtype=torch.float32)).double().tolist()
    for row, want in zip(X, expected):
        got = [v.data for v in back.outputs(row)]
        assert max(abs(a - b) for a, b in zip(got, want)) < 1e-5  # float32 arithmetic in torch
    assert back.to_torch()[0].weight.tolist() == net[0].weight.double().tolist()


def test_from_torch_of_a_single_layer_takes_the_activation_given(torch: Any) -> None:
    net = MLP(3, [2], seed=0).to_torch()
    assert len(net) == 1
    assert MLP.from_torch(net).activation == "relu"
    assert MLP.from_torch(net, activation="tanh").activation == "tanh"


def test_from_torch_refuses_what_an_mlp_cannot_compute(torch: Any) -> None:
    nn_ = torch.nn
    cases = [
        (nn_.Linear(2, 3), TypeError, "expected a torch.nn.Sequential, got Linear"),
        (nn_.Sequential(), TypeError, "the Sequential is empty; it must start with a Linear"),
        (
            nn_.Sequential(nn_.Linear(2, 3), nn_.ReLU(), nn_.ReLU()),
            TypeError,
            "layer 2 must be a torch.nn.Linear with a bias",
        ),
        (
            nn_.Sequential(nn_.Linear(2, 3), nn_.GELU(), nn_.Linear(3, 1)),
            TypeError,
            "layer 1 must be one of torch.nn.ReLU(), torch.nn.Tanh(), torch.nn.Sigmoid(), got GELU",
        ),
        (
            nn_.Sequential(nn_.Linear(2, 3, bias=False), nn_.ReLU(), nn_.Linear(3, 1)),
            TypeError,
            "layer 0 must be a torch.nn.Linear with a bias",
        ),
        (
            nn_.Sequential(
                nn_.Linear(2, 3), nn_.ReLU(), nn_.Linear(3, 3), nn_.Tanh(), nn_.Linear(3, 1)
            ),
            TypeError,
            "must share one activation, got ['ReLU', 'Tanh']",
        ),
        (
            nn_.Sequential(nn_.Linear(2, 3), nn_.ReLU(), nn_.Linear(4, 1)),
            ValueError,
            "layer 2 takes 4 inputs, but the layer before gives 3",
        ),
    ]
    for net, kind, message in cases:
        with pytest.raises(kind, match=re.escape(message)):
            MLP.from_torch(net)
    tanh_net = MLP(2, [3, 1], activation="tanh", seed=0).to_torch()
    with pytest.raises(ValueError, match="activation='relu', but the model's is 'tanh'"):
        MLP.from_torch(tanh_net, activation="relu")
    with torch.no_grad():
        tanh_net[2].bias[0] = float("nan")
    with pytest.raises(ValueError, match="layer 2 has a weight that is not finite"):
        MLP.from_torch(tanh_net)


def test_from_torch_refuses_weights_an_mlp_cannot_hold(torch: Any) -> None:
    """Complex numbers, and weight or bias tensors replaced by ones of other shapes."""
    nn_ = torch.nn

    def net(**replace: Any) -> Any:
        model = nn_.Sequential(nn_.Linear(2, 3), nn_.Tanh(), nn_.Linear(3, 1))
        for name, tensor in replace.items():
            setattr(model[2], name, nn_.Parameter(tensor))
        return model

    cases = [
        (
            net(weight=torch.ones(1, 3, dtype=torch.complex128)),
            TypeError,
            "layer 2 has a weight of torch.complex128; an MLP holds real numbers",
        ),
        (
            net(bias=torch.ones(1, dtype=torch.complex64)),
            TypeError,
            "layer 2 has a bias of torch.complex64",
        ),
        (
            net(bias=torch.ones(2, dtype=torch.float64)),
            ValueError,
            "layer 2's bias has shape (2,), but the layer has 1 outputs: expected (1,)",
        ),
        (
            net(weight=torch.ones(1, 4, dtype=torch.float64)),
            ValueError,
            "layer 2's weight has shape (1, 4), but it is Linear(3, 1): expected (1, 3)",
        ),
        (
            net(weight=torch.ones(2, 3, dtype=torch.float64)),
            ValueError,
            "layer 2's weight has shape (2, 3)",
        ),
    ]
    for model, kind, message in cases:
        with pytest.raises(kind, match=re.escape(message)):
            MLP.from_torch(model)


def test_from_torch_reads_the_activations_class_not_its_name(torch: Any) -> None:
    class Tanh(torch.nn.Module):  # type: ignore[misc]
        def forward(self, x: Any) -> Any:
            return x * 2.0

    class Sigmoid(torch.nn.Sigmoid):  # type: ignore[misc]
        def forward(self, x: Any) -> Any:
            return x

    for fake in (Tanh(), Sigmoid()):
        model = torch.nn.Sequential(torch.nn.Linear(2, 3), fake, torch.nn.Linear(3, 1))
        with pytest.raises(TypeError, match=r"layer 1 must be one of .*\(class .*test_torch"):
            MLP.from_torch(model)


def test_docs_torch_page_runs(torch: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/torch.md's examples, in the page's order, in one session (test_docs leaves them)."""
    blocks = re.findall(r"<!-- no-run -->\n```python\n(.*?)```", DOCS_PAGE.read_text(), re.S)
    assert len(blocks) == 4
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, str(DOCS_PAGE), "exec"), namespace)
    assert str(namespace["net"]).startswith("Sequential(\n  (0): Linear(in_features=2")


def test_nn_imports_without_torch_and_says_how_to_get_it() -> None:
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import nn\n"
        "from nn import MLP\n"
        "assert 'torch' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
        "try:\n"
        "    MLP(2, [3, 1], seed=0).to_torch()\n"
        "except ModuleNotFoundError as error:\n"
        "    print(error)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert "pip install 'opgrad[torch]'" in run.stdout
