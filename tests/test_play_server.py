from __future__ import annotations

import http.client
import io
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import opgrad.play
from opgrad.play.server import MAX_BODY, MAX_SESSIONS, PlayServer


def request(
    server: PlayServer,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def post(server: PlayServer, path: str, data: Any) -> tuple[int, dict[str, Any]]:
    status, _, body = request(
        server, "POST", path, json.dumps(data).encode(), {"Content-Type": "application/json"}
    )
    return status, json.loads(body)


def read_to_end(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    parts = []
    while part := connection.recv(65536):
        parts.append(part)
    return b"".join(parts)


def log(server: PlayServer) -> str:
    assert isinstance(server.log, io.StringIO)
    return server.log.getvalue()


def session(server: PlayServer) -> str:
    status, data = post(server, "/api/session", {})
    assert status == 200
    key = data["session"]
    assert isinstance(key, str)
    return key


def test_server_serves_the_page_with_a_strict_policy(play_server: PlayServer) -> None:
    status, headers, body = request(play_server, "GET", "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'; script-src 'self'" in headers["Content-Security-Policy"]
    page = body.decode()
    # Relative addresses: the same page works under a sub-path of a static site.
    assert '<script type="module" src="static/app.js">' in page
    assert "http" not in page.replace("http-equiv", "")  # nothing fetched from elsewhere
    static = Path(opgrad.play.__file__).parent / "static"
    scripts = [f"/static/{file.name}" for file in sorted(static.glob("*.js"))]
    assert "/static/share.js" in scripts  # every module the page imports is served
    for path, kind in [
        *((s, "text/javascript") for s in scripts),
        ("/static/style.css", "text/css"),
    ]:
        status, headers, body = request(play_server, "GET", path)
        assert status == 200
        assert headers["Content-Type"].startswith(kind)
        assert body
        # The SVG namespace is a name, not an address anything is fetched from.
        text = body.replace(b'"http://www.w3.org/2000/svg"', b"")
        assert b"http://" not in text
        assert b"https://" not in text
    assert request(play_server, "GET", "/favicon.ico")[0] == 204
    status, headers, body = request(play_server, "GET", "/static/../server.py")
    assert status == 404
    assert json.loads(body)["error"].startswith("no page at")
    status, headers, body = request(play_server, "HEAD", "/")
    assert status == 200
    assert body == b""


def test_server_expression_api_runs_the_views(play_server: PlayServer) -> None:
    key = session(play_server)
    status, data = post(play_server, "/api/expression", {"session": key, "action": "show"})
    assert status == 200
    assert data["output"] == {"name": "out", "data": -8.0, "text": "-8"}
    assert data["svg"].startswith("<svg")
    status, data = post(play_server, "/api/expression", {"session": key, "action": "backward"})
    assert {leaf["name"]: leaf["grad"] for leaf in data["leaves"]} == {
        "a": 6.0,
        "b": -4.0,
        "c": -2.0,
        "f": 4.0,
    }
    status, data = post(
        play_server,
        "/api/expression",
        {"session": key, "action": "load", "formula": "x**2", "values": {"x": 3}},
    )
    assert status == 200
    assert data["output"]["data"] == 9.0
    status, data = post(
        play_server,
        "/api/expression",
        {"session": key, "view": "neuron", "action": "load", "activation": "relu"},
    )
    assert data["text"] == "o = relu(x1*w1 + x2*w2 + b)"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"action": "load", "formula": "x.__class__"}, "attribute access is not allowed"),
        ({"action": "load", "formula": "open('f')"}, "calling 'open' is not allowed"),
        ({"action": "load", "formula": "x" * 5000}, "at most 300"),
        ({"action": "set", "name": "zz", "value": 1}, "no leaf named 'zz'"),
        ({"action": "explode"}, "unknown action 'explode'"),
        ({"action": "show", "view": "sql"}, "view must be one of expression, neuron"),
    ],
)
def test_server_answers_bad_input_with_a_json_error(
    play_server: PlayServer, body: dict[str, Any], message: str
) -> None:
    key = session(play_server)
    status, data = post(play_server, "/api/expression", {"session": key, **body})
    assert status == 400
    assert message in data["error"]
    assert "Traceback" not in data["error"]


