from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from nn import MLP, load_model
from nn.cli import main
from nn.datasets import Standardizer

LECTURE = "tanh(x1*w1 + x2*w2 + b)"
LECTURE_SET = ["--set", "x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"]

# CI installs Graphviz (make system-deps), so there a missing dot fails these tests instead of
# skipping them; elsewhere they skip.
HAVE_GRAPHVIZ = shutil.which("dot") is not None and importlib.util.find_spec("graphviz") is not None
needs_graphviz = pytest.mark.skipif(
    not HAVE_GRAPHVIZ and not os.environ.get("CI"),
    reason="needs Graphviz's dot program and the graphviz package (make system-deps)",
)
needs_matplotlib = pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None, reason="needs matplotlib (the plot extra)"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("opgrad: error: "), err
    for fragment in fragments:
        assert fragment in lines[0]


def opgrad(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nn", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_cli_module_runs_and_lists_the_commands(tmp_path: Path) -> None:
    result = opgrad("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("train", "predict", "graph", "explain", "check", "demo", "play"):
        assert command in result.stdout
    version = opgrad("--version", cwd=tmp_path)
    assert re.fullmatch(r"opgrad \d+\.\d+\.\d+\S*\n", version.stdout)


@pytest.mark.parametrize(
    "expression", ["__import__('os')", "x.__class__", "open('f')", "lambda: 1"]
)
def test_cli_module_refuses_code_with_one_line_and_no_traceback(
    tmp_path: Path, expression: str
) -> None:
    result = opgrad("graph", expression, "--set", "x=1", "--out", "g.svg", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert_one_line_error(result.stderr)
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_module_trains_saves_and_predicts(tmp_path: Path) -> None:
    trained = opgrad("train", "xor", "--save", "xor.json", cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr
    assert "training set after the last update: loss 0, accuracy 100.0% (4 of 4)" in trained.stdout
    assert "wrote xor.json" in trained.stdout
    predicted = opgrad("predict", "xor.json", "0", "1", cwd=tmp_path)
    assert predicted.returncode == 0, predicted.stderr
    assert predicted.stdout.splitlines()[-1] == "class: 1"


def test_cli_module_stops_quietly_when_the_reader_goes_away(tmp_path: Path) -> None:
    # As in `opgrad explain ... | head -1`: the pipe is closed long before Python has started.
    process = subprocess.Popen(
        [sys.executable, "-m", "nn", "explain", LECTURE, *LECTURE_SET],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert err == ""


@needs_graphviz
def test_cli_module_draws_an_expression(tmp_path: Path) -> None:
    result = opgrad("graph", LECTURE, *LECTURE_SET, "--out", "pics/neuron.svg", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ET.parse(tmp_path / "pics" / "neuron.svg").getroot().tag.endswith("svg")
    assert (tmp_path / "pics" / "neuron.dot").read_text().startswith("digraph")


@pytest.mark.parametrize("command", ["graph", "explain"])
@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os')", "calling '__import__' is not allowed"),
        ("x.__class__", "attribute access is not allowed"),
        ("open('f')", "calling 'open' is not allowed"),
        ("lambda: 1", "lambda is not allowed"),
        ("x + y", "no value for 'y'"),
        ("x +", "invalid syntax"),
        ("log(x - 1)", "log is defined for x > 0"),
    ],
)
def test_cli_refuses_bad_expressions_with_exit_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    expression: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, command, expression, "--set", "x=1")
    assert status == 2
    assert out == ""
    assert_one_line_error(err, message)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("x", "expected name=number"),
        ("x=abc", "'abc' is not a number"),
        ("x=inf", "must be finite"),
        ("1x=2", "is not a name"),
        ("tanh=1", "is a function"),
    ],
)
def test_cli_refuses_bad_set_values_with_exit_2(
    capsys: pytest.CaptureFixture[str], assignment: str, message: str
) -> None:
    status, out, err = run(capsys, "explain", "x * 2", "--set", assignment)
    assert status == 2
    assert out == ""
    assert_one_line_error(err, "bad assignment", message)


def test_cli_explain_prints_the_lecture_neurons_chain_rule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(capsys, "explain", LECTURE, *LECTURE_SET)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Backward pass from out (tanh), seeded with out.grad = 1:"
    assert (
        "  3. b.grad += (x1*w1 + x2*w2 + b).grad * d(x1*w1 + x2*w2 + b)/d(b) = 0.5 * 1 = 0.5 -> 0.5"
    ) in lines
    assert "  8. x1.grad += (x1*w1).grad * d(x1*w1)/d(x1) = 0.5 * -3 = -1.5 -> -1.5" in lines
    assert len(lines) == 1 + 9


def test_cli_explain_markdown_is_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "explain", "x * x", "--set", "x=3", "--markdown")
    assert status == 0
    assert out.splitlines()[2].startswith("| # | input | node | op |")
    assert out.splitlines()[-1] == "| 2 | `x` | `out` | `*` | 1 | 3 | 3 | 6 |"


