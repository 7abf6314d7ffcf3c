"""opgrad train and its recipes (opgrad/cli/train.py, opgrad/cli/recipes.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clitools import (
    assert_one_line_error,
    needs_matplotlib,
    run,
)


@needs_matplotlib
def test_cli_train_xor_saves_plots_and_predicts_every_corner(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    model_path, plots = tmp_path / "xor.json", tmp_path / "plots"
    status, out, err = run(capsys, "train", "xor", "--save", str(model_path), "--plot", str(plots))
    assert (status, err) == (0, "")
    assert out.splitlines()[:3] == [
        "data: XOR, the 4 corners of the unit square; all used for training",
        "model: MLP(2, [8, 1], activation='tanh'), 33 parameters, seed 0",
        "training: max-margin loss, SGD lr 0.1, momentum 0.9, full batch, 100 epochs",
    ]
    assert re.fullmatch(r"trained in \d+\.\d s", out.splitlines()[3])
    assert out.splitlines()[4:] == [
        "training set after the last update: loss 0, accuracy 100.0% (4 of 4)",
        f"wrote {model_path}",
        f"wrote {plots / 'xor-history.png'}",
        f"wrote {plots / 'xor-boundary.png'}",
    ]
    for picture in ("xor-history.png", "xor-boundary.png"):
        assert (plots / picture).read_bytes().startswith(b"\x89PNG")
    metadata = json.loads(model_path.read_text())["metadata"]
    assert metadata == {
        "dataset": "xor",
        "features": ["x1", "x2"],
        "classes": ["0", "1"],
        "loss": "max_margin",
        "standardizer": None,
    }
    for (a, b), label in [((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)]:
        status, out, _ = run(capsys, "predict", str(model_path), str(a), str(b))
        assert status == 0
        assert out.splitlines()[1] == f"class: {label}"
        score = float(out.splitlines()[0].removeprefix("score: "))
        assert (score > 0) == (label == 1)


def test_cli_train_iris_reaches_95_percent_on_the_test_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "train", "iris")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == (
        "data: Fisher's iris, 150 flowers of 3 species, 4 features; stratified split: 120 "
        "for training, 30 for testing; standardised"
    )
    assert lines[2] == "training: softmax cross-entropy, Adam lr 0.01, batches of 16, 100 epochs"
    test = re.fullmatch(
        r"test set after the last update: loss [\d.e-]+, accuracy ([\d.]+)% \((\d+) of 30\)",
        lines[-1],
    )
    assert test is not None, lines[-1]
    assert float(test[1]) >= 95.0


@needs_matplotlib
def test_cli_train_tiny_is_a_regression_with_the_loss_plot_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "tiny.json"
    status, out, _ = run(capsys, "train", "tiny", "--save", str(path), "--plot", str(tmp_path))
    assert status == 0
    assert re.search(r"^training set after the last update: loss [\d.e-]+$", out, re.MULTILINE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny-history.png", "tiny.json"]
    status, out, _ = run(capsys, "predict", str(path), "2", "3", "-1")
    assert status == 0
    assert abs(float(out.removeprefix("output: ")) - 1.0) < 0.1  # the first sample's target


def test_cli_train_with_no_hidden_layer_trains_a_linear_model(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "train", "xor", "--epochs", "2", "--hidden", "")
    assert status == 0
    assert out.splitlines()[1] == "model: MLP(2, [1]), 3 parameters, seed 0"
    status, out, _ = run(capsys, "train", "xor", "--epochs", "2", "--hidden", " ")
    assert status == 0


def test_cli_train_options_override_the_recipe(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "train",
        "moons",
        "--epochs",
        "2",
        "--hidden",
        "4",
        "--activation",
        "tanh",
        "--optimizer",
        "adam",
        "--lr",
        "0.02",
        "--batch-size",
        "25",
        "--seed",
        "3",
    )
    assert status == 0
    lines = out.splitlines()
    assert lines[1] == "model: MLP(2, [4, 1], activation='tanh'), 17 parameters, seed 3"
    assert lines[2] == (
        "training: max-margin loss + 0.0001 L2, Adam lr 0.02 -> 0.002 (linear decay over "
        "8 steps), batches of 25, 2 epochs"
    )


def test_cli_train_verbose_prints_a_line_per_epoch(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "train", "xor", "--epochs", "3", "--verbose")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[2] == "training: max-margin loss, SGD lr 0.1, momentum 0.9, full batch, 3 epochs"
    assert [line[:10] for line in lines[3:6]] == ["epoch 1/3 ", "epoch 2/3 ", "epoch 3/3 "]
    assert re.fullmatch(r"epoch 3/3  loss \d\.\d{4}  accuracy \d+\.\d%", lines[5])
    assert lines[6].startswith("trained in ")


def test_cli_train_says_one_epoch_and_one_step_in_the_singular(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "train", "moons", "--epochs", "1")
    assert status == 0
    assert out.splitlines()[2].endswith("(linear decay over 1 step), full batch, 1 epoch")


@pytest.mark.parametrize("dataset", ["iris", "moons"])
def test_cli_train_without_replay_prints_the_same_numbers(
    capsys: pytest.CaptureFixture[str], dataset: str
) -> None:
    # iris: softmax on mini-batches of 16 (the last one of 8); moons: max-margin + L2, decay.
    options = ["train", dataset, "--epochs", "3", "--verbose"]
    status, replayed, _ = run(capsys, *options)
    assert status == 0
    status, rebuilt, _ = run(capsys, *options, "--no-replay")
    assert status == 0

    def numbers(out: str) -> list[str]:
        return [line for line in out.splitlines() if not line.startswith("trained in")]

    assert numbers(replayed) == numbers(rebuilt)
    assert len(numbers(replayed)) == 3 + 3 + (2 if dataset == "iris" else 1)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["nope"], "invalid choice: 'nope'"),
        (["xor", "--epochs", "0"], "argument --epochs: must be at least 1"),
        (["xor", "--epochs", "many"], "'many' is not a whole number"),
        (["xor", "--lr", "-1"], "argument --lr: must be > 0"),
        (["xor", "--lr", "nan"], "is not a finite number"),
        (["xor", "--hidden", "16,,4"], "is not a list of layer sizes"),
        (["xor", "--hidden", "0"], "(layer size '0': must be at least 1, got 0)"),
        (["xor", "--hidden", "8,x"], "(layer size 'x': 'x' is not a whole number)"),
        (["xor", "--activation", "gelu"], "invalid choice: 'gelu'"),
        (["xor", "--bogus", "1"], "unrecognized arguments: --bogus 1"),
    ],
)
def test_cli_train_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    status, out, err = run(capsys, "train", *options)
    assert (status, out) == (2, "")
    assert_one_line_error(err, "train: ", message, "(see opgrad train --help)")
