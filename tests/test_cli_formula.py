"""opgrad graph and opgrad explain (opgrad/cli/formula.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from clitools import (
    LECTURE,
    LECTURE_SET,
    assert_one_line_error,
    needs_graphviz,
    opgrad,
    run,
)


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
