# opgrad exercise: backward
"""Backward through the sort.

The lecture's ``backward``: set the root's grad to 1, then take the nodes in reverse
topological order (the root first) and let each pass its gradient to its parents, each
parent's grad growing by d(node)/d(parent) * node.grad. opgrad's executor gives the order
(``GraphExecutor().topological_order(root)``) and each node's operation its local derivatives
(``node.op.local_grads(*[p.data for p in node.parents], output=node.data)``).

Write:
    backward(root): fill in .grad of every node of a fresh graph (every grad 0 before).
"""

from __future__ import annotations

from autograd import GraphExecutor, Value


def backward(root: Value) -> None:
    """Set root.grad = 1 and add d(root)/d(node) into every node's grad, root first."""
    order = GraphExecutor().topological_order(root)
    root.grad = 1.0
    for node in reversed(order):
        if node.op is None:
            continue
        local = node.op.local_grads(*[p.data for p in node.parents], output=node.data)
        for parent, d in zip(node.parents, local):
            parent.grad += d * node.grad
