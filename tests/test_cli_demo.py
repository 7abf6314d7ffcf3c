"""opgrad demo (opgrad/cli/demo.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clitools import (
    needs_graphviz,
    needs_matplotlib,
    opgrad,
    run,
)


@needs_matplotlib
@needs_graphviz
def test_cli_demo_writes_every_file_it_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    status, out, err = run(capsys, "demo", "--out", str(out_dir), "--epochs", "2")
    assert (status, err) == (0, "")
    # Every 10th epoch and the last, here the second, even though stderr is no terminal.
    assert [line[:10] for line in out.splitlines() if line.startswith("epoch")] == ["epoch 2/2 "]
    written = [line.removeprefix("wrote ") for line in out.splitlines() if line.startswith("wrote")]
    names = [
        "moons-history.png",
        "moons-boundary.png",
        "neuron.dot",
        "neuron.svg",
        "neuron-backward.html",
    ]
    assert written == [str(out_dir / name) for name in names]
    for name in names:
        assert (out_dir / name).stat().st_size > 0
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(names)
    # The neuron's graph shows the gradient of one trained neuron alone, not training leftovers.
    dot = (out_dir / "neuron.dot").read_text()
    assert re.search(r'label="\{ L0\.N\d+ \| data [\d.]+ \| grad 1 \}"', dot)
    assert re.search(r'label="\{ L0\.N\d+\.b \| data -?[\d.e-]+ \| grad 1 \}"', dot)


@needs_matplotlib
def test_cli_demo_without_dot_still_writes_the_plots_and_the_dot_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    status, out, err = run(capsys, "demo", "--out", str(tmp_path), "--epochs", "1")
    assert status == 0
    assert out.splitlines()[-1] == f"wrote {tmp_path / 'neuron.dot'}"
    assert err.startswith("opgrad: warning: no pictures of graphs:")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "moons-boundary.png",
        "moons-history.png",
        "neuron.dot",
    ]


@pytest.mark.slow
@needs_matplotlib
@needs_graphviz
def test_cli_demo_reaches_100_percent_on_the_moons(tmp_path: Path) -> None:
    result = opgrad("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    epochs = [line[:13] for line in result.stdout.splitlines() if line.startswith("epoch")]
    assert epochs == [f"epoch {k:>3}/100" for k in range(10, 101, 10)]
    assert "epoch 100/100  loss 0.0123  accuracy 100.0%" in result.stdout  # before the update
    assert (
        "training set after the last update: loss 0.01287, accuracy 100.0% (100 of 100)"
        in result.stdout
    )
    assert (tmp_path / "out" / "moons-boundary.png").stat().st_size > 0
