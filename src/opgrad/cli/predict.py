"""``opgrad predict``: run a saved model on one input and print its class or output."""

from __future__ import annotations

import argparse
import math
from collections.abc import Mapping, Sequence
from typing import Any

from nn._checks import predicted_class
from nn.datasets import Standardizer
from nn.serialize import load_model
from opgrad.cli.common import CommandError, Subcommands, shown

__all__ = ["register"]


def register(commands: Subcommands) -> None:
    """Add ``opgrad predict`` to the commands."""
    parser = commands.add_parser(
        "predict",
        help="run a saved model on one input",
        description="Print a saved model's output for one input: the class and raw scores of "
        "a classifier, the value of a regression. The saved standardiser is applied first.",
    )
    parser.add_argument("model", help="a model file written by 'opgrad train --save'")
    # REMAINDER: every word after the model is an input, even -1e3, which argparse would
    # otherwise take for an option.
    parser.add_argument(
        "inputs", nargs=argparse.REMAINDER, metavar="X ...", help="the input's features"
    )
    parser.set_defaults(run=_predict_command)


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
        named = shown(named)
        raise CommandError(f"the model takes {model.nin} inputs{named}, got {len(x)}")
    standardizer = _saved_standardizer(metadata, path, model.nin)
    if standardizer is not None:
        x = standardizer.transform([x])[0]
    outputs = [v.data for v in model.outputs(x)]
    bad = next((v for v in outputs if not math.isfinite(v)), None)
    if bad is not None:  # a failed prediction, not a class: say so rather than print "class 0"
        raise CommandError(
            f"the model's output is {bad} for this input, not a finite number "
            "(the input may be far outside the data the model was trained on)",
            status=1,
        )
    loss = metadata.get("loss")
    if loss in ("max_margin", "bce") and len(outputs) == 1:
        names = _class_names(metadata, path, 2)
        label = predicted_class(outputs)
        print(f"score: {outputs[0]:.6g}")
    elif loss == "softmax":
        names = _class_names(metadata, path, len(outputs))
        # The largest score's class; with one output that is class 0, the softmax of a single
        # score (the sign rule of a one-score classifier would name a class 1 that is not).
        label = outputs.index(max(outputs))
        scores = ", ".join(f"{shown(n)} {s:.6g}" for n, s in zip(names, outputs, strict=True))
        print(f"scores: {scores}")
    else:
        print(f"output: {', '.join(f'{v:.6g}' for v in outputs)}")
        return 0
    name = names[label]
    print(f"class: {label}" + (f" ({shown(name)})" if name != str(label) else ""))
    return 0