def test_server_refuses_what_is_not_a_small_json_object(play_server: PlayServer) -> None:
    json_type = {"Content-Type": "application/json"}
    cases: list[tuple[bytes, dict[str, str], int, str]] = [
        (b"{}", {"Content-Type": "text/plain"}, 415, "application/json"),
        (b"{", json_type, 400, "not JSON"),
        (b"[1, 2]", json_type, 400, "must be a JSON object"),
        (b'{"x": NaN}', json_type, 400, "not a number JSON allows"),
        (b"[" * 50_000 + b"]" * 10, json_type, 400, "not JSON"),
        (b"\xff\xfe", json_type, 400, "not JSON"),
        (b"x" * (MAX_BODY + 1), json_type, 413, f"at most {MAX_BODY}"),
    ]
    for body, headers, expected, message in cases:
        status, _, answer = request(play_server, "POST", "/api/expression", body, headers)
        assert status == expected, body[:20]
        assert message in json.loads(answer)["error"]
    status, _, answer = request(play_server, "POST", "/api/nothing", b"{}", json_type)
    assert status == 404
    status, data = post(play_server, "/api/expression", {"session": "guess", "action": "show"})
    assert status == 400
    assert "reload the page" in data["error"]


def test_server_answers_only_for_its_own_host_name(play_server: PlayServer) -> None:
    status, _, body = request(play_server, "GET", "/", headers={"Host": "attacker.example:80"})
    assert status == 403
    assert json.loads(body)["error"] == "this server answers requests for 127.0.0.1 only"
    port = play_server.server_address[1]
    assert request(play_server, "GET", "/", headers={"Host": f"localhost:{port}"})[0] == 200


def test_server_checks_the_host_before_reading_the_body(play_server: PlayServer) -> None:
    host, port = play_server.server_address[:2]
    with socket.create_connection((str(host), int(port)), timeout=15) as connection:
        # A body is promised and never sent: only a server that reads it first waits for it.
        connection.sendall(
            b"POST /api/session HTTP/1.1\r\nHost: attacker.example\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        )
        answer = read_to_end(connection)
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert b"this server answers requests for 127.0.0.1 only" in answer


def test_server_keeps_a_bounded_number_of_sessions(play_server: PlayServer) -> None:
    first = session(play_server)
    for _ in range(MAX_SESSIONS):
        session(play_server)
    assert len(play_server.sessions) == MAX_SESSIONS
    status, data = post(play_server, "/api/expression", {"session": first, "action": "show"})
    assert status == 400
    assert "session has ended" in data["error"]


def test_server_train_api(play_server: PlayServer) -> None:
    key = session(play_server)
    status, data = post(play_server, "/api/train", {"session": key, "action": "state"})
    assert status == 200
    assert data["dataset"] == "moons"
    assert data["epoch"] == 0
    status, data = post(play_server, "/api/train", {"session": key, "action": "run", "epochs": 3})
    assert data["epoch"] == 3
    assert len(data["loss"]) == 3
    status, data = post(
        play_server, "/api/train", {"session": key, "action": "add", "x": 0.0, "y": 0.0, "label": 1}
    )
    assert data["plot"]["points"][-1] == [0.0, 0.0, 1]
    status, data = post(play_server, "/api/train", {"session": key, "action": "remove", "index": 0})
    assert len(data["plot"]["points"]) == 100
    status, data = post(
        play_server, "/api/train", {"session": key, "action": "setup", "dataset": "xor", "lr": -1}
    )
    assert status == 400
    assert "Learning rate" in data["error"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "action": st.sampled_from(
            [
                "show",
                "load",
                "set",
                "backward",
                "reset",
                "state",
                "run",
                "add",
                "remove",
                "remove_nearest",
                "setup",
            ]
        )
        | _JSON,
        "view": st.sampled_from(["expression", "neuron"]) | _JSON,
        "formula": st.text(max_size=40) | _JSON,
        "values": st.dictionaries(st.sampled_from(["a", "b", "x"]), _JSON, max_size=3) | _JSON,
        "name": st.sampled_from(["a", "b", "c", "f"]) | _JSON,
        "value": st.floats(-10, 10) | _JSON,
        "activation": st.sampled_from(["tanh", "relu"]) | _JSON,
        "dataset": st.sampled_from(["xor", "tiny"]) | _JSON,
        "hidden": st.sampled_from(["", "2", "3, 2"]) | _JSON,
        "lr": st.floats(0.001, 1) | _JSON,
        "optimizer": st.sampled_from(["sgd", "adam"]) | _JSON,
        "epochs": st.integers(1, 3) | _JSON,
        "seconds": st.floats(0.001, 0.01) | _JSON,
        "x": st.floats(-1, 2) | _JSON,
        "y": st.floats(-1, 2) | _JSON,
        "label": st.integers(-1, 2) | _JSON,
        "index": st.integers(-1, 5) | _JSON,
    },
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(["/api/expression", "/api/train", "/api/session", "/api/x"]),
    fields=_FIELDS,
)
def test_server_survives_any_json_request(
    play_server: PlayServer, path: str, fields: dict[str, Any]
) -> None:
    key = session(play_server)
    status, data = post(play_server, path, {"session": key, **fields})
    assert status in (200, 400, 404), data
    if status != 200:
        assert isinstance(data["error"], str)
        assert "\n" not in data["error"]
    assert "Traceback" not in log(play_server)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=300))
