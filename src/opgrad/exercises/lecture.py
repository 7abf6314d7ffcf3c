"""The graders of the lecture's path: nudge, value, draw, chain_rule, neuron_by_hand, tanh_op."""

from __future__ import annotations

import functools
import math
import operator
import random
from collections.abc import Callable, Mapping
from typing import Any

from autograd import GraphExecutor, Value
from autograd.views.examples import lecture_expression, lecture_neuron
from opgrad.exercises.feedback import AnswerError, Learner, expect, expect_close, number
from opgrad.exercises.graphs import name_of, numeric_grad, random_graph
from opgrad.exercises.opchecks import check_op, check_operation_class

__all__ = [
    "check_chain_rule",
    "check_draw",
    "check_neuron_by_hand",
    "check_nudge",
    "check_tanh_op",
    "check_value",
]

_EXECUTOR = GraphExecutor()


def _cube(x: float) -> float:
    return x * x * x


def check_nudge(learner: Learner) -> None:
    """The slope is the forward difference for any function and h; df is 6x - 4 exactly."""
    slope = learner.get("slope")
    for x, h in ((1.0, 0.5), (-2.0, 0.25), (0.3, 0.001)):
        what = f"slope(cube, {number(x)}, h={number(h)}) for cube(x) = x**3"
        expect_close(
            what,
            learner.call(what, slope, _cube, x, h),
            (_cube(x + h) - _cube(x)) / h,
            hint="rise over run of the forward nudge: (fn(x + h) - fn(x)) / h",
            note=f"(the derivative there is 3x**2 = {number(3 * x * x)}; h is not small here)",
            tol=1e-9,
        )
    df = learner.get("df")
    for x in (3.0, -2.0, 0.5):
        expect_close(
            f"df({number(x)})",
            learner.call(f"df({number(x)})", df, x),
            6 * x - 4,
            hint="the power rule: d/dx 3x**2 = 6x, d/dx 4x = 4, d/dx 5 = 0",
            tol=1e-9,
        )
    what = "slope(f, 3) with the default h"
    expect_close(
        what,
        learner.call(what, slope, lambda x: 3 * x**2 - 4 * x + 5, 3.0),
        14.0,
        hint="the default h should be small (the lecture uses 0.0001)",
        tol=1e-3,
    )


def _check_node(
    what: str, node: Any, cls: type, data: float, parents: tuple[object, ...], op: str
) -> None:
    """Check a node the learner's Value made: its type, data, parents in order and op."""
    expect(
        isinstance(node, cls),
        f"{what} should be a Value, got {type(node).__name__}: {node!r}",
        hint="return Value(..., (self, other), op)",
    )
    expect_close(f"({what}).data", getattr(node, "data", None), data, hint=f"{op} the two datas")
    got = getattr(node, "parents", None)
    expect(
        isinstance(got, tuple),
        f"({what}).parents should be a tuple, got {type(got).__name__}: {got!r}",
        hint="keep the inputs in order, in a tuple: (self, other)",
    )
    assert isinstance(got, tuple)
    same = len(got) == len(parents) and all(
        g is p or (isinstance(p, float) and getattr(g, "data", None) == p)
        for g, p in zip(got, parents)
    )
    names = ", ".join(f"Value({number(p)})" if isinstance(p, float) else repr(p) for p in parents)
    expect(
        same,
        f"({what}).parents are wrong: expected the inputs in order, ({names})",
        f"got {got!r}",
        hint="parents are (self, other) for self + other; a number on the left comes first",
    )
    expect(
        getattr(node, "op", None) == op,
        f"({what}).op should be {op!r}, got {getattr(node, 'op', None)!r}",
        hint='the op says how the node was made: "+" or "*"',
    )


