# opgrad exercise: topo_sort
"""An iterative topological sort.

The backward pass visits each node after every node it feeds, so it needs the graph in
topological order: every node after its parents, the root last. The lecture's ``build_topo`` is
recursive, and Python stops a recursion about a thousand calls deep; a long chain of nodes (a
loop of a thousand steps, an RNN) is deeper. Write it with an explicit stack instead.

Write:
    topological_order(root): a list of every node of the graph, each once, each after all of
    its parents, the root last.
"""

from __future__ import annotations

from collections.abc import Iterator

from autograd import Value


def topological_order(root: Value) -> list[Value]:
    """Every node reachable from root, each after its parents, root last, without recursion."""
    order: list[Value] = []
    visited = {root}
    stack: list[tuple[Value, Iterator[Value]]] = [(root, iter(root.parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent not in visited:
                visited.add(parent)
                stack.append((parent, iter(parent.parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order
