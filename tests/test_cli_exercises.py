"""opgrad exercises (opgrad/cli/exercises.py): list, start, check and solution."""

from __future__ import annotations

from pathlib import Path

import pytest

from clitools import assert_one_line_error, run
from opgrad.cli import main
from opgrad.exercises import EXERCISES, MAX_LINES, find


def _check(capfd: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run check; capfd, since the learner's file runs in a child whose output is the terminal's."""
    status = main(["exercises", "check", *argv])
    out, err = capfd.readouterr()
    return status, out, err


def test_cli_exercises_lists_id_two_spaces_title(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "exercises")
    assert status == 0
    assert err == ""
    assert out.splitlines() == [f"{e.id}  {e.title}" for e in EXERCISES]


def test_cli_exercises_start_writes_the_starter_and_prints_its_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    where = tmp_path / "course" / "week1"
    status, out, err = run(capsys, "exercises", "start", "nudge", "--dir", str(where))
    assert (status, err) == (0, "")
    path = where / "nudge.py"
    assert out == f"{path}\n"
    exercise = find("nudge")
    assert exercise is not None
    assert path.read_text(encoding="utf-8") == exercise.starter
    assert sorted(p.name for p in where.iterdir()) == ["nudge.py"]  # no temporary file left


def test_cli_exercises_start_never_overwrites_a_learners_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "nudge.py"
    path.write_text("my work\n", encoding="utf-8")
    status, out, err = run(capsys, "exercises", "start", "nudge", "--dir", str(tmp_path))
    assert (status, out) == (1, "")
    assert_one_line_error(err, f"{path} exists already and is left as it is")
    assert path.read_text(encoding="utf-8") == "my work\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nudge.py"]


def test_cli_exercises_start_refuses_a_dangling_link(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "nudge.py").symlink_to(tmp_path / "elsewhere.py")
    status, _, err = run(capsys, "exercises", "start", "nudge", "--dir", str(tmp_path))
    assert status == 1
    assert "exists already" in err
    assert not (tmp_path / "elsewhere.py").exists()


def test_cli_exercises_unknown_id_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    for action in ("start", "solution"):
        status, out, err = run(capsys, "exercises", action, "nope")
        assert (status, out) == (2, "")
        assert_one_line_error(err, "no exercise 'nope'", "opgrad exercises' lists them")


def test_cli_exercises_solution_prints_the_reference(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "exercises", "solution", "topo_sort")
    exercise = find("topo_sort")
    assert exercise is not None
    assert (status, out) == (0, exercise.solution)


def test_cli_exercises_check_passes_the_solution(
    capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    exercise = find("chain_rule")
    assert exercise is not None
    path = tmp_path / "mine.py"
    path.write_text(exercise.solution, encoding="utf-8")
    status, out, err = _check(capfd, str(path))
    assert (status, out, err) == (0, "passed: chain_rule  The chain rule by hand on L\n", "")


def test_cli_exercises_check_fails_the_starter_in_at_most_25_lines(
    capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    main(["exercises", "start", "backward", "--dir", str(tmp_path)])
    capfd.readouterr()
    status, out, err = _check(capfd, str(tmp_path / "backward.py"))
    assert status == 1
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "failed: backward  Backward through the sort"
    assert "not written yet" in lines[1]
    assert len(lines) <= MAX_LINES
    assert "Traceback" not in out


def test_cli_exercises_check_shows_the_learners_line_and_their_prints(
    capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "nudge.py"  # no marker line: the file's name says which exercise
    path.write_text(
        'print("trying")\n'
        "def slope(fn, x, h=0.0001):\n"
        "    return fn(x + h) / undefined\n"
        "def df(x):\n"
        "    return 6 * x - 4\n",
        encoding="utf-8",
    )
    status, out, _ = _check(capfd, str(path))
    assert status == 1
    assert out.splitlines()[0] == "trying"
    assert "raised NameError: name 'undefined' is not defined" in out
    assert "  line 3: return fn(x + h) / undefined" in out.splitlines()
    assert "Traceback" not in out


def test_cli_exercises_check_stops_a_loop_inside_a_c_function(
    capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "nudge.py"
    path.write_text("# opgrad exercise: nudge\ntotal = sum(range(10**15))\n", encoding="utf-8")
    status, out, _ = _check(capfd, str(path), "--timeout", "1")
    assert status == 1
    assert out.splitlines() == [
        "failed: nudge  The derivative as a nudge",
        "your code was still running after 1 s: stopped",
        "hint: a loop that never ends, or a very long computation? (see --timeout)",
    ]


def test_cli_exercises_check_an_unreadable_file_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = run(capsys, "exercises", "check", str(tmp_path / "absent.py"))
    assert status == 2
    assert_one_line_error(err, "cannot read", "absent.py")
    (tmp_path / "binary.py").write_bytes(b"\xff\xfe\x00")
    status, _, err = run(capsys, "exercises", "check", str(tmp_path / "binary.py"))
    assert status == 2
    assert_one_line_error(err, "binary.py is not UTF-8 text")
