"""The graded exercises (opgrad/exercises): starters fail, solutions pass, feedback is readable.

The slips of every solution are in test_exercises_mutants.py; the command line in
test_cli_exercises.py.
"""

from __future__ import annotations

import ast
import sys
import textwrap
import types
from typing import Any

import pytest

from opgrad.exercises import EXERCISES, MAX_LINES, Exercise, exercise_of, find, grade
from opgrad.exercises.feedback import AnswerError
from opgrad.exercises.starters import starter_from

IDS = [e.id for e in EXERCISES]


def _exercise(ident: str) -> Exercise:
    found = find(ident)
    assert found is not None
    return found


def _nudge(slope_body: str, prelude: str = "") -> str:
    """A nudge exercise file whose slope has this body (df is right)."""
    body = textwrap.indent(textwrap.dedent(slope_body).strip(), "    ")
    return (
        "# opgrad exercise: nudge\n"
        f"{prelude}"
        "def slope(fn, x, h=0.0001):\n"
        f"{body}\n"
        "\n"
        "def df(x):\n"
        "    return 6 * x - 4\n"
    )


def test_exercises_at_least_twenty_with_unique_ids_in_course_order() -> None:
    assert len(EXERCISES) >= 20
    assert len(set(IDS)) == len(IDS)
    assert all(ident.isidentifier() for ident in IDS)
    parts = [e.part for e in EXERCISES]
    order = ["lecture", "engine", "networks", "extending"]
    assert parts == sorted(parts, key=order.index)


@pytest.mark.parametrize("ident", IDS)
def test_exercises_solution_passes(ident: str) -> None:
    report = grade(_exercise(ident).solution, filename=f"{ident}.py")
    assert report.passed, str(report)
    assert report.lines == (f"passed: {ident}  {_exercise(ident).title}",)
    assert report.exercise == ident


@pytest.mark.parametrize("ident", IDS)
def test_exercises_starter_fails_saying_what_to_write(ident: str) -> None:
    exercise = _exercise(ident)
    report = grade(exercise.starter, filename=f"{ident}.py")
    assert not report.passed
    assert report.lines[0] == f"failed: {ident}  {exercise.title}"
    assert "not written yet" in report.lines[1]
    raises = [line for line in report.lines if line.startswith("  line ")]
    assert any("NotImplementedError" in line for line in raises)
    assert report.lines[-1] == "hint: replace the raise with your code"
    assert len(report.lines) <= MAX_LINES


@pytest.mark.parametrize("ident", IDS)
def test_exercises_starter_keeps_each_task_signature_and_docstring(ident: str) -> None:
    exercise = _exercise(ident)
    starter = exercise.starter
    assert exercise_of(starter) == ident
    assert f"opgrad exercises check {ident}.py" in starter
    tree = ast.parse(starter)
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    found[f"{node.name}.{item.name}"] = item
        elif isinstance(node, ast.FunctionDef) and f"{node.name}" not in found:
            found.setdefault(node.name, node)
    for task in exercise.tasks:
        body = found[task].body
        assert ast.get_docstring(found[task]), task
        assert len(body) == 2, task
        assert isinstance(body[1], ast.Raise), task


def test_starter_from_refuses_a_task_the_solution_lacks() -> None:
    with pytest.raises(ValueError, match="exercise nudge: its solution has no function nope"):
        starter_from(_exercise("nudge").solution, "nudge", ["nope"])


def test_grade_names_the_learners_line_that_raised() -> None:
    source = _nudge("""
        rise = fn(x + h) - fn(x)
        return rise / (h - h)
    """)
    report = grade(source, filename="mine.py")
    text = str(report)
    assert not report.passed
    assert "raised ZeroDivisionError" in report.lines[1]
    assert "  line 4: return rise / (h - h)" in report.lines
    assert "Traceback" not in text
    assert 'File "' not in text


def test_grade_names_the_learners_line_inside_an_operation_opgrad_applied() -> None:
    solution = _exercise("tanh_op").solution
    source = solution.replace("(1.0 - output * output,)", "(1.0 - math.tanh(x) ** 2,)")
    lineno = next(i for i, line in enumerate(source.splitlines(), 1) if "math.tanh(x) **" in line)
    report = grade(source, filename="tanh_op.py")
    assert f"  line {lineno}: return (1.0 - math.tanh(x) ** 2,)" in report.lines
    assert report.lines[-1].startswith("hint: a math function cannot take a Value")


