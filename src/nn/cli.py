"""The ``opgrad`` command line: train, predict, graph, explain, check and demo.

``opgrad COMMAND --help`` describes each command. Exit status: 0 on success, 1 when the work
failed (an operation failed its check, Graphviz or matplotlib is missing), 2 for a usage error
(a bad option, expression, file or module), reported on one line ``opgrad: error: ...``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import math
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import attrs

from autograd import (
    ExpressionError,
    GradcheckError,
    GraphvizNotFoundError,
    Operation,
    Value,
    animate_backward,
    explain,
    parse_assignments,
    parse_expression,
    render,
    to_dot,
)
from autograd.views.examples import lecture_neuron
from nn._checks import predicted_class
from nn.datasets import (
    IRIS_CLASSES,
    IRIS_FEATURES,
    Standardizer,
    iris,
    moons,
    tiny,
    train_test_split,
    xor,
)
from nn.module import ACTIVATIONS, MLP
from nn.optim import SGD, Adam, LinearDecay, Optimizer
from nn.serialize import load_model, save_model
from nn.train import History, LossName, Trainer

__all__ = ["RECIPES", "CommandError", "Recipe", "main"]

PROG = "opgrad"


class CommandError(Exception):
    """A problem to report on one line, ``opgrad: error: <message>``, and exit with ``status``.

    Attributes:
        status: The exit status: 2 for usage errors (the default), 1 for failed work.
    """

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, ``opgrad: error: ...``, not usage + error."""

    def error(self, message: str) -> NoReturn:
        """Raise CommandError instead of printing the usage and exiting."""
        command = self.prog.removeprefix(PROG).strip()
        where = f"{command}: " if command else ""
        raise CommandError(f"{where}{message} (see {self.prog} --help)")


Data = tuple[list[list[float]], list[Any]]


@attrs.frozen
class Recipe:
    """How ``opgrad train NAME`` trains on a data set unless told otherwise.

    Attributes:
        load: Makes the data set, given the seed.
        about: One line describing the data.
        features: The features' names.
        classes: The class names (label ``k`` is ``classes[k]``), or None for regression.
        hidden: The hidden layers' sizes; the output layer follows from the loss.
        activation: The hidden layers' activation.
        loss: The loss, and with it the task.
        l2: The L2 penalty's strength.
        optimizer: ``"sgd"`` or ``"adam"``.
        lr: The learning rate for each optimizer.
        momentum: SGD's momentum.
        epochs: Passes over the training set.
        batch_size: Samples per step, or None for full batch.
        decay: Decay the learning rate linearly to a tenth of itself over the run.
        standardize: Standardise the features (fitted on the training set).
        test_size: The share held out as a stratified test set, or None to train on all.
    """

    load: Callable[[int], Data]
    about: str
    features: tuple[str, ...]
    classes: tuple[str, ...] | None
    hidden: tuple[int, ...]
    activation: str
    loss: LossName
    optimizer: str
    lr: Mapping[str, float]
    epochs: int
    l2: float = 0.0
    momentum: float = 0.0
    batch_size: int | None = None
    decay: bool = False
    standardize: bool = False
    test_size: float | None = None


def _moons(seed: int) -> Data:
    return moons(100, noise=0.1, seed=seed)


def _fixed(load: Callable[[], Data]) -> Callable[[int], Data]:
    return lambda seed: load()


