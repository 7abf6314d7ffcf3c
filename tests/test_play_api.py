from __future__ import annotations

import json
from typing import Any

import pytest

from opgrad.play.api import ROUTES, Playground, decode_json


def no_drawing(source: str) -> str:
    assert source.startswith("digraph opgrad {")
    return "<svg/>"


def playground() -> Playground:
    return Playground(draw=no_drawing)


def opened(play: Playground) -> str:
    status, reply = play.handle("/api/session", {})
    assert status == 200
    key = reply["session"]
    assert isinstance(key, str)
    return key


def call(play: Playground, key: str, path: str, **fields: Any) -> tuple[int, dict[str, Any]]:
    return play.handle(path, {"session": key, **fields})


# A request each endpoint and action takes, for the table's every row.
_GOOD: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/expression", "show"): {},
    ("/api/expression", "backward"): {"view": "neuron"},
    ("/api/expression", "reset"): {},
    ("/api/expression", "step"): {},
    ("/api/expression", "step_back"): {},
    ("/api/expression", "load"): {"formula": "x*y", "values": {"x": 2}},
    ("/api/expression", "set"): {"name": "x", "value": 1},
    ("/api/train", "setup"): {"dataset": "xor", "hidden": "3", "lr": 1, "optimizer": "adam"},
    ("/api/train", "state"): {},
    ("/api/train", "run"): {"epochs": 1},
    ("/api/train", "add"): {"x": 0, "y": 1, "label": 1},
    ("/api/train", "remove"): {"index": 0},
    ("/api/train", "remove_nearest"): {"x": 0.5, "y": 0.5},
    ("/api/train", "show_point"): {"index": 1},
}


def test_api_table_answers_every_endpoint_and_action() -> None:
    assert set(_GOOD) == set(ROUTES)
    play = playground()
    key = opened(play)
    for (path, action), fields in _GOOD.items():
        status, reply = call(play, key, path, action=action, **fields)
        assert status == 200, (action, reply)
        json.dumps(reply, allow_nan=False)


def test_api_hands_the_states_typed_numbers() -> None:
    play = playground()
    key = opened(play)
    call(play, key, "/api/expression", action="load", formula="x*2", values={"x": 3})
    session = play.sessions.get(key)
    assert type(session.expression.leaves["x"].data) is float
    call(play, key, "/api/expression", action="set", name="x", value=4)
    assert type(session.expression.leaves["x"].data) is float
    call(play, key, "/api/train", action="setup", dataset="xor", lr=1, hidden="2, 3")
    assert session.train is not None
    assert type(session.train.lr) is float
    assert session.train.hidden == (2, 3)
    call(play, key, "/api/train", action="add", x=1, y=0, label=0)
    assert session.train.X[-1] == [1.0, 0.0]
    assert all(type(v) is float for v in session.train.X[-1])
    # A shared link's set-up: the seed and the points, typed the same way.
    points = [[0, 1, 1], [1, 0, 0]]
    status, reply = call(
        play, key, "/api/train", action="setup", dataset="xor", seed=3, points=points
    )
    assert status == 200
    assert reply["settings"]["seed"] == 3
    assert session.train.X == [[0.0, 1.0], [1.0, 0.0]]
    assert all(type(v) is float for row in session.train.X for v in row)