@pytest.mark.parametrize(
    "body",
    [
        "while True:\n    pass",
        "while True:\n    try:\n        x += 1\n    except Exception:\n        pass",
    ],
)
def test_grade_stops_an_endless_loop_by_counting_its_lines(body: str) -> None:
    report = grade(_nudge(body), budget=10_000)
    assert not report.passed
    assert report.lines[1] == "your code ran more than 10,000 lines without finishing"
    assert report.lines[2].startswith("  it was at line ")
    assert report.lines[-1].startswith("hint: a loop that never ends?")


def test_grade_stops_an_endless_loop_at_the_files_top_level() -> None:
    report = grade("# opgrad exercise: nudge\nn = 0\nwhile n >= 0:\n    n += 1\n", budget=500)
    assert "ran more than 500 lines" in report.lines[1]


def test_grade_budget_is_counted_not_timed() -> None:
    source = _nudge("for _ in range(40):\n    pass\nreturn (fn(x + h) - fn(x)) / h")
    lines = [grade(source, budget=n).passed for n in (50, 100_000)]
    assert lines == [False, True]


def test_grade_restores_the_trace_function_and_removes_the_learners_module() -> None:
    def tracer(frame: types.FrameType, event: str, arg: Any) -> None:
        return None

    before = sys.gettrace()
    sys.settrace(tracer)
    try:
        grade(_exercise("nudge").starter)
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(before)
    assert not [name for name in sys.modules if name.startswith("opgrad_exercise_")]


def test_grade_reports_a_syntax_error_with_its_line() -> None:
    report = grade("# opgrad exercise: nudge\ndef slope(fn, x, h):\n    return (fn(x + h) - \n")
    assert report.lines[1].startswith("your file is not valid Python:")
    assert "(line 3" in report.lines[1]
    assert report.lines[2] == "  line 3: return (fn(x + h) -"


def test_grade_wants_to_know_the_exercise() -> None:
    report = grade("def slope(fn, x, h):\n    return 0\n")
    assert not report.passed
    assert report.exercise == ""
    assert report.lines[1] == "this file does not say which exercise it is"
    assert not grade("x = 1\n", "no_such").passed
    assert "there is no exercise 'no_such'" in str(grade("x = 1\n", "no_such"))
    # an explicit exercise wins over the file's own line
    solution = _exercise("nudge").solution.replace("opgrad exercise: nudge", "opgrad exercise: mlp")
    assert grade(solution, "nudge").passed


def test_grade_reports_exit_in_the_learners_file() -> None:
    report = grade("# opgrad exercise: nudge\nimport sys\nsys.exit(3)\n")
    assert report.lines[1] == "your file called exit() while it ran"


def test_grade_reports_a_missing_function_by_name() -> None:
    report = grade("# opgrad exercise: nudge\ndef df(x):\n    return 6 * x - 4\n")
    assert report.lines[1] == "your file defines no function named slope"


def test_grade_gives_expected_numeric_and_yours_at_the_first_wrong_node() -> None:
    source = _exercise("backward").solution.replace(
        "parent.grad += d * node.grad", "parent.grad = d * node.grad"
    )
    report = grade(source)
    assert report.lines[1].startswith("backward(b = a + a): the gradient of a (a leaf) is wrong")
    assert report.lines[2:5] == (
        "  expected (analytic) 2",
        "  numeric difference  2",
        "  yours               1",
    )
    assert report.lines[-1].startswith("hint: ")
    assert report == grade(source)  # the same file, the same report


def test_grade_a_grader_bug_is_one_report_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(learner: object) -> None:
        raise RuntimeError("boom")

    fake = Exercise("nudge", "The derivative as a nudge", "lecture", ("slope",), broken)
    monkeypatch.setattr("opgrad.exercises.grading.find", lambda ident: fake)
    report = grade(_exercise("nudge").solution)
    assert report.lines[1] == "the grader failed: RuntimeError: boom"
    assert "bug in opgrad's exercises" in report.lines[-1]


def test_grade_keeps_long_feedback_to_25_lines_with_the_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def wordy(learner: object) -> None:
        raise AnswerError("wrong", *[f"detail {i}" for i in range(40)], hint="look here")

    fake = Exercise("nudge", "The derivative as a nudge", "lecture", ("slope",), wordy)
    monkeypatch.setattr("opgrad.exercises.grading.find", lambda ident: fake)
    report = grade(_exercise("nudge").solution)
    assert len(report.lines) == MAX_LINES
    assert report.lines[-2:] == ("  ...", "hint: look here")


def test_exercises_page_names_every_exercise() -> None:
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "docs" / "exercises.md").read_text("utf-8")
    assert [ident for ident in IDS if f"`{ident}`" not in page] == []