@needs_graphviz
def test_cli_graph_prints_gradients_and_writes_the_picture_and_dot(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_path = tmp_path / "g.png"
    status, out, err = run(capsys, "graph", LECTURE, *LECTURE_SET, "--out", str(out_path))
    assert (status, err) == (0, "")
    assert out.splitlines()[:6] == [
        "out = 0.7071",
        "d(out)/d(x1) = -1.5",
        "d(out)/d(w1) = 1",
        "d(out)/d(x2) = 0.5",
        "d(out)/d(w2) = 0",
        "d(out)/d(b) = 0.5",
    ]
    assert out_path.read_bytes().startswith(b"\x89PNG")
    assert "grad -1.5" in out_path.with_suffix(".dot").read_text()


def test_cli_graph_to_dot_needs_no_graphviz(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot program to be found
    status, out, _ = run(capsys, "graph", "x * x", "--set", "x=3", "--out", str(tmp_path / "g.dot"))
    assert status == 0
    assert out.splitlines()[-1] == f"wrote {tmp_path / 'g.dot'}"
    assert 'label="{ x | data 3 | grad 6 }"' in (tmp_path / "g.dot").read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["g.dot"]


def test_cli_graph_without_dot_keeps_the_dot_file_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    status, out, err = run(
        capsys, "graph", "x * x", "--set", "x=3", "--out", str(tmp_path / "g.svg")
    )
    assert status == 1
    assert f"wrote {tmp_path / 'g.dot'}" in out
    assert_one_line_error(err, "graphviz")
    assert "install" in err
    assert (tmp_path / "g.dot").read_text().startswith("digraph")
    assert not (tmp_path / "g.svg").exists()


@needs_graphviz
def test_cli_graph_animates_the_backward_pass(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "anim.html"
    status, out, _ = run(
        capsys,
        "graph",
        LECTURE,
        *LECTURE_SET,
        "--out",
        str(tmp_path / "g.svg"),
        "--animate",
        str(page),
    )
    assert status == 0
    assert out.splitlines()[-1] == f"wrote {page}"
    html = page.read_text()
    assert html.count('<div class="frame') == 1 + 5  # the seed, then each of the 5 operations


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--out", "g.pdf"], "must end in .svg, .png or .dot"),
        (["--animate", "a.mp4"], "must end in .html or .gif"),
    ],
)
def test_cli_graph_refuses_unknown_file_types_before_writing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "graph", "x", "--set", "x=1", *options)
    assert (status, out) == (2, "")
    assert_one_line_error(err, message)
    assert list(tmp_path.iterdir()) == []


USER_OPS = textwrap.dedent(
    """
    import math

    import attrs

    from autograd import Operation


    @attrs.frozen
    class Sin(Operation):
        def forward(self, x):
            return math.sin(x)

        def local_grads(self, x, *, output):
            return (math.cos(x),)


    @attrs.frozen
    class WrongSin(Operation):
        def forward(self, x):
            return math.sin(x)

        def local_grads(self, x, *, output):
            return (-math.cos(x),)


    @attrs.frozen
    class Sqrt(Operation):
        def forward(self, x):
            return math.sqrt(x)

        def local_grads(self, x, *, output):
            return (0.5 / output,)


    @attrs.frozen
    class Scale(Operation):
        factor: float

        def forward(self, x):
            return self.factor * x

        def local_grads(self, x, *, output):
            return (self.factor,)


    double = Scale(2.0)
    answer = 42
    """
)


