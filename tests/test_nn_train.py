"""nn.train (Trainer, fit, History) and nn.batch (build_graph).

Long on purpose: every loss, optimiser and batch size is checked with replay on and off, and
both modules are exercised through the Trainer, which is how users reach them.
"""

from __future__ import annotations

import importlib.util
import io
import math
import random
import struct
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import pytest

import nn.train
from autograd import Value
from nn import (
    MLP,
    SGD,
    Adam,
    Evaluation,
    Graph,
    History,
    LectureMLP,
    LinearDecay,
    Module,
    Optimizer,
    Trainer,
    build_graph,
    dead_relu_layers,
    fit,
    max_margin,
    mse,
    softmax_cross_entropy,
)
from nn.datasets import tiny

# Two separable blobs (labels -1/+1) and three (class indices), small enough to train in ms.
BLOBS_X = [[-1.0, -1.2], [-1.5, -0.7], [-0.8, -1.6], [1.1, 0.9], [1.4, 1.3], [0.7, 1.5]]
BLOBS_Y = [-1, -1, -1, 1, 1, 1]
THREE_X = [[0.0, 2.0], [0.3, 2.2], [2.0, -1.0], [2.2, -1.3], [-2.0, -1.0], [-2.1, -1.2]]
THREE_Y = [0, 0, 1, 1, 2, 2]


def _trainer(seed: int = 0, **kwargs: object) -> Trainer:
    model = MLP(2, [6, 1], activation="tanh", seed=seed)
    return Trainer(model, SGD(model.parameters(), lr=0.1), "max_margin", **kwargs)  # type: ignore[arg-type]


def test_history_has_one_entry_per_epoch() -> None:
    history = _trainer().fit(BLOBS_X, BLOBS_Y, 7, test=(BLOBS_X[:2], BLOBS_Y[:2]))
    assert history.epochs == 7
    for name in ("loss", "train_accuracy", "test_loss", "test_accuracy", "lr", "seconds"):
        assert len(getattr(history, name)) == 7, name
    assert all(0.0 <= a <= 1.0 for a in history.train_accuracy + history.test_accuracy)
    assert all(s >= 0.0 for s in history.seconds)


def test_history_without_test_set_or_accuracy_leaves_those_lists_empty() -> None:
    history = _trainer().fit(BLOBS_X, BLOBS_Y, 3)
    assert (len(history.loss), history.test_loss, history.test_accuracy) == (3, [], [])
    model = MLP(2, [4, 1], seed=0)
    regression = fit(
        model,
        SGD(model.parameters(), lr=0.05),
        BLOBS_X,
        [0.5, 0.1, 0.0, 1.0, 2.0, 1.5],
        loss="mse",
        epochs=4,
        test=(BLOBS_X, [0.5, 0.1, 0.0, 1.0, 2.0, 1.5]),
    )
    assert len(regression.loss) == len(regression.test_loss) == 4
    assert regression.train_accuracy == regression.test_accuracy == []


def test_full_batch_loss_is_the_loss_before_each_update() -> None:
    trainer = _trainer(l2=1e-3)
    before = [p.data for p in trainer.model.parameters()]
    expected = build_graph(trainer.model, BLOBS_X, BLOBS_Y, "max_margin", 1e-3).loss.data
    history = trainer.fit(BLOBS_X, BLOBS_Y, 1)
    assert history.loss == [expected]
    assert [p.data for p in trainer.model.parameters()] != before


def test_training_is_deterministic_from_the_seeds() -> None:
    def run(trainer_seed: int) -> tuple[list[float], list[float]]:
        model = MLP(2, [6, 1], activation="tanh", seed=3)
        trainer = Trainer(
            model, Adam(model.parameters(), lr=0.05), "bce", batch_size=2, seed=trainer_seed
        )
        history = trainer.fit(BLOBS_X, [0, 0, 0, 1, 1, 1], 5)
        return history.loss + history.train_accuracy, [p.data for p in model.parameters()]

    assert run(0) == run(0)
    assert run(0) != run(1)  # another shuffle, another trajectory


