"""PyTorch for the tests that compare with it, installed as the benchmarks install it."""

from __future__ import annotations

import fcntl
import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TORCH = "torch==2.13.0"  # the CPU build; a plain `pip install torch` may pull CUDA


def installed_torch() -> Any:
    """torch, installed into this environment with pip first if it is missing.

    Two test workers may get here at once: a lock file in the environment makes the second wait
    for the first's install. Skips, with pip's reason, only when torch cannot be installed.
    """
    try:
        return importlib.import_module("torch")
    except ModuleNotFoundError:
        pass
    with open(Path(sys.prefix) / ".opgrad-torch-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        importlib.invalidate_caches()
        try:
            return importlib.import_module("torch")
        except ModuleNotFoundError:
            pass
        run = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", TORCH],
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
        )
        if run.returncode != 0:
            reason = (run.stderr.strip().splitlines() or ["no output"])[-1]
            pytest.skip(f"{TORCH} could not be installed with pip: {reason}")
        importlib.invalidate_caches()
        return importlib.import_module("torch")
