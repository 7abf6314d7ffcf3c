"""What a grader says: the AnswerError exception, and the checks that raise it with a hint.

A grader calls the learner's code through :class:`Learner`, which turns the learner's own
exceptions into feedback that names the line of their file that raised, and compares numbers
with :func:`expect_close`, which says what was expected, what came back and what to look at.
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable
from typing import Any

from autograd import Value

__all__ = ["AnswerError", "Learner", "expect", "expect_close", "number"]


class AnswerError(Exception):
    """A learner's answer is wrong: ``lines`` say what, where, and what to try.

    Args:
        problem: One line naming what is wrong: the function, the node or the gradient.
        details: Further lines (expected and actual values, the check that failed).
        hint: What to look at, printed last as ``hint: ...``.
    """

    def __init__(self, problem: str, *details: str, hint: str = "") -> None:
        super().__init__(problem)
        self.lines: tuple[str, ...] = (
            problem,
            *(f"  {line}" for line in details),
            *((f"hint: {hint}",) if hint else ()),
        )


def number(x: object) -> str:
    """A number as feedback prints it: up to 10 significant digits; anything else as its repr."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return repr(x)
    return "0" if x == 0 else f"{x:.10g}"


def _is_close(actual: float, expected: float, tol: float) -> bool:
    return math.isfinite(actual) and abs(actual - expected) <= tol * max(1.0, abs(expected))


def expect_close(
    what: str, actual: object, expected: float, *, hint: str, tol: float = 1e-6, note: str = ""
) -> None:
    """Raise :class:`AnswerError` unless ``actual`` is a real number within ``tol`` of ``expected``.

    The tolerance is relative for large numbers and absolute below 1:
    ``|actual - expected| <= tol * max(1, |expected|)``.
    """
    if isinstance(actual, Value):
        raise AnswerError(
            f"{what} is a Value ({number(actual.data)}), not a float",
            hint="return the number: .data of the node",
        )
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        raise AnswerError(
            f"{what} should be a number, got {type(actual).__name__}: {actual!r}", hint=hint
        )
    if not _is_close(float(actual), expected, tol):
        details = [f"expected {number(expected)}", f"got      {number(actual)}"]
        raise AnswerError(f"{what} is wrong", *details, *((note,) if note else ()), hint=hint)


def expect(condition: bool, problem: str, *details: str, hint: str = "") -> None:
    """Raise :class:`AnswerError` with these lines unless ``condition`` holds."""
    if not condition:
        raise AnswerError(problem, *details, hint=hint)


class Learner:
    """The learner's file, run: its names, and a way to call them that reports their errors.

    Args:
        namespace: The globals the learner's file left after running.
        filename: The name their code was compiled with (their file's path).
        source: Their file's text, to quote the line that raised.
    """

    def __init__(self, namespace: dict[str, Any], filename: str, source: str) -> None:
        self.namespace = namespace
        self.filename = filename
        self._lines = source.splitlines()

    def get(self, name: str, kind: str = "function") -> Any:
        """The learner's ``name``, or :class:`AnswerError` saying their file has no such name."""
        if name not in self.namespace:
            raise AnswerError(
                f"your file defines no {kind} named {name}",
                hint=f"keep the starter's {kind} {name} (opgrad exercises start writes it)",
            )
        found = self.namespace[name]
        wanted = isinstance(found, type) if kind == "class" else callable(found)
        if not wanted:
            raise AnswerError(f"{name} should be a {kind}, got {type(found).__name__}")
        return found

    def call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)``; an exception it raises becomes an AnswerError naming ``what``.

        The feedback quotes the last line of the learner's file on the way to the error (their
        line, not the grader's or the library's).
        """
        try:
            return fn(*args, **kwargs)
        except AnswerError:
            raise
        except Exception as error:
            raise self.wrong_from(what, error) from None

    def where(self, error: BaseException) -> str:
        """``line N: <text>`` of the learner's file nearest to where ``error`` was raised."""
        if isinstance(error, SyntaxError) and error.filename == self.filename and error.lineno:
            return self.quote(error.lineno)
        seen: set[int] = set()
        cause: BaseException | None = error
        while cause is not None and id(cause) not in seen:  # opgrad re-raises an op's error
            seen.add(id(cause))
            frames = [
                frame
                for frame in traceback.extract_tb(cause.__traceback__)
                if frame.filename == self.filename and frame.lineno is not None
            ]
            if frames:
                return self.quote(frames[-1].lineno or 0)
            cause = cause.__cause__ or cause.__context__
        return ""

    def quote(self, lineno: int) -> str:
        """``line N: <text>`` of the learner's file."""
        text = self._lines[lineno - 1].strip() if 0 < lineno <= len(self._lines) else ""
        return f"line {lineno}: {text}"

    def wrong_from(self, what: str, error: Exception) -> AnswerError:
        """The feedback for the learner's code raising ``error`` while doing ``what``."""
        where = self.where(error)
        at = (where,) if where else ()
        if isinstance(error, NotImplementedError):
            return AnswerError(
                f"{what}: not written yet (it raises NotImplementedError)",
                *at,
                hint="replace the raise with your code",
            )
        message = f"{type(error).__name__}: {error}"
        if isinstance(error, RecursionError):
            return AnswerError(
                f"{what} recursed too deeply ({message})",
                *at,
                hint="a graph can be thousands of nodes deep: walk it with an explicit stack",
            )
        return AnswerError(f"{what} raised {message}", *at, hint=_hint_for(error))


def _hint_for(error: Exception) -> str:
    text = str(error)
    if isinstance(error, TypeError) and "must be real number, not Value" in text:
        return "a math function cannot take a Value: use arithmetic and Value methods (x.tanh())"
    if isinstance(error, AttributeError):
        return "check the attribute's name: opgrad's Value has data, grad, label, op, parents"
    if isinstance(error, ZeroDivisionError):
        return "look for a division by a number that can be 0"
    return "read the line above: it is where your code stopped"
