"""``opgrad train``: train an MLP on a data set by its recipe, report it, save and plot it."""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path
from typing import Any

import attrs

from nn.datasets import Standardizer, train_test_split
from nn.module import ACTIVATIONS, MLP
from nn.optim import SGD, Adam, LinearDecay, Optimizer
from nn.serialize import save_model
from nn.train import History, Trainer
from opgrad.cli.common import (
    CommandError,
    Subcommands,
    check_directory,
    check_file,
    count,
    number,
    positive_float,
    positive_int,
    write_error,
)
from opgrad.cli.recipes import RECIPES, Recipe

__all__ = ["Run", "register", "require_matplotlib", "train", "write_plots"]


def register(commands: Subcommands) -> None:
    """Add ``opgrad train`` to the commands."""
    parser = commands.add_parser(
        "train",
        help="train an MLP on a data set and report its accuracy",
        description="Train an MLP on a data set with its default recipe (see docs/cli.md), "
        "show a progress bar on a terminal, and print the final loss and accuracy.",
    )
    parser.add_argument("dataset", choices=sorted(RECIPES), help="the data set")
    _training_options(parser)
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="print the loss and accuracy after every epoch (instead of a progress bar)",
    )
    parser.add_argument(
        "--no-replay",
        dest="replay",
        action="store_false",
        help="build the graph anew every step rather than replay a compiled one "
        "(the same numbers, slower)",
    )
    parser.add_argument("--save", metavar="PATH", help="save the model as JSON, with its metadata")
    parser.add_argument(
        "--plot",
        metavar="DIR",
        help="write the loss/accuracy curves (and, for 2-D data, the decision boundary) "
        "as PNGs into DIR",
    )
    parser.set_defaults(run=_train_command)


def _training_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=positive_int, metavar="N", help="passes over the data")
    parser.add_argument("--lr", type=positive_float, metavar="RATE", help="learning rate")
    parser.add_argument(
        "--hidden",
        type=_hidden,
        metavar="SIZES",
        help="hidden layer sizes, e.g. 16,16 ('' for none: a linear model)",
    )
    parser.add_argument("--activation", choices=ACTIVATIONS, help="hidden layers' activation")
    parser.add_argument("--optimizer", choices=("sgd", "adam"), help="the optimiser")
    parser.add_argument(
        "--batch-size", type=positive_int, metavar="N", help="samples per step (default: all)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seeds the data, the split, the weights (default: 0)"
    )


def _hidden(text: str) -> tuple[int, ...]:
    if not text.strip():
        return ()  # no hidden layer: a linear model (or a single layer of the output's kind)
    sizes = []
    for part in text.split(","):
        size = part.strip()
        try:
            sizes.append(positive_int(size))
        except argparse.ArgumentTypeError as error:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a list of layer sizes such as 16,16 "
                f"(layer size {size!r}: {error})"
            ) from None
    return tuple(sizes)


_OPTIMIZER_NAMES = {"sgd": "SGD", "adam": "Adam"}

_LOSS_DESCRIPTIONS = {
    "max_margin": "max-margin loss",
    "bce": "binary cross-entropy",
    "softmax": "softmax cross-entropy",
    "mse": "mean squared error",
}


@attrs.frozen
class Run:
    """A trained model and what it was trained on."""

    name: str
    recipe: Recipe
    model: MLP
    history: History
    standardizer: Standardizer | None
    X: list[list[float]]
    y: list[Any]


