from __future__ import annotations

import pytest

from opgrad.play.expression import PlayError
from opgrad.play.sessions import ACTIVE_SECONDS, PlayBusyError, Sessions


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sessions_a_burst_of_new_pages_evicts_only_its_own() -> None:
    clock = Clock()
    store = Sessions(limit=3, clock=clock)
    used = store.new()
    store.get(used)
    clock.now += 2 * ACTIVE_SECONDS  # idle, but it is the only page anyone has used
    burst = [store.new() for _ in range(10)]
    assert len(store) == 3
    assert store.get(used)  # still there
    for key in burst[:-2]:
        with pytest.raises(PlayError, match="session has ended"):
            store.get(key)


def test_sessions_never_evict_a_page_in_use_and_say_so() -> None:
    clock = Clock()
    store = Sessions(limit=2, clock=clock)
    first, second = store.new(), store.new()
    store.get(first)
    store.get(second)
    clock.now += ACTIVE_SECONDS / 2
    with pytest.raises(PlayBusyError, match="2 pages in use") as caught:
        store.new()
    assert caught.value.status == 503
    assert len(store) == 2
    clock.now += ACTIVE_SECONDS
    store.get(second)  # second is in use again; first is idle and the least recently used
    third = store.new()
    store.get(third)
    assert store.get(second)
    with pytest.raises(PlayError, match="reload the page"):
        store.get(first)


def test_sessions_refuse_keys_that_are_not_theirs() -> None:
    store = Sessions()
    for key in [None, 3, "guess", ["x"]]:
        with pytest.raises(PlayError, match="reload the page"):
            store.get(key)
