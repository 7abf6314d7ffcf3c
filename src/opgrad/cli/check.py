"""``opgrad check``: property-test a user's Operation against finite differences."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Iterator

from autograd import GradcheckError, Operation
from opgrad.cli.common import (
    CommandError,
    Subcommands,
    count,
    finite,
    positive_int,
    shown,
    shown_lines,
)

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
                f"importing {module_name} failed: {type(error).__name__}: {_said(error)}"
            ) from None
    found: object = module
    for part in attribute.split("."):
        try:
            found = getattr(found, part)
        except AttributeError:
            raise CommandError(f"{module_name} has no attribute {attribute!r}") from None
    if isinstance(found, type):
        if not issubclass(found, Operation):
            raise CommandError(f"{target} is the class {shown(found.__name__)}, not an Operation")
        try:
            return found()
        except (TypeError, ValueError) as error:
            raise CommandError(
                f"cannot make {target} without arguments ({_said(error)}); name an instance instead"
            ) from None
        except (Exception, SystemExit) as error:  # the user's __init__ failed or exited
            raise CommandError(
                f"making {target} failed: {type(error).__name__}: {_said(error)}", status=1
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


def _said(error: BaseException) -> str:
    """What an exception of the user's code says, on one printable line, whatever it does."""
    try:
        text = str(error)
    except Exception:  # its __str__ raised too
        text = "(its message cannot be shown)"
    return shown(" ".join(text.split()))


def _name(op: Operation) -> str:
    """``repr(op)`` as it may be printed: escaped, and safe from a __repr__ that raises."""
    try:
        text = repr(op)
    except Exception as error:  # the user's __repr__ failed: name the class instead
        return f"{shown(type(op).__name__)}() (its __repr__ raised {type(error).__name__})"
    return shown(text)


def _check_command(args: argparse.Namespace) -> int:
    try:
        from hypothesis.errors import FailedHealthCheck, HypothesisException, Unsatisfiable

        from autograd.testing import check_operation, finite_floats
    except ImportError as error:
        raise CommandError(
            f"opgrad check needs hypothesis ({error}), which comes with the 'testing' extra: "
            "pip install 'opgrad[testing]'",
            status=1,
        ) from None
    op = _operation(args.target)
    name = _name(op)
    low, high = args.domain if args.domain is not None else (-10.0, 10.0)
    arity: int | None = args.arity
    if op.arity is None:
        if arity is None:
            raise CommandError(f"{name} takes one or more inputs: say how many with --arity N")
    elif arity is None:
        arity = op.arity
    elif arity != op.arity:
        raise CommandError(f"{name} takes {count(op.arity, 'input')}, not --arity {arity}")
    inputs = count(arity, "input")
    order: int = args.order
    what = "" if order == 1 else f" to order {order}"
    print(
        f"checking {name} ({inputs}){what} at up to {args.max_examples} points in "
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
        print(f"FAIL: {name}.local_grads disagrees with the finite differences")
        print(shown_lines(str(error)))
        return 1
    except (Unsatisfiable, FailedHealthCheck) as error:
        if isinstance(error, FailedHealthCheck) and "filtering out" not in str(error):
            raise CommandError(f"could not check {name}: {_said(error).split('. ')[0]}") from None
        # Every point was filtered out: the output is never finite there.
        print(
            f"FAIL: {name} gives no finite output at any point tried in [{low:g}, {high:g}] "
            "(NaN or infinite everywhere), so there is nothing to compare its local_grads with"
        )
        return 1
    except HypothesisException as error:
        raise CommandError(f"could not check {name}: {str(error).splitlines()[0]}") from None
    except SystemExit as error:  # not a verdict on the gradients: the check never finished
        raise CommandError(
            f"could not check {name}: it called sys.exit({error.code!r})", status=1
        ) from None
    except Exception as error:  # the user's operation raised: check_operation names the point
        print(f"FAIL: {_said(error)}")
        return 1
    print(f"PASS: {name}.local_grads agrees with the finite differences{what}")
    return 0
