"""Counting work instead of timing it: how many lines of Python a call runs."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any


def lines_run(call: Callable[[], object]) -> int:
    """How many lines of Python code ``call()`` runs, in every function it calls.

    A machine-independent measure of work: the same call counts the same lines on a busy
    machine and an idle one. Exceptions raised by ``call`` are swallowed (refusals count too).
    """
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return trace

    sys.settrace(trace)
    try:
        call()
    except Exception:
        pass
    finally:
        sys.settrace(None)
    return count
