"""Fixtures shared by the playground's tests: a running server on a free port of 127.0.0.1."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator

import pytest

from opgrad.play.server import PlayServer


@pytest.fixture
def play_server() -> Iterator[PlayServer]:
    """A playground server on 127.0.0.1 and a free port, reporting into ``server.log``."""
    server = PlayServer("127.0.0.1", 0, log=io.StringIO())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
