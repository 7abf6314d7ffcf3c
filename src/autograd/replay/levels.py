"""How a VectorPlan schedules a graph: levels, chains of Adds, groups and edge slots.

A node's *level* is one more than its inputs' highest (leaves are level 0), so a level's nodes
depend only on lower levels and can be computed together; a left-to-right sum is a *chain* of
Adds computed as one level. Each edge (node, input) gets a *slot* for its gradient
contribution, numbered so that a level's slots are one slice of the slot array, each node's
in the order eager backward adds them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from autograd.ops import Pow
from autograd.replay.groups import Group, Ints, Route
from autograd.replay.kinds import KINDS, whole_exponent
from autograd.value import Value

__all__ = ["Final", "Shape", "finals", "make_group", "schedule"]

Final = tuple[Ints, Ints, int, int]
"""What a level's backward sums: its nodes used more than once, each of the level's slots'
node among them, and where its slots start and stop."""


class Shape:
    """A graph's nodes numbered, with their kinds, inputs, uses and levels."""

    __slots__ = ("after", "edges", "inner", "inputs", "kinds", "level", "order", "uses")

    def __init__(self, order: list[Value]) -> None:
        n = len(order)
        index = {node: i for i, node in enumerate(order)}
        inputs: list[tuple[int, ...]] = [()] * n
        uses = [0] * n
        for i, node in enumerate(order):
            first = node._p0
            if first is None:
                continue
            if type(first) is tuple:
                ins = tuple([index[p] for p in first])
            elif node._p1 is None:
                ins = (index[first],)  # type: ignore[index]
            else:
                ins = (index[first], index[node._p1])  # type: ignore[index]
            inputs[i] = ins
            for p in ins:
                uses[p] += 1
        kinds: list[str] = [""] * n
        level = [0] * n
        after: list[int] = [-1] * n  # for an Add continuing a chain: the Add before it
        inner = [False] * n  # an Add whose only use is the next Add of its chain
        edges = [0] * (n + 1)  # node i's inputs' edge slots start at edges[i]
        count = 0
        for i, node in enumerate(order):
            edges[i] = count
            op = node.op
            if op is None:
                continue
            ins = inputs[i]
            count += len(ins)
            row = KINDS.get(type(op))
            kind = "call" if row is None else row.name
            if kind == "call" and type(op) is Pow and whole_exponent(op):
                kind = "pow"
            kinds[i] = kind
            a = ins[0]
            if kind == "add" and kinds[a] == "add" and uses[a] == 1:
                after[i] = a
                inner[a] = True
                level[i] = max(level[a], level[ins[1]] + 1)
            else:
                level[i] = 1 + max([level[p] for p in ins])
        edges[n] = count
        self.order = order
        self.inputs = inputs
        self.uses = uses
        self.kinds = kinds
        self.level = level
        self.after = after
        self.inner = inner
        self.edges = edges

    @property
    def width(self) -> float:
        """Non-leaf nodes per level: how many nodes a numpy operation computes on average."""
        inner = sum(1 for kind in self.kinds if kind)
        return inner / max(1, max(self.level))


def schedule(shape: Shape) -> tuple[list[list[Group]], list[Final], int]:
    """The groups of each level, what each level's backward sums, and how many edge slots.

    A level's groups are sorted by kind; a chain's Adds all take the level of its last.
    """
    order, inputs, uses, kinds = shape.order, shape.inputs, shape.uses, shape.kinds
    level, after, inner, edges = shape.level, shape.after, shape.inner, shape.edges
    n = len(order)
    groups: dict[tuple[int, str, Any], list[int]] = {}
    for i in range(n):
        kind = kinds[i]
        if not kind or inner[i]:
            continue
        if kind == "add":
            members = [i]
            while after[members[-1]] >= 0:
                members.append(after[members[-1]])
            for m in members:
                level[m] = level[i]
            key: tuple[int, str, Any] = (level[i], kind, len(members))
        elif kind == "pow":
            k = order[i].op.exponent  # type: ignore[union-attr]
            key = (level[i], kind, (type(k).__name__, k))
        else:
            key = (level[i], kind, None)
        groups.setdefault(key, []).append(i)
    depth = max(level)
    used = np.array(uses, dtype=np.intp)
    once = used == 1
    # The root, used by none, has its gradient from the seed.
    skip = once | np.array(inner, dtype=bool) | (used == 0)
    final, slot_of, count = finals(inputs, edges, level, skip, depth)
    levels: list[list[Group]] = [[] for _ in range(depth + 1)]
    for (lvl, kind, _), outs in sorted(groups.items(), key=lambda item: item[0][:2]):
        group = make_group(kind, outs, order, inputs, after, edges, once, slot_of)
        levels[lvl].append(group)
    return levels, final, count