def check_value(learner: Learner) -> None:
    """+ and * between Values and with numbers on either side: data, parents in order, op."""
    cls = learner.get("Value", "class")
    rng = random.Random(1)
    for _ in range(3):
        x, y = rng.uniform(-5, 5), rng.uniform(-5, 5)
        a = learner.call(f"Value({number(x)})", cls, x)
        b = learner.call(f"Value({number(y)})", cls, y)
        cases: tuple[tuple[str, Callable[[Any, Any], Any], Any, Any, float, str], ...] = (
            ("a + b", operator.add, a, b, x + y, "+"),
            ("a * b", operator.mul, a, b, x * y, "*"),
            ("a + 2.0", operator.add, a, 2.0, x + 2.0, "+"),
            ("a * 3.0", operator.mul, a, 3.0, x * 3.0, "*"),
            ("2.0 + a", operator.add, 2.0, a, 2.0 + x, "+"),
            ("3.0 * a", operator.mul, 3.0, a, 3.0 * x, "*"),
        )
        for what, apply, left, right, data, op in cases:
            node = learner.call(what, apply, left, right)
            _check_node(what, node, cls, data, (left, right), op)
    a, b, c, f = (learner.call("Value()", cls, x) for x in (2.0, -3.0, 10.0, -2.0))
    e = learner.call("a * b", operator.mul, a, b)
    _check_node("e = a * b", e, cls, -6.0, (a, b), "*")
    d = learner.call("e + c", operator.add, e, c)
    _check_node("d = e + c", d, cls, 4.0, (e, c), "+")
    L = learner.call("d * f", operator.mul, d, f)
    _check_node("L = d * f", L, cls, -8.0, (d, f), "*")


def _shown(node: Value, names: Mapping[Value, str]) -> str:
    return names.get(node, repr(node))


def check_draw(learner: Learner) -> None:
    """Trace gives every node and edge (parent, child) of the lecture's and random graphs."""
    trace = learner.get("trace")
    graphs = [(lecture_expression(), "L"), (lecture_neuron(), "o")]
    graphs += [(random_graph(seed)[0], f"out (random graph {seed})") for seed in range(4)]
    for root, name in graphs:
        order = _EXECUTOR.topological_order(root)
        names = {node: name_of(node, i) for i, node in enumerate(order)}
        got = learner.call(f"trace({name})", trace, root)
        expect(
            isinstance(got, tuple) and len(got) == 2,
            f"trace({name}) should return (nodes, edges), got {type(got).__name__}",
            hint="return the two sets as a pair: return nodes, edges",
        )
        nodes, edges = set(got[0]), set(got[1])
        for node in reversed(order):
            expect(
                node in nodes,
                f"trace({name}): the node {names[node]} is missing from nodes",
                hint="collect every node you reach, the root and the leaves too",
            )
        for node in order:
            for parent in node.parents:
                if (parent, node) in edges:
                    continue
                edge = f"{_shown(parent, names)} -> {_shown(node, names)}"
                reversed_too = (node, parent) in edges
                raise AnswerError(
                    f"trace({name}): the edge {edge} is missing from edges",
                    *(("you have it the other way round",) if reversed_too else ()),
                    hint="an edge goes from an input to the node it made: (parent, child)",
                )
        extra = [e for e in edges if not (isinstance(e, tuple) and e[0] in e[1].parents)]
        expect(
            not extra and nodes == set(order),
            f"trace({name}) has {len(extra) + len(nodes - set(order))} extra node(s) or edge(s)",
            hint="edges are (parent, child) pairs of the graph, nodes its nodes",
        )


def _points(first: tuple[float, ...], *, seed: int, spread: float) -> list[tuple[float, ...]]:
    """The lecture's point, then four random ones in [-spread, spread] (two decimals)."""
    rng = random.Random(seed)
    draws = [tuple(round(rng.uniform(-spread, spread), 2) for _ in first) for _ in range(4)]
    return [first, *draws]


def _check_named_grads(
    learner: Learner,
    call: str,
    fn: Callable[[], object],
    nodes: Mapping[str, Value],
    root: Value,
    hints: Mapping[str, str],
) -> None:
    """The learner's {name: gradient} against the executor's, from the root back."""
    got = learner.call(call, fn)
    expect(
        isinstance(got, Mapping),
        f"{call} should return a dict of gradients, got {type(got).__name__}",
        hint='return {"L": ..., "d": ..., ...}',
    )
    assert isinstance(got, Mapping)
    order = _EXECUTOR.topological_order(root)
    expected = _EXECUTOR.gradients(root)
    for name, node in nodes.items():
        expect(name in got, f"{call} has no gradient for {name!r}", hint="give every node's")
        expect_close(
            f"{call}[{name!r}], the gradient of {name}",
            got[name],
            expected.get(node, 0.0),
            hint=hints[name],
            note=f"numeric difference {number(numeric_grad(order, node))}",
        )


