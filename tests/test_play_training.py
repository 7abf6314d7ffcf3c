from __future__ import annotations

import json
import math
from typing import Any

import pytest

from nn import Trainer
from nn._checks import predicted_class
from opgrad.play.expression import PlayError
from opgrad.play.training import DATASETS, GRID, MAX_POINTS, TrainState, hidden_sizes


def test_train_state_learns_moons_and_the_regions_follow_the_model() -> None:
    state = TrainState("moons")
    before = list(state.cells)
    state.run(epochs=30)
    assert len(state.loss) == 30
    assert state.loss[-1] < state.loss[0]
    assert state.accuracy[-1] > state.accuracy[0]
    assert state.accuracy[-1] >= 0.85
    assert state.cells != before
    # Each cell is the class the model predicts at the cell's centre, computed eagerly.
    (x_low, x_high), (y_low, y_high) = state.ranges
    for i, j in [(0, 0), (GRID - 1, GRID - 1), (5, 17), (12, 3)]:
        x = x_low + (x_high - x_low) * (i + 0.5) / GRID
        y = y_low + (y_high - y_low) * (j + 0.5) / GRID
        scores = [v.data for v in state.model.outputs([x, y])]
        assert state.cells[j * GRID + i] == predicted_class(scores)


def test_train_state_trains_as_the_trainer_does() -> None:
    state = TrainState("xor")
    state.run(epochs=5)
    reference = TrainState("xor")
    trainer = Trainer(reference.model, reference.optimizer, "max_margin", progress=False)
    history = trainer.fit(reference.X, reference.y, 5)
    assert state.loss == history.loss
    assert [p.data for p in state.model.parameters()] == [
        p.data for p in reference.model.parameters()
    ]


def test_train_state_iris_is_standardised_three_classes_and_tiny_has_no_plot() -> None:
    iris = TrainState("iris")
    assert iris.model.nouts[-1] == 3
    iris.run(epochs=10)
    assert set(iris.cells) <= {0, 1, 2}
    tiny = TrainState("tiny", hidden=(4, 4), lr=0.05)
    tiny.run(epochs=20)
    snapshot = tiny.snapshot()
    assert snapshot["plot"] is None
    assert [row["target"] for row in snapshot["predictions"]] == [1.0, -1.0, -1.0, 1.0]
    assert snapshot["accuracy"] == []
    json.dumps(snapshot, allow_nan=False)
    with pytest.raises(PlayError, match="2-D sets only"):
        tiny.add_point(0.0, 0.0, 0)


def test_train_state_adds_and_removes_points_and_trains_on_them() -> None:
    state = TrainState("xor")
    state.add_point(0.5, 0.5, 1)
    assert state.X[-1] == [0.5, 0.5]
    assert state.y[-1] == 1
    state.run(epochs=2)
    assert len(state.loss) == 2
    state.remove_point(0)
    assert len(state.X) == 4
    snapshot = state.snapshot()
    assert snapshot["plot"]["points"][-1] == [0.5, 0.5, 1]
    json.dumps(snapshot, allow_nan=False)
    state.remove_nearest(0.9, 0.2)  # nearest to the corner (1, 0)
    assert state.X == [[0.0, 1.0], [1.0, 1.0], [0.5, 0.5]]


@pytest.mark.parametrize(
    ("x", "y", "label", "message"),
    [
        (0.5, 0.5, 2, "Class must be one of 0 to 1"),
        (0.5, 0.5, -1, "Class must be one of 0 to 1"),
        (1e9, 0.5, 0, "x1 must be between"),
        (0.5, float("nan"), 0, "x2 must be between"),
    ],
)
def test_train_state_refuses_bad_points(x: float, y: float, label: int, message: str) -> None:
    state = TrainState("xor")
    with pytest.raises(PlayError, match=message):
        state.add_point(x, y, label)
    assert len(state.X) == 4


