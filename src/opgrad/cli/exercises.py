"""``opgrad exercises``: list the graded exercises, start one, check a file, show a solution."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from opgrad.cli.common import (
    PROG,
    CommandError,
    Subcommands,
    check_directory,
    positive_float,
    write_error,
)
from opgrad.exercises import EXERCISES, Exercise, Report, exercise_of, find, grade

__all__ = ["register"]

_TIMEOUT = 60.0
"""Seconds a check may take before it is stopped (an infinite loop inside a C function)."""


def register(commands: Subcommands) -> None:
    """Add ``opgrad exercises`` (and its list, start, check and solution) to the commands."""
    parser = commands.add_parser(
        "exercises",
        help="graded exercises: list, start, check, solution",
        description="Graded exercises that follow the micrograd lecture and go past it. "
        "Without an action, list them (id, two spaces, title). 'start ID' writes the starter "
        "ID.py, 'check FILE' grades it (exit 0 and 'passed', or exit 1 and what is wrong), "
        "'solution ID' prints the reference solution.",
    )
    parser.set_defaults(run=_list)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    start = actions.add_parser(
        "start",
        help="write an exercise's starter file",
        description="Write ID.py, the starter "
        "of exercise ID, into DIR and print its path. An existing file is never overwritten.",
    )
    start.add_argument("id", metavar="ID", help="the exercise (opgrad exercises lists them)")
    start.add_argument("--dir", default=".", metavar="DIR", help="where to write (default: .)")
    start.set_defaults(run=_start)
    check = actions.add_parser(
        "check",
        help="grade a file",
        description="Run FILE and grade it as the exercise its first line names. Prints "
        "'passed' (exit 0), or at most 25 lines saying what is wrong and a hint (exit 1).",
    )
    check.add_argument("file", metavar="FILE", help="the exercise file, e.g. nudge.py")
    check.add_argument(
        "--timeout",
        type=positive_float,
        default=_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a check still running after this long (default: {_TIMEOUT:g})",
    )
    check.set_defaults(run=_check)
    solution = actions.add_parser(
        "solution",
        help="print an exercise's reference solution",
        description="Print the reference solution of exercise ID (for teachers).",
    )
    solution.add_argument("id", metavar="ID", help="the exercise")
    solution.set_defaults(run=_solution)


def _exercise(ident: str) -> Exercise:
    found = find(ident)
    if found is None:
        raise CommandError(f"exercises: no exercise {ident!r} ('{PROG} exercises' lists them)")
    return found


def _list(args: argparse.Namespace) -> int:
    for exercise in EXERCISES:
        print(f"{exercise.id}  {exercise.title}")
    return 0


def _solution(args: argparse.Namespace) -> int:
    print(_exercise(args.id).solution, end="")
    return 0


def _start(args: argparse.Namespace) -> int:
    exercise = _exercise(args.id)
    directory = check_directory(args.dir, "--dir")
    path = directory / f"{exercise.id}.py"
    refused = CommandError(
        f"exercises start: {path} exists already and is left as it is (your work may be in "
        f"it): check it with '{PROG} exercises check {path}', or move it away to start again",
        status=1,
    )
    if path.exists() or path.is_symlink():
        raise refused
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _create(path, exercise.starter)
    except FileExistsError:
        raise refused from None
    except OSError as error:
        raise write_error(error, path) from None
    print(path)
    return 0


def _create(path: Path, text: str) -> None:
    """Write ``text`` to a new file ``path``, whole or not at all, never replacing a file.

    The text goes to a temporary file first, which is then hard-linked as ``path``: the link
    fails if ``path`` exists (FileExistsError), even one made a moment ago by someone else.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.link(temporary, path)
    finally:
        os.unlink(temporary)


def _check(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CommandError(f"exercises check: {path} is not UTF-8 text") from None
    except OSError as error:
        raise CommandError(
            f"exercises check: cannot read {path}: {error.strerror or error}"
        ) from None
    ident = exercise_of(source) or (path.stem if find(path.stem) is not None else None)
    report = _grade_apart(path, ident, args.timeout)
    print(report)
    return 0 if report.passed else 1


def _grade_apart(path: Path, ident: str | None, timeout: float) -> Report:
    """:func:`grade` in a child Python, stopped after ``timeout`` seconds.

    The learner's file runs there as ``python FILE`` would run it: its directory first on the
    path, its prints on the terminal, no input. The report comes back in a file as JSON.
    """
    with tempfile.TemporaryDirectory(prefix="opgrad-check-") as work:
        result = Path(work) / "report.json"
        command = [sys.executable, "-c", _CHILD, str(result), str(path), ident or ""]
        try:
            finished = subprocess.run(
                command, stdin=subprocess.DEVNULL, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return _stopped(ident, f"your code was still running after {timeout:g} s: stopped")
        try:
            data = json.loads(result.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return _stopped(
                ident, f"the check ended without a report (exit status {finished.returncode})"
            )
    return Report(str(data["exercise"]), bool(data["passed"]), tuple(map(str, data["lines"])))


def _stopped(ident: str | None, why: str) -> Report:
    exercise = find(ident) if ident else None
    head = f"failed: {exercise.id}  {exercise.title}" if exercise else "failed"
    hint = "hint: a loop that never ends, or a very long computation? (see --timeout)"
    return Report(ident or "", False, (head, why, hint))


def _child_main(result: str, path: str, ident: str) -> None:
    """What the child Python runs: grade the file, write the report as JSON."""
    source = Path(path).read_text(encoding="utf-8")
    sys.path.insert(0, str(Path(path).resolve().parent))
    report = grade(source, ident or None, filename=path)
    Path(result).write_text(
        json.dumps({"exercise": report.exercise, "passed": report.passed, "lines": report.lines}),
        encoding="utf-8",
    )


_CHILD = "import sys; from opgrad.cli.exercises import _child_main; _child_main(*sys.argv[1:])"