RECIPES: Mapping[str, Recipe] = {
    # micrograd's demo: MLP(2, [16, 16, 1]), max-margin loss + 1e-4 L2, 100 full-batch SGD
    # steps with lr = 1.0 - 0.9 * k / 100.
    "moons": Recipe(
        load=_moons,
        about="two moons, 100 points with noise 0.1",
        features=("x1", "x2"),
        classes=("outer moon", "inner moon"),
        hidden=(16, 16),
        activation="relu",
        loss="max_margin",
        l2=1e-4,
        optimizer="sgd",
        lr={"sgd": 1.0, "adam": 0.05},
        epochs=100,
        decay=True,
    ),
    "iris": Recipe(
        load=_fixed(iris),
        about="Fisher's iris, 150 flowers of 3 species, 4 features",
        features=IRIS_FEATURES,
        classes=IRIS_CLASSES,
        hidden=(8,),
        activation="tanh",
        loss="softmax",
        optimizer="adam",
        lr={"sgd": 0.1, "adam": 0.01},
        momentum=0.9,
        epochs=100,
        batch_size=16,
        standardize=True,
        test_size=0.2,
    ),
    "xor": Recipe(
        load=_fixed(xor),
        about="XOR, the 4 corners of the unit square",
        features=("x1", "x2"),
        classes=("0", "1"),
        hidden=(8,),
        activation="tanh",
        loss="max_margin",
        optimizer="sgd",
        lr={"sgd": 0.1, "adam": 0.05},
        momentum=0.9,
        epochs=100,
    ),
    "tiny": Recipe(
        load=_fixed(tiny),
        about="the backprop lecture's 4 samples of 3 features, targets +1 or -1",
        features=("x1", "x2", "x3"),
        classes=None,
        hidden=(4, 4),
        activation="tanh",
        loss="mse",
        optimizer="sgd",
        lr={"sgd": 0.1, "adam": 0.05},
        epochs=50,
    ),
}
"""The data sets ``opgrad train`` knows, with their default training recipes."""

_OPTIMIZER_NAMES = {"sgd": "SGD", "adam": "Adam"}

_LOSS_DESCRIPTIONS = {
    "max_margin": "max-margin loss",
    "bce": "binary cross-entropy",
    "softmax": "softmax cross-entropy",
    "mse": "mean squared error",
}


def _number(x: float) -> str:
    """Four significant digits, as drawings and explanations print them."""
    return "0" if x == 0.0 else f"{x:.4g}"


# Argument types: each raises ArgumentTypeError with a message for the one-line error.


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def _finite(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return x


def _positive_float(text: str) -> float:
    x = _finite(text)
    if x <= 0.0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return x


def _hidden(text: str) -> tuple[int, ...]:
    sizes = []
    for part in text.split(","):
        size = part.strip()
        try:
            sizes.append(_positive_int(size))
        except argparse.ArgumentTypeError as error:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a list of layer sizes such as 16,16 "
                f"(layer size {size!r}: {error})"
            ) from None
    return tuple(sizes)


def _domain(text: str) -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"{text!r} is not LO,HI, as in -5,5")
    low, high = (_finite(part.strip()) for part in parts)
    if not low < high:
        raise argparse.ArgumentTypeError(f"LO must be below HI, got {text!r}")
    return low, high


