"""What the commands share: CommandError, the parser class, argument types and path checks."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import NoReturn, TypeAlias

from autograd.files import replaced_file

__all__ = [
    "PROG",
    "CommandError",
    "Parser",
    "Subcommands",
    "check_directory",
    "check_file",
    "count",
    "finite",
    "number",
    "positive_float",
    "positive_int",
    "shown",
    "shown_lines",
    "write_error",
]

PROG = "opgrad"


class CommandError(Exception):
    """A problem to report on one line, ``opgrad: error: <message>``, and exit with ``status``.

    Attributes:
        status: The exit status: 2 for usage errors (the default), 1 for failed work.
    """

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, ``opgrad: error: ...``, not usage + error."""

    def error(self, message: str) -> NoReturn:
        """Raise CommandError instead of printing the usage and exiting."""
        command = self.prog.removeprefix(PROG).strip()
        where = f"{command}: " if command else ""
        raise CommandError(f"{where}{message} (see {self.prog} --help)")


Subcommands: TypeAlias = "argparse._SubParsersAction[Parser]"
"""What a command's ``register`` adds its parser to, with ``commands.add_parser(...)``."""


def shown(text: str) -> str:
    r"""``text`` as it may be printed on a terminal: with control characters escaped.

    Names read from a file (a model's class names) could hold newlines, which would break the
    one-line output, or escape codes, which a terminal would obey; those are written as Python
    escapes (``\n``, ``\x1b``), the rest of the text as it is.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def shown_lines(text: str) -> str:
    """Several lines of text, each as :func:`shown` prints it."""
    return "\n".join(shown(line) for line in text.splitlines())


def number(x: float) -> str:
    """Four significant digits, as drawings and explanations print them."""
    return "0" if x == 0.0 else f"{x:.4g}"


# Argument types: each raises ArgumentTypeError with a message for the one-line error.


def positive_int(text: str) -> int:
    """A whole number >= 1."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def finite(text: str) -> float:
    """A finite number."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return x


def positive_float(text: str) -> float:
    """A finite number > 0."""
    x = finite(text)
    if x <= 0.0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return x


def write_error(error: OSError, path: object) -> CommandError:
    """A failed write as one line naming the file that failed: the error's own, else ``path``.

    A failed rename (the last step of an atomic write) names its target, not the temporary file.
    """
    failed = next((f for f in (error.filename2, error.filename) if f is not None), path)
    return CommandError(f"cannot write {failed}: {error.strerror or error}", status=1)


def _blocking_file(path: Path) -> Path | None:
    """The nearest existing ancestor of ``path`` that is not a directory, if any."""
    for ancestor in path.parents:
        if ancestor.exists():
            return None if ancestor.is_dir() else ancestor
    return None


def check_directory(text: str, option: str) -> Path:
    """``text`` as a directory that can be made or written into; checked before any work."""
    if not text:
        raise CommandError(f"{option}: give a directory, not an empty path")
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise CommandError(f"{option} {path}: a file of that name exists; give a directory")
    blocking = _blocking_file(path)
    if blocking is not None:
        raise CommandError(f"{option} {path}: {blocking} is a file, not a directory")
    return path


def check_file(text: str, option: str) -> Path:
    """``text`` as a file that can be written; checked before any work.

    Refused as the atomic writer would refuse them, but before the work: a directory, a
    device, a named pipe or a socket (only a regular file is ever replaced), and a loop of
    symbolic links.
    """
    path = Path(text)
    if not text or not path.name or path.is_dir():
        raise CommandError(f"{option} {text!r}: give a file name, not a directory")
    blocking = _blocking_file(path)
    if blocking is not None:
        raise CommandError(f"{option} {path}: {blocking} is a file, not a directory")
    try:
        replaced_file(path)
    except OSError as error:
        raise CommandError(f"{option} {path}: {error.strerror or error}") from None
    return path


def count(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless n is 1: "1 epoch", "3 epochs"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
