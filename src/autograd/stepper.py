"""BackwardStepper: the backward pass one node at a time, and the explain lines of each step.

Part of the executor: :meth:`GraphExecutor.stepper <autograd.GraphExecutor.stepper>` makes one;
:func:`~autograd.explain`, the animation and the playground run on it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from autograd.checks import four_digits
from autograd.passes import BackwardStep, NonFiniteError, _chain_rule, _where
from autograd.value import Value

if TYPE_CHECKING:
    from autograd.executor import GraphExecutor

__all__ = ["BackwardStepper", "NodeStep"]


def _node_names(order: Sequence[Value]) -> dict[Value, str]:
    """A readable, unique name for every node, given the graph in topological order.

    A node is called by its label; a label shared by several nodes gets the node's topological
    index appended (``x#3``); an unlabelled node is named by its index and op (``#7(*)``), or by
    its index alone for an unlabelled leaf such as a constant (``#2``). A made-up name that is
    some node's label as well (a node labelled ``#2``) gets primes (``#2'``) until it is unique.
    """
    counts = Counter(node.label for node in order if node.label)
    taken = {label for label, count in counts.items() if count == 1}
    names: dict[Value, str] = {}
    for index, node in enumerate(order):
        if node.label and counts[node.label] == 1:
            names[node] = node.label
            continue
        if node.label:
            name = f"{node.label}#{index}"
        elif node.op is None:
            name = f"#{index}"
        else:
            name = f"#{index}({node.op})"
        while name in taken:
            name += "'"
        taken.add(name)
        names[node] = name
    return names


def _named_with_op(node: Value, name: str) -> str:
    """``n (tanh)``: a node's name and its op, said once for an unlabelled node (``#4(+)``)."""
    return f"{name} ({node.op})" if node.label and node.op is not None else name


_COMPOUND = re.compile(r"[\s+\-*/]")


def _grad_of(name: str) -> str:
    """``x.grad``, or ``(x1*w1).grad`` for a name that is a formula (not a made-up ``#8(+)``)."""
    if name.startswith("#") or not _COMPOUND.search(name):
        return f"{name}.grad"
    return f"({name}).grad"


def _step_line(step: BackwardStep, node: str, parent: str) -> str:
    """One chain-rule step in words, the nodes called ``node`` and ``parent``.

    ``parent.grad += node.grad * d(node)/d(parent) = upstream * local = contribution -> g``.
    """
    return (
        f"{_grad_of(parent)} += {_grad_of(node)} * d({node})/d({parent}) = "
        f"{four_digits(step.upstream)} * {four_digits(step.local_grad)} = "
        f"{four_digits(step.contribution)} -> {four_digits(step.parent_grad)}"
    )


@attrs.frozen
class NodeStep:
    """One step of a :class:`BackwardStepper`: a node passed its gradient to its inputs.

    ``str(step)`` is its chain-rule lines, one per input, as :func:`~autograd.explain` prints
    them.

    Attributes:
        number: Position of the step in the pass, from 1.
        node: The Value whose gradient was passed back.
        edges: One :class:`BackwardStep` per input of ``node``, in input order; empty only
            for the single step of a leaf root, which just receives the seed.
        lines: The :func:`~autograd.explain` line of each edge, nodes named as there.
    """

    number: int
    node: Value
    edges: tuple[BackwardStep, ...]
    lines: tuple[str, ...]

    def __str__(self) -> str:
        return "\n".join(self.lines)


@attrs.frozen
class _Undo:
    """What one step changed, to put back: each node's ``grad`` and pass value before it."""

    step: NodeStep
    grads: tuple[tuple[Value, float], ...]
    passes: tuple[tuple[Value, float | None], ...]


class BackwardStepper:
    """A backward pass taken one node at a time; made by :meth:`GraphExecutor.stepper`.

    The pass is summed as :meth:`GraphExecutor.gradients` sums it, from zero, in the stepper
    (:meth:`pass_grad`); with ``accumulate`` on, each node a step touches then holds its
    ``grad`` from before the stepper first touched it plus its pass so far, so the last step
    leaves exactly what :meth:`GraphExecutor.backward` would. Do not change the graph's
    ``grad`` or ``data`` while stepping: the steps assume the pass they began.

    Attributes:
        root: The node differentiated.
        seed: d(root)/d(root).
        order: Every node of the graph in topological order, root last.
        names: A readable, unique name for every node, as :func:`~autograd.explain` uses.
    """

    def __init__(
        self, executor: GraphExecutor, root: Value, seed: float, *, accumulate: bool = True
    ) -> None:
        self.order = executor.topological_order(root)
        self.root = root
        self.seed = seed
        self.names = _node_names(self.order)
        self._check = executor.check_finite
        self._observe = executor.observer
        self._accumulate = accumulate
        # A leaf root has one step, the seed; otherwise one step per non-leaf, root first.
        self._todo = [node for node in reversed(self.order) if node.op is not None] or [root]
        self._pass: dict[Value, float] = {}
        self._olds: dict[Value, float] = {}
        self._undo: list[_Undo] = []

    @property
    def done(self) -> bool:
        """Whether every step has been taken (every non-leaf node has passed its gradient)."""
        return len(self._undo) == len(self._todo)

    @property
    def position(self) -> int:
        """How many steps have been taken (and not undone)."""
        return len(self._undo)

    @property
    def total(self) -> int:
        """How many steps the whole pass takes: one per non-leaf node (one for a leaf root)."""
        return len(self._todo)

    @property
    def next_node(self) -> Value | None:
        """The node the next :meth:`step` passes back, or None when :attr:`done`."""
        return None if self.done else self._todo[len(self._undo)]

    def pass_grad(self, node: Value) -> float:
        """d(root)/d(node) times the seed, as summed by the steps taken so far (0.0 before).

        This is the pass alone, without what ``node.grad`` held before the stepper.
        """
        return self._pass.get(node, 0.0)

    def step(self) -> NodeStep:
        """Apply the chain rule of the next node: pass its gradient on to its inputs.

        The first step also puts the seed into the root's gradient. If the node's
        ``local_grads`` fails (or, with ``check_finite``, gives a NaN or infinity), the error
        names the node and nothing changes.

        Returns:
            What the step did: the node, one :class:`BackwardStep` per input and its lines.

        Raises:
            RuntimeError: Every step has been taken already (:attr:`done`).
        """
        if self.done:
            raise RuntimeError(
                f"stepper: the backward pass from {self.names[self.root]} is complete "
                f"({self.total} steps); back() undoes the last one"
            )
        node = self._todo[len(self._undo)]
        grads = self._pass
        touched = (node, *node.parents)
        passes = tuple((n, grads.get(n)) for n in touched)
        try:
            if not self._undo:
                if self._check and not math.isfinite(self.seed):
                    raise NonFiniteError(f"backward seed is {self.seed!r} at {_where(node)}")
                grads[node] = self.seed
            edges = _chain_rule(node, grads, self._check) if node.op is not None else []
        except BaseException:
            self._put_back_passes(passes)
            raise
        names = self.names
        lines = tuple(_step_line(e, names[e.node], names[e.parent]) for e in edges)
        record = NodeStep(len(self._undo) + 1, node, tuple(edges), lines)
        undo = _Undo(record, tuple((n, n.grad) for n in touched), passes)
        self._undo.append(undo)
        if self._accumulate:
            try:
                olds = self._olds
                for n in touched:
                    n.grad = olds.setdefault(n, n.grad) + grads[n]
            except BaseException:  # an interrupt between two writes: no half-made step
                self.back()
                raise
        if self._observe is not None:
            for edge in edges:
                self._observe(edge)
        return record

    def back(self) -> NodeStep:
        """Undo the last step: every ``grad`` it changed is put back exactly as it was.

        Returns:
            The step undone.

        Raises:
            RuntimeError: No step has been taken.
        """
        if not self._undo:
            raise RuntimeError(
                f"stepper: no step to undo in the backward pass from {self.names[self.root]}"
            )
        undo = self._undo.pop()
        self._put_back_passes(undo.passes)
        if self._accumulate:
            for node, grad in reversed(undo.grads):
                node.grad = grad
                if node not in self._pass:
                    self._olds.pop(node, None)
        return undo.step

    def run(self) -> list[NodeStep]:
        """Take every remaining step; return them in order."""
        steps = []
        while not self.done:
            steps.append(self.step())
        return steps

    def _put_back_passes(self, passes: tuple[tuple[Value, float | None], ...]) -> None:
        # Reversed: a node that is its own parent's duplicate (x * x) appears twice, and the
        # first record holds the value from before the step.
        for node, value in reversed(passes):
            if value is None:
                self._pass.pop(node, None)
            else:
                self._pass[node] = value

    def __repr__(self) -> str:
        return (
            f"<BackwardStepper from {self.names[self.root]}: "
            f"{self.position} of {self.total} steps taken>"
        )