def require_matplotlib() -> None:
    """Stop with status 1 before any work if matplotlib, needed for plots, is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise CommandError(
            "plots need matplotlib, which comes with the 'plot' extra: pip install 'opgrad[plot]'",
            status=1,
        ) from None


def _optimizer(name: str, model: MLP, lr: float, momentum: float) -> Optimizer:
    if name == "adam":
        return Adam(model.parameters(), lr=lr)
    return SGD(model.parameters(), lr=lr, momentum=momentum)


def _describe_training(
    recipe: Recipe, optimizer: str, lr: float, momentum: float, steps: int, batch: int | None
) -> str:
    loss = _LOSS_DESCRIPTIONS[recipe.loss]
    if recipe.l2:
        loss += f" + {recipe.l2:g} L2"
    rate = f"lr {lr:g}"
    if recipe.decay:
        rate += f" -> {lr / 10:g} (linear decay over {count(steps, 'step')})"
    if optimizer == "sgd" and momentum:
        rate += f", momentum {momentum:g}"
    batches = "full batch" if batch is None else f"batches of {batch}"
    return f"{loss}, {_OPTIMIZER_NAMES[optimizer]} {rate}, {batches}"


@attrs.frozen
class _Prepared:
    """A data set made ready for training: split, standardised, and described in one line."""

    X: list[list[float]]
    y: list[Any]
    X_fit: list[list[float]]
    test: tuple[list[list[float]], list[Any]] | None
    standardizer: Standardizer | None
    description: str


def _prepare(recipe: Recipe, seed: int) -> _Prepared:
    """Load the data, hold out the test set and fit the standardiser, as the recipe says."""
    X, y = recipe.load(seed)
    test = None
    if recipe.test_size is None:
        description = "all used for training"
    else:
        X, X_test, y, y_test = train_test_split(X, y, recipe.test_size, seed=seed)
        test = (X_test, y_test)
        description = f"stratified split: {len(X)} for training, {len(X_test)} for testing"
    if not recipe.standardize:
        return _Prepared(X, y, X, test, None, description)
    standardizer = Standardizer().fit(X)
    if test is not None:
        test = (standardizer.transform(test[0]), test[1])
    return _Prepared(
        X, y, standardizer.transform(X), test, standardizer, f"{description}; standardised"
    )


def train(name: str, args: argparse.Namespace) -> Run:
    """Train on data set ``name`` with its recipe and the options given; print as it goes."""
    recipe = RECIPES[name]
    seed: int = args.seed
    data = _prepare(recipe, seed)
    standardizer = data.standardizer
    n_outputs = len(recipe.classes) if recipe.loss == "softmax" and recipe.classes else 1
    hidden = args.hidden if args.hidden is not None else recipe.hidden
    activation = args.activation or recipe.activation
    model = MLP(
        len(recipe.features),
        [*hidden, n_outputs],
        activation=activation,
        seed=seed,
        metadata={
            "dataset": name,
            "features": list(recipe.features),
            "classes": None if recipe.classes is None else list(recipe.classes),
            "loss": recipe.loss,
            "standardizer": None if standardizer is None else standardizer.to_dict(),
        },
    )
    optimizer_name = args.optimizer or recipe.optimizer
    lr = args.lr if args.lr is not None else recipe.lr[optimizer_name]
    epochs = args.epochs if args.epochs is not None else recipe.epochs
    batch = args.batch_size if args.batch_size is not None else recipe.batch_size
    if batch is not None and batch >= len(data.X):
        batch = None
    steps = epochs * (1 if batch is None else math.ceil(len(data.X) / batch))
    optimizer = _optimizer(optimizer_name, model, lr, recipe.momentum)
    trainer = Trainer(
        model,
        optimizer,
        recipe.loss,
        l2=recipe.l2,
        schedule=LinearDecay(lr, lr / 10, steps) if recipe.decay else None,
        batch_size=batch,
        seed=seed,
        verbose=args.verbose,
        replay=args.replay,
    )
    print(f"data: {recipe.about}; {data.description}")
    print(f"model: {model!r}, {len(model.parameters())} parameters, seed {seed}")
    training = _describe_training(recipe, optimizer_name, lr, recipe.momentum, steps, batch)
    print(f"training: {training}, {count(epochs, 'epoch')}")
    start = time.perf_counter()
    try:
        history = trainer.fit(data.X_fit, data.y, epochs, test=data.test)
    except (ArithmeticError, ValueError) as error:  # a diverging run overflows or goes NaN
        raise CommandError(
            f"training failed: {str(error).splitlines()[0]}{_SMALLER_LR}", status=1
        ) from None
    _check_converging(history, model)
    print(f"trained in {time.perf_counter() - start:.1f} s")
    _report(trainer, "training set", data.X_fit, data.y)
    if data.test is not None:
        _report(trainer, "test set", *data.test)
    return Run(name, recipe, model, history, standardizer, data.X, data.y)


_SMALLER_LR = " (a smaller --lr may help); no model was saved"


def _check_converging(history: History, model: MLP) -> None:
    """Stop with status 1, naming the epoch and the figure, if the run went non-finite.

    A run that diverged is a failed run: nothing is saved or plotted from it.
    """
    figures = {"training loss": history.loss, "test loss": history.test_loss}
    for epoch in range(len(history.loss)):
        for figure, values in figures.items():
            if epoch < len(values) and not math.isfinite(values[epoch]):
                raise CommandError(
                    f"training diverged at epoch {epoch + 1}: the {figure} is "
                    f"{values[epoch]}{_SMALLER_LR}",
                    status=1,
                )
    for p in model.parameters():
        if not math.isfinite(p.data):
            raise CommandError(
                f"training diverged: parameter {p.label} is {p.data}{_SMALLER_LR}", status=1
            )


def _report(trainer: Trainer, what: str, X: list[list[float]], y: list[Any]) -> None:
    # The epoch lines measure each epoch's batches before their update, as micrograd's demo
    # does; this is the model after the last one, so the two losses differ: say which is which.
    result = trainer.evaluate(X, y)
    line = f"{what} after the last update: loss {number(result.loss)}"
    if result.accuracy is not None:
        right = round(result.accuracy * len(X))
        line += f", accuracy {result.accuracy:.1%} ({right} of {len(X)})"
    print(line)


def _plots(run: Run, directory: Path) -> list[Path]:
    """Write the training curves and, for 2-D data, the decision boundary; return the paths."""
    from nn.plot import plot_decision_boundary, plot_history

    written = [
        plot_history(
            run.history, directory / f"{run.name}-history.png", title=f"{run.name}: {run.model!r}"
        )
    ]
    if len(run.recipe.features) == 2 and run.recipe.classes is not None:
        written.append(
            plot_decision_boundary(
                run.model,
                run.X,
                run.y,
                directory / f"{run.name}-boundary.png",
                standardizer=run.standardizer,
                class_names=run.recipe.classes,
                feature_names=run.recipe.features,
            )
        )
    return written


def write_plots(run: Run, directory: Path) -> None:
    """Write the run's plots into ``directory`` and print their paths."""
    try:
        written = _plots(run, directory)
    except OSError as error:
        raise write_error(error, directory) from None
    except ValueError as error:
        raise CommandError(f"cannot draw into {directory}: {error}", status=1) from None
    for path in written:
        print(f"wrote {path}")


def _train_command(args: argparse.Namespace) -> int:
    # The paths are checked first, so that a typo does not cost a training run.
    save = None if args.save is None else check_file(args.save, "--save")
    plot = None if args.plot is None else check_directory(args.plot, "--plot")
    if plot is not None:
        require_matplotlib()
    run = train(args.dataset, args)
    if save is not None:
        try:
            save_model(run.model, save)
        except OSError as error:
            raise write_error(error, save) from None
        print(f"wrote {save}")
    if plot is not None:
        write_plots(run, plot)
    return 0