def _parser() -> _Parser:
    parser = _Parser(
        prog=PROG,
        description="Train small networks, draw and explain graphs, check operations.",
        epilog="Run 'opgrad COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    train = commands.add_parser(
        "train",
        help="train an MLP on a data set and report its accuracy",
        description="Train an MLP on a data set with its default recipe (see docs/cli.md), "
        "show a progress bar on a terminal, and print the final loss and accuracy.",
    )
    train.add_argument("dataset", choices=sorted(RECIPES), help="the data set")
    _training_options(train)
    train.add_argument(
        "--verbose",
        action="store_true",
        help="print the loss and accuracy after every epoch (instead of a progress bar)",
    )
    train.add_argument(
        "--no-replay",
        dest="replay",
        action="store_false",
        help="build the graph anew every step rather than replay a compiled one "
        "(the same numbers, slower)",
    )
    train.add_argument("--save", metavar="PATH", help="save the model as JSON, with its metadata")
    train.add_argument(
        "--plot",
        metavar="DIR",
        help="write the loss/accuracy curves (and, for 2-D data, the decision boundary) "
        "as PNGs into DIR",
    )
    train.set_defaults(run=_train_command)

    predict = commands.add_parser(
        "predict",
        help="run a saved model on one input",
        description="Print a saved model's output for one input: the class and raw scores of "
        "a classifier, the value of a regression. The saved standardiser is applied first.",
    )
    predict.add_argument("model", help="a model file written by 'opgrad train --save'")
    # REMAINDER: every word after the model is an input, even -1e3, which argparse would
    # otherwise take for an option.
    predict.add_argument(
        "inputs", nargs=argparse.REMAINDER, metavar="X ...", help="the input's features"
    )
    predict.set_defaults(run=_predict_command)

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

    check = commands.add_parser(
        "check",
        help="check an operation's local_grads against finite differences",
        description="Import an Operation (a class with a no-argument constructor, or an "
        "instance) from MODULE:NAME and property-test its local_grads against central finite "
        "differences with hypothesis. The current directory is importable. Runs are "
        "reproducible: the same operation gives the same points.",
    )
    check.add_argument("target", metavar="MODULE:NAME", help="e.g. mypackage.ops:Sin")
    check.add_argument(
        "--domain",
        type=_domain,
        metavar="LO,HI",
        help="draw every input from [LO, HI] (default: -10,10)",
    )
    check.add_argument(
        "--max-examples",
        type=_positive_int,
        default=100,
        metavar="N",
        help="how many points to try (default: 100)",
    )
    check.add_argument(
        "--arity",
        type=_positive_int,
        metavar="N",
        help="how many inputs to give an operation that takes any number of them",
    )
    check.set_defaults(run=_check_command)

    demo = commands.add_parser(
        "demo",
        help="train on two moons and write plots and graph drawings",
        description="Train micrograd's MLP on two moons, printing the loss and accuracy every "
        "10 epochs, print its accuracy and write the decision boundary, the training curves, "
        "one neuron's graph and an animation of the lecture neuron's backward pass.",
    )
    demo.add_argument("--out", default="out", metavar="DIR", help="where to write (default: out)")
    demo.add_argument(
        "--epochs", type=_positive_int, metavar="N", help="training epochs (default: 100)"
    )
    demo.set_defaults(run=_demo_command)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("opgrad")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "(not installed)"


def _training_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=_positive_int, metavar="N", help="passes over the data")
    parser.add_argument("--lr", type=_positive_float, metavar="RATE", help="learning rate")
    parser.add_argument(
        "--hidden", type=_hidden, metavar="SIZES", help="hidden layer sizes, e.g. 16,16"
    )
    parser.add_argument("--activation", choices=ACTIVATIONS, help="hidden layers' activation")
    parser.add_argument("--optimizer", choices=("sgd", "adam"), help="the optimiser")
    parser.add_argument(
        "--batch-size", type=_positive_int, metavar="N", help="samples per step (default: all)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seeds the data, the split, the weights (default: 0)"
    )


def _expression_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "expression",
        metavar="EXPR",
        help="a formula such as 'tanh(x1*w1 + x2*w2 + b)': numbers, names, + - * / **, "
        "exp, log, relu, sigmoid, tanh",
    )
    parser.add_argument(
        "--set",
        nargs="+",
        default=[],
        metavar="NAME=NUMBER",
        help="the value of each name, e.g. --set x1=2 w1=-3",
    )


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


@attrs.frozen
class _Run:
    """A trained model and what it was trained on."""

    name: str
    recipe: Recipe
    model: MLP
    history: History
    standardizer: Standardizer | None
    X: list[list[float]]
    y: list[Any]


def _require_matplotlib() -> None:
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
        rate += f" -> {lr / 10:g} (linear decay over {_count(steps, 'step')})"
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


def _train(name: str, args: argparse.Namespace) -> _Run:
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
    print(f"training: {training}, {_count(epochs, 'epoch')}")
    start = time.perf_counter()
    history = trainer.fit(data.X_fit, data.y, epochs, test=data.test)
    print(f"trained in {time.perf_counter() - start:.1f} s")
    _report(trainer, "training set", data.X_fit, data.y)
    if data.test is not None:
        _report(trainer, "test set", *data.test)
    return _Run(name, recipe, model, history, standardizer, data.X, data.y)