def test_trainer_leaves_global_random_alone() -> None:
    state = random.getstate()
    _trainer(batch_size=2).fit(BLOBS_X, BLOBS_Y, 3)
    assert random.getstate() == state


def test_mini_batches_take_one_step_each() -> None:
    trainer = _trainer(batch_size=4)
    trainer.fit(BLOBS_X, BLOBS_Y, 3)
    assert trainer.optimizer.steps == 3 * 2  # 6 samples in batches of 4 and 2
    full = _trainer(batch_size=100)
    full.fit(BLOBS_X, BLOBS_Y, 3)
    assert full.optimizer.steps == 3


def test_step_zeroes_gradients_so_they_do_not_accumulate() -> None:
    trainer = _trainer()
    trainer.optimizer.lr = 0.0  # parameters stay put, so both steps see the same gradient
    trainer.step(BLOBS_X, BLOBS_Y)
    first = [p.grad for p in trainer.model.parameters()]
    trainer.step(BLOBS_X, BLOBS_Y)
    assert [p.grad for p in trainer.model.parameters()] == first
    assert any(g != 0.0 for g in first)


def test_schedule_sets_the_learning_rate_per_step() -> None:
    history = _trainer(schedule=LinearDecay(1.0, 0.1, 100)).fit(BLOBS_X, BLOBS_Y, 3)
    assert history.lr == [1.0, 1.0 - 0.9 * 1 / 100, 1.0 - 0.9 * 2 / 100]


def test_multiclass_with_softmax_reaches_full_accuracy() -> None:
    model = MLP(2, [8, 3], activation="tanh", seed=0)
    trainer = Trainer(model, Adam(model.parameters(), lr=0.05), "softmax")
    history = trainer.fit(THREE_X, THREE_Y, 60)
    assert history.train_accuracy[-1] == 1.0
    result = trainer.evaluate(THREE_X, THREE_Y)
    assert result.accuracy == 1.0
    outputs = [model.outputs(x) for x in THREE_X]
    assert result.loss == softmax_cross_entropy(outputs, THREE_Y).data


def test_binary_cross_entropy_task_learns() -> None:
    model = MLP(2, [4, 1], seed=1)
    history = fit(
        model, SGD(model.parameters(), lr=0.5), BLOBS_X, [0, 0, 0, 1, 1, 1], loss="bce", epochs=30
    )
    assert history.loss[-1] < history.loss[0]
    assert history.train_accuracy[-1] == 1.0


def test_binary_cross_entropy_counts_a_probability_above_half_as_positive() -> None:
    model = MLP(2, [4, 1], seed=1)
    soft = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9]
    trainer = Trainer(model, SGD(model.parameters(), lr=0.5), "bce")
    history = trainer.fit(BLOBS_X, soft, 30, test=(BLOBS_X, soft))
    assert history.epochs == 30
    assert history.train_accuracy[-1] == history.test_accuracy[-1] == 1.0
    scores = [model(x).data for x in BLOBS_X]  # type: ignore[union-attr]
    right = sum((s > 0.0) == (t > 0.5) for s, t in zip(scores, soft, strict=True))
    assert trainer.evaluate(BLOBS_X, soft).accuracy == right / len(soft)


def test_regression_with_several_outputs() -> None:
    model = MLP(2, [8, 2], activation="tanh", seed=0)
    targets = [[x0 + x1, x0 - x1] for x0, x1 in BLOBS_X]
    trainer = Trainer(model, Adam(model.parameters(), lr=0.05), "mse")
    history = trainer.fit(BLOBS_X, targets, 150)
    assert history.loss[-1] < 0.01 * history.loss[0]
    flat = [v for x in BLOBS_X for v in model.outputs(x)]
    assert (
        trainer.evaluate(BLOBS_X, targets).loss
        == mse(flat, [t for row in targets for t in row]).data
    )


