"""grade: run a learner's file and its exercise's checks, and say what passed or what is wrong.

Everything happens in this process and is deterministic: the checks draw their random graphs
from fixed seeds, and a learner's code that runs too long is stopped by counting the lines it
executes (a budget), not by a clock, so the same file always gets the same report. The command
line adds a wall-clock limit around this for code that loops inside a C function.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs

from opgrad.exercises.catalogue import EXERCISES, Exercise, find
from opgrad.exercises.feedback import AnswerError, Learner

__all__ = ["DEFAULT_BUDGET", "MAX_LINES", "Report", "exercise_of", "grade"]

MAX_LINES = 25
"""A report is at most this many lines."""

DEFAULT_BUDGET = 3_000_000
"""How many lines of the learner's file may run in one grading before it is stopped."""

_MARKER = re.compile(r"^#\s*opgrad exercise:\s*(\S+)", re.MULTILINE)


@attrs.frozen
class Report:
    """What grading a file found.

    Attributes:
        exercise: The exercise's id, or "" when the file did not say which it is.
        passed: Whether every check passed.
        lines: The feedback, at most :data:`MAX_LINES` lines: ``passed: ID  title``, or
            ``failed: ID  title`` followed by what is wrong, where, and a hint.
    """

    exercise: str
    passed: bool
    lines: tuple[str, ...]

    def __str__(self) -> str:
        return "\n".join(self.lines)


class _OutOfBudget(BaseException):
    """The learner's code ran more lines than the budget.

    A BaseException, so that an ``except Exception`` in their code cannot swallow it.
    """


class _Budget:
    """A trace function that counts the lines run in the learner's file and stops at a limit."""

    def __init__(self, filename: str, limit: int) -> None:
        self.filename = filename
        self.left = limit
        self.limit = limit
        self.last_line = 0

    def calls(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        return self.lines if frame.f_code.co_filename == self.filename else None

    def lines(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            self.left -= 1
            if self.left < 0:
                self.last_line = frame.f_lineno
                raise _OutOfBudget
        return self.lines


@contextmanager
def _traced(budget: _Budget) -> Iterator[None]:
    previous = sys.gettrace()
    sys.settrace(budget.calls)
    try:
        yield
    finally:
        sys.settrace(previous)


@contextmanager
def _module(name: str) -> Iterator[types.ModuleType]:
    """A fresh module for the learner's file, importable by name while it is graded."""
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        yield module
    finally:
        sys.modules.pop(name, None)


def exercise_of(source: str) -> str | None:
    """The id a file names on its ``# opgrad exercise: ID`` line, if it has one."""
    match = _MARKER.search(source)
    return match.group(1) if match else None


def grade(
    source: str,
    exercise: str | None = None,
    *,
    filename: str = "exercise.py",
    budget: int = DEFAULT_BUDGET,
) -> Report:
    """Run ``source`` (a learner's file) and check it as exercise ``exercise`` wants.

    Args:
        source: The text of the learner's file.
        exercise: The exercise's id; by default the one the file names on its
            ``# opgrad exercise: ID`` line.
        filename: The name to run the file under, which feedback quotes (``line 12: ...``).
        budget: How many lines of the learner's file may run before grading stops.

    Returns:
        The report: passed, or at most :data:`MAX_LINES` lines of what is wrong. The learner's
        errors are reported as the line of their file that raised, never as a traceback.
    """
    chosen = exercise if exercise is not None else exercise_of(source)
    if chosen is None:
        return _failed(
            "",
            "this file does not say which exercise it is",
            "hint: keep its first line, '# opgrad exercise: ID' (opgrad exercises lists the ids)",
        )
    found = find(chosen)
    if found is None:
        known = ", ".join(e.id for e in EXERCISES)
        return _failed("", f"there is no exercise {chosen!r}", f"the exercises: {known}")
    try:
        _run(found, source, filename, budget)
    except AnswerError as wrong:
        return _failed(found, *wrong.lines)
    return Report(found.id, True, (f"passed: {found.id}  {found.title}",))


def _run(exercise: Exercise, source: str, filename: str, budget: int) -> None:
    """Run the file and the exercise's checks; raise AnswerError with the first problem found."""
    learner = Learner({}, filename, source)
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as error:
        offset = f", column {error.offset}" if error.offset else ""
        where = learner.quote(error.lineno or 0)
        raise AnswerError(
            f"your file is not valid Python: {error.msg} (line {error.lineno}{offset})",
            where,
            hint="fix the line above (or the one before it)",
        ) from None
    counter = _Budget(filename, budget)
    with _module(f"opgrad_exercise_{exercise.id}") as module:
        module.__file__ = filename
        learner = Learner(module.__dict__, filename, source)
        try:
            with _traced(counter):
                try:
                    exec(code, module.__dict__)
                except Exception as error:
                    raise learner.wrong_from("running your file", error) from None
                except SystemExit:
                    raise AnswerError(
                        "your file called exit() while it ran",
                        hint="take the exit() out: the grader runs your file to read its names",
                    ) from None
                exercise.check(learner)
        except _OutOfBudget:
            raise AnswerError(
                f"your code ran more than {counter.limit:,} lines without finishing",
                f"it was at {learner.quote(counter.last_line)}",
                hint="a loop that never ends? check that every loop moves towards its end",
            ) from None
        except AnswerError:
            raise
        except Exception as error:
            if learner.where(error):
                raise learner.wrong_from("your code", error) from None
            raise AnswerError(
                f"the grader failed: {type(error).__name__}: {error}",
                hint="this is a bug in opgrad's exercises, not in your file: please report it",
            ) from None


def _failed(exercise: Exercise | str, *lines: str) -> Report:
    ident = exercise if isinstance(exercise, str) else exercise.id
    head = (
        f"failed: {exercise.id}  {exercise.title}" if isinstance(exercise, Exercise) else "failed"
    )
    body = list(lines)
    if len(body) > MAX_LINES - 1:  # keep the first lines and the hint, the last
        hint = [body[-1]] if body[-1].startswith("hint: ") else []
        body = [*body[: MAX_LINES - 2 - len(hint)], "  ...", *hint]
    return Report(ident, False, (head, *body))
