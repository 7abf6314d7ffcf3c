"""``opgrad check``: property-test a user's Operation against finite differences."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Iterator

from autograd import GradcheckError, Operation
from nn.cli.common import CommandError, Subcommands, count, finite, positive_int

__all__ = ["register"]


def register(commands: Subcommands) -> None:
    """Add ``opgrad check`` to the commands."""
    parser = commands.add_parser(
        "check",
        help="check an operation's local_grads against finite differences",
        description="Import an Operation (a class with a no-argument constructor, or an "
        "instance) from MODULE:NAME and property-test its local_grads against central finite "
        "differences with hypothesis. The current directory is importable. Runs are "
        "reproducible: the same operation gives the same points.",
    )
    parser.add_argument("target", metavar="MODULE:NAME", help="e.g. mypackage.ops:Sin")
    parser.add_argument(
        "--domain",
        type=_domain,
        metavar="LO,HI",
        help="draw every input from [LO, HI] (default: -10,10)",
    )
    parser.add_argument(
        "--max-examples",
        type=positive_int,
        default=100,
        metavar="N",
        help="how many points to try (default: 100)",
    )
    parser.add_argument(
        "--order",
        type=positive_int,
        default=1,
        metavar="N",
        help="check derivatives up to order N (2: second derivatives too, against finite "
        "differences of the first; the op's local_grads must then work on Values) (default: 1)",
    )
    parser.add_argument(
        "--arity",
        type=positive_int,
        metavar="N",
        help="how many inputs to give an operation that takes any number of them",
    )
    parser.set_defaults(run=_check_command)


def _domain(text: str) -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"{text!r} is not LO,HI, as in -5,5")
    low, high = (finite(part.strip()) for part in parts)
    if not low < high:
        raise argparse.ArgumentTypeError(f"LO must be below HI, got {text!r}")
    return low, high


@contextlib.contextmanager
def _importable_here() -> Iterator[None]:
    """Put the current directory first on ``sys.path`` for the duration (a user's own file)."""
    here = os.getcwd()
    added = here not in sys.path
    if added:
        sys.path.insert(0, here)
    try:
        yield
    finally:
        if added and here in sys.path:
            sys.path.remove(here)


def _operation(target: str) -> Operation:
    """Import ``module:name`` and return the Operation it names (instantiated if a class)."""
    module_name, colon, attribute = target.partition(":")
    if not colon or not module_name or not attribute:
        raise CommandError(f"expected MODULE:NAME, as in mypackage.ops:Sin, got {target!r}")
    with _importable_here():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            raise CommandError(f"cannot import {module_name}: {error}") from None
        except (Exception, SystemExit) as error:  # the user's module failed or exited
            raise CommandError(
                f"importing {module_name} failed: {type(error).__name__}: {error}"
            ) from None
    found: object = module
    for part in attribute.split("."):
        try:
            found = getattr(found, part)
        except AttributeError:
            raise CommandError(f"{module_name} has no attribute {attribute!r}") from None
    if isinstance(found, type):
        if not issubclass(found, Operation):
            raise CommandError(f"{target} is the class {found.__name__}, not an Operation")
        try:
            return found()
        except (TypeError, ValueError) as error:
            raise CommandError(
                f"cannot make {target} without arguments ({error}); name an instance instead"
            ) from None
    if not isinstance(found, Operation):
        raise CommandError(f"{target} is a {type(found).__name__}, not an Operation")
    return found


@contextlib.contextmanager
def _reproducible_hypothesis() -> Iterator[None]:
    """Run hypothesis derandomised, without an example database, then restore its settings.

    The same operation then gets the same points, run after run, and the check writes no
    examples into the current directory.
    """
    from hypothesis import settings

    previous = settings.default
    settings.register_profile(
        "opgrad-check",
        parent=previous,
        database=None,
        derandomize=True,
        report_multiple_bugs=False,
    )
    settings.load_profile("opgrad-check")
    try:
        yield
    finally:
        settings.register_profile("opgrad-check-previous", parent=previous)
        settings.load_profile("opgrad-check-previous")


def _check_command(args: argparse.Namespace) -> int:
    try:
        from hypothesis.errors import HypothesisException

        from autograd.testing import check_operation, finite_floats
    except ImportError as error:
        raise CommandError(str(error), status=1) from None
    op = _operation(args.target)
    low, high = args.domain if args.domain is not None else (-10.0, 10.0)
    arity: int | None = args.arity
    if op.arity is None:
        if arity is None:
            raise CommandError(f"{op!r} takes one or more inputs: say how many with --arity N")
    elif arity is None:
        arity = op.arity
    elif arity != op.arity:
        raise CommandError(f"{op!r} takes {count(op.arity, 'input')}, not --arity {arity}")
    inputs = count(arity, "input")
    order: int = args.order
    what = "" if order == 1 else f" to order {order}"
    print(
        f"checking {op!r} ({inputs}){what} at up to {args.max_examples} points in "
        f"[{low:g}, {high:g}] against central finite differences"
    )
    try:
        with _reproducible_hypothesis():
            check_operation(
                op,
                finite_floats(low, high),
                arity=arity,
                order=order,
                max_examples=args.max_examples,
            )
    except GradcheckError as error:
        print(f"FAIL: {op!r}.local_grads disagrees with the finite differences")
        print(error)
        return 1
    except HypothesisException as error:
        raise CommandError(f"could not check {op!r}: {str(error).splitlines()[0]}") from None
    except SystemExit as error:  # not a verdict on the gradients: the check never finished
        raise CommandError(
            f"could not check {op!r}: it called sys.exit({error.code!r})", status=1
        ) from None
    except Exception as error:  # the user's operation raised: check_operation names the point
        print(f"FAIL: {error}")
        return 1
    print(f"PASS: {op!r}.local_grads agrees with the finite differences{what}")
    return 0
