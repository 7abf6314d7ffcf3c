"""Saving and loading an MLP as JSON: ``save_model`` and ``load_model``.

The file format, its validation and the atomic write are in nn._modelfile, below nn.module, so
that ``MLP.save`` and ``MLP.load`` use them without importing this module.
"""

from __future__ import annotations

import os

from nn._modelfile import FORMAT, FORMAT_VERSION
from nn.module import MLP

__all__ = ["FORMAT", "FORMAT_VERSION", "load_model", "save_model"]


def save_model(model: MLP, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` as JSON, atomically.

    The file holds the format name and version, ``nin``, ``nouts``, ``activation``, every
    weight and bias (JSON numbers written with ``repr``, so they read back exactly) and the
    model's ``metadata``. It is written to a temporary file in the same directory, flushed to
    disk and renamed over ``path``: a reader sees the old file or the new one, never half of
    one, and a failed save leaves an existing file untouched.

    Layout::

        {"format": "opgrad-mlp", "version": 1, "nin": 2, "nouts": [16, 16, 1],
         "activation": "relu",
         "layers": [[{"w": [w0, w1], "b": b}, ...16 neurons], [...], [...]],
         "metadata": {}}

    Args:
        model: The MLP to save.
        path: Where to write it.

    Raises:
        ValueError: A parameter is NaN or infinite (JSON has no such numbers).
        TypeError: ``model.metadata`` holds something JSON cannot represent.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"save_model needs an MLP, got {type(model).__name__}")
    MLP.save(model, path)


def load_model(path: str | os.PathLike[str]) -> MLP:
    """Read an MLP written by :func:`save_model`.

    The whole file is checked before any model is built: nothing is half-loaded. The model
    predicts bit-identically to the one saved. Only a regular file is read (not a named pipe,
    which would block, nor a device such as /dev/zero), of at most 16 MiB, declaring at most a
    million parameters (``nn._modelfile.MAX_BYTES`` and ``MAX_PARAMETERS``), checked from
    ``nin`` and ``nouts`` before any layer is read.

    Args:
        path: The file to read.

    Returns:
        The model, with its ``metadata``.

    Raises:
        ValueError: The file is not a regular file, is too large, is not valid JSON
            (truncated, corrupted), is not an opgrad model, has another format version, or its
            shapes or types do not match; the message names the file and what is wrong.
        OSError: The file cannot be read.
    """
    return MLP.load(path)
