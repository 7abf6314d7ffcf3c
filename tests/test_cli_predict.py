"""opgrad predict (opgrad/cli/predict.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clitools import (
    assert_one_line_error,
    run,
)
from nn import MLP, load_model
from nn.datasets import Standardizer
from opgrad.cli import main


def test_cli_predict_applies_the_saved_standardizer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "iris.json"
    assert main(["train", "iris", "--epochs", "3", "--save", str(path)]) == 0
    capsys.readouterr()
    model = load_model(path)
    scaler = Standardizer.from_dict(model.metadata["standardizer"])
    x = [6.7, 3.0, 5.2, 2.3]
    expected = [v.data for v in model.outputs(scaler.transform([x])[0])]
    status, out, _ = run(capsys, "predict", str(path), *map(str, x))
    assert status == 0
    names = ["setosa", "versicolor", "virginica"]
    best = expected.index(max(expected))
    assert out.splitlines() == [
        "scores: " + ", ".join(f"{n} {s:.6g}" for n, s in zip(names, expected)),
        f"class: {best} ({names[best]})",
    ]


def test_cli_predict_without_metadata_prints_the_outputs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    model = MLP(2, [3, 2], seed=0)
    model.save(tmp_path / "m.json")
    expected = [v.data for v in model.outputs([0.5, -1.5])]
    status, out, _ = run(capsys, "predict", str(tmp_path / "m.json"), "0.5", "-1.5")
    assert status == 0
    assert out == f"output: {expected[0]:.6g}, {expected[1]:.6g}\n"


def test_cli_predict_reads_negative_numbers_as_inputs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    model = MLP(2, [1], seed=0)
    model.save(tmp_path / "m.json")
    expected = f"output: {model.outputs([-1e3, -0.5])[0].data:.6g}\n"
    for inputs in (["-1e3", "-.5"], ["--", "-1e3", "-0.5"]):
        status, out, _ = run(capsys, "predict", str(tmp_path / "m.json"), *inputs)
        assert (status, out) == (0, expected)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ([], "the model takes 2 inputs (x1, x2), got 0"),
        (["1"], "the model takes 2 inputs (x1, x2), got 1"),
        (["1", "2", "3"], "the model takes 2 inputs (x1, x2), got 3"),
        (["1", "two"], "input 2 is 'two', not a number"),
        (["1", "inf"], "input 2 is 'inf', not a finite number"),
    ],
)
def test_cli_predict_refuses_wrong_inputs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, inputs: list[str], message: str
) -> None:
    MLP(2, [1], seed=0, metadata={"features": ["x1", "x2"]}).save(tmp_path / "m.json")
    status, out, err = run(capsys, "predict", str(tmp_path / "m.json"), *inputs)
    assert (status, out) == (2, "")
    assert_one_line_error(err, message)


def test_cli_predict_refuses_bad_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    status, _, err = run(capsys, "predict", str(missing), "1")
    assert status == 2
    assert_one_line_error(err, f"cannot read {missing}: No such file or directory")

    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"format": "opgrad-mlp", "vers')
    status, _, err = run(capsys, "predict", str(garbage), "1")
    assert status == 2
    assert_one_line_error(err, f"{garbage}: not valid JSON")

    bad_scaler = tmp_path / "scaler.json"
    MLP(2, [1], seed=0, metadata={"standardizer": {"mean": [0.0], "std": [1.0]}}).save(bad_scaler)
    status, _, err = run(capsys, "predict", str(bad_scaler), "1", "2")
    assert status == 2
    assert_one_line_error(err, "the saved standardizer has 1 features, the model 2 inputs")

    bad_names = tmp_path / "names.json"
    MLP(2, [3], seed=0, metadata={"loss": "softmax", "classes": ["a", "b"]}).save(bad_names)
    status, _, err = run(capsys, "predict", str(bad_names), "1", "2")
    assert status == 2
    assert_one_line_error(err, "2 class names saved for 3 classes")


def test_cli_predict_refuses_deep_json_and_bad_feature_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    status, _, err = run(capsys, "predict", str(deep), "1")
    assert status == 2
    assert_one_line_error(err, f"{deep}: not a model file (its JSON is nested too deeply)")

    for features, message in (([1, 2], "not a list of strings"), (["a"], "1 feature names")):
        path = tmp_path / "features.json"
        MLP(2, [1], seed=0, metadata={"features": features}).save(path)
        status, _, err = run(capsys, "predict", str(path), "1")
        assert status == 2
        assert_one_line_error(err, f"{path}: ", message)
