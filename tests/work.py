"""Counting work instead of timing it, and interrupting it at a chosen step instead of a time."""

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


class _Interrupt:
    """A trace function raising KeyboardInterrupt at event number ``at`` (counting from 0)."""

    def __init__(self, at: int) -> None:
        self.at = at
        self.count = 0

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        if self.count == self.at:
            self.count += 1
            raise KeyboardInterrupt(f"injected at event {self.at}")
        self.count += 1
        return self


def run_interrupted(run: Callable[[], object], at: int) -> bool:
    """Run ``run`` with a KeyboardInterrupt at its event ``at``; whether one was raised.

    The events are every call, line, return and bytecode of Python code that ``run`` runs, so
    trying every ``at`` from 0 reaches every point where a real Ctrl-C can land (Python raises it
    only between bytecodes of Python code), deterministically, without signals or timing.
    """
    sys.settrace(_Interrupt(at))
    try:
        run()
    except KeyboardInterrupt:
        return True
    finally:
        sys.settrace(None)
    return False
