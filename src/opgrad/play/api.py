"""The playground's API without a transport: each request checked into an attrs class, then handled.

:class:`Playground` is what both transports call: the HTTP server (:mod:`opgrad.play.server`)
and a Web Worker running opgrad in Pyodide. ``Playground().handle(path, body)`` takes the
endpoint and the request's decoded JSON and gives back ``(status, reply)``, the reply a JSON
object (``{"error": "one line"}`` when the status is not 200); :meth:`Playground.handle_json`
does the same from and to JSON text. Nothing here reads a socket.

At this edge every request becomes an instance of one of the request classes below, chosen by
:data:`ROUTES` from its endpoint and ``action``: its fields are typed and checked here (JSON
type, finite numbers, no unknown fields), so the state classes behind the edge take typed
values and check only what depends on their state (a leaf's name, a point's range).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from autograd import GraphvizNotFoundError
from opgrad.play.drawing import svg
from opgrad.play.expression import MAX_LEAVES, ExpressionState, PlayError, neuron_state
from opgrad.play.sessions import Session, Sessions
from opgrad.play.training import MAX_POINTS, TrainState, hidden_sizes

__all__ = [
    "ROUTES",
    "AddPoint",
    "GraphAction",
    "Load",
    "NewSession",
    "Playground",
    "RemoveNearest",
    "RemovePoint",
    "Route",
    "Run",
    "SetLeaf",
    "Setup",
    "ShowPoint",
    "TrainAction",
    "decode_json",
]

Json = dict[str, Any]
_Handler = Callable[["Playground", Session, Any], Json]

VIEWS = ("expression", "neuron")

_SHORT = 30  # characters of a bad value or name quoted in an error


def _quoted(value: object) -> str:
    return repr(str(value)[:_SHORT])


def _finite(value: object, what: str) -> float:
    """A JSON number (not a bool) as a finite float, else a PlayError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PlayError(f"{what} must be a number, got {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:  # a JSON integer beyond a float's range
        number = math.inf
    if not math.isfinite(number):
        raise PlayError(f"{what} must be a finite number, got {str(value)[:_SHORT]}")
    return number


def _whole(value: object, what: str) -> int:
    """A JSON integer (not a bool, not 1.0), else a PlayError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlayError(f"{what} must be a whole number, got {_quoted(value)}")
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise PlayError(f"{what} must be text")
    return value


def _view(value: object) -> str:
    if not isinstance(value, str) or value not in VIEWS:
        raise PlayError(f"view must be one of {', '.join(VIEWS)}")
    return value


def _values(values: object) -> dict[str, float]:
    """The leaves' values by name: a JSON object of at most MAX_LEAVES finite numbers."""
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise PlayError("values must be an object of numbers by name")
    if len(values) > MAX_LEAVES:
        raise PlayError(f"{len(values)} values given; the playground takes at most {MAX_LEAVES}")
    return {
        str(name): _finite(value, f"the value of {str(name)[:_SHORT]}")
        for name, value in values.items()
    }


def _hidden(text: object) -> tuple[int, ...] | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise PlayError("Hidden layers must be sizes separated by commas, such as 16, 16")
    return hidden_sizes(text)


# One named converter per field: attrs's mypy plugin reads the types of named functions only.


def _formula(value: object) -> str | None:
    return None if value is None else _text(value, "Formula")


def _leaf_name(value: object) -> str:
    return _text(value, "name")


def _leaf_value(value: object) -> float:
    return _finite(value, "the value")


def _data_set(value: object) -> str:
    return _text(value, "Data set")


def _activation(value: object) -> str | None:
    return None if value is None else _text(value, "Activation")


def _optimiser(value: object) -> str | None:
    return None if value is None else _text(value, "Optimiser")


def _learning_rate(value: object) -> float | None:
    return None if value is None else _finite(value, "Learning rate")


def _seed(value: object) -> int | None:
    return None if value is None else _whole(value, "Seed")


def _points(value: object) -> tuple[tuple[float, float, int], ...] | None:
    """A shared link's points: a list of ``[x, y, class]`` lists.

    Their count, classes and ranges depend on the data set: the Train view checks them.
    """
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > MAX_POINTS:
        raise PlayError(f"points must be a list of 1 to {MAX_POINTS} [x, y, class] lists")
    points = []
    for k, entry in enumerate(value):
        if not isinstance(entry, list) or len(entry) != 3:
            raise PlayError(f"point {k} must be a list [x, y, class]")
        x, y, label = entry
        points.append((_finite(x, "x"), _finite(y, "y"), _whole(label, "Class")))
    return tuple(points)


def _seconds(value: object) -> float:
    return _finite(value, "seconds")


def _epochs(value: object) -> int | None:
    return None if value is None else _whole(value, "epochs")


def _x(value: object) -> float:
    return _finite(value, "x")


def _y(value: object) -> float:
    return _finite(value, "y")


def _class(value: object) -> int:
    return _whole(value, "Class")


def _index(value: object) -> int:
    return _whole(value, "index")


@attrs.frozen
class NewSession:
    """``POST /api/session``: open a page's session; the reply is ``{"session": key}``."""


@attrs.frozen
class GraphAction:
    """``show``, ``backward``, ``reset``, ``step`` or ``step_back`` on one of the two graphs.

    Attributes:
        view: ``"expression"`` (the formula's graph) or ``"neuron"`` (the lecture's neuron).
    """

    view: str = attrs.field(default="expression", converter=_view)


@attrs.frozen
class Load:
    """``load``: a new graph, a formula's (Expression view) or the neuron's (Neuron view).

    Attributes:
        view: Which graph is replaced.
        formula: The formula, for the Expression view (required there).
        activation: ``"tanh"`` or ``"relu"``, for the Neuron view; the last one by default.
        values: Numbers for some leaves, by name; the others keep a default.
    """

    view: str = attrs.field(default="expression", converter=_view)
    formula: str | None = attrs.field(default=None, converter=_formula)
    activation: str | None = attrs.field(default=None, converter=_activation)
    values: Mapping[str, float] = attrs.field(factory=dict, converter=_values)


@attrs.frozen
class SetLeaf:
    """``set``: move the leaf ``name`` to ``value`` and replay the graph.

    Attributes:
        view: Which graph.
        name: The leaf's name.
        value: Its new value, a finite number.
    """

    name: str = attrs.field(converter=_leaf_name)
    value: float = attrs.field(converter=_leaf_value)
    view: str = attrs.field(default="expression", converter=_view)


@attrs.frozen
class Setup:
    """``setup``: a new model on a data set (each setting left out takes the data set's own).

    Attributes:
        dataset: A name of :data:`opgrad.play.training.DATASETS`.
        hidden: The hidden layers' sizes, as text such as ``"16, 16"``.
        activation: The hidden layers' activation.
        optimizer: One of :data:`opgrad.play.training.OPTIMIZERS`.
        lr: The learning rate.
        seed: The seed of the first weights.
        points: The data's points as ``[x, y, class]``, instead of the data set's own.
    """

    dataset: str = attrs.field(default="moons", converter=_data_set)
    hidden: tuple[int, ...] | None = attrs.field(default=None, converter=_hidden)
    activation: str | None = attrs.field(default=None, converter=_activation)
    optimizer: str | None = attrs.field(default=None, converter=_optimiser)
    lr: float | None = attrs.field(default=None, converter=_learning_rate)
    seed: int | None = attrs.field(default=None, converter=_seed)
    points: tuple[tuple[float, float, int], ...] | None = attrs.field(
        default=None, converter=_points
    )


@attrs.frozen
class TrainAction:
    """``state``: change nothing, answer with what the Train view shows."""


@attrs.frozen
class Run:
    """``run``: train for ``epochs`` epochs, or for about ``seconds`` when ``epochs`` is left out.

    Attributes:
        seconds: The time to train for, above 0 and at most MAX_SECONDS.
        epochs: How many epochs, from 1 to MAX_EPOCHS_PER_CALL.
    """

    seconds: float = attrs.field(default=0.25, converter=_seconds)
    epochs: int | None = attrs.field(default=None, converter=_epochs)


@attrs.frozen
class AddPoint:
    """``add``: a data point of class ``label`` at (``x``, ``y``), in the plot's units."""

    x: float = attrs.field(converter=_x)
    y: float = attrs.field(converter=_y)
    label: int = attrs.field(converter=_class)


@attrs.frozen
class RemovePoint:
    """``remove``: the data point number ``index``."""

    index: int = attrs.field(converter=_index)


@attrs.frozen
class ShowPoint:
    """``show_point``: the network's drawing shows the outputs at data point ``index``."""

    index: int = attrs.field(converter=_index)


@attrs.frozen
class RemoveNearest:
    """``remove_nearest``: the data point nearest (``x``, ``y``), in the plot's units."""

    x: float = attrs.field(converter=_x)
    y: float = attrs.field(converter=_y)


@attrs.frozen
class Route:
    """What one endpoint and action take and who answers it.

    Attributes:
        request: The request class the body is checked into.
        handle: Answers the checked request, given the page's session.
    """

    request: type[Any]
    handle: _Handler


def _draw(playground: Playground, state: ExpressionState) -> Json:
    return state.snapshot(playground.draw(state.dot()))


def _on_graph(act: Callable[[ExpressionState], None]) -> _Handler:
    """The handler of a GraphAction that calls ``act`` on the view's graph, then draws it."""

    def handle(playground: Playground, session: Session, request: GraphAction) -> Json:
        state = session.graph(request.view)
        act(state)
        return _draw(playground, state)

    return handle


def _load(playground: Playground, session: Session, request: Load) -> Json:
    if request.view == "neuron":
        activation = request.activation or session.neuron_activation
        session.neuron = state = neuron_state(activation, request.values)
        session.neuron_activation = activation
    else:
        if request.formula is None:
            raise PlayError("load: say which formula")
        session.expression = state = ExpressionState.from_formula(request.formula, request.values)
    return _draw(playground, state)


def _set(playground: Playground, session: Session, request: SetLeaf) -> Json:
    state = session.graph(request.view)
    state.set_leaf(request.name, request.value)
    return _draw(playground, state)


def _train_snapshot(playground: Playground, state: TrainState) -> Json:
    # The page draws the network from the snapshot's numbers: the Train view needs no Graphviz.
    return state.snapshot()


def _training(session: Session) -> TrainState:
    if session.train is None:
        session.train = TrainState()
    return session.train


def _setup(playground: Playground, session: Session, request: Setup) -> Json:
    session.train = TrainState(
        request.dataset,
        request.hidden,
        request.activation,
        request.optimizer,
        request.lr,
        request.seed,
        request.points,
    )
    return _train_snapshot(playground, session.train)


def _state(playground: Playground, session: Session, request: TrainAction) -> Json:
    return _train_snapshot(playground, _training(session))


def _run(playground: Playground, session: Session, request: Run) -> Json:
    state = _training(session)
    state.run(request.seconds, request.epochs)
    return _train_snapshot(playground, state)


def _add(playground: Playground, session: Session, request: AddPoint) -> Json:
    state = _training(session)
    state.add_point(request.x, request.y, request.label)
    return _train_snapshot(playground, state)


def _remove(playground: Playground, session: Session, request: RemovePoint) -> Json:
    state = _training(session)
    state.remove_point(request.index)
    return _train_snapshot(playground, state)


def _show_point(playground: Playground, session: Session, request: ShowPoint) -> Json:
    state = _training(session)
    state.show_point(request.index)
    return _train_snapshot(playground, state)


def _remove_nearest(playground: Playground, session: Session, request: RemoveNearest) -> Json:
    state = _training(session)
    state.remove_nearest(request.x, request.y)
    return _train_snapshot(playground, state)


_EXPRESSION = "/api/expression"
_TRAIN = "/api/train"
SESSION_PATH = "/api/session"


def _show(state: ExpressionState) -> None:
    """Change nothing: the page asks for what there is to show."""


ROUTES: Mapping[tuple[str, str], Route] = {
    (_EXPRESSION, "show"): Route(GraphAction, _on_graph(_show)),
    (_EXPRESSION, "backward"): Route(GraphAction, _on_graph(ExpressionState.backward)),
    (_EXPRESSION, "reset"): Route(GraphAction, _on_graph(ExpressionState.reset)),
    (_EXPRESSION, "step"): Route(GraphAction, _on_graph(ExpressionState.step)),
    (_EXPRESSION, "step_back"): Route(GraphAction, _on_graph(ExpressionState.step_back)),
    (_EXPRESSION, "load"): Route(Load, _load),
    (_EXPRESSION, "set"): Route(SetLeaf, _set),
    (_TRAIN, "setup"): Route(Setup, _setup),
    (_TRAIN, "state"): Route(TrainAction, _state),
    (_TRAIN, "run"): Route(Run, _run),
    (_TRAIN, "add"): Route(AddPoint, _add),
    (_TRAIN, "remove"): Route(RemovePoint, _remove),
    (_TRAIN, "remove_nearest"): Route(RemoveNearest, _remove_nearest),
    (_TRAIN, "show_point"): Route(ShowPoint, _show_point),
}
"""Each endpoint and action: the request class its body is checked into, and its handler.

``POST /api/session`` (no action) opens a session; every other request names its session.
"""

_PATHS = frozenset(path for path, _ in ROUTES)
_ENVELOPE = frozenset({"session", "action"})  # the fields every request may carry


def _request(cls: type[Any], action: str, body: Mapping[str, Any]) -> Any:
    """The body's fields checked into ``cls``: unknown or missing fields are refused by name."""
    fields = attrs.fields(cls)
    names = {field.name for field in fields}
    for key in body:
        if key not in names and key not in _ENVELOPE:
            raise PlayError(f"{action} takes no field {_quoted(key)}")
    for field in fields:
        if field.default is attrs.NOTHING and field.name not in body:
            raise PlayError(f"{action} needs the field {field.name!r}")
    return cls(**{key: value for key, value in body.items() if key in names})


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def decode_json(raw: bytes | str) -> object:
    """A request body's JSON, as both transports read it: UTF-8, no NaN or Infinity.

    Raises:
        PlayError: The body is not JSON (including integers of more than 4,300 digits).
    """
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise PlayError(f"the body is not JSON: {error}"[:200]) from None


def encode_json(reply: Json) -> str:
    """A reply as JSON text (``allow_nan=False``: the snapshots write NaN as text)."""
    return json.dumps(reply, allow_nan=False)


class Playground:
    """The playground's sessions and the handling of its requests, for any transport.

    Args:
        draw: Lays out DOT source as an ``<svg>`` element (Graphviz's ``dot`` by default); it
            may raise :class:`~autograd.GraphvizNotFoundError`. A transport without Graphviz
            passes its own.
        sessions: Where the pages' states are kept (a bounded store by default).
        report: Told about each request that failed on the server's side, one line.
    """

    def __init__(
        self,
        draw: Callable[[str], str] = svg,
        sessions: Sessions | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.draw = draw
        self.sessions = Sessions() if sessions is None else sessions
        self.report = report

    def handle(self, path: str, body: object) -> tuple[int, Json]:
        """Answer one request: ``(200, reply)``, or an error status and ``{"error": line}``.

        Args:
            path: The endpoint, such as ``"/api/expression"``.
            body: The request's decoded JSON.

        Returns:
            The HTTP status (200, 400 for a bad request, 404 for an unknown endpoint, 503 when
            no session can be opened, 500 for a failure of the server's own) and the reply.
        """
        try:
            return 200, self._answer(path, body)
        except PlayError as error:
            return error.status, {"error": _one_line(str(error))}
        except GraphvizNotFoundError as error:
            return 500, {"error": _one_line(str(error))}
        except Exception as error:  # whatever went wrong, the page gets one line
            if self.report is not None:
                self.report(f"{path[:60]} failed: {error!r}"[:300])
            return 500, {"error": _one_line(f"the server could not do that: {error}")[:300]}

    def handle_json(self, path: str, text: bytes | str) -> tuple[int, str]:
        """:meth:`handle` from and to JSON text, for a transport that passes text."""
        try:
            body = decode_json(text)
        except PlayError as error:
            return 400, encode_json({"error": str(error)})
        status, reply = self.handle(path, body)
        return status, encode_json(reply)

    def _answer(self, path: str, body: object) -> Json:
        if path != SESSION_PATH and path not in _PATHS:
            raise _NotFoundError(f"no API at {path[:60]}")
        if not isinstance(body, dict):
            raise PlayError("the body must be a JSON object")
        if path == SESSION_PATH:
            _request(NewSession, "session", body)
            return {"session": self.sessions.new()}
        action = body.get("action")
        if not isinstance(action, str):
            raise PlayError('say which action: a string such as "show"')
        route = ROUTES.get((path, action))
        if route is None:
            raise PlayError(f"unknown action {_quoted(action)}")
        request = _request(route.request, action, body)
        session = self.sessions.get(body.get("session"))
        with session.lock:
            return route.handle(self, session, request)


class _NotFoundError(PlayError):
    status = 404


def _one_line(text: str) -> str:
    return text.splitlines()[0] if text else text
