"""What the command-line tests share: running opgrad in-process or as a subprocess, and checks."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from opgrad.cli import main

LECTURE = "tanh(x1*w1 + x2*w2 + b)"
LECTURE_SET = ["--set", "x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"]

# CI installs Graphviz (make system-deps), so there a missing dot fails these tests instead of
# skipping them; elsewhere they skip.
HAVE_GRAPHVIZ = shutil.which("dot") is not None and importlib.util.find_spec("graphviz") is not None
needs_graphviz = pytest.mark.skipif(
    not HAVE_GRAPHVIZ and not os.environ.get("CI"),
    reason="needs Graphviz's dot program and the graphviz package (make system-deps)",
)
needs_matplotlib = pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None, reason="needs matplotlib (the plot extra)"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("opgrad: error: "), err
    for fragment in fragments:
        assert fragment in lines[0]


def opgrad(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "opgrad", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
