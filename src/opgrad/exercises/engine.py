"""The graders of the engine's steps: exp_pow_div, plus_equals, topo_sort, backward, and more.

The others: zero_grad and numeric_grads.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence

from autograd import GraphExecutor, Value, numerical_gradients
from autograd.views.examples import lecture_expression, lecture_neuron
from opgrad.exercises.feedback import Learner, expect, expect_close, number
from opgrad.exercises.graphs import chain, first_wrong_node, name_of, random_graph
from opgrad.exercises.opchecks import check_op, check_operation_class

__all__ = [
    "check_backward",
    "check_exp_pow_div",
    "check_numeric_grads",
    "check_plus_equals",
    "check_topo_sort",
    "check_zero_grad",
]

_EXECUTOR = GraphExecutor()
_DEPTH = 3000
"""How deep the chain is that a recursive walk cannot take (Python stops near 1000)."""


def check_exp_pow_div(learner: Learner) -> None:
    """Each op's forward and local_grads against differences, and its second derivative."""
    check_op(
        learner,
        "Exp()",
        check_operation_class(learner, "Exp"),
        [(0.5,), (-1.2,), (2.0,)],
        f=math.exp,
        grads=lambda x: (math.exp(x),),
        hint="d/dx e**x is e**x: the output itself",
    )
    for k in (3.0, 2.0, -1.0, 0.5):
        points = [(0.7,), (1.9,), (3.2,)] + ([(-1.3,)] if k.is_integer() else [])
        check_op(
            learner,
            f"Pow({number(k)})",
            check_operation_class(learner, "Pow", k),
            points,
            f=lambda x, k=k: float(x**k),
            grads=lambda x, k=k: (k * x ** (k - 1),),
            hint="d/dx x**k = k * x**(k - 1)",
        )
    check_op(
        learner,
        "Div()",
        check_operation_class(learner, "Div"),
        [(1.5, 2.0), (-3.0, 0.7), (2.2, -1.6)],
        f=lambda a, b: a / b,
        grads=lambda a, b: (1.0 / b, -a / (b * b)),
        hint="d/da (a/b) = 1/b and d/db (a/b) = -a/b**2, in input order",
        inputs=("a", "b"),
    )


def _fan_out() -> Value:
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    return b


def _square() -> Value:
    x = Value(-1.5, label="x")
    y = x * x
    y.label = "y"
    return y


def _graphs() -> list[tuple[Value, str]]:
    """The lecture's graphs, the two fan-outs and random graphs, with names for feedback."""
    graphs = [(_fan_out(), "b = a + a"), (_square(), "y = x * x")]
    graphs += [(lecture_expression(), "the lecture's L"), (lecture_neuron(), "the lecture's o")]
    return graphs + [(random_graph(seed)[0], f"random graph {seed}") for seed in range(4)]


def check_plus_equals(learner: Learner) -> None:
    """chain_rule, run over each graph in reverse order, gives the executor's gradients."""
    fn = learner.get("chain_rule")
    for root, name in _graphs():
        order = _EXECUTOR.topological_order(root)
        grads = {root: 1.0}
        for index in range(len(order) - 1, -1, -1):
            node = order[index]
            if node.op is not None:
                learner.call(f"chain_rule({name_of(node, index)}, grads)", fn, node, grads)
        first_wrong_node(
            root,
            grads,
            what=f"chain_rule on {name}",
            hint="a node used twice gets a gradient from each use: add to grads[p], never "
            "set it; the local derivative times grads[node], each parent its own",
        )


def check_topo_sort(learner: Learner) -> None:
    """Each node once, after its parents, the root last; also for a chain too deep to recurse."""
    fn = learner.get("topological_order")
    deep, _ = chain(_DEPTH)
    for root, name in [*_graphs(), (deep, f"a chain {_DEPTH} nodes deep")]:
        reference = _EXECUTOR.topological_order(root)
        names = {node: name_of(node, i) for i, node in enumerate(reference)}
        got = learner.call(f"topological_order({name})", fn, root)
        expect(
            isinstance(got, list),
            f"topological_order({name}) should return a list, got {type(got).__name__}",
            hint="build the order in a list and return it",
        )
        counts = Counter(got)
        for node in reference:
            expect(
                counts[node] > 0,
                f"topological_order({name}): {names[node]} is missing",
                hint="every node reachable from the root through parents, leaves too",
            )
            expect(
                counts[node] == 1,
                f"topological_order({name}): {names[node]} is there {counts[node]} times",
                hint="remember which nodes you have visited (a set) and take each once",
            )
        expect(
            len(got) == len(reference),
            f"topological_order({name}) has {len(got) - len(reference)} node(s) not in the graph",
        )
        position = {node: i for i, node in enumerate(got)}
        for node in got:
            for parent in node.parents:
                expect(
                    position[parent] < position[node],
                    f"topological_order({name}): {names[node]} comes before its parent "
                    f"{names[parent]}",
                    hint="a node goes into the order only once all of its parents are in",
                )
        expect(got[-1] is root, f"topological_order({name}): the root is not last")


