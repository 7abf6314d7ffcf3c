# opgrad exercise: draw
"""Drawing it: the nodes and edges of a graph.

To draw a graph, the lecture first collects it: every node reachable from the root by
following ``parents``, and an edge (parent, child) for each input of each node. Write ``trace``
for opgrad's Value; then ``draw_dot(L)`` from autograd draws what it collects (try it in
Jupyter, or ``opgrad graph "(a*b + c)*f"``).

Write:
    trace(root): (nodes, edges): the set of every node of the graph, root and leaves included,
    and the set of edges (parent, child), an edge pointing from an input to what it made.
"""

from __future__ import annotations

from autograd import Value


def trace(root: Value) -> tuple[set[Value], set[tuple[Value, Value]]]:
    """Every node reachable from root, and every edge (parent, child) between them."""
    nodes: set[Value] = {root}
    edges: set[tuple[Value, Value]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        for parent in node.parents:
            edges.add((parent, node))
            if parent not in nodes:
                nodes.add(parent)
                stack.append(parent)
    return nodes, edges
