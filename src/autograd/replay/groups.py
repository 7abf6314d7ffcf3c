"""The numpy operations of a VectorPlan: a group of same-kind nodes, forwards and backwards.

A :class:`Group` computes one operation for many nodes at once: it gathers its inputs' numbers
from the data array ``d``, computes, and scatters the results; backwards it computes each
input's contribution ``local * g`` with the float operations of the op's ``local_grads`` and the
executor's chain rule, and its :class:`Route` sends them into the edge slots ``e`` or straight
into ``g``. :mod:`autograd.replay.levels` decides which nodes form a group.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from autograd.operation import _is_number
from autograd.ops import Sigmoid, _pow_slope
from autograd.passes import _not_tuple
from autograd.replay.kinds import BrokenContractError

__all__ = ["ELEMENTWISE", "Floats", "Group", "Ints", "Route"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]

# numpy's own tanh (and, on some machines, its SIMD exp and log) differ in the last bits.
ELEMENTWISE: dict[str, Callable[[float], float]] = {
    "tanh": math.tanh,
    "exp": math.exp,
    "log": math.log,
    "sigmoid": Sigmoid().forward,
}


class Route:
    """Where one input position of a group sends its gradient contributions ``local * g``.

    An input used by no other edge receives exactly one contribution, so its gradient is
    ``0.0 + contribution``, written straight into ``g``; any other contribution goes into its
    edge slot in ``e``, summed when its node's level is reached. ``direct``/``slots`` are the
    node and slot numbers, ``direct_rows``/``slot_rows`` which contributions go there (None:
    all of them, in order).
    """

    __slots__ = ("direct", "direct_rows", "slot_rows", "slots")

    def __init__(self, parents: Ints, slots: Ints, once: npt.NDArray[np.bool_], rows: Ints) -> None:
        whole = len(rows) == int(rows[-1]) + 1 and bool((rows == np.arange(len(rows))).all())
        self.direct: Ints | None = parents[once] if once.any() else None
        self.slots: Ints | None = None if once.all() else slots[~once]
        self.direct_rows: Ints | None = None if whole and once.all() else rows[once]
        self.slot_rows: Ints | None = None if whole and not once.any() else rows[~once]

    def send(self, c: Floats, g: Floats, e: Floats) -> None:
        """Send the contributions ``c``, one per row of the group, on this route."""
        if self.direct is not None:
            g[self.direct] = 0.0 + (c if self.direct_rows is None else c[self.direct_rows])
        if self.slots is not None:
            e[self.slots] = c if self.slot_rows is None else c[self.slot_rows]


class Group:
    """Nodes of one level and one operation, computed together.

    ``out`` holds the nodes' numbers; ``inputs`` one array per input position (for a chain of
    Adds, one row of terms per chain) and ``routes`` where each position's gradient
    contributions go. ``extra`` is Pow's exponent, a chain's members (one row per chain), or
    the called operations, their inputs' numbers and how many each takes.
    """

    __slots__ = ("extra", "inputs", "kind", "out", "routes")

    def __init__(
        self, kind: str, out: Ints, inputs: list[Ints], routes: list[Route], extra: Any = None
    ) -> None:
        self.kind = kind
        self.out = out
        self.inputs = inputs
        self.routes = routes
        self.extra = extra

    def forward(self, d: Floats) -> None:
        """Compute the group's nodes from their inputs' numbers, in place in ``d``."""
        kind = self.kind
        x = d[self.inputs[0]]
        if kind == "add":
            # One row per chain: the running sums of its terms, left to right, are the
            # chain's Adds -- np.add.accumulate adds sequentially, never pairwise.
            d[self.extra] = np.add.accumulate(x, axis=1)[:, 1:]
        elif kind == "mul":
            d[self.out] = x * d[self.inputs[1]]
        elif kind == "relu":
            d[self.out] = np.where(x <= 0.0, 0.0, x)  # Python's `x if not x <= 0.0 else 0.0`
        elif kind == "sub":
            d[self.out] = x - d[self.inputs[1]]
        elif kind == "neg":
            d[self.out] = -x
        elif kind == "div":
            y = d[self.inputs[1]]
            if (y == 0.0).any():
                raise ZeroDivisionError("division by zero")  # eager's pass says where
            d[self.out] = x / y
        elif kind == "pow":
            k = self.extra
            d[self.out] = [v**k for v in x.tolist()]  # Python's power: its errors, its bits
        elif kind == "call":
            d[self.out] = _call_forward(d, self.extra)
        else:
            if kind == "log" and (x <= 0.0).any():
                raise ValueError("log of a number <= 0")
            d[self.out] = np.fromiter(map(ELEMENTWISE[kind], x.tolist()), np.float64, len(x))

    def backward(self, d: Floats, g: Floats, e: Floats) -> None:
        """Send each input's contribution ``local * g`` on its route."""
        kind = self.kind
        routes = self.routes
        upstream = g[self.out]
        if kind == "add":
            # Each Add of a chain but the last is used only by the next, so receives
            # 0.0 + 1.0 * g of the chain's end, and an Add passes its gradient on unchanged
            # (1.0 * g is g, bit for bit). Every term is sent 0.0 + g: the same sum as g
            # for a term's gradient, which starts at 0.0 (they differ only for g = -0.0).
            inner = 0.0 + upstream
            g[self.extra[:, :-1]] = inner[:, None]
            routes[0].send(inner, g, e)
            return
        if kind == "call":
            routes[0].send(_call_backward(d, upstream, self.out, self.extra), g, e)
            return
        x = d[self.inputs[0]]
        if kind == "mul":
            y = d[self.inputs[1]]
            routes[0].send(y * upstream, g, e)
            routes[1].send(x * upstream, g, e)
        elif kind == "relu":
            routes[0].send(np.where(x > 0.0, 1.0, 0.0) * upstream, g, e)
        elif kind == "sub":
            routes[0].send(upstream, g, e)
            routes[1].send(-1.0 * upstream, g, e)
        elif kind == "neg":
            routes[0].send(-1.0 * upstream, g, e)
        elif kind == "div":
            y = d[self.inputs[1]]
            if (y == 0.0).any():
                raise ZeroDivisionError("division by zero")
            routes[0].send((1.0 / y) * upstream, g, e)
            routes[1].send((-d[self.out] / y) * upstream, g, e)
        elif kind == "pow":
            k = self.extra
            routes[0].send(np.array([_pow_slope(v, k) for v in x.tolist()]) * upstream, g, e)
        else:
            out = d[self.out]
            if kind == "tanh":
                local = 1.0 - out * out
            elif kind == "sigmoid":
                local = out * (1.0 - out)
            elif kind == "exp":
                local = out
            else:  # log; forward made sure that x > 0
                local = 1.0 / x
            routes[0].send(local * upstream, g, e)