def check_backward(learner: Learner) -> None:
    """Backward leaves the executor's gradient in every node of fresh graphs, deep ones too."""
    fn = learner.get("backward")
    deep, _ = chain(_DEPTH)
    for root, name in [*_graphs(), (deep, f"a chain {_DEPTH} nodes deep")]:
        order = _EXECUTOR.topological_order(root)
        learner.call(f"backward({name})", fn, root)
        first_wrong_node(
            root,
            {node: node.grad for node in order},
            what=f"backward({name})",
            hint="root.grad = 1, then each node in reverse order (root first) adds "
            "local * node.grad into each parent's grad",
        )


def _scribble(order: Sequence[Value], seed: int) -> None:
    rng = random.Random(seed)
    for node in order:
        node.grad = rng.uniform(-3.0, 3.0) or 1.0


def check_zero_grad(learner: Learner) -> None:
    """zero_grad clears every node's grad; fresh_backward gives the same gradients twice."""
    zero = learner.get("zero_grad")
    deep, _ = chain(_DEPTH)
    for root, name in [*_graphs(), (deep, f"a chain {_DEPTH} nodes deep")]:
        order = _EXECUTOR.topological_order(root)
        _scribble(order, 7)
        learner.call(f"zero_grad({name})", zero, root)
        for index in range(len(order) - 1, -1, -1):
            node = order[index]
            kind = "the root" if node is root else "a leaf" if node.is_leaf else f"a {node.op}"
            expect(
                node.grad == 0.0,
                f"after zero_grad({name}), {name_of(node, index)} ({kind}) still has grad "
                f"{number(node.grad)}",
                hint="set the grad of every node of the graph: the root, the nodes between "
                "and the leaves (walk it: GraphExecutor().topological_order(root))",
            )
    fresh = learner.get("fresh_backward")
    for root, name in _graphs():
        order = _EXECUTOR.topological_order(root)
        _scribble(order, 8)
        for time in ("once", "twice"):
            learner.call(f"fresh_backward({name})", fresh, root)
            first_wrong_node(
                root,
                {node: node.grad for node in order},
                what=f"fresh_backward({name}) called {time}",
                hint="backward adds into grad: zero every grad first, then call backward",
            )


def _cubic(p: list[float]) -> float:
    return p[0] ** 3 + p[0] * p[1] ** 2 - 2.0 * p[2]


def _cubic_of_values(a: Value, b: Value, c: Value) -> Value:
    return a**3 + a * b**2 - 2.0 * c


def check_numeric_grads(learner: Learner) -> None:
    """Central differences with a large h (so the formula shows), and a small default h."""
    fn = learner.get("numerical_gradient")
    for point, h in (([1.0, -2.0, 0.5], 0.1), ([-0.5, 1.5, 2.0], 0.25)):
        given = list(point)
        call = f"numerical_gradient(cubic, {point}, h={h}) for p0**3 + p0*p1**2 - 2*p2"
        got = learner.call(call, fn, _cubic, given, h)
        expect(given == point, f"{call} changed the point to {given}", hint="nudge a copy")
        expect(
            isinstance(got, (list, tuple)) and len(got) == len(point),
            f"{call} should return {len(point)} numbers, got {got!r}",
            hint="one derivative per input",
        )
        for i, want in enumerate(numerical_gradients(_cubic_of_values, point, eps=h)):
            expect_close(
                f"{call}[{i}]",
                got[i],
                want,
                hint="nudge input i both ways, the others held still: "
                "(fn(up) - fn(down)) / (2 * h)",
                tol=1e-9,
            )
    point = [0.3, -0.7, 1.1]
    call = f"numerical_gradient(cubic, {point}) with the default h"
    got = learner.call(call, fn, _cubic, point)
    expect(
        isinstance(got, (list, tuple)) and len(got) == len(point),
        f"{call} should return {len(point)} numbers, got {got!r}",
        hint="one derivative per input",
    )
    exact = [3 * 0.3**2 + 0.7**2, 2 * 0.3 * -0.7, -2.0]
    for i, want in enumerate(exact):
        expect_close(f"{call}[{i}]", got[i], want, hint="a small h, such as 1e-5", tol=1e-6)
