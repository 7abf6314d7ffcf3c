"""``opgrad graph`` and ``opgrad explain``: draw, animate and explain a formula's backward pass."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograd import (
    ExpressionError,
    GraphvizNotFoundError,
    Value,
    animate_backward,
    explain,
    parse_assignments,
    parse_expression,
    render,
    to_dot,
    write_atomic,
)
from autograd.files import replaced_file
from opgrad.cli.common import CommandError, Subcommands, check_file, number, write_error

__all__ = ["animate", "register"]


def register(commands: Subcommands) -> None:
    """Add ``opgrad graph`` and ``opgrad explain`` to the commands."""
    graph = commands.add_parser(
        "graph",
        help="draw an expression's graph after backward",
        description="Build the graph of EXPR, run backward and draw it, with each node's "
        "value and gradient. The DOT source is always written next to the picture.",
    )
    _expression_arguments(graph)
    graph.add_argument(
        "--out",
        default="graph.svg",
        metavar="PATH",
        help="the picture: .svg or .png (with a .dot beside it), or .dot alone "
        "(default: graph.svg)",
    )
    graph.add_argument(
        "--animate", metavar="PATH", help="also animate the backward pass into a .html or .gif"
    )
    graph.set_defaults(run=_graph_command)

    explain_ = commands.add_parser(
        "explain",
        help="print the chain-rule steps of an expression's backward pass",
        description="Print the backward pass of EXPR one chain-rule step per line.",
    )
    _expression_arguments(explain_)
    explain_.add_argument("--markdown", action="store_true", help="print a Markdown table")
    explain_.set_defaults(run=_explain_command)


def _expression_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "expression",
        metavar="EXPR",
        nargs="?",
        help="a formula such as 'tanh(x1*w1 + x2*w2 + b)': numbers, names, + - * / ** %, "
        "abs, cos, exp, log, relu, sigmoid, sin, softplus, sqrt, tanh, max(a, b), min(a, b); "
        "it may come before or after --set, and start with - ('-x')",
    )
    parser.add_argument(
        "--set",
        nargs="+",
        action="extend",
        default=[],
        metavar="NAME=NUMBER",
        help="the value of each name, e.g. --set x1=2 w1=-3; may be repeated",
    )
    # argparse takes a formula that starts with "-" (-x) for an unknown option: main hands such
    # words to the command (see _formula), which reads them as the formula.
    parser.set_defaults(formula_words=True)


def _formula(args: argparse.Namespace) -> tuple[str, list[str]]:
    """The formula and the NAME=NUMBER items, wherever on the line each was given.

    ``--set`` takes every word after it, so a formula given after ``--set x=2`` lands among its
    items: where no formula came elsewhere, the item without ``=`` is the formula (else such an
    item is a bad assignment). A formula starting with ``-`` comes in ``args.extra`` (argparse
    took it for an option).
    """
    items: list[str] = args.set
    formulas = [w for w in [args.expression, *getattr(args, "extra", [])] if w is not None]
    assignments = items
    if not formulas:  # given after --set: the item that is not NAME=NUMBER
        formulas = [item for item in items if "=" not in item]
        assignments = [item for item in items if "=" in item]
    if not formulas:
        raise CommandError(f"{args.command}: give a formula (EXPR), such as 'x*y + x'")
    if len(formulas) > 1:
        shown_ = ", ".join(repr(f) for f in formulas)
        raise CommandError(
            f"{args.command}: one formula at a time, got {len(formulas)}: {shown_} "
            "(a --set item is NAME=NUMBER)"
        )
    return formulas[0], assignments


def _expression(args: argparse.Namespace) -> tuple[Value, dict[str, Value]]:
    """Parse EXPR with the --set values; name the result ``out`` unless it is a leaf."""
    text, assignments = _formula(args)
    try:
        root, leaves = parse_expression(text, parse_assignments(assignments))
    except ExpressionError as error:
        raise CommandError(str(error)) from None
    if not root.label:
        root.label = "out"
    return root, leaves


def _graphviz_missing(error: GraphvizNotFoundError) -> CommandError:
    return CommandError(str(error), status=1)


def _graph_command(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".svg", ".png", ".dot"):
        raise CommandError(f"--out {out}: the path must end in .svg, .png or .dot")
    animation = None if args.animate is None else Path(args.animate)
    if animation is not None and animation.suffix.lower() not in (".html", ".htm", ".gif"):
        raise CommandError(f"--animate {animation}: the path must end in .html or .gif")
    # Checked before any work, as the atomic writer would refuse them (a loop of links, a
    # device...): the drawing of an .svg or .png writes its .dot source next to it too.
    check_file(args.out, "--out")
    if out.suffix.lower() != ".dot":
        source = out.with_suffix(".dot")
        try:
            replaced_file(source)
        except OSError as error:
            raise CommandError(
                f"--out {out}: its Graphviz source {source} cannot be written: "
                f"{error.strerror or error}"
            ) from None
    if animation is not None:
        check_file(args.animate, "--animate")
    root, leaves = _expression(args)
    try:
        root.backward()
    except (ArithmeticError, ValueError) as error:
        raise CommandError(str(error).splitlines()[0]) from None
    print(f"{root.label} = {number(root.data)}")
    for name, leaf in leaves.items():
        print(f"d({root.label})/d({name}) = {number(leaf.grad)}")
    if out.suffix.lower() == ".dot":
        _write_text(out, to_dot(root))
        print(f"wrote {out}")
    else:
        try:
            render(root, out)
        except GraphvizNotFoundError as error:
            if error.dot_path is not None:
                print(f"wrote {error.dot_path}")
            raise _graphviz_missing(error) from None
        except OSError as error:
            raise write_error(error, out) from None
        print(f"wrote {out.with_suffix('.dot')}")
        print(f"wrote {out}")
    if animation is not None:
        animate(root, animation)
    return 0


def animate(root: Value, path: Path) -> None:
    """Animate the backward pass of ``root`` into ``path`` (.html or .gif); say where."""
    try:
        animate_backward(root, path)
    except GraphvizNotFoundError as error:
        raise _graphviz_missing(error) from None
    except ImportError as error:  # a GIF without Pillow
        raise CommandError(str(error), status=1) from None
    except OSError as error:
        raise write_error(error, path) from None
    print(f"wrote {path}")


def _write_text(path: Path, text: str) -> None:
    try:
        write_atomic(path, text)
    except OSError as error:
        raise write_error(error, path) from None


def _explain_command(args: argparse.Namespace) -> int:
    root, _ = _expression(args)
    try:
        text = explain(root, format="markdown" if args.markdown else "text")
    except (ArithmeticError, ValueError) as error:
        raise CommandError(str(error).splitlines()[0]) from None
    print(text)
    return 0
