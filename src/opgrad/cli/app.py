"""The entry point of ``opgrad``: the top-level parser, the list of commands and ``main``."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

from opgrad.cli import check, demo, exercises, formula, play, predict, train
from opgrad.cli.common import PROG, CommandError, Parser, Subcommands

__all__ = ["COMMANDS", "main"]

COMMANDS: tuple[Callable[[Subcommands], None], ...] = (
    train.register,
    predict.register,
    formula.register,
    check.register,
    demo.register,
    play.register,
    exercises.register,
)
"""Each command module's ``register``, in the order ``opgrad --help`` lists the commands."""


def _parser() -> Parser:
    parser = Parser(
        prog=PROG,
        description="Train small networks, draw and explain graphs, check operations.",
        epilog="Run 'opgrad COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in COMMANDS:
        register(commands)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("opgrad")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "(not installed)"


# Values that may start with "-", which argparse would take for an option after "--domain".
_NEGATIVE_VALUED = ("--domain",)


def _glue_values(argv: Sequence[str]) -> list[str]:
    """Write ``--domain -5,5`` as ``--domain=-5,5``, the form argparse reads as a value."""
    glued: list[str] = []
    items = iter(argv)
    for item in items:
        if item == "--":
            glued.append(item)
            glued.extend(items)
            break
        if item in _NEGATIVE_VALUED:
            value = next(items, None)
            if value is not None:
                glued.append(f"{item}={value}")
                continue
        glued.append(item)
    return glued


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: The arguments after the program name; ``sys.argv[1:]`` by default.

    Returns:
        The exit status: 0 on success, 1 when the work failed (a check failed, Graphviz or
        matplotlib is missing), 2 for a usage error. Errors are printed to standard error as
        one line, ``opgrad: error: ...``.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            args, extra = _parser().parse_known_args(_glue_values(arguments))
        except SystemExit as stop:  # --help and --version; only argparse's exits mean this
            return stop.code if isinstance(stop.code, int) else 0
        if getattr(args, "formula_words", False):
            # A formula that starts with "-" (opgrad explain -x): the command reads it.
            args.extra = [word for word in extra if not word.startswith("--")]
            extra = [word for word in extra if word.startswith("--")]
        if extra:  # said here, where the command is known, rather than by the top parser
            raise CommandError(
                f"{args.command}: unrecognized arguments: {' '.join(extra)} "
                f"(see {PROG} {args.command} --help)"
            )
        status: int = args.run(args)
    except CommandError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (opgrad ... | head): stop quietly. Python would otherwise fail
        # again flushing stdout at exit, so stdout is pointed at devnull first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status