_L_HINTS = {
    "L": "dL/dL is 1: the start of every backward pass",
    "d": "L = d * f: the gradient of one input of a * is the other input",
    "f": "L = d * f: the gradient of f is the other input, d = a*b + c",
    "e": "d = e + c: a + passes the gradient it gets (dL/dd) to both inputs unchanged",
    "c": "d = e + c: a + passes the gradient it gets (dL/dd) to both inputs unchanged",
    "a": "e = a * b: dL/da = dL/de times the other input, b",
    "b": "e = a * b: dL/db = dL/de times the other input, a",
}


def check_chain_rule(learner: Learner) -> None:
    """lecture_grads at the lecture's numbers and at random ones, node by node from L back."""
    fn = learner.get("lecture_grads")
    for a, b, c, f in _points((2.0, -3.0, 10.0, -2.0), seed=4, spread=5.0):
        va, vb, vc, vf = (Value(x, label=n) for x, n in zip((a, b, c, f), "abcf"))
        e = va * vb
        d = e + vc
        L = d * vf
        nodes = {"L": L, "d": d, "f": vf, "e": e, "c": vc, "a": va, "b": vb}
        call = f"lecture_grads({number(a)}, {number(b)}, {number(c)}, {number(f)})"
        _check_named_grads(learner, call, functools.partial(fn, a, b, c, f), nodes, L, _L_HINTS)


_NEURON_HINTS = {
    "n": "o = tanh(n): do/dn = 1 - tanh(n)**2 = 1 - o**2",
    "x1w1": "n is a sum: a + passes do/dn on unchanged",
    "x2w2": "n is a sum: a + passes do/dn on unchanged",
    "b": "n is a sum: a + passes do/dn on unchanged",
    "x1": "x1*w1: the gradient of x1 is do/d(x1*w1) times the other input, w1",
    "w1": "x1*w1: the gradient of w1 is do/d(x1*w1) times the other input, x1",
    "x2": "x2*w2: the gradient of x2 is do/d(x2*w2) times the other input, w2",
    "w2": "x2*w2: the gradient of w2 is do/d(x2*w2) times the other input, x2",
}


def check_neuron_by_hand(learner: Learner) -> None:
    """neuron_grads at the lecture's numbers and at random ones, against the executor."""
    fn = learner.get("neuron_grads")
    lecture = lecture_neuron()
    leaves = {n.label: n.data for n in _EXECUTOR.topological_order(lecture) if n.is_leaf}
    first = tuple(leaves[k] for k in ("x1", "x2", "w1", "w2", "b"))
    for point in _points(first, seed=5, spread=2.0):
        x1, x2, w1, w2, b = (
            Value(x, label=k) for x, k in zip(point, ("x1", "x2", "w1", "w2", "b"))
        )
        x1w1, x2w2 = x1 * w1, x2 * w2
        n = (x1w1 + x2w2) + b
        o = n.tanh()
        nodes = {"n": n, "x1w1": x1w1, "x2w2": x2w2, "b": b, "x1": x1, "w1": w1, "x2": x2}
        nodes["w2"] = w2
        call = f"neuron_grads({', '.join(number(x) for x in point)})"
        _check_named_grads(learner, call, functools.partial(fn, *point), nodes, o, _NEURON_HINTS)


def check_tanh_op(learner: Learner) -> None:
    """Tanh's forward and local_grads against math.tanh and differences; order 2 on Values."""
    op = check_operation_class(learner, "Tanh")
    check_op(
        learner,
        "Tanh()",
        op,
        [(0.8814,), (-1.3,), (0.0,), (2.5,)],
        f=math.tanh,
        grads=lambda x: (1.0 - math.tanh(x) ** 2,),
        hint="d/dx tanh x = 1 - tanh(x)**2, which is 1 - output**2",
    )
