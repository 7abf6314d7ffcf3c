"""The playground's web server: the HTTP transport of :mod:`opgrad.play.api`, and the page.

The requests themselves are checked and answered by :class:`~opgrad.play.api.Playground`; this
module reads and writes HTTP. Python's :class:`http.server.ThreadingHTTPServer` is enough for
a page used by one person on their own machine, and adds no dependency. What makes it safe to
leave running: it binds to 127.0.0.1 unless told otherwise, refuses requests whose ``Host`` is
not the server's own (a web page elsewhere cannot reach it through DNS tricks) before reading
their body, takes JSON only from POST requests of ``application/json`` (which another site's
form cannot send), caps bodies, formulas and sessions, answers every bad request with a
one-line JSON error, and never sends a traceback.
"""

from __future__ import annotations

import json
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any, TextIO

from opgrad.play.api import Playground, decode_json
from opgrad.play.expression import PlayError
from opgrad.play.sessions import MAX_SESSIONS, Sessions

__all__ = ["MAX_BODY", "MAX_SESSIONS", "PlayServer"]

MAX_BODY = 64 * 1024
"""The largest request body accepted, in bytes."""

_STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
    **{
        f"/static/{name}.js": (f"{name}.js", "text/javascript; charset=utf-8")
        for name in ("app", "page", "graph", "train", "network", "share")
    },
}

# The page loads its own script and style only: nothing inline, nothing from elsewhere.
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class PlayServer(ThreadingHTTPServer):
    """The playground's HTTP server; ``serve_forever()`` runs it, ``shutdown()`` stops it.

    Args:
        host: The address to bind (127.0.0.1 by default: this machine only).
        port: The port; 0 picks a free one (read it from :attr:`url`).
        log: Where request errors are reported, one line each; None for silence.
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # socketserver's 5 makes a burst of connections wait for seconds

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, log: TextIO | None = sys.stderr
    ) -> None:
        super().__init__((host, port), _Handler)
        self.log = log
        self.sessions = Sessions()
        self.playground = Playground(sessions=self.sessions, report=self.report)
        bound_port = self.server_address[1]
        self.hosts = {f"{name}:{bound_port}" for name in ("127.0.0.1", "localhost", "[::1]")}
        self.check_host = host in ("127.0.0.1", "localhost", "::1")

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        host = self.server_address[0]
        name = host.decode() if isinstance(host, bytes) else str(host)
        name = f"[{name}]" if ":" in name else name
        return f"http://{name}:{self.server_address[1]}/"

    def report(self, message: str) -> None:
        """Tell the person running the server about a failure, on one line."""
        if self.log is not None:
            print(f"opgrad play: {message}", file=self.log, flush=True)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Report a failed connection in one line (socketserver would print a traceback)."""
        error = sys.exc_info()[1]
        self.report(f"connection from {client_address[0]} failed: {error!r}"[:300])


class _Handler(BaseHTTPRequestHandler):
    server: PlayServer
    server_version = "opgrad-play"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 20  # seconds a client may take to send its request

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet about requests that went well; errors are reported by the server."""

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", _CSP)
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data, allow_nan=False).encode("utf-8")
        self._send(status, body, "application/json")

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": message})

    def _host_ok(self) -> bool:
        if not self.server.check_host or self.headers.get("Host") in self.server.hosts:
            return True
        self._error(HTTPStatus.FORBIDDEN, "this server answers requests for 127.0.0.1 only")
        return False

    def do_GET(self) -> None:
        """Serve the page and its files."""
        if not self._host_ok():
            return
        path = self.path.split("?", 1)[0]
        if path == "/favicon.ico":  # browsers ask; the page has none
            self._send(HTTPStatus.NO_CONTENT, b"", "text/plain")
            return
        if path not in _STATIC:
            self._error(HTTPStatus.NOT_FOUND, f"no page at {path[:60]}")
            return
        name, content_type = _STATIC[path]
        body = resources.files("opgrad.play").joinpath("static").joinpath(name).read_bytes()
        self._send(HTTPStatus.OK, body, content_type)

    def do_HEAD(self) -> None:
        """Answer as GET does, without the body."""
        self.do_GET()

    def do_POST(self) -> None:
        """Run an API call: JSON in, JSON out, every failure a JSON ``{"error": ...}``."""
        if not self._host_ok():
            self.close_connection = True  # the body is not read
            return
        body = self._read_body()
        if body is None:
            return
        status, reply = self.server.playground.handle(self.path.split("?", 1)[0], body)
        self._json(status, reply)

    def _read_body(self) -> object | None:
        """The request's decoded JSON, or None after answering with an error."""
        self.close_connection = True  # never read a next request after a body we did not read
        length_header = self.headers.get("Content-Length", "")
        if not length_header.isdigit():
            self._error(HTTPStatus.LENGTH_REQUIRED, "send a JSON body with a Content-Length")
            return None
        length = int(length_header)
        if length > MAX_BODY:
            self._error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"the body has {length} bytes; the playground takes at most {MAX_BODY}",
            )
            return None
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json")
            return None
        raw = self.rfile.read(length)
        self.close_connection = False
        if len(raw) != length:
            self.close_connection = True
            self._error(HTTPStatus.BAD_REQUEST, "the body ended early")
            return None
        try:
            return decode_json(raw)
        except PlayError as error:
            self._error(HTTPStatus.BAD_REQUEST, str(error))
            return None


def serve(server: PlayServer, *, open_browser: bool = True) -> None:
    """Run ``server`` until Ctrl-C (or ``server.shutdown()`` from another thread), then close it.

    Ctrl-C comes out of here as KeyboardInterrupt, with the server closed.
    """
    try:
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