def test_train_state_caps_points_and_keeps_one() -> None:
    state = TrainState("xor")
    while len(state.X) < MAX_POINTS:
        state.add_point(0.5, 0.5, 0)
    with pytest.raises(PlayError, match=f"{MAX_POINTS} points already"):
        state.add_point(0.5, 0.5, 0)
    for index in [-1, MAX_POINTS]:
        with pytest.raises(PlayError, match="no point number"):
            state.remove_point(index)
    small = TrainState("xor")
    for _ in range(3):
        small.remove_point(0)
    with pytest.raises(PlayError, match="the last point stays"):
        small.remove_point(0)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"dataset": "mnist"}, "Data set must be one of moons, xor, tiny, iris"),
        ({"hidden": (64,)}, "from 1 to 32"),
        ({"hidden": (1, 1, 1, 1)}, "at most 3 hidden layers"),
        ({"activation": "gelu"}, "Activation must be one of"),
        ({"optimizer": "lbfgs"}, "Optimiser must be one of sgd, momentum, adam"),
        ({"lr": 0.0}, "Learning rate must be above 0"),
    ],
)
def test_train_state_refuses_bad_settings(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(PlayError, match=message):
        TrainState(**settings)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("16, x", "must be a whole number from 1 to 32"),
        ("64", "from 1 to 32"),
        ("1,1,1,1", "at most 3 hidden layers"),
        ("1," * 30, "Hidden layers must be sizes"),
    ],
)
def test_hidden_sizes_refuses_bad_text(text: str, message: str) -> None:
    with pytest.raises(PlayError, match=message):
        hidden_sizes(text)
    assert hidden_sizes(" 16, 8 ,") == (16, 8)
    assert hidden_sizes("") == ()


def test_train_state_no_hidden_layer_is_a_linear_model() -> None:
    state = TrainState("moons", hidden=())
    assert state.model.nouts == [1]


# An infinite weight makes NaNs on purpose; numpy says so when the plan is vectorised.
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_train_state_run_checks_its_budget_and_reports_divergence() -> None:
    state = TrainState("xor")
    for seconds, epochs in [(0.0, None), (5.0, None), (0.1, 0), (0.1, 10_000)]:
        with pytest.raises(PlayError):
            state.run(seconds, epochs)
    state.run(0.01)
    assert len(state.loss) >= 1
    broken = TrainState("moons")
    broken.model.parameters()[0].data = math.inf  # as a learning rate far too high ends
    broken.run(epochs=1)
    assert broken.message == "the loss is nan: lower the learning rate and press Reset"
    snapshot = broken.snapshot()
    assert snapshot["loss"] == ["nan"]
    json.dumps(snapshot, allow_nan=False)


def test_datasets_all_start_and_take_one_epoch() -> None:
    for name in DATASETS:
        state = TrainState(name)
        state.run(epochs=1)
        assert state.snapshot()["epoch"] == 1


def test_network_picture_lists_every_neuron_in_order_with_its_numbers_at_the_shown_point() -> None:
    state = TrainState("moons")
    before = state.network()
    assert before["layers"][0]["neurons"][0]["weight_grads"] == [0.0, 0.0]
    state.run(epochs=1)
    state.show_point(7)
    picture = state.network()
    assert picture["point"] == 7
    assert [x["name"] for x in picture["inputs"]] == ["x1", "x2"]
    assert [x["value"] for x in picture["inputs"]] == state.X[7]
    names = [[n["name"] for n in layer["neurons"]] for layer in picture["layers"]]
    assert names == [[f"L0.N{i}" for i in range(16)], [f"L1.N{i}" for i in range(16)], ["L2.N0"]]
    assert [layer["activation"] for layer in picture["layers"]] == ["relu", "relu", "linear"]
    neuron = state.model.layers[1].neurons[3]
    drawn = picture["layers"][1]["neurons"][3]
    assert drawn["weights"] == [w.data for w in neuron.w]
    assert drawn["weight_grads"] == [w.grad for w in neuron.w]
    assert any(g != 0.0 for g in drawn["weight_grads"])
    assert (drawn["bias"], drawn["bias_grad"]) == (neuron.b.data, neuron.b.grad)
    # Each neuron's output at the point, computed eagerly through the model's layers.
    hidden = state.model.layers[0].outputs(state.X[7])
    assert drawn["output"] == neuron([h.data for h in hidden]).data
    assert picture["layers"][2]["neurons"][0]["output"] == state.model.outputs(state.X[7])[0].data
    for index in [-1, 100]:
        with pytest.raises(PlayError, match="no point number"):
            state.show_point(index)
    state.show_point(99)
    state.remove_point(99)
    assert state.network()["point"] == 98  # the shown point follows a removal
    iris = TrainState("iris").network()
    assert [x["name"] for x in iris["inputs"]] == ["petal length", "petal width"]
    assert len(iris["layers"][-1]["neurons"]) == 3


