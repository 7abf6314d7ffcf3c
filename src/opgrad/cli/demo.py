"""``opgrad demo``: train on two moons and write the plots, a neuron's graph and an animation."""

from __future__ import annotations

import argparse
import sys

from autograd import GraphvizNotFoundError, Value, render
from autograd.views.examples import lecture_neuron
from opgrad.cli.common import PROG, Subcommands, check_directory, positive_int, write_error
from opgrad.cli.formula import animate
from opgrad.cli.train import Run, require_matplotlib, train, write_plots

__all__ = ["register"]


def register(commands: Subcommands) -> None:
    """Add ``opgrad demo`` to the commands."""
    parser = commands.add_parser(
        "demo",
        help="train on two moons and write plots and graph drawings",
        description="Train micrograd's MLP on two moons, printing the loss and accuracy every "
        "10 epochs, print its accuracy and write the decision boundary, the training curves, "
        "one neuron's graph and an animation of the lecture neuron's backward pass.",
    )
    parser.add_argument("--out", default="out", metavar="DIR", help="where to write (default: out)")
    parser.add_argument(
        "--epochs", type=positive_int, metavar="N", help="training epochs (default: 100)"
    )
    parser.set_defaults(run=_demo_command)


def _trained_neuron(run: Run) -> Value:
    """The first hidden neuron that is active on the first training point, on that point.

    Its graph after backward shows the gradient of the neuron's output with respect to its
    weights and bias at that point; an inactive ReLU would show only zeros.
    """
    x = [Value(xi, label=f"x{i}") for i, xi in enumerate(run.X[0])]
    neurons = run.model.layers[0].neurons
    outputs = [neuron(x) for neuron in neurons]
    chosen = next((o for o in outputs if o.data > 0.0), outputs[0])
    chosen.label = neurons[outputs.index(chosen)].name
    return chosen


_DEMO_EVERY = 10
"""The demo prints the loss and accuracy every this many epochs, and after the last."""


def _demo_command(args: argparse.Namespace) -> int:
    out = check_directory(args.out, "--out")
    require_matplotlib()
    options = argparse.Namespace(
        seed=0,
        hidden=None,
        activation=None,
        optimizer=None,
        lr=None,
        epochs=args.epochs,
        batch_size=None,
        verbose=_DEMO_EVERY,
        replay=True,
    )
    run = train("moons", options)
    write_plots(run, out)
    neuron = _trained_neuron(run)
    run.model.zero_grad()  # the last training step's gradients are still there
    neuron.backward()
    picture = out / "neuron.svg"
    try:
        render(neuron, picture)
    except GraphvizNotFoundError as error:
        print(f"wrote {picture.with_suffix('.dot')}")
        print(f"{PROG}: warning: no pictures of graphs: {error}", file=sys.stderr)
        return 0
    except OSError as error:
        raise write_error(error, picture) from None
    print(f"wrote {picture.with_suffix('.dot')}")
    print(f"wrote {picture}")
    animate(lecture_neuron(), out / "neuron-backward.html")
    return 0
