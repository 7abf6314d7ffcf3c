"""Fixtures shared by the playground's tests: a running server on a free port of 127.0.0.1, and
for the browser tests one chromium per test module and a fresh 1280x800 page per test."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import Any

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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium through Playwright, shared by one module's tests."""
    from browsertools import launch

    yield from launch()


@pytest.fixture
def page(browser: Any, play_server: PlayServer) -> Iterator[Any]:
    """The playground opened in a new 1280x800 page; no script error by the end."""
    from browsertools import open_page

    yield from open_page(browser, play_server.url)
