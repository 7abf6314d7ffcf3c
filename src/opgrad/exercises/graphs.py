"""Random graphs for the graders, and the numeric-versus-analytic check at the first wrong node.

The graphs are opgrad Values built from fixed seeds, with the shapes that catch a wrong backward
pass: fan-out (``x * x``), diamonds and shared subgraphs. The numeric derivative of the root
with respect to any node (not only a leaf) is a central difference that nudges the node and
recomputes everything after it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence

from autograd import GraphExecutor, Value
from opgrad.exercises.feedback import AnswerError, number

__all__ = ["chain", "first_wrong_node", "name_of", "numeric_grad", "random_graph"]

_EXECUTOR = GraphExecutor()

_BINARY: tuple[Callable[[Value, Value], Value], ...] = (
    lambda a, b: a + b,
    lambda a, b: a * b,
    lambda a, b: a - b,
)
_UNARY: tuple[Callable[[Value], Value], ...] = (
    lambda a: a.tanh(),
    lambda a: a * 0.5,
    lambda a: a * a,
)


def random_graph(seed: int, leaves: int = 3, inner: int = 8) -> tuple[Value, list[Value]]:
    """A random graph over ``leaves`` leaves and ``inner`` operations; returns (root, leaves).

    Every operation reads one or two of the nodes made so far, so nodes are shared (fan-out,
    diamonds); the root reads the last node and every leaf, so all of them are in its graph.
    Leaves are labelled ``a``, ``b``, ... and the other nodes ``n1``, ``n2``, ... (the root
    ``out``). Values stay within [-2, 2] so tanh is never flat.
    """
    rng = random.Random(seed)
    xs = [Value(rng.uniform(-1.5, 1.5), label=chr(ord("a") + i)) for i in range(leaves)]
    nodes = list(xs)
    for i in range(inner):
        if rng.random() < 0.6:
            a, b = rng.choice(nodes), rng.choice(nodes)
            node = rng.choice(_BINARY)(a, b)
        else:
            node = rng.choice(_UNARY)(rng.choice(nodes))
        node = node.tanh() if abs(node.data) > 2.0 else node
        node.label = f"n{i + 1}"
        nodes.append(node)
    root = nodes[-1]
    for x in xs:
        root = root + x * 0.25
    root.label = "out"
    return root, xs


def chain(depth: int) -> tuple[Value, Value]:
    """A chain ``x -> x*1 -> ...`` of ``depth`` operations; returns (root, x)."""
    x = Value(0.5, label="x")
    node = x
    for _ in range(depth):
        node = node * 1.0
    return node, x


def name_of(node: Value, index: int) -> str:
    """A node's label, or ``node #index`` (its index in topological order) without one."""
    return node.label or f"node #{index}"


def numeric_grad(order: Sequence[Value], node: Value, h: float = 1e-6) -> float:
    """d(root)/d(node) by a central difference: nudge ``node`` and recompute what follows it.

    ``order`` is the graph in topological order, the root last.
    """

    def root_with(shift: float) -> float:
        data: dict[Value, float] = {}
        for n in order:
            if n is node:
                data[n] = n.data + shift
            elif n.op is None:
                data[n] = n.data
            else:
                data[n] = n.op.forward(*(data[p] for p in n.parents))
        return data[order[-1]]

    return (root_with(h) - root_with(-h)) / (2 * h)


def first_wrong_node(
    root: Value, got: Mapping[Value, object], *, what: str, hint: str, tol: float = 1e-6
) -> None:
    """Raise AnswerError at the first node (from the root back) whose gradient in ``got`` is wrong.

    The feedback gives the expected gradient (the executor's), the learner's, and the numeric
    derivative there, so a learner sees that the analytic and the numeric agree and theirs not.
    """
    order = _EXECUTOR.topological_order(root)
    expected = _EXECUTOR.gradients(root)
    for index in range(len(order) - 1, -1, -1):
        node = order[index]
        want = expected.get(node, 0.0)
        have = got.get(node, 0.0)
        ok = isinstance(have, (int, float)) and not isinstance(have, bool)
        if ok and abs(float(have) - want) <= tol * max(1.0, abs(want)):  # type: ignore[arg-type]
            continue
        name = name_of(node, index)
        op = f" (made by {node.op})" if node.op is not None else " (a leaf)"
        raise AnswerError(
            f"{what}: the gradient of {name}{op} is wrong, the first wrong one from the root",
            f"expected (analytic) {number(want)}",
            f"numeric difference  {number(numeric_grad(order, node))}",
            f"yours               {number(have)}",
            hint=hint,
        )
