"""The opgrad command as a whole: python -m opgrad, one-line errors, paths checked before work."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from clitools import (
    LECTURE,
    LECTURE_SET,
    assert_one_line_error,
    opgrad,
    run,
)


def test_cli_module_runs_and_lists_the_commands(tmp_path: Path) -> None:
    result = opgrad("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("train", "predict", "graph", "explain", "check", "demo", "play"):
        assert command in result.stdout
    version = opgrad("--version", cwd=tmp_path)
    assert re.fullmatch(r"opgrad \d+\.\d+\.\d+\S*\n", version.stdout)


@pytest.mark.parametrize(
    "expression", ["__import__('os')", "x.__class__", "open('f')", "lambda: 1"]
)
def test_cli_module_refuses_code_with_one_line_and_no_traceback(
    tmp_path: Path, expression: str
) -> None:
    result = opgrad("graph", expression, "--set", "x=1", "--out", "g.svg", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert_one_line_error(result.stderr)
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_module_trains_saves_and_predicts(tmp_path: Path) -> None:
    trained = opgrad("train", "xor", "--save", "xor.json", cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr
    assert "training set after the last update: loss 0, accuracy 100.0% (4 of 4)" in trained.stdout
    assert "wrote xor.json" in trained.stdout
    predicted = opgrad("predict", "xor.json", "0", "1", cwd=tmp_path)
    assert predicted.returncode == 0, predicted.stderr
    assert predicted.stdout.splitlines()[-1] == "class: 1"


def test_cli_module_stops_quietly_when_the_reader_goes_away(tmp_path: Path) -> None:
    # As in `opgrad explain ... | head -1`: the pipe is closed long before Python has started.
    process = subprocess.Popen(
        [sys.executable, "-m", "opgrad", "explain", LECTURE, *LECTURE_SET],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert err == ""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "xor", "--plot", "{file}"], "--plot {file}: a file of that name exists"),
        (["train", "xor", "--plot", "{file}/sub"], "--plot {file}/sub: {file} is a file, not a"),
        (["train", "xor", "--save", ""], "--save '': give a file name"),
        (["train", "xor", "--save", "{dir}"], "give a file name, not a directory"),
        (["train", "xor", "--save", "{file}/m.json"], "--save {file}/m.json: {file} is a file"),
        (["demo", "--out", "{file}"], "--out {file}: a file of that name exists"),
        (["demo", "--out", "{file}/sub"], "--out {file}/sub: {file} is a file, not a directory"),
    ],
)
def test_cli_refuses_unwritable_paths_before_training(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], message: str
) -> None:
    file = tmp_path / "taken"
    file.write_text("")
    names = {"file": str(file), "dir": str(tmp_path)}
    status, out, err = run(capsys, *(a.format(**names) for a in argv), "--epochs", "1")
    assert (status, out) == (2, "")
    assert_one_line_error(err, message.format(**names))


def test_cli_write_errors_name_the_file_that_failed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "g.dot").mkdir()  # the .dot written beside the picture cannot replace it
    status, _, err = run(
        capsys, "graph", "a*b", "--set", "a=1", "b=2", "--out", str(tmp_path / "g.svg")
    )
    assert status == 2  # seen before any work
    assert_one_line_error(err, f"its Graphviz source {tmp_path / 'g.dot'} cannot be written")

    def full_disk(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise OSError(28, "No space left on device", os.fspath(src))

    monkeypatch.setattr(os, "replace", full_disk)
    out = tmp_path / "h.dot"
    out.write_text("good")
    status, _, err = run(capsys, "graph", "a*b", "--set", "a=1", "b=2", "--out", str(out))
    assert status == 1
    assert_one_line_error(err, f"cannot write {out}: No space left on device")
    assert out.read_text() == "good"  # graph --out writes atomically too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.dot", "h.dot"]


@pytest.mark.parametrize("kind", ["loop", "fifo", "device"])
@pytest.mark.parametrize("command", ["train", "graph"])
def test_cli_refuses_a_link_loop_or_a_non_regular_file_before_any_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str, command: str
) -> None:
    path = tmp_path / ("l.json" if command == "train" else "l.dot")
    if kind == "loop":
        path.symlink_to(path.name)
        message = "a loop of symbolic links"
    elif kind == "fifo":
        os.mkfifo(path)
        message = "is a named pipe (FIFO), not a regular file"
    else:
        if os.geteuid() == 0:  # a device of our own: as root, /dev/null itself is at risk
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        else:
            path.symlink_to("/dev/null")
        message = "is a character device, not a regular file"
    before = os.lstat(path)
    if command == "train":
        argv = ["train", "tiny", "--save", str(path), "--epochs", "1"]
        option = "--save"
    else:
        argv = ["graph", "a*b", "--set", "a=1", "b=2", "--out", str(path)]
        option = "--out"
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")  # nothing trained, nothing drawn
    assert_one_line_error(err, f"{option} {path}: ", message)
    after = os.lstat(path)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
