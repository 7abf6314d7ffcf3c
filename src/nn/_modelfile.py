"""The model file format: a network's numbers as JSON, their validation and the atomic write.

It knows the numbers and shapes of a file, not MLPs: ``MLP.save`` and ``MLP.load``
(nn.module) turn a model into these numbers and back, and ``save_model`` and ``load_model``
(nn.serialize) are the functions users call.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import stat
from collections.abc import Sequence
from typing import Any

from autograd import write_atomic
from autograd.checks import finite_float, positive_int
from autograd.checks import short_repr as _short

__all__ = ["FORMAT", "FORMAT_VERSION", "Weights", "read_model_file", "write_model_file"]

FORMAT = "opgrad-mlp"
"""The ``format`` field of every model file."""

FORMAT_VERSION = 1
"""The ``version`` field this release writes and the only one it reads."""

_KEYS = {"format", "version", "nin", "nouts", "activation", "output", "layers", "metadata"}
_OPTIONAL = {"output", "metadata"}  # absent: a linear output layer, no metadata

MAX_BYTES = 16 * 2**20
"""The largest model file read: 16 MiB, room for about 800,000 parameters written out in full
(a scalar engine trains models a hundred times smaller), so a wrong path cannot fill the
memory."""

MAX_PARAMETERS = 1_000_000
"""The most weights and biases a model file may declare, checked from ``nin`` and ``nouts``
before any layer is read: a model of a million scalar nodes per input is far beyond what a
scalar engine trains, and would take gigabytes once built."""

Weights = list[list[tuple[list[float], float]]]
"""A model's weights and biases: per layer, per neuron, ``(w, b)``."""


def write_model_file(
    path: str | os.PathLike[str],
    *,
    nin: int,
    nouts: Sequence[int],
    activation: str,
    output: str = "linear",
    weights: Weights,
    metadata: dict[str, Any],
) -> None:
    """Write a model's fields to ``path`` as JSON, atomically (the layout: :func:`nn.save_model`).

    ``output``, the output layer's activation, is written only when it is not "linear", so a
    model with a linear output (every MLP before the field existed) writes the same file.

    Raises:
        TypeError: ``metadata`` holds something JSON cannot represent.
    """
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "nin": nin,
        "nouts": list(nouts),
        "activation": activation,
        **({} if output == "linear" else {"output": output}),
        "layers": [[{"w": w, "b": b} for w, b in layer] for layer in weights],
        "metadata": metadata,
    }
    try:
        text = json.dumps(document, indent=2, allow_nan=False) + "\n"
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"cannot save to {os.fspath(path)}: metadata is not JSON-serialisable: {error}"
        ) from error
    except RecursionError:
        raise TypeError(
            f"cannot save to {os.fspath(path)}: metadata is nested too deeply for JSON"
        ) from None
    write_atomic(path, text)


class _InvalidError(Exception):
    """What is wrong with a model file's contents (the caller adds the file name)."""


def read_model_file(
    path: str | os.PathLike[str], activations: Sequence[str]
) -> tuple[int, list[int], str, str, Weights, dict[str, Any]]:
    """Read and check a whole model file.

    Returns ``nin, nouts, activation, output, weights, metadata``; ``output`` is "linear" when
    the file has no ``output`` field.

    Args:
        path: The file to read.
        activations: The activation names a model may have (the output's may also be
            "linear").

    Raises:
        ValueError: The file is not valid JSON (truncated, corrupted), is not an opgrad model,
            has another format version, or its shapes or types do not match; the message names
            the file and what is wrong.
        OSError: The file cannot be read.
    """
    name = os.fspath(path)
    raw = _read_regular(path, name)
    try:
        text = raw.decode("utf-8")
        document = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_dupes)
    except UnicodeDecodeError as error:
        raise ValueError(f"{name}: not a model file (not UTF-8 text: {error})") from None
    except json.JSONDecodeError as error:
        hint = " (the text ends too early: is the file truncated?)" if _cut_short(error) else ""
        raise ValueError(f"{name}: not valid JSON{hint}: {error}") from None
    except _InvalidError as error:
        raise ValueError(f"{name}: {error}") from None
    except RecursionError:
        raise ValueError(f"{name}: not a model file (its JSON is nested too deeply)") from None
    except ValueError as error:  # an integer of more than 4300 digits
        raise ValueError(f"{name}: not a model file ({error})") from None
    try:
        return _validate(document, activations)
    except _InvalidError as error:
        raise ValueError(f"{name}: {error}") from None