@pytest.fixture
def user_ops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A module of the user's operations in the current directory (not on sys.path)."""
    name = f"user_ops_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(USER_OPS)
    monkeypatch.chdir(tmp_path)
    yield name
    sys.modules.pop(name, None)


def test_cli_check_passes_a_right_op_from_the_current_directory(
    capsys: pytest.CaptureFixture[str], user_ops: str
) -> None:
    assert os.getcwd() not in sys.path
    status, out, err = run(capsys, "check", f"{user_ops}:Sin", "--max-examples", "30")
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "checking Sin() (1 input) at up to 30 points in [-10, 10] against central finite "
        "differences",
        "PASS: Sin().local_grads agrees with the finite differences",
    ]
    assert os.getcwd() not in sys.path


def test_cli_check_fails_a_wrong_op_with_the_counterexample(
    capsys: pytest.CaptureFixture[str], user_ops: str
) -> None:
    status, out, _ = run(capsys, "check", f"{user_ops}:WrongSin", "--max-examples", "30")
    assert status == 1
    lines = out.splitlines()
    assert lines[1] == "FAIL: WrongSin().local_grads disagrees with the finite differences"
    assert lines[2].startswith("gradcheck failed for WrongSin(): 1 of 1 inputs disagree")
    assert lines[3] == "at (0.0), output 0.0:"  # hypothesis shrinks to the simplest point
    assert lines[-1].endswith("<-- mismatch")
    assert re.search(r"x0\s+0\s+-1\s+0\.99999", lines[-1])


def test_cli_check_reports_an_op_that_raises_inside_the_domain(
    capsys: pytest.CaptureFixture[str], user_ops: str
) -> None:
    status, out, _ = run(capsys, "check", f"{user_ops}:Sqrt", "--domain", "-5,-1")
    assert status == 1
    assert out.splitlines()[0].endswith("in [-5, -1] against central finite differences")
    assert out.splitlines()[1].startswith("FAIL: Sqrt() raised ValueError at (")
    status, out, _ = run(capsys, "check", f"{user_ops}:Sqrt", "--domain=0.01,100")
    assert status == 0
    assert out.splitlines()[1].startswith("PASS")


def test_cli_check_to_the_second_order(capsys: pytest.CaptureFixture[str], user_ops: str) -> None:
    status, out, err = run(capsys, "check", "autograd:Sin", "--order", "2", "--max-examples", "20")
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "checking Sin() (1 input) to order 2 at up to 20 points in [-10, 10] against central "
        "finite differences",
        "PASS: Sin().local_grads agrees with the finite differences to order 2",
    ]
    # The user's Sin calls math.cos: right at first order, and named at second.
    status, out, _ = run(capsys, "check", f"{user_ops}:Sin", "--order", "2")
    assert status == 1
    assert out.splitlines()[1].startswith(
        "FAIL: Sin() raised TypeError at (0.0,): Sin() cannot be differentiated twice"
    )
    status, _, err = run(capsys, "check", "autograd:Sin", "--order", "0")
    assert status == 2
    assert "--order" in err


def test_cli_check_takes_an_instance(capsys: pytest.CaptureFixture[str], user_ops: str) -> None:
    status, out, _ = run(capsys, "check", f"{user_ops}:double", "--max-examples", "5")
    assert status == 0
    assert "PASS: Scale(factor=2.0)" in out


