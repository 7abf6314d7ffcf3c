"""The playground's sessions: each page's states, and a bounded store that evicts fairly."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from opgrad.play.expression import (
    DEFAULT_FORMULA,
    DEFAULT_VALUES,
    ExpressionState,
    PlayError,
    neuron_state,
)
from opgrad.play.training import TrainState

__all__ = ["ACTIVE_SECONDS", "MAX_SESSIONS", "PlayBusyError", "Session", "Sessions"]

MAX_SESSIONS = 8
"""How many pages' states are kept at once."""

ACTIVE_SECONDS = 10.0
"""A session used this recently is in use: opening another page never evicts it."""


class PlayBusyError(PlayError):
    """Every session is in use, so no new one can be opened now (HTTP 503)."""

    status = 503


class Session:
    """One page's states: its expression, its neuron and its training run.

    Attributes:
        lock: Held while a request works on the session (one request at a time).
        used: When a request last named the session (the store's clock), None before any.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.expression = ExpressionState.from_formula(DEFAULT_FORMULA, DEFAULT_VALUES)
        self.neuron = neuron_state("tanh")
        self.neuron_activation = "tanh"
        self.train: TrainState | None = None
        self.used: float | None = None

    def graph(self, view: str) -> ExpressionState:
        """The state of the Expression (``"expression"``) or the Neuron (``"neuron"``) view."""
        return self.neuron if view == "neuron" else self.expression


class Sessions:
    """At most ``limit`` sessions by key; a new one evicts a session nobody is using.

    Opening a session when the store is full evicts, in this order: the oldest session that
    no request has named yet (a burst of new pages evicts only its own), then the least
    recently used one idle for more than :data:`ACTIVE_SECONDS`. A page in use is never
    evicted: when every session is in use, opening one more is refused with
    :class:`PlayBusyError`.

    Args:
        limit: How many sessions are kept.
        clock: Seconds, for the idle times (``time.monotonic`` by default).
    """

    def __init__(
        self, limit: int = MAX_SESSIONS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.clock = clock
        self._sessions: OrderedDict[str, Session] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def new(self) -> str:
        """Open a session and give its key.

        Raises:
            PlayBusyError: The store is full and every session in it is in use.
        """
        session = Session()
        key = secrets.token_urlsafe(12)
        with self._lock:
            if len(self._sessions) >= self.limit:
                del self._sessions[self._evictable()]
            self._sessions[key] = session
        return key

    def _evictable(self) -> str:
        unused = [key for key, session in self._sessions.items() if session.used is None]
        if unused:
            return unused[0]
        key, session = next(iter(self._sessions.items()))
        assert session.used is not None
        if self.clock() - session.used > ACTIVE_SECONDS:
            return key
        raise PlayBusyError(
            f"the playground has {self.limit} pages in use: close one, or try again in "
            f"{ACTIVE_SECONDS:.0f} seconds"
        )

    def get(self, key: object) -> Session:
        """The session of a page, now the most recently used.

        Raises:
            PlayError: No session has that key (it was evicted, or the server restarted).
        """
        with self._lock:
            session = self._sessions.get(key) if isinstance(key, str) else None
            if session is None:
                raise PlayError("this page's session has ended: reload the page")
            assert isinstance(key, str)
            self._sessions.move_to_end(key)
            session.used = self.clock()
            return session
