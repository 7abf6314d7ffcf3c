from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

_DOCS_PAGE = Path(__file__).resolve().parents[1] / "docs" / "nn.md"


@pytest.mark.parametrize("module", ["nn.module", "nn.losses", "nn.optim", "nn.train"])
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0
    assert result.failed == 0


def test_docs_page_examples_run() -> None:
    result = doctest.testfile(str(_DOCS_PAGE), module_relative=False, encoding="utf-8")
    assert result.attempted > 0
    assert result.failed == 0