def _report(trainer: Trainer, what: str, X: list[list[float]], y: list[Any]) -> None:
    result = trainer.evaluate(X, y)
    line = f"{what}: loss {_number(result.loss)}"
    if result.accuracy is not None:
        right = round(result.accuracy * len(X))
        line += f", accuracy {result.accuracy:.1%} ({right} of {len(X)})"
    print(line)


def _plots(run: _Run, directory: Path) -> list[Path]:
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


def _write_error(error: OSError, path: object) -> CommandError:
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


def _check_directory(text: str, option: str) -> Path:
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


def _check_file(text: str, option: str) -> Path:
    """``text`` as a file that can be written; checked before any work."""
    path = Path(text)
    if not text or not path.name or path.is_dir():
        raise CommandError(f"{option} {text!r}: give a file name, not a directory")
    blocking = _blocking_file(path)
    if blocking is not None:
        raise CommandError(f"{option} {path}: {blocking} is a file, not a directory")
    return path


def _write_plots(run: _Run, directory: Path) -> None:
    try:
        written = _plots(run, directory)
    except OSError as error:
        raise _write_error(error, directory) from None
    except ValueError as error:
        raise CommandError(f"cannot draw into {directory}: {error}", status=1) from None
    for path in written:
        print(f"wrote {path}")


def _train_command(args: argparse.Namespace) -> int:
    # The paths are checked first, so that a typo does not cost a training run.
    save = None if args.save is None else _check_file(args.save, "--save")
    plot = None if args.plot is None else _check_directory(args.plot, "--plot")
    if plot is not None:
        _require_matplotlib()
    run = _train(args.dataset, args)
    if save is not None:
        try:
            save_model(run.model, save)
        except OSError as error:
            raise _write_error(error, save) from None
        print(f"wrote {save}")
    if plot is not None:
        _write_plots(run, plot)
    return 0


def _input_numbers(texts: Sequence[str]) -> list[float]:
    if texts[:1] == ["--"]:  # the usual way to say "no more options", accepted though not needed
        texts = texts[1:]
    numbers = []
    for i, text in enumerate(texts, start=1):
        try:
            x = float(text)
        except ValueError:
            raise CommandError(f"input {i} is {text!r}, not a number") from None
        if not math.isfinite(x):
            raise CommandError(f"input {i} is {text!r}, not a finite number")
        numbers.append(x)
    return numbers


def _saved_standardizer(metadata: Mapping[str, Any], path: str, nin: int) -> Standardizer | None:
    saved = metadata.get("standardizer")
    if saved is None:
        return None
    try:
        standardizer = Standardizer.from_dict(saved)
    except (TypeError, ValueError) as error:
        raise CommandError(f"{path}: the saved standardizer is invalid: {error}") from None
    if standardizer.n_features != nin:
        raise CommandError(
            f"{path}: the saved standardizer has {standardizer.n_features} features, "
            f"the model {nin} inputs"
        )
    return standardizer


def _class_names(metadata: Mapping[str, Any], path: str, count: int) -> list[str]:
    names = metadata.get("classes")
    if names is None:
        return [str(k) for k in range(count)]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise CommandError(f"{path}: the saved class names are not a list of strings")
    if len(names) != count:
        raise CommandError(f"{path}: {len(names)} class names saved for {count} classes")
    return names


def _feature_names(metadata: Mapping[str, Any], path: str, count: int) -> list[str] | None:
    names = metadata.get("features")
    if names is None:
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise CommandError(f"{path}: the saved feature names are not a list of strings")
    if len(names) != count:
        raise CommandError(f"{path}: {len(names)} feature names saved for {count} inputs")
    return names