def test_cli_check_gives_an_op_of_any_arity_the_inputs_asked_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(
        capsys, "check", "autograd:LogSumExp", "--arity", "3", "--domain", "-50,50"
    )
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "checking LogSumExp() (3 inputs) at up to 100 points in [-50, 50] against central "
        "finite differences",
        "PASS: LogSumExp().local_grads agrees with the finite differences",
    ]
    status, out, _ = run(capsys, "check", "autograd:Tanh", "--arity", "1", "--max-examples", "5")
    assert status == 0
    assert out.startswith("checking Tanh() (1 input)")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["autograd:LogSumExp"],
            "LogSumExp() takes one or more inputs: say how many with --arity N",
        ),
        (["autograd:Tanh", "--arity", "2"], "Tanh() takes 1 input, not --arity 2"),
        (["autograd:LogSumExp", "--arity", "0"], "argument --arity: must be at least 1"),
    ],
)
def test_cli_check_refuses_a_wrong_arity(
    capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    status, out, err = run(capsys, "check", *options)
    assert (status, out) == (2, "")
    assert_one_line_error(err, message)


def test_cli_check_leaves_hypothesis_settings_alone(
    capsys: pytest.CaptureFixture[str], user_ops: str
) -> None:
    from hypothesis import settings

    before = repr(settings.default)
    run(capsys, "check", f"{user_ops}:WrongSin", "--max-examples", "5")
    assert repr(settings.default) == before


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("no_such_module_here:Sin", "cannot import no_such_module_here: No module named"),
        ("{ops}", "expected MODULE:NAME"),
        ("{ops}:Cos", "has no attribute 'Cos'"),
        ("{ops}:answer", "is a int, not an Operation"),
        ("{ops}:attrs", "is a module, not an Operation"),
        ("{ops}:Scale", "cannot make {ops}:Scale without arguments"),
        ("json:JSONDecoder", "is the class JSONDecoder, not an Operation"),
    ],
)
def test_cli_check_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], user_ops: str, target: str, message: str
) -> None:
    status, out, err = run(capsys, "check", target.format(ops=user_ops))
    assert (status, out) == (2, "")
    assert_one_line_error(err, message.format(ops=user_ops))


def test_cli_check_reports_a_module_that_fails_to_import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"broken_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text("def f(:\n")
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "check", f"{name}:Op")
    assert status == 2
    assert_one_line_error(err, f"importing {name} failed: SyntaxError")


def test_cli_check_reports_a_module_that_exits(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"exits_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text("import sys\nsys.exit(0)\n")
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "check", f"{name}:Op")
    assert status == 2
    assert_one_line_error(err, f"importing {name} failed: SystemExit: 0")
    sys.modules.pop(name, None)


def test_cli_check_reports_an_op_that_exits(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"exiting_op_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(
        textwrap.dedent(
            """
            import sys

            import attrs

            from autograd import Operation


            @attrs.frozen
            class Quit(Operation):
                def forward(self, x):
                    sys.exit(0)

                def local_grads(self, x, *, output):
                    return (1.0,)
            """
        )
    )
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "check", f"{name}:Quit", "--max-examples", "5")
    assert status == 1
    assert "PASS" not in out
    assert_one_line_error(err, "could not check Quit(): it called sys.exit(0)")
    sys.modules.pop(name, None)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--domain", "5,-5"], "LO must be below HI"),
        (["--domain", "1"], "is not LO,HI"),
        (["--domain", "a,b"], "'a' is not a number"),
        (["--max-examples", "0"], "must be at least 1"),
    ],
)
def test_cli_check_refuses_bad_options(
    capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    status, _, err = run(capsys, "check", "autograd:Tanh", *options)
    assert status == 2
    assert_one_line_error(err, "check: argument", message)


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


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "xor", "--plot", "{file}"], "--plot {file}: a file of that name exists"),
        (["train", "xor", "--plot", "{file}/sub"], "--plot {file}/sub: {file} is a file, not a"),
        (["train", "xor", "--save", ""], "--save '': give a file name"),
        (["train", "xor", "--save", "{dir}"], "give a file name, not a directory"),
        (["train", "xor", "--save", "{file}/m.json"], "--save {file}/m.json: {file} is a file"),
        (["demo", "--out", "{file}"], "--out {file}: a file of that name exists"),
        (["demo", "--out", "{file}/sub"], "--out {file}/sub: {file} is a file, not a directory"),
    ],
)
def test_cli_refuses_unwritable_paths_before_training(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], message: str
) -> None:
    file = tmp_path / "taken"
    file.write_text("")
    names = {"file": str(file), "dir": str(tmp_path)}
    status, out, err = run(capsys, *(a.format(**names) for a in argv), "--epochs", "1")
    assert (status, out) == (2, "")
    assert_one_line_error(err, message.format(**names))


