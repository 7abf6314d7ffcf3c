# opgrad exercise: zero_grad
"""zero_grad, and where hand-set grads meet backward.

``backward`` *adds* into every grad (it must: a node used twice gets two contributions). So
grads left from a previous pass, or set by hand as the lecture does (``L.grad = 1.0``), are
added to: call backward twice and every gradient doubles. Before a new pass, set every grad of
the graph back to 0.

Write:
    zero_grad(root): set .grad to 0.0 on every node of the graph, root and leaves included.
    fresh_backward(root): the gradients of root alone, whatever the grads held before:
    zero, then ``root.backward()``.
"""

from __future__ import annotations

from autograd import GraphExecutor, Value


def zero_grad(root: Value) -> None:
    """Set the grad of every node of root's graph to 0.0."""
    for node in GraphExecutor().topological_order(root):
        node.grad = 0.0


def fresh_backward(root: Value) -> None:
    """Leave in every grad d(root)/d(node), whatever was there before."""
    zero_grad(root)
    root.backward()
