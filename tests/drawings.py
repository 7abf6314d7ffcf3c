"""What the tests of drawings and animations share: whether Graphviz is here, and a long chain."""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

from autograd import Value

# CI installs Graphviz (make system-deps), so there a missing dot fails the tests instead of
# skipping them; elsewhere they skip.
HAVE_GRAPHVIZ = shutil.which("dot") is not None and importlib.util.find_spec("graphviz") is not None
needs_graphviz = pytest.mark.skipif(
    not HAVE_GRAPHVIZ and not os.environ.get("CI"),
    reason="needs Graphviz's dot program and the graphviz package (make system-deps)",
)


def chain(length: int) -> Value:
    node = Value(0.5, label="start")
    for _ in range(length):
        node = node * 1.0
    return node