def make_group(
    kind: str,
    outs: list[int],
    order: list[Value],
    inputs: list[tuple[int, ...]],
    after: list[int],
    edges: list[int],
    once: npt.NDArray[np.bool_],
    slot_of: Ints,
) -> Group:
    """The arrays a group of nodes of one level and one kind gathers from and scatters to."""
    out = np.array(outs, dtype=np.intp)

    def route(parents: list[int], slots: list[int], rows: list[int] | None = None) -> Route:
        p = np.array(parents, dtype=np.intp)
        r = np.arange(len(p), dtype=np.intp) if rows is None else np.array(rows, dtype=np.intp)
        return Route(p, slot_of[np.array(slots, dtype=np.intp)], once[p], r)

    if kind == "add":
        rows, slot_list, member_rows, row_of = [], [], [], []
        for row, end in enumerate(outs):
            members = [end]
            while after[members[-1]] >= 0:
                members.append(after[members[-1]])
            members.reverse()
            rows.append([inputs[members[0]][0], *[inputs[m][1] for m in members]])
            slot_list += [edges[members[0]], *[edges[m] + 1 for m in members]]
            row_of += [row] * (len(members) + 1)
            member_rows.append(members)
        terms = np.array(rows, dtype=np.intp)
        chain = route(terms.ravel().tolist(), slot_list, row_of)
        return Group(kind, out, [terms], [chain], np.array(member_rows, dtype=np.intp))
    if kind == "call":
        ops = [order[i].op for i in outs]
        flat = [p for i in outs for p in inputs[i]]
        slots = [edges[i] + k for i in outs for k in range(len(inputs[i]))]
        sizes = [len(inputs[i]) for i in outs]
        flat_ = np.array(flat, dtype=np.intp)
        return Group(kind, out, [flat_], [route(flat, slots)], (ops, flat_, sizes))
    arity = len(inputs[outs[0]])
    ins = [[inputs[i][k] for i in outs] for k in range(arity)]
    routes = [route(ins[k], [edges[i] + k for i in outs]) for k in range(arity)]
    extra = order[outs[0]].op.exponent if kind == "pow" else None  # type: ignore[union-attr]
    return Group(kind, out, [np.array(x, dtype=np.intp) for x in ins], routes, extra)


def finals(
    inputs: list[tuple[int, ...]],
    edges: list[int],
    level: list[int],
    skip: npt.NDArray[np.bool_],
    depth: int,
) -> tuple[list[Final], Ints, int]:
    """Per level: its nodes used more than once, each slot's node among them, where they are.

    Returns that list, the slot number of each edge (-1 for the edges left out) and how many
    slots there are. Slots are numbered level by level, so a level's are one slice of ``e``;
    within it, a node's slots are listed in the order eager backward adds them -- by consumer from
    the last in topological order to the first, and a consumer's inputs in order -- so that
    ``np.bincount``, which adds its weights one by one in the order given, sums them as eager
    backward does. Left out (``skip``): the Adds inside a chain, which their chain gives their
    gradient, and the nodes used once, which their one consumer gives it.
    """
    n = len(inputs)
    count = edges[n]
    parent = np.fromiter((p for ins in inputs for p in ins), np.intp, count)
    consumer = np.repeat(np.arange(n, dtype=np.intp), [len(ins) for ins in inputs])
    position = np.arange(count, dtype=np.intp) - np.array(edges[:n], dtype=np.intp)[consumer]
    levels = np.array(level, dtype=np.intp)
    keep = ~skip[parent]
    slot = np.flatnonzero(keep)
    parent, consumer, position = parent[keep], consumer[keep], position[keep]
    by = np.lexsort((position, -consumer, parent, levels[parent]))
    slot, parent = slot[by], parent[by]
    edge_ends = np.searchsorted(levels[parent], np.arange(depth + 2))
    nodes = np.flatnonzero(~skip)
    nodes = nodes[np.argsort(levels[nodes], kind="stable")]
    node_ends = np.searchsorted(levels[nodes], np.arange(depth + 2))
    local = np.zeros(n, dtype=np.intp)
    finals = []
    for lvl in range(depth + 1):
        here = nodes[node_ends[lvl] : node_ends[lvl + 1]]
        local[here] = np.arange(len(here))
        start, stop = int(edge_ends[lvl]), int(edge_ends[lvl + 1])
        finals.append((here, local[parent[start:stop]], start, stop))
    slot_of = np.full(count, -1, dtype=np.intp)
    slot_of[slot] = np.arange(len(slot), dtype=np.intp)
    return finals, slot_of, len(slot)