def test_server_survives_any_bytes_on_the_socket(play_server: PlayServer, raw: bytes) -> None:
    host, port = play_server.server_address[:2]
    with socket.create_connection((str(host), int(port)), timeout=10) as connection:
        connection.sendall(raw)
        connection.shutdown(socket.SHUT_WR)
        while connection.recv(65536):
            pass
    assert request(play_server, "GET", "/favicon.ico")[0] == 204


def test_server_survives_thousands_of_requests(play_server: PlayServer) -> None:
    key = session(play_server)
    json_type = {"Content-Type": "application/json"}
    bodies = [
        b'{"action": "set"}',
        b"not json",
        json.dumps({"session": key, "action": "load", "formula": "x." * 40}).encode(),
        json.dumps({"session": key, "action": "set", "name": "a", "value": "x"}).encode(),
        json.dumps({"session": key, "action": "load", "formula": "1/0"}).encode(),
    ]
    for k in range(3000):
        if k % 7 == 0:
            status = request(play_server, "GET", "/static/style.css")[0]
            assert status == 200
            continue
        status, _, answer = request(
            play_server, "POST", "/api/expression", bodies[k % len(bodies)], json_type
        )
        assert status == 400
        assert json.loads(answer)["error"]
    status, data = post(play_server, "/api/expression", {"session": key, "action": "backward"})
    assert status == 200
    assert data["leaves"][0]["grad"] == 6.0
    assert "Traceback" not in log(play_server)


def test_server_says_how_to_install_graphviz_when_dot_is_missing(
    play_server: PlayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = session(play_server)
    monkeypatch.setenv("PATH", "")
    status, data = post(play_server, "/api/expression", {"session": key, "action": "backward"})
    assert status == 500
    assert "apt-get install graphviz" in data["error"]
    status, data = post(play_server, "/api/train", {"session": key, "action": "state"})
    assert status == 200  # the Train view needs no Graphviz: the page draws the network
    assert len(data["network"]["layers"]) == 3


def test_server_answers_while_many_clients_hang_half_way(play_server: PlayServer) -> None:
    host, port = play_server.server_address[:2]
    hanging = []
    try:
        for k in range(100):
            connection = socket.create_connection((str(host), int(port)), timeout=10)
            # Half a request line, or a body shorter than its Content-Length: each waits.
            connection.sendall(
                b"GET / HT"
                if k % 2
                else b"POST /api/session HTTP/1.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\n\r\n{"
            )
            hanging.append(connection)
        status, data = post(play_server, "/api/session", {})
        assert status == 200
        assert data["session"]
    finally:
        for connection in hanging:
            connection.close()
    assert "Traceback" not in log(play_server)