@pytest.mark.parametrize(
    ("path", "fields", "message"),
    [
        ("/api/expression", {"action": "load", "formula": 3}, "Formula must be text"),
        ("/api/expression", {"action": "load", "formula": ["x"]}, "Formula must be text"),
        ("/api/expression", {"action": "load"}, "load: say which formula"),
        ("/api/expression", {"action": "load", "formula": "x", "values": [1]}, "values must be"),
        ("/api/expression", {"action": "load", "formula": "x", "values": "x=1"}, "values must"),
        (
            "/api/expression",
            {"action": "load", "formula": "x", "values": {"x": "1"}},
            "the value of x must be a number, got str",
        ),
        (
            "/api/expression",
            {"action": "load", "formula": "x", "values": {"x": True}},
            "the value of x must be a number, got bool",
        ),
        (
            "/api/expression",
            {"action": "load", "formula": "x", "values": {"x": 10**400}},
            "the value of x must be a finite number",
        ),
        ("/api/expression", {"action": "set", "name": 3, "value": 1}, "name must be text"),
        ("/api/expression", {"action": "set", "name": "a", "value": "1"}, "must be a number"),
        ("/api/expression", {"action": "set", "name": "a"}, "set needs the field 'value'"),
        ("/api/expression", {"action": "show", "formula": "x"}, "show takes no field 'formula'"),
        ("/api/expression", {"action": "show", "view": "sql"}, "view must be one of expression"),
        ("/api/expression", {"action": "explode"}, "unknown action 'explode'"),
        ("/api/expression", {"action": 3}, "say which action"),
        (
            "/api/expression",
            {"action": "load", "view": "neuron", "activation": "gelu"},
            "activation must be one of tanh, relu",
        ),
        ("/api/train", {"action": "setup", "dataset": "mnist"}, "Data set must be one of moons"),
        ("/api/train", {"action": "setup", "hidden": 16}, "Hidden layers must be sizes"),
        ("/api/train", {"action": "setup", "hidden": "16, x"}, "a whole number from 1 to 32"),
        ("/api/train", {"action": "setup", "lr": "1"}, "Learning rate must be a number"),
        ("/api/train", {"action": "setup", "lr": 0}, "Learning rate must be above 0"),
        ("/api/train", {"action": "setup", "lr": 10**400}, "Learning rate must be a finite"),
        ("/api/train", {"action": "run", "seconds": "1"}, "seconds must be a number"),
        ("/api/train", {"action": "run", "epochs": 1.5}, "epochs must be a whole number"),
        ("/api/train", {"action": "run", "epochs": True}, "epochs must be a whole number"),
        ("/api/train", {"action": "run", "epochs": 0}, "epochs must be a whole number from 1"),
        ("/api/train", {"action": "add", "x": "0.5", "y": 0, "label": 0}, "x must be a number"),
        ("/api/train", {"action": "add", "x": 0.5, "y": 0, "label": True}, "Class must be"),
        ("/api/train", {"action": "add", "x": 0.5, "y": 0}, "add needs the field 'label'"),
        ("/api/train", {"action": "remove", "index": "0"}, "index must be a whole number"),
        ("/api/train", {"action": "remove", "index": None}, "index must be a whole number"),
        ("/api/train", {"action": "remove_nearest", "x": 0, "y": None}, "y must be a number"),
        ("/api/train", {"action": "setup", "seed": 1.5}, "Seed must be a whole number"),
        ("/api/train", {"action": "setup", "seed": "3"}, "Seed must be a whole number"),
        ("/api/train", {"action": "setup", "seed": True}, "Seed must be a whole number"),
        ("/api/train", {"action": "setup", "points": "0,0,0"}, "points must be a list"),
        ("/api/train", {"action": "setup", "points": [[0, 0]]}, "point 0 must be a list"),
        ("/api/train", {"action": "setup", "points": [[0, "0", 0]]}, "y must be a number"),
        ("/api/train", {"action": "setup", "points": [[0, 0, 0.5]]}, "Class must be a whole"),
        ("/api/train", {"action": "show_point", "index": "1"}, "index must be a whole number"),
    ],
)
def test_api_refuses_bad_fields_with_one_line_naming_them(
    path: str, fields: dict[str, Any], message: str
) -> None:
    play = playground()
    key = opened(play)
    status, reply = call(play, key, path, **fields)
    assert status == 400
    assert message in reply["error"]
    assert "\n" not in reply["error"]


def test_api_answers_unknown_endpoints_and_sessions() -> None:
    play = playground()
    assert play.handle("/api/nothing", {}) == (404, {"error": "no API at /api/nothing"})
    assert play.handle("/api/expression", [1, 2])[0] == 400
    status, reply = play.handle("/api/expression", {"session": "guess", "action": "show"})
    assert status == 400
    assert "reload the page" in reply["error"]
    assert play.handle("/api/session", {"x": 1}) == (400, {"error": "session takes no field 'x'"})


def test_api_handle_json_reads_and_writes_text_as_the_server_does() -> None:
    play = playground()
    status, text = play.handle_json("/api/session", "{}")
    key = json.loads(text)["session"]
    status, text = play.handle_json(
        "/api/expression", json.dumps({"session": key, "action": "load", "formula": "log(x)"})
    )
    assert status == 200
    assert json.loads(text)["output"]["data"] == 0.0
    bad_bodies: list[str | bytes] = ['{"x": NaN}', "{", "1" * 5000, b"\xff"]
    for bad in bad_bodies:
        status, text = play.handle_json("/api/expression", bad)
        assert status == 400
        assert json.loads(text)["error"].startswith("the body is not JSON")
    with pytest.raises(ValueError, match="not JSON"):
        decode_json("[Infinity]")


def test_api_reports_a_failure_of_its_own_in_one_line() -> None:
    reported: list[str] = []

    def broken(source: str) -> str:
        raise RuntimeError("the drawing\nbroke")

    play = Playground(draw=broken, report=reported.append)
    key = opened(play)
    status, reply = call(play, key, "/api/expression", action="show")
    assert status == 500
    assert reply == {"error": "the server could not do that: the drawing"}
    assert reported == ["/api/expression failed: RuntimeError('the drawing\\nbroke')"]