def test_evaluate_does_not_update() -> None:
    trainer = _trainer()
    before = [p.data for p in trainer.model.parameters()]
    result = trainer.evaluate(BLOBS_X, BLOBS_Y)
    assert isinstance(result, Evaluation)
    assert [p.data for p in trainer.model.parameters()] == before
    model = trainer.model
    assert isinstance(model, MLP)
    scores = [model.outputs(x)[0] for x in BLOBS_X]
    assert result.loss == max_margin(scores, BLOBS_Y).data


def test_quiet_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    _trainer().fit(BLOBS_X, BLOBS_Y, 3)
    assert capsys.readouterr() == ("", "")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tqdm")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    _trainer().fit(BLOBS_X, BLOBS_Y, 3)
    assert "3/3" in terminal.getvalue()


def test_no_tqdm_means_no_bar_and_no_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setitem(sys.modules, "tqdm", None)  # makes `import tqdm` raise ImportError
    history = _trainer(progress=True).fit(BLOBS_X, BLOBS_Y, 2)
    assert history.epochs == 2
    assert terminal.getvalue() == ""


def test_verbose_prints_one_line_per_epoch(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)  # a bar would go here; verbose replaces it
    _trainer(verbose=True).fit(BLOBS_X, BLOBS_Y, 3, test=(BLOBS_X, BLOBS_Y))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("epoch 1/3  loss ")
    assert "accuracy" in lines[0]
    assert "test accuracy" in lines[2]
    assert terminal.getvalue() == ""


def test_loss_and_outputs_must_agree() -> None:
    model = MLP(2, [3, 2], seed=0)
    with pytest.raises(
        ValueError, match="loss 'max_margin' needs one output per sample; the model gives 2"
    ):
        Trainer(model, SGD(model.parameters(), lr=0.1)).fit(BLOBS_X, BLOBS_Y, 1)
    with pytest.raises(ValueError, match="sample 0 has 1 target"):
        Trainer(model, SGD(model.parameters(), lr=0.1), "mse").fit(BLOBS_X, BLOBS_Y, 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"loss": "hinge"}, "loss must be one of 'max_margin', 'bce', 'softmax', 'mse'"),
        ({"batch_size": 0}, "batch_size must be a positive int"),
        ({"l2": -1.0}, "l2 must be a finite number >= 0"),
        ({"l2": math.inf}, "l2 must be a finite number >= 0"),
    ],
)
def test_trainer_rejects_bad_settings(kwargs: dict[str, object], message: str) -> None:
    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match=message):
        Trainer(model, SGD(model.parameters(), lr=0.1), **kwargs)  # type: ignore[arg-type]


def test_optimizer_must_hold_the_models_parameters() -> None:
    model, other = MLP(2, [1], seed=0), MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="not the model's"):
        Trainer(model, SGD(other.parameters(), lr=0.1))


def test_fit_checks_its_data() -> None:
    trainer = _trainer()
    with pytest.raises(ValueError, match="X has 6 samples but y has 5"):
        trainer.fit(BLOBS_X, BLOBS_Y[:5], 1)
    with pytest.raises(ValueError, match="no samples"):
        trainer.fit([], [], 1)
    with pytest.raises(ValueError, match="epochs must be an int >= 0"):
        trainer.fit(BLOBS_X, BLOBS_Y, -1)
    with pytest.raises(ValueError, match="test set: X has 1 samples but y has 2"):
        trainer.fit(BLOBS_X, BLOBS_Y, 1, test=(BLOBS_X[:1], BLOBS_Y[:2]))


NAN = float("nan")


