"""A real notebook run (nbclient, an IPython kernel): what a learner sees in Jupyter."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from drawings import needs_graphviz

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

CELLS = [
    """
    from autograd import GraphExecutor, Value, draw_dot, explain
    from autograd.views.examples import lecture_neuron
    o = lecture_neuron()
    o.backward()
    o
    """,
    """
    from nn import MLP
    from nn.datasets import moons
    from nn.train import build_graph
    model = MLP(2, [16, 16, 1], seed=0)
    X, y = moons(100)
    loss = build_graph(model, X, y, "max_margin", 1e-4).loss
    loss.backward()
    loss
    """,
    "draw_dot(o)",
    "explain(o)",
    "model.summary()",
    "GraphExecutor().compile(o, backend='python').listing()",
]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """Run the cells in a fresh kernel; each cell's one result, as Jupyter's display data."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(textwrap.dedent(c).strip()) for c in CELLS]
    where: Path = tmp_path_factory.mktemp("notebook")
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(where)}}
    )
    client.execute()
    results = []
    for cell in notebook.cells:
        shown = [o for o in cell.outputs if o["output_type"] == "execute_result"]
        errors = [o for o in cell.outputs if o["output_type"] == "error"]
        assert not errors, errors
        assert len(shown) == 1, cell.outputs
        results.append(shown[0]["data"])
    return results


@needs_graphviz
def test_notebook_shows_a_value_as_the_svg_of_its_graph(outputs: list[dict[str, Any]]) -> None:
    svg = outputs[0]["image/svg+xml"]
    assert svg.count('class="node"') == 15  # the lecture neuron: 10 boxes, 5 operations
    assert "grad &#45;1.5" in svg
    assert outputs[0]["text/plain"].startswith("Value(label='o', data=0.7071")


@needs_graphviz
def test_notebook_shows_a_network_summarised(outputs: list[dict[str, Any]]) -> None:
    svg = outputs[1]["image/svg+xml"]
    for name in ("L0.N0", "L1.N15", "L2.N0"):
        assert f"{name}: " in svg
    assert "applied 100 times" in svg
    assert svg.count('class="node"') == 33 + 3 + 1  # neurons, inputs x0 x1 y, the loss
    assert "image/svg+xml" in outputs[2]  # draw_dot's Digraph shows itself too


def test_notebook_shows_explain_as_a_markdown_table(outputs: list[dict[str, Any]]) -> None:
    markdown = outputs[3]["text/markdown"]
    assert markdown.startswith("Backward pass from `o` (`tanh`), seeded with `o.grad` = 1:")
    assert "| 9 | `w1` | `x1w1` | `*` | 0.5 | 2 | 1 | 1 |" in markdown


def test_notebook_shows_summaries_and_listings_as_markdown(outputs: list[dict[str, Any]]) -> None:
    summary = outputs[4]["text/markdown"]
    assert "| L1 | 16 | 16 | relu | 272 |" in summary
    listing = outputs[5]["text/markdown"]
    assert listing.startswith("```python\n")
    assert listing.endswith("\n```")
