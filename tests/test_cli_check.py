"""opgrad check (opgrad/cli/check.py)."""

from __future__ import annotations

import os
import re
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from clitools import (
    assert_one_line_error,
    run,
)

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
