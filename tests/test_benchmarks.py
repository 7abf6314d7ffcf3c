import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "run.py"


def test_benchmarks_quick_run_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(out.read_text())
    engines = results["training_step"]["engines"]
    assert {"micrograd", "opgrad eager", "opgrad compiled", "opgrad numpy"} <= set(engines)
    for row in engines.values():
        assert row["on"] > 0
        assert row["off"] > 0
    # Every engine trains the same model on the same data: the same losses, step by step.
    losses = results["training_step"]["losses"]
    for name, seen in losses.items():
        assert seen == pytest.approx(losses["micrograd"], rel=1e-9), name
    assert losses["opgrad compiled"] == losses["opgrad eager"]
    assert losses["opgrad numpy"] == losses["opgrad eager"]
    assert results["deepest_chain"]["opgrad_survives"]
    assert results["deepest_chain"]["micrograd_deepest"] < 1000
    # Issue 11's: two against PyTorch when it is installed, the numpy plan's speed-up over the
    # python plan, its compile time, and its exactness after SGD steps with ReLU and tanh.
    with_torch = results["machine"]["torch"] is not None
    assert len(results["targets"]) == 7 + 4 + 2 * with_torch
    exact = [t for t in results["targets"] if "SGD steps vs eager" in t["figure"]]
    assert [t["shown"] for t in exact] == ["bit-identical", "bit-identical"]
    assert set(results["tensor_speed"]["tanh"]["step"]) >= {"numpy plan", "python plan"}
    assert "Targets" in run.stdout


def test_trainer_benchmark_quick_run_prints_the_table_of_the_docs() -> None:
    script = SCRIPT.parent / "trainer.py"
    run = subprocess.run(
        [sys.executable, str(script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "| trainer | first epoch | each later epoch | 3 epochs |" in lines
    assert any(line.startswith('| `Trainer(..., backend="python"): compile') for line in lines)
    assert "later epoch / rebuilt epoch " in lines[-1]


def test_playground_benchmark_quick_run_prints_its_figures() -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPT.parent / "playground.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    slider, training = run.stdout.splitlines()
    assert re.fullmatch(r"slider move on a \d+-node formula, .*: median \d+ ms, max \d+ ms", slider)
    assert re.fullmatch(r"training two moons as the Train view does: \d+ epochs/s", training)
