"""The Makefile's installs: `make demo` takes the package with its `all` extra, `make test` dev."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _dry_run(where: Path, target: str) -> list[str]:
    """The pip commands ``make -n target`` would run in a copy of the project at ``where``."""
    result = subprocess.run(
        ["make", "-n", target], cwd=where, capture_output=True, text=True, check=True
    )
    return [line for line in result.stdout.splitlines() if "pip install" in line]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv").mkdir()
    return tmp_path


def _stamp(project: Path, *names: str) -> None:
    later = (project / "pyproject.toml").stat().st_mtime + 10  # make sees the stamp as newer
    for name in names:
        path = project / ".venv" / name
        path.touch()
        os.utime(path, (later, later))


def test_makefile_demo_on_a_fresh_clone_installs_the_all_extra_only(project: Path) -> None:
    (install,) = _dry_run(project, "demo")
    assert "-e '.[all]'" in install
    assert "--upgrade pip" not in install


def test_makefile_test_installs_the_dev_extra_and_stamps_the_demos_install_too(
    project: Path,
) -> None:
    installs = _dry_run(project, "test")
    assert any("-e '.[dev,torch]'" in line for line in installs)
    assert not any("'.[all]'" in line for line in installs)
    touch = subprocess.run(
        ["make", "-n", ".venv/.installed"], cwd=project, capture_output=True, text=True, check=True
    ).stdout
    assert "touch .venv/.installed .venv/.installed-all" in touch


def test_makefile_demo_after_test_installs_nothing(project: Path) -> None:
    _stamp(project, ".installed", ".installed-all")
    assert _dry_run(project, "demo") == []


def test_makefile_test_after_demo_adds_the_dev_tools(project: Path) -> None:
    _stamp(project, ".installed-all")
    installs = _dry_run(project, "test")
    assert any("-e '.[dev,torch]'" in line for line in installs)