def _predict_command(args: argparse.Namespace) -> int:
    path: str = args.model
    try:
        model = load_model(path)
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    except ValueError as error:
        raise CommandError(str(error)) from None
    x = _input_numbers(args.inputs)
    metadata = model.metadata
    features = _feature_names(metadata, path, model.nin)
    if len(x) != model.nin:
        named = f" ({', '.join(features)})" if features is not None else ""
        raise CommandError(f"the model takes {model.nin} inputs{named}, got {len(x)}")
    standardizer = _saved_standardizer(metadata, path, model.nin)
    if standardizer is not None:
        x = standardizer.transform([x])[0]
    outputs = [v.data for v in model.outputs(x)]
    loss = metadata.get("loss")
    if loss in ("max_margin", "bce") and len(outputs) == 1:
        names = _class_names(metadata, path, 2)
        label = predicted_class(outputs)
        print(f"score: {outputs[0]:.6g}")
    elif loss == "softmax":
        names = _class_names(metadata, path, len(outputs))
        label = predicted_class(outputs)
        scores = ", ".join(f"{n} {s:.6g}" for n, s in zip(names, outputs, strict=True))
        print(f"scores: {scores}")
    else:
        print(f"output: {', '.join(f'{v:.6g}' for v in outputs)}")
        return 0
    name = names[label]
    print(f"class: {label}" + (f" ({name})" if name != str(label) else ""))
    return 0


def _expression(args: argparse.Namespace) -> tuple[Value, dict[str, Value]]:
    """Parse EXPR with the --set values; name the result ``out`` unless it is a leaf."""
    try:
        root, leaves = parse_expression(args.expression, parse_assignments(args.set))
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
    root, leaves = _expression(args)
    try:
        root.backward()
    except (ArithmeticError, ValueError) as error:
        raise CommandError(str(error).splitlines()[0]) from None
    print(f"{root.label} = {_number(root.data)}")
    for name, leaf in leaves.items():
        print(f"d({root.label})/d({name}) = {_number(leaf.grad)}")
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
            raise _write_error(error, out) from None
        print(f"wrote {out.with_suffix('.dot')}")
        print(f"wrote {out}")
    if animation is not None:
        _animate(root, animation)
    return 0


def _animate(root: Value, path: Path) -> None:
    try:
        animate_backward(root, path)
    except GraphvizNotFoundError as error:
        raise _graphviz_missing(error) from None
    except ImportError as error:  # a GIF without Pillow
        raise CommandError(str(error), status=1) from None
    except OSError as error:
        raise _write_error(error, path) from None
    print(f"wrote {path}")


def _write_text(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise _write_error(error, path) from None


def _explain_command(args: argparse.Namespace) -> int:
    root, _ = _expression(args)
    try:
        text = explain(root, format="markdown" if args.markdown else "text")
    except (ArithmeticError, ValueError) as error:
        raise CommandError(str(error).splitlines()[0]) from None
    print(text)
    return 0


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


_FAILING_POINT = re.compile(r"point=(\([^)]*\))")


def _count(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless n is 1: "1 epoch", "3 epochs"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


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
        raise CommandError(f"{op!r} takes {_count(op.arity, 'input')}, not --arity {arity}")
    inputs = _count(arity, "input")
    print(
        f"checking {op!r} ({inputs}) at up to {args.max_examples} points in "
        f"[{low:g}, {high:g}] against central finite differences"
    )
    try:
        with _reproducible_hypothesis():
            check_operation(
                op, finite_floats(low, high), arity=arity, max_examples=args.max_examples
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
    except Exception as error:  # the user's operation raised: a failure of the operation
        notes = "\n".join(getattr(error, "__notes__", ()))
        point = _FAILING_POINT.search(notes)
        where = f" at {point[1]}" if point else ""
        print(f"FAIL: {op!r} raised {type(error).__name__}{where}: {error}")
        return 1
    print(f"PASS: {op!r}.local_grads agrees with the finite differences")
    return 0


def _trained_neuron(run: _Run) -> Value:
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
    out = _check_directory(args.out, "--out")
    _require_matplotlib()
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
    run = _train("moons", options)
    _write_plots(run, out)
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
        raise _write_error(error, picture) from None
    print(f"wrote {picture.with_suffix('.dot')}")
    print(f"wrote {picture}")
    _animate(lecture_neuron(), out / "neuron-backward.html")
    return 0
