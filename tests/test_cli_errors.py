"""The command line as a hostile user meets it: diverging runs, odd models, odd formulas, odd ops.

Every failure is one line on standard error and an exit status: 1 for failed work, 2 for a
usage error; never a traceback, never a file written from a failed run.
"""

from __future__ import annotations

import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from clitools import assert_one_line_error, run
from nn import MLP


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tiny", "--lr", "1000"], "training diverged at epoch "),
        (["moons", "--lr", "1e308", "--epochs", "3"], "(in epoch 3 of 3)"),
        (["moons", "--lr", "1e10", "--epochs", "30"], "training diverged at epoch "),
    ],
)
def test_cli_a_diverging_run_fails_in_one_line_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], message: str
) -> None:
    save = tmp_path / "y.json"
    status, _, err = run(capsys, "train", *argv, "--save", str(save))
    assert status == 1
    assert_one_line_error(err, message, "a smaller --lr may help", "no model was saved")
    assert not save.exists()
    assert list(tmp_path.iterdir()) == []


def _saved(tmp_path: Path, model: MLP, **metadata: object) -> str:
    model.metadata.update(metadata)
    path = tmp_path / "m.json"
    model.save(path)
    return str(path)


def test_cli_predict_a_one_output_softmax_model_is_class_0(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    model = MLP(2, [1], seed=0)
    for p in model.parameters():
        p.data = 1.0  # a positive score, which the sign rule would call class 1
    path = _saved(tmp_path, model, loss="softmax")
    status, out, err = run(capsys, "predict", path, "1", "2")
    assert (status, err) == (0, "")
    assert out.splitlines() == ["scores: 0 4", "class: 0"]


@pytest.mark.parametrize("inputs", [["1e308", "1e308"], ["-1e308", "-1e308"]])
def test_cli_predict_a_non_finite_score_is_a_failed_prediction(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, inputs: list[str]
) -> None:
    model = MLP(2, [1], seed=1)
    for p in model.parameters():
        p.data = 1.0  # the score is x0 + x1 + 1: an infinity here
    path = _saved(tmp_path, model, loss="max_margin")
    status, out, err = run(capsys, "predict", path, *inputs)
    assert (status, out) == (1, "")
    assert_one_line_error(err, "the model's output is ", "inf for this input, not a finite")


def test_cli_predict_escapes_saved_class_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    model = MLP(1, [2], seed=0)
    model.layers[0].neurons[1].b.data = 100.0  # class 1 wins
    path = _saved(tmp_path, model, loss="softmax", classes=["plain", "red\x1b[31m\nx"])
    status, out, _ = run(capsys, "predict", path, "0.5")
    assert status == 0
    assert "\x1b" not in out
    assert out.splitlines()[-1] == "class: 1 (red\\x1b[31m\\nx)"


@pytest.mark.parametrize(
    ("argv", "lines"),
    [
        (["-x", "--set", "x=1"], ["d(out)/d(x) = -1"]),
        (["--set", "x=1", "-x*2"], ["d(out)/d(x) = -2"]),
        (["--set", "x=2", "y=3", "x*y + x"], ["d(out)/d(x) = 4", "d(out)/d(y) = 2"]),
        (["x*y", "--set", "x=1", "--set", "y=2"], ["d(out)/d(x) = 2", "d(out)/d(y) = 1"]),
        (["--set", "x=1", "--set", "y=2", "x/y"], ["d(out)/d(x) = 0.5"]),
    ],
)
def test_cli_formula_options_in_any_order_and_formulas_starting_with_minus(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], lines: list[str]
) -> None:
    status, out, err = run(capsys, "graph", *argv, "--out", str(tmp_path / "g.dot"))
    assert (status, err) == (0, "")
    for line in lines:
        assert line in out.splitlines()
    status, out, err = run(capsys, "explain", *argv)
    assert (status, err) == (0, "")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["x*y", "--set", "x=1", "--set", "x=2"], "bad assignment 'x=2': x is already set to 1.0"),
        (["x", "y", "--set", "x=1"], "one formula at a time, got 2: 'x', 'y'"),
        (["--set", "x=1"], "give a formula (EXPR)"),
        (["x", "--sett", "x=1"], "unrecognized arguments: --sett"),
    ],
)
def test_cli_formula_option_mistakes_are_one_line_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, "explain", *argv)
    assert (status, out) == (2, "")
    assert_one_line_error(err, message)


ODD_OPS = textwrap.dedent(
    """
    import math

    import attrs

    from autograd import Operation


    @attrs.frozen
    class Broken(Operation):
        def __attrs_post_init__(self):
            raise RuntimeError("no\\nway")

        def forward(self, x):
            return x

        def local_grads(self, x, *, output):
            return (1.0,)


    @attrs.frozen(repr=False)
    class Unnamed(Operation):
        def forward(self, x):
            return math.sin(x)

        def local_grads(self, x, *, output):
            return (math.cos(x),)

        def __repr__(self):
            raise ValueError("no repr")


    @attrs.frozen
    class Nan(Operation):
        def forward(self, x):
            return math.nan

        def local_grads(self, x, *, output):
            return (0.0,)


    Escaped = type("Esc\\x1b[31mape", (Nan,), {})
    """
)


@pytest.fixture
def odd_ops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A module of operations that misbehave, in the current directory."""
    name = f"odd_ops_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(ODD_OPS)
    monkeypatch.chdir(tmp_path)
    yield name
    sys.modules.pop(name, None)


def test_cli_check_an_op_raising_in_its_constructor_fails_in_one_line(
    capsys: pytest.CaptureFixture[str], odd_ops: str
) -> None:
    status, out, err = run(capsys, "check", f"{odd_ops}:Broken")
    assert (status, out) == (1, "")
    assert_one_line_error(err, f"making {odd_ops}:Broken failed: RuntimeError: no way")


def test_cli_check_an_op_whose_repr_raises_is_still_checked(
    capsys: pytest.CaptureFixture[str], odd_ops: str
) -> None:
    status, out, err = run(capsys, "check", f"{odd_ops}:Unnamed", "--max-examples", "10")
    assert (status, err) == (0, "")
    assert out.splitlines()[-1].startswith("PASS: Unnamed() (its __repr__ raised ValueError)")


@pytest.mark.parametrize("op", ["Nan", "Escaped"])
def test_cli_check_an_op_that_is_nan_everywhere_fails(
    capsys: pytest.CaptureFixture[str], odd_ops: str, op: str
) -> None:
    status, out, err = run(capsys, "check", f"{odd_ops}:{op}", "--max-examples", "10")
    assert (status, err) == (1, "")
    assert out.splitlines()[-1].startswith("FAIL: ")
    assert "gives no finite output at any point tried in [-10, 10]" in out
    assert "\x1b" not in out


def test_cli_check_without_hypothesis_names_the_extra(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis.errors", None)  # as if not installed
    status, out, err = run(capsys, "check", "anything:Op")
    assert (status, out) == (1, "")
    assert_one_line_error(err, "needs hypothesis", "pip install 'opgrad[testing]'")
