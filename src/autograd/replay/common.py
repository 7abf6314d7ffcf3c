"""What every replay plan shares: its nodes and leaves, reading its numbers, the eager passes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from autograd.passes import _check_leaf, _set

if TYPE_CHECKING:
    from autograd.executor import GraphExecutor
    from autograd.value import Value

__all__ = ["ReplayPlan", "check_leaves", "root_name"]


class ReplayPlan:
    """The part of a compiled plan that does not depend on how it replays.

    A subclass sets ``_executor``, ``_order`` (the nodes in topological order, the root last)
    and ``_leaf_nodes`` (the leaves in the order the plan reads them), and says how to read
    its numbers (:meth:`_numbers`, :meth:`_numbers_at`).
    """

    __slots__ = ("_executor", "_index", "_leaf_nodes", "_order")

    _executor: GraphExecutor
    _index: dict[Value, int] | None
    _leaf_nodes: list[Value]
    _order: list[Value]

    @property
    def root(self) -> Value:
        """The node the plan computes: the last of :attr:`nodes`."""
        return self._order[-1]

    @property
    def nodes(self) -> tuple[Value, ...]:
        """Every node of the graph in topological order; node i is d[i] in the listing."""
        return tuple(self._order)

    @property
    def leaves(self) -> tuple[Value, ...]:
        """The leaves, whose ``data`` a forward pass reads and whose ``grad`` backward adds to."""
        return tuple(self._leaf_nodes)

    def __len__(self) -> int:
        return len(self._order)

    def read(self, nodes: Iterable[Value]) -> list[float]:
        """The data the last :meth:`forward` computed for ``nodes``, without writing it.

        Where only a few inner nodes are wanted (a model's outputs, to count the samples it
        gets right), this is much cheaper than ``forward(all_nodes=True)``, which writes every
        node: the first call indexes the plan's nodes, about as long as one forward pass, and
        each later call costs a dict lookup per node read.

        Args:
            nodes: Nodes of the plan's graph.

        Returns:
            Their data, in the order given.

        Raises:
            ValueError: A node is not in the plan's graph.
        """
        index = self._index
        if index is None:
            index = self._index = {node: i for i, node in enumerate(self._order)}
        found = []
        for node in nodes:
            i = index.get(node)
            if i is None:
                name = type(self).__name__
                raise ValueError(f"{name}.read: {node!r} is not a node of this plan's graph")
            found.append(i)
        return self._numbers_at(found)

    def _numbers(self) -> list[float]:
        """Every node's number of the last forward, in topological order."""
        raise NotImplementedError

    def _numbers_at(self, indices: list[int]) -> list[float]:
        """The numbers of the last forward of the nodes at ``indices``."""
        numbers = self._numbers()
        return [numbers[i] for i in indices]

    def _careful(self) -> bool:
        """Whether the executor checks or observes its passes: then the plan runs its passes."""
        executor = self._executor
        return executor.check_finite or executor.observer is not None

    def _eager_gradients(self, seed: float) -> list[float]:
        """The executor's backward pass, on nodes given the numbers of the last forward.

        The leaves may have changed since (an optimiser step between forward and backward);
        they are given the values the forward read for the pass, as the replay loop uses them,
        and then their own back.
        """
        order = self._order
        leaves = self._leaf_nodes
        current = [leaf.data for leaf in leaves]
        try:
            _set(order, "data", self._numbers())
            found = self._executor.gradients(order[-1], seed)
        finally:
            _set(leaves, "data", current)
        return [found[node] for node in order]


def root_name(root: Value) -> str:
    """How a plan's repr and listing name its root: by label, where it has one."""
    return f"root {root.label!r}" if root.label else "an unlabelled root"


def check_leaves(leaves: Iterable[Value]) -> None:
    """Raise the TypeError naming the first leaf whose data is not a real number."""
    for leaf in leaves:
        if type(leaf.data) is not float:
            _check_leaf(leaf)
