# opgrad exercise: plus_equals
"""The += bug: a gradient adds up over every use.

In the lecture, ``b = a + a`` first gave a.grad = 1 instead of 2: each use of ``a`` *set* its
gradient, so the second use overwrote the first. A node used twice receives a gradient from
each use, and they add up (the multivariable chain rule).

Write the chain rule for one node, as opgrad's executor does it: the gradients are kept in a
dict ``grads`` (node -> d(root)/d(node)); for each parent p of ``node`` add
``local * grads[node]`` to ``grads[p]``, where ``local`` is d(node)/d(p) from the node's
operation: ``node.op.local_grads(*[p.data for p in node.parents], output=node.data)``. A parent
not yet in ``grads`` starts at 0.
"""

from __future__ import annotations

from autograd import Value


def chain_rule(node: Value, grads: dict[Value, float]) -> None:
    """Pass node's gradient to its parents: grads[p] += d(node)/d(p) * grads[node]."""
    assert node.op is not None, "only a node made by an operation has parents"
    local = node.op.local_grads(*[p.data for p in node.parents], output=node.data)
    upstream = grads[node]
    for parent, d in zip(node.parents, local):
        grads[parent] = grads.get(parent, 0.0) + d * upstream