def _read_regular(path: str | os.PathLike[str], name: str) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_BYTES`, or a ValueError naming it.

    Opened without blocking and checked on the open file: a named pipe would block the read
    forever, a device such as /dev/zero never ends, and a check of the path before opening it
    could be fooled by a file swapped in between.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    handle = os.open(path, flags)
    try:
        info = os.fstat(handle)
    except BaseException:
        os.close(handle)
        raise
    if not stat.S_ISREG(info.st_mode):
        os.close(handle)
        raise ValueError(f"{name}: not a model file (not a regular file)")
    if info.st_size > MAX_BYTES:
        os.close(handle)
        raise ValueError(_too_large(name, info.st_size))
    with os.fdopen(handle, "rb") as file:
        raw = file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:  # the file grew since
        raise ValueError(_too_large(name, len(raw)))
    return raw


def _too_large(name: str, size: int) -> str:
    return (
        f"{name}: not a model file ({size:,} bytes; a model file may have at most "
        f"{MAX_BYTES:,} bytes, {MAX_BYTES // 2**20} MiB)"
    )


# What a cut inside a number or a literal leaves after the decoder's error position.
_TOKEN_FRAGMENT = re.compile(r"[-+.0-9eE]+|[a-z]+")


def _cut_short(error: json.JSONDecodeError) -> bool:
    """Whether the text ends where the error is: between tokens or inside the last one."""
    rest = error.doc[error.pos :].rstrip()
    if not rest or _TOKEN_FRAGMENT.fullmatch(rest):
        return True
    # An unterminated string runs to the end of the text: the cut fell inside it.
    return error.msg.startswith("Unterminated string")


def _reject_constant(constant: str) -> float:
    raise _InvalidError(f"holds {constant}, which is not a finite number")


def _no_dupes(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for k, _ in pairs:
        if k in seen:
            raise _InvalidError(f"the key {k!r} appears twice in one object")
        seen.add(k)
    return dict(pairs)


def _number(x: object, where: str) -> float:
    try:
        return finite_float(x, where)
    except (TypeError, ValueError) as error:
        raise _InvalidError(str(error)) from None


def _positive_int(x: object, where: str) -> int:
    try:
        return positive_int(x, where)
    except ValueError as error:
        raise _InvalidError(str(error)) from None


def _list(x: object, where: str) -> list[Any]:
    if not isinstance(x, list):
        raise _InvalidError(f"{where} must be a list, got {type(x).__name__}: {_short(x)}")
    return x


def _validate(
    document: object, activations: Sequence[str]
) -> tuple[int, list[int], str, str, Weights, dict[str, Any]]:
    """Check a parsed model file completely; return its fields or raise _InvalidError."""
    if not isinstance(document, dict):
        raise _InvalidError(f"expected a JSON object at the top, got {type(document).__name__}")
    if document.get("format") != FORMAT:
        raise _InvalidError(f"not an opgrad model file (format is {document.get('format')!r})")
    version = document.get("version")
    if type(version) is not int or version != FORMAT_VERSION:  # not 1.0, not true
        raise _InvalidError(
            f"format version {version!r} is not supported (this opgrad reads {FORMAT_VERSION})"
        )
    missing = sorted(_KEYS - _OPTIONAL - document.keys())
    if missing:
        raise _InvalidError(f"missing field(s): {', '.join(missing)}")
    unknown = sorted(document.keys() - _KEYS)
    if unknown:
        raise _InvalidError(f"unknown field(s): {', '.join(unknown)}")
    nin = _positive_int(document["nin"], "nin")
    nouts = [
        _positive_int(n, f"nouts[{i}]") for i, n in enumerate(_list(document["nouts"], "nouts"))
    ]
    if not nouts:
        raise _InvalidError("nouts is empty: a model needs at least one layer")
    sizes = [nin, *nouts]
    parameters = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    if parameters > MAX_PARAMETERS:
        raise _InvalidError(
            f"nin {nin} and nouts {_short(nouts)} make {parameters:,} parameters, more than "
            f"the {MAX_PARAMETERS:,} a model file may have"
        )
    activation = document["activation"]
    if activation not in activations:
        raise _InvalidError(
            f"activation must be one of {', '.join(activations)}, got {activation!r}"
        )
    output = document.get("output", "linear")
    if output not in ("linear", *activations):
        raise _InvalidError(
            f"output must be one of linear, {', '.join(activations)}, got {_short(output)}"
        )
    metadata = document.get("metadata", {})
    if not isinstance(metadata, dict):
        raise _InvalidError(f"metadata must be a JSON object, got {type(metadata).__name__}")
    layers = _list(document["layers"], "layers")
    if len(layers) != len(nouts):
        raise _InvalidError(f"nouts has {len(nouts)} layers but layers has {len(layers)}")
    weights: Weights = []
    fan_in = nin
    for i, (layer, nout) in enumerate(zip(layers, nouts, strict=True)):
        neurons = _list(layer, f"layers[{i}]")
        if len(neurons) != nout:
            raise _InvalidError(
                f"layer L{i} has {len(neurons)} neurons, expected {nout} (nouts[{i}])"
            )
        weights.append([_neuron(n, fan_in, f"L{i}.N{j}") for j, n in enumerate(neurons)])
        fan_in = nout
    return nin, nouts, str(activation), str(output), weights, metadata


def _neuron(neuron: object, fan_in: int, where: str) -> tuple[list[float], float]:
    if not isinstance(neuron, dict):
        raise _InvalidError(
            f"neuron {where} must be an object with 'w' and 'b', got {_short(neuron)}"
        )
    if neuron.keys() != {"w", "b"}:
        raise _InvalidError(
            f"neuron {where} must have exactly the keys 'w' and 'b', got {sorted(neuron)}"
        )
    w: Sequence[object] = _list(neuron["w"], f"{where}.w")
    if len(w) != fan_in:
        raise _InvalidError(f"neuron {where} has {len(w)} weights, expected {fan_in}")
    return [_number(x, f"{where}.w{k}") for k, x in enumerate(w)], _number(
        neuron["b"], f"{where}.b"
    )
