from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from opgrad.cli import main


def start(*options: str, cwd: Path) -> tuple[subprocess.Popen[str], str]:
    """``opgrad play --no-browser ...`` in a subprocess, and the address it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "opgrad", "play", "--no-browser", *options],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.fullmatch(r"opgrad play: serving on (http://\S+/) \(Ctrl-C stops it\)\n", line)
    if found is None:
        process.kill()
        raise AssertionError(f"unexpected first line {line!r}: {process.communicate()}")
    return process, found.group(1)


def interrupt(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


def test_cli_play_serves_on_a_free_port_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    process, url = start("--port", "0", cwd=tmp_path)
    try:
        assert url.startswith("http://127.0.0.1:")
        assert not url.endswith(":0/")
        with urllib.request.urlopen(url, timeout=20) as response:
            assert b"<title>opgrad play</title>" in response.read()
        request = urllib.request.Request(
            url + "api/session", data=b"{}", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=20) as response:
            assert json.loads(response.read())["session"]
    finally:
        status, out, err = interrupt(process)
    assert status == 0
    assert out == ""
    assert "Traceback" not in err
    assert re.fullmatch(r"opgrad play: stopped after \d+ s\n", err)


def test_cli_play_warns_when_listening_beyond_this_machine(tmp_path: Path) -> None:
    process, url = start("--host", "0.0.0.0", "--port", "0", cwd=tmp_path)
    status, _, err = interrupt(process)
    assert status == 0
    assert url.startswith("http://0.0.0.0:")
    assert "warning: listening on 0.0.0.0: anyone who can reach this machine" in err


def test_cli_play_reports_a_busy_port_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(["play", "--no-browser", "--port", str(port)])
    err = capsys.readouterr().err
    assert status == 1
    assert re.fullmatch(rf"opgrad: error: play: cannot listen on 127.0.0.1 port {port}: .+\n", err)


@pytest.mark.parametrize("port", ["-1", "65536", "http", "80.5"])
def test_cli_play_refuses_a_bad_port(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "--port", port]) == 2
    assert "is not a port number (0 to 65535)" in capsys.readouterr().err