@pytest.mark.parametrize(
    ("X", "y", "test", "error", "message"),
    [
        ([[0.0, NAN], *BLOBS_X[1:]], BLOBS_Y, None, ValueError, "training set: row 0, feature 1"),
        ([*BLOBS_X[:5], [1.0, math.inf]], BLOBS_Y, None, ValueError, "row 5, feature 1: inf is"),
        ([*BLOBS_X[:2], [1.0], *BLOBS_X[3:]], BLOBS_Y, None, ValueError, "row 2 has 1 features"),
        (BLOBS_X, [*BLOBS_Y[:5], 3], None, ValueError, "training set: max_margin: label 5 is 3"),
        (BLOBS_X, BLOBS_Y, ([[1.0, NAN]], [1]), ValueError, "test set: row 0, feature 1: nan"),
        (BLOBS_X, BLOBS_Y, ([[1.0, 2.0, 3.0]], [1]), ValueError, "test set: row 0 has 3 features"),
        (BLOBS_X, BLOBS_Y, ([[1.0, 2.0]], [2]), ValueError, "test set: max_margin: label 0 is 2"),
        (BLOBS_X, BLOBS_Y, ([[1, 2]],), TypeError, r"test must be a pair \(X_test, y_test\)"),
    ],
)
def test_fit_checks_all_its_data_before_any_update(
    X: list[list[float]], y: list[int], test: Any, error: type[Exception], message: str
) -> None:
    trainer = _trainer()
    before = [p.data for p in trainer.model.parameters()]
    with pytest.raises(error, match=f"^Trainer.fit: .*{message}"):
        trainer.fit(X, y, 3, test=test)
    assert [p.data for p in trainer.model.parameters()] == before
    assert trainer.optimizer.steps == 0


@pytest.mark.parametrize(
    ("schedule", "error", "message"),
    [
        (
            lambda k: math.nan,
            ValueError,
            r"schedule .*<lambda> at step 0: nan is not a finite number",
        ),
        (lambda k: 0.1 - k, ValueError, r"schedule .*<lambda> at step 1 must be in .*got -0.9"),
        (lambda k: "fast", TypeError, r"schedule .*<lambda> at step 0: 'fast' is not a number"),
    ],
)
def test_schedule_output_is_checked_like_an_lr(
    schedule: Callable[[int], float], error: type[Exception], message: str
) -> None:
    trainer = _trainer(schedule=schedule)
    with pytest.raises(error, match=f"^Trainer: the lr from {message}"):
        trainer.fit(BLOBS_X, BLOBS_Y, 3)
    assert all(math.isfinite(p.data) for p in trainer.model.parameters())


@pytest.mark.parametrize("seed", [1.5, "0", None, True])
def test_trainer_seed_must_be_an_int(seed: object) -> None:
    model = MLP(2, [1], seed=0)
    with pytest.raises(TypeError, match="Trainer: seed must be an int"):
        Trainer(model, SGD(model.parameters(), lr=0.1), seed=seed)  # type: ignore[arg-type]


def test_fit_checks_bce_targets_before_any_update() -> None:
    model = MLP(2, [3, 1], seed=0)
    trainer = Trainer(model, SGD(model.parameters(), lr=0.1), "bce")
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match="test set: binary_cross_entropy: target 0 is 2"):
        trainer.fit(BLOBS_X, [0, 0, 0, 1, 1, 1], 2, test=(BLOBS_X[:1], [2]))
    assert [p.data for p in model.parameters()] == before


def _bits(xs: Sequence[float]) -> list[bytes]:
    """IEEE bytes: tells 0.0 from -0.0, so equal lists are equal bit for bit."""
    return [struct.pack("<d", x) for x in xs]


def _history_bits(history: History) -> list[list[bytes]]:
    figures = ("loss", "train_accuracy", "test_loss", "test_accuracy", "lr")
    return [_bits(getattr(history, name)) for name in figures]