def test_train_state_seed_changes_the_first_weights_and_is_checked() -> None:
    weights = [p.data for p in TrainState("xor").model.parameters()]
    assert [p.data for p in TrainState("xor", seed=0).model.parameters()] == weights
    assert [p.data for p in TrainState("xor", seed=5).model.parameters()] != weights
    assert TrainState("xor", seed=5).snapshot()["settings"]["seed"] == 5
    for seed in [-1, 2**31]:
        with pytest.raises(PlayError, match="Seed must be a whole number from 0 to 2147483647"):
            TrainState("xor", seed=seed)


def test_train_state_takes_a_links_points_inside_the_data_sets_ranges() -> None:
    own = TrainState("moons")
    points = [(0.5, 0.25, 1), (-1.0, 1.0, 0)]
    state = TrainState("moons", points=points)
    assert state.X == [[0.5, 0.25], [-1.0, 1.0]]
    assert state.y == [1, 0]
    assert state.ranges == own.ranges  # the plot keeps the data set's frame
    state.run(epochs=1)
    assert state.snapshot()["plot"]["points"] == [list(p) for p in points]
    iris, own_iris = TrainState("iris", points=[(4.0, 1.2, 2)]), TrainState("iris")
    assert iris.standardizer is not None
    assert own_iris.standardizer is not None
    assert iris.standardizer.mean == own_iris.standardizer.mean
    bad_points: list[tuple[list[tuple[float, float, int]], str]] = [
        ([], "points must be a list of 1 to 400"),
        ([(0.0, 0.0, 0)] * (MAX_POINTS + 1), "points must be a list of 1 to 400"),
        ([(0.0, 0.0, 2)], "Class must be one of 0 to 1"),
        ([(0.0, 99.0, 0)], "x2 must be between"),
    ]
    for bad, message in bad_points:
        with pytest.raises(PlayError, match=message):
            TrainState("moons", points=bad)
    with pytest.raises(PlayError, match="points cannot be replaced"):
        TrainState("tiny", points=[(0.0, 0.0, 0)])


def test_train_state_says_when_a_run_diverges() -> None:
    # Issue 21: at learning rate 10 the loss grew to 1e8 and more, and the page said nothing.
    state = TrainState("moons", lr=10)
    state.run(epochs=20)
    assert state.loss[-1] > 10 * state.loss[0]
    assert state.message.startswith(
        f"training diverges: the loss grew from {state.loss[0]:.3g} to {state.loss[-1]:.3g}"
    )
    assert state.message.endswith("lower the learning rate and press Reset")
    calm = TrainState("moons")
    calm.run(epochs=20)
    assert calm.message == ""


def test_train_state_says_when_every_relu_of_a_layer_is_dead() -> None:
    # Issue 21: the Trainer warns about dead ReLUs; the page shows it as the run's message.
    state = TrainState("moons")
    for neuron in state.model.layers[0].neurons:
        neuron.b.data = -100.0
    state.run(epochs=2)
    assert state.message.startswith(
        "every ReLU of layer L0 is dead (0 on all 100 training samples)"
    )
    healthy = TrainState("moons")
    healthy.run(epochs=2)
    assert healthy.message == ""


def test_train_state_run_trains_in_few_calls_of_fit_not_one_per_epoch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each call of Trainer.fit ends with a dead-ReLU check over every sample (as long as about
    # seven epochs of moons): one call per epoch ran 11 epochs a second instead of 120.
    state = TrainState("moons")
    state.run(epochs=1)  # the first call compiles the Trainer's plan
    calls: list[int] = []
    fit = state.trainer.fit

    def counted(X: Any, y: Any, epochs: int) -> Any:
        calls.append(epochs)
        return fit(X, y, epochs)

    monkeypatch.setattr(state.trainer, "fit", counted)
    state.run(1.0)
    assert len(state.loss) == len(state.seconds) == 1 + sum(calls)
    assert len(state.accuracy) == 1 + sum(calls)
    assert len(calls) <= 4
    assert sum(calls) > len(calls)
    calls.clear()
    state.run(epochs=7)
    assert calls == [7]