def _call_forward(d: Floats, calls: tuple[list[Any], Ints, list[int]]) -> list[float]:
    """Call each node's operation on its inputs' numbers, checking what it returns."""
    ops, flat, sizes = calls
    values = d[flat].tolist()
    found = []
    start = 0
    for op, size in zip(ops, sizes):
        out = op.forward(*values[start : start + size])
        start += size
        if type(out) is not float:
            if not _is_number(out):
                raise BrokenContractError
            out = float(out)
        found.append(out)
    return found


def _call_backward(
    d: Floats, upstream: Floats, outs: Ints, calls: tuple[list[Any], Ints, list[int]]
) -> Floats:
    """Each node's ``local * g`` per input, computed in Python as eager backward does."""
    ops, flat, sizes = calls
    values = d[flat].tolist()
    found: list[float] = []
    start = 0
    for op, size, out, g in zip(ops, sizes, d[outs].tolist(), upstream.tolist()):
        locals_ = op.local_grads(*values[start : start + size], output=out)
        start += size
        if (type(locals_) is not tuple and _not_tuple(locals_)) or len(locals_) != size:
            raise BrokenContractError
        for local in locals_:
            contribution = local * g
            if type(contribution) is not float:  # numpy would take a Value, through __float__
                raise BrokenContractError
            found.append(contribution)
    return np.array(found, dtype=np.float64)