def test_cli_write_errors_name_the_file_that_failed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "g.dot").mkdir()  # the .dot written beside the picture cannot replace it
    status, _, err = run(
        capsys, "graph", "a*b", "--set", "a=1", "b=2", "--out", str(tmp_path / "g.svg")
    )
    assert status == 2  # seen before any work
    assert_one_line_error(err, f"its Graphviz source {tmp_path / 'g.dot'} cannot be written")

    def full_disk(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise OSError(28, "No space left on device", os.fspath(src))

    monkeypatch.setattr(os, "replace", full_disk)
    out = tmp_path / "h.dot"
    out.write_text("good")
    status, _, err = run(capsys, "graph", "a*b", "--set", "a=1", "b=2", "--out", str(out))
    assert status == 1
    assert_one_line_error(err, f"cannot write {out}: No space left on device")
    assert out.read_text() == "good"  # graph --out writes atomically too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.dot", "h.dot"]


@pytest.mark.parametrize("kind", ["loop", "fifo", "device"])
@pytest.mark.parametrize("command", ["train", "graph"])
def test_cli_refuses_a_link_loop_or_a_non_regular_file_before_any_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str, command: str
) -> None:
    path = tmp_path / ("l.json" if command == "train" else "l.dot")
    if kind == "loop":
        path.symlink_to(path.name)
        message = "a loop of symbolic links"
    elif kind == "fifo":
        os.mkfifo(path)
        message = "is a named pipe (FIFO), not a regular file"
    else:
        if os.geteuid() == 0:  # a device of our own: as root, /dev/null itself is at risk
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        else:
            path.symlink_to("/dev/null")
        message = "is a character device, not a regular file"
    before = os.lstat(path)
    if command == "train":
        argv = ["train", "tiny", "--save", str(path), "--epochs", "1"]
        option = "--save"
    else:
        argv = ["graph", "a*b", "--set", "a=1", "b=2", "--out", str(path)]
        option = "--out"
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")  # nothing trained, nothing drawn
    assert_one_line_error(err, f"{option} {path}: ", message)
    after = os.lstat(path)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)


@needs_matplotlib
@needs_graphviz
def test_cli_demo_writes_every_file_it_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    status, out, err = run(capsys, "demo", "--out", str(out_dir), "--epochs", "2")
    assert (status, err) == (0, "")
    # Every 10th epoch and the last, here the second, even though stderr is no terminal.
    assert [line[:10] for line in out.splitlines() if line.startswith("epoch")] == ["epoch 2/2 "]
    written = [line.removeprefix("wrote ") for line in out.splitlines() if line.startswith("wrote")]
    names = [
        "moons-history.png",
        "moons-boundary.png",
        "neuron.dot",
        "neuron.svg",
        "neuron-backward.html",
    ]
    assert written == [str(out_dir / name) for name in names]
    for name in names:
        assert (out_dir / name).stat().st_size > 0
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(names)
    # The neuron's graph shows the gradient of one trained neuron alone, not training leftovers.
    dot = (out_dir / "neuron.dot").read_text()
    assert re.search(r'label="\{ L0\.N\d+ \| data [\d.]+ \| grad 1 \}"', dot)
    assert re.search(r'label="\{ L0\.N\d+\.b \| data -?[\d.e-]+ \| grad 1 \}"', dot)


@needs_matplotlib
def test_cli_demo_without_dot_still_writes_the_plots_and_the_dot_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    status, out, err = run(capsys, "demo", "--out", str(tmp_path), "--epochs", "1")
    assert status == 0
    assert out.splitlines()[-1] == f"wrote {tmp_path / 'neuron.dot'}"
    assert err.startswith("opgrad: warning: no pictures of graphs:")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "moons-boundary.png",
        "moons-history.png",
        "neuron.dot",
    ]


@pytest.mark.slow
@needs_matplotlib
@needs_graphviz
def test_cli_demo_reaches_100_percent_on_the_moons(tmp_path: Path) -> None:
    result = opgrad("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    epochs = [line[:13] for line in result.stdout.splitlines() if line.startswith("epoch")]
    assert epochs == [f"epoch {k:>3}/100" for k in range(10, 101, 10)]
    assert "epoch 100/100  loss 0.0123  accuracy 100.0%" in result.stdout  # before the update
    assert (
        "training set after the last update: loss 0.01287, accuracy 100.0% (100 of 100)"
        in result.stdout
    )
    assert (tmp_path / "out" / "moons-boundary.png").stat().st_size > 0