# A task per loss: (loss, hidden activation, outputs, X, y). Seven samples, so batches of 3
# leave a smaller last batch of 1.
SEVEN_X = [*BLOBS_X, [0.2, -0.1]]
TASKS: dict[str, tuple[str, str, int, list[list[float]], list[Any]]] = {
    "max_margin": ("max_margin", "relu", 1, SEVEN_X, [*BLOBS_Y, 1]),
    "bce": ("bce", "tanh", 1, SEVEN_X, [0, 0, 0, 1, 1, 1, 1]),
    "softmax": ("softmax", "tanh", 3, [*THREE_X, [0.1, 0.1]], [*THREE_Y, 0]),
    "mse": ("mse", "tanh", 2, SEVEN_X, [[x0 + x1, x0 * x1] for x0, x1 in SEVEN_X]),
    "mse, one output": ("mse", "sigmoid", 1, SEVEN_X, [x0 - x1 for x0, x1 in SEVEN_X]),
}
OPTIMIZERS: dict[str, Callable[[MLP], Optimizer]] = {
    "sgd": lambda m: SGD(m.parameters(), lr=0.2),
    "momentum": lambda m: SGD(m.parameters(), lr=0.1, momentum=0.9),
    "adam": lambda m: Adam(m.parameters(), lr=0.05),
}


def _train(task: str, optimizer: str, replay: bool, **kwargs: object) -> tuple[History, MLP]:
    loss, activation, outputs, X, y = TASKS[task]
    model = MLP(2, [5, 4, outputs], activation=activation, seed=2)
    trainer = Trainer(
        model,
        OPTIMIZERS[optimizer](model),
        loss,  # type: ignore[arg-type]
        replay=replay,
        **kwargs,  # type: ignore[arg-type]
    )
    history = trainer.fit(X, y, 12, test=(X[:5], y[:5]))
    return history, model


BACKENDS = ["python", "numpy"] if importlib.util.find_spec("numpy") else ["python"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("batch_size", [None, 3], ids=["full batch", "batches of 3"])
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("task", sorted(TASKS))
def test_replay_trains_bit_for_bit_as_rebuilding_the_graph(
    task: str, optimizer: str, batch_size: int | None, backend: str
) -> None:
    settings = {"l2": 1e-3, "schedule": LinearDecay(1.0, 0.5, 30), "batch_size": batch_size}
    replayed, replayed_model = _train(task, optimizer, True, backend=backend, **settings)
    rebuilt, rebuilt_model = _train(task, optimizer, False, **settings)
    assert _history_bits(replayed) == _history_bits(rebuilt)
    assert _bits([p.data for p in replayed_model.parameters()]) == _bits(
        [p.data for p in rebuilt_model.parameters()]
    )
    assert _bits([p.grad for p in replayed_model.parameters()]) == _bits(
        [p.grad for p in rebuilt_model.parameters()]
    )
    assert replayed.loss[-1] != replayed.loss[0]  # it trained: the numbers moved


class _PlainSGD(SGD):
    """SGD with its own step and no step_arrays: the trainer must step it through step()."""

    def step(self) -> None:
        for p in self.params:
            p.data -= self.lr * p.grad
        self.steps += 1


@pytest.mark.skipif("numpy" not in BACKENDS, reason="numpy is not installed")
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "plain"])
def test_numpy_replay_updates_with_arrays_and_shows_every_step_in_the_values(
    optimizer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def make(m: MLP) -> Optimizer:
        return (
            _PlainSGD(m.parameters(), lr=0.2) if optimizer == "plain" else OPTIMIZERS[optimizer](m)
        )

    models = [MLP(2, [16, 1], activation="tanh", seed=4) for _ in range(2)]
    X = [[0.1 * k, 0.05 * k - 1.0] for k in range(60)]  # wide enough for a numpy plan
    y = [k % 2 for k in range(60)]
    replayed = Trainer(models[0], make(models[0]), "bce", l2=1e-3, backend="numpy")
    rebuilt = Trainer(models[1], make(models[1]), "bce", l2=1e-3, replay=False)
    arrays = 0
    step_arrays = nn.train._Replay.step_arrays

    def counted(self: nn.train._Replay, model: Module, opt: Optimizer) -> bool:
        nonlocal arrays
        used = step_arrays(self, model, opt)
        arrays += used
        return used

    monkeypatch.setattr(nn.train._Replay, "step_arrays", counted)
    for _ in range(6):
        ours, theirs = replayed.step(X, y), rebuilt.step(X, y)
        assert _bits([ours.loss.data]) == _bits([theirs.loss.data])
        for name in ("data", "grad"):  # after every step, as the optimiser left them
            assert _bits([getattr(p, name) for p in models[0].parameters()]) == _bits(
                [getattr(p, name) for p in models[1].parameters()]
            )
        assert [_bits([x.grad for x in row]) for row in ours.inputs] == [
            _bits([x.grad for x in row]) for row in theirs.inputs
        ]
    assert arrays == (0 if optimizer == "plain" else 6)


def test_trainer_refuses_an_unknown_backend() -> None:
    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match=r"Trainer: backend must be one of .*python.*got 'fast'"):
        Trainer(model, SGD(model.parameters(), lr=0.1), backend="fast")


