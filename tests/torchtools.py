"""PyTorch for the tests that compare with it: installed once by the Makefile, never by a test.

`make test` (and `make quick`) install the ``torch`` extra, ``torch==2.13.0`` (the CPU build),
into the virtualenv with everything else, so no test spends minutes in pip. A run outside the
Makefile without torch skips these tests and says why; under CI (``CI`` set) a missing torch is
a failure, because there the Makefile should have installed it.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import pytest

TORCH = "torch==2.13.0"  # the CPU build; a plain `pip install torch` may pull CUDA


def installed_torch() -> Any:
    """The torch module, or a skip (a failure under CI) naming how to install it."""
    try:
        return importlib.import_module("torch")
    except ModuleNotFoundError:
        reason = f"{TORCH} is not installed: `make test` installs it (pip install 'opgrad[torch]')"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