def _counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    sizes: list[int] = []
    build = nn.train.build_graph

    def counted(model: Module, X: object, *args: object) -> Graph:
        sizes.append(len(X))  # type: ignore[arg-type]
        return build(model, X, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(nn.train, "build_graph", counted)
    return sizes


def test_replay_builds_one_graph_per_batch_size(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes = _counting_builds(monkeypatch)
    trainer = _trainer(batch_size=4)
    trainer.fit(BLOBS_X, BLOBS_Y, 5, test=(BLOBS_X[:3], BLOBS_Y[:3]))
    trainer.evaluate(BLOBS_X, BLOBS_Y)
    assert sizes == [4, 2, 3, 6]  # the batches of 4 and of 2, the test set, the whole set
    sizes.clear()
    eager = _trainer(batch_size=4, replay=False)
    eager.fit(BLOBS_X, BLOBS_Y, 5)
    assert sizes == [4, 2] * 5


def test_replay_follows_a_change_of_loss_penalty_or_model() -> None:
    def run(replay: bool) -> list[float]:
        trainer = _trainer(replay=replay)
        trainer.step(BLOBS_X, BLOBS_Y)
        trainer.l2 = 1e-2
        trainer.step(BLOBS_X, BLOBS_Y)
        trainer.loss = "bce"
        trainer.step(BLOBS_X, [0, 0, 0, 1, 1, 1])
        first = trainer.model
        trainer.model = MLP(2, [6, 1], activation="tanh", seed=1)
        trainer.optimizer = SGD(trainer.model.parameters(), lr=0.1)
        trainer.step(BLOBS_X, [0, 0, 0, 1, 1, 1])
        return [p.data for p in first.parameters() + trainer.model.parameters()]

    assert _bits(run(True)) == _bits(run(False))


def test_replay_step_returns_the_graph_with_this_steps_numbers() -> None:
    replayed, rebuilt = _trainer(), _trainer(replay=False)
    for k in range(3):
        batch = (BLOBS_X[k : k + 3], BLOBS_Y[k : k + 3])
        ours, theirs = replayed.step(*batch), rebuilt.step(*batch)
        assert _bits([ours.loss.data]) == _bits([theirs.loss.data])
        assert [_bits([v.data for v in row]) for row in ours.outputs] == [
            _bits([v.data for v in row]) for row in theirs.outputs
        ]
        # Every leaf holds this step's gradient, as on a new graph: inputs too.
        assert [_bits([x.grad for x in row]) for row in ours.inputs] == [
            _bits([x.grad for x in row]) for row in theirs.inputs
        ]
        assert [[x.data for x in row] for row in ours.inputs] == batch[0]
    assert ours is replayed.step(BLOBS_X[:3], BLOBS_Y[:3])  # one graph per batch size


def test_graph_holds_the_batch_in_leaves_of_its_own() -> None:
    model = MLP(2, [3, 3], seed=0)
    graph = build_graph(model, THREE_X[:2], THREE_Y[:2], "softmax")
    assert [[x.data for x in row] for row in graph.inputs] == THREE_X[:2]
    assert [[x.label for x in row] for row in graph.inputs] == [["x0", "x1"]] * 2
    assert [[t.data for t in row] for row in graph.targets] == [[1.0, 0.0, 0.0]] * 2
    assert [t.label for t in graph.targets[0]] == ["y0", "y1", "y2"]
    signs = build_graph(MLP(2, [1], seed=0), BLOBS_X[2:4], [0, 1], "max_margin").targets
    assert [[t.data for t in row] for row in signs] == [[-1.0], [1.0]]
    assert signs[0][0].label == "y"


class _Dot(Module):
    """w . x for inputs of any length (the weights used are the first len(x))."""

    def __init__(self) -> None:
        self.w = [Value(0.1 * k, label=f"w{k}") for k in range(4)]

    def __call__(self, x: Sequence[Value | float]) -> Value:
        total = self.w[0] * x[0]
        for w, xi in zip(self.w[1:], x[1:]):
            total = total + w * xi
        return total

    def parameters(self) -> list[Value]:
        return list(self.w)


def test_replay_builds_anew_for_inputs_the_graph_does_not_fit() -> None:
    def run(replay: bool) -> list[float]:
        model = _Dot()
        trainer = Trainer(model, SGD(model.parameters(), lr=0.1), "mse", replay=replay)
        trainer.step([[1.0, 2.0], [3.0, 4.0]], [1.0, 0.0])
        trainer.step([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]], [1.0, 0.0])  # same size, longer rows
        trainer.step([[2.0, 1.0], [1.0, 1.0]], [0.0, 1.0])
        return [p.data for p in model.parameters()]

    assert _bits(run(True)) == _bits(run(False))


def test_replay_reports_bad_batches_as_building_does() -> None:
    trainer = _trainer()
    trainer.step(BLOBS_X, BLOBS_Y)
    with pytest.raises(ValueError, match="max_margin: label 0 is 2"):
        trainer.step(BLOBS_X, [2, *BLOBS_Y[1:]])
    with pytest.raises(TypeError, match="build_graph: sample 1, input 0: 'a' is not a number"):
        trainer.evaluate([BLOBS_X[0], ["a", 1.0], *BLOBS_X[2:]], BLOBS_Y)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="build_graph: sample 2, input 1: nan is not a finite"):
        trainer.step([*BLOBS_X[:2], [1.0, NAN], *BLOBS_X[3:]], BLOBS_Y)


def test_verbose_every_k_epochs_prints_those_and_the_last(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _trainer(verbose=2).fit(BLOBS_X, BLOBS_Y, 5)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[0] for line in lines] == ["epoch 2/5", "epoch 4/5", "epoch 5/5"]
    with pytest.raises(ValueError, match="verbose must be a bool or an int >= 0, got -1"):
        _trainer(verbose=-1)


def test_fit_warns_when_every_relu_of_a_layer_is_dead() -> None:
    X, y = tiny()
    model = MLP(3, [4, 4, 1], seed=0)
    for neuron in model.layers[1].neurons:
        neuron.b.data = -100.0  # L1's sums are negative on every sample: all dead
    trainer = Trainer(model, SGD(model.parameters(), lr=0.05), "mse")
    with pytest.warns(RuntimeWarning, match=r"every ReLU of layer L1 is dead \(0 on all 4 "):
        trainer.fit(X, y, epochs=2)
    lecture = LectureMLP(3, [4, 4, 1], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Trainer(lecture, SGD(lecture.parameters(), lr=0.05), "mse").fit(X, y, epochs=2)
    assert dead_relu_layers(lecture, X) == []  # tanh layers are never reported
    assert dead_relu_layers(model, X) == ["L1"]
