"""GraphExecutor: topological order, backward (reverse mode), forward replay, jvp (forward mode)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import attrs

from autograd.value import Value

if TYPE_CHECKING:
    from autograd.operation import Operation

__all__ = ["BackwardStep", "GraphExecutor", "NonFiniteError"]


class NonFiniteError(FloatingPointError):
    """A NaN or infinity appeared while an executor with ``check_finite=True`` was running."""


@attrs.frozen
class BackwardStep:
    """One application of the chain rule, as reported to a backward observer.

    ``parent`` receives ``contribution = local_grad * upstream``, where ``upstream`` is
    d(root)/d(node) and ``local_grad`` is d(node)/d(parent); ``parent_grad`` is the parent's
    gradient in this pass after the step.

    Attributes:
        node: The node whose gradient is being passed back.
        parent: The input of ``node`` receiving a share of it.
        index: The position of ``parent`` among ``node``'s inputs.
        local_grad: d(node)/d(parent), from ``node.op.local_grads``.
        upstream: d(root)/d(node), complete by the time the node is processed.
        contribution: ``local_grad * upstream``, added to the parent's gradient.
        parent_grad: The parent's gradient in this pass after the addition.
    """

    node: Value
    parent: Value
    index: int
    local_grad: float
    upstream: float
    contribution: float
    parent_grad: float


BackwardObserver = Callable[[BackwardStep], None]


def _name(node: Value) -> str:
    return repr(node.label) if node.label else "<unlabelled>"


def _where(node: Value) -> str:
    """Describe a node for an error message: its label, its op and its inputs."""
    from autograd.operation import describe_inputs

    if node.op is None:
        return f"leaf {_name(node)} = {node.data!r}"
    return f"node {_name(node)} = {node.op!r}({describe_inputs(node.parents)})"


def _datas(node: Value) -> tuple[float, ...]:
    return tuple(p.data for p in node.parents)


def _local_grads(op: Operation, node: Value) -> tuple[float, ...]:
    """Call ``op.local_grads`` on a node, checking the user-facing contract."""
    parents = node.parents
    try:
        grads = op.local_grads(*(p.data for p in parents), output=node.data)
    except (ArithmeticError, ValueError) as error:
        raise type(error)(f"local_grads failed at {_where(node)}: {error}") from error
    if not isinstance(grads, tuple) or len(grads) != len(parents):
        raise TypeError(
            f"{op!r}.local_grads must return a tuple of {len(parents)} floats (one per input), "
            f"got {grads!r} at {_where(node)}"
        )
    return grads


@attrs.frozen
class GraphExecutor:
    """Runs a graph: in topological order forwards, in reverse order backwards.

    Every walk is iterative (an explicit stack, no recursion), so a chain of a million nodes
    works under Python's default recursion limit. The order is deterministic: parents are visited
    in input order, so the same graph always sums its gradients in the same order and gives
    bit-identical results.

    Args:
        check_finite: Raise :class:`NonFiniteError` as soon as a NaN or infinity appears in
            ``forward``, ``backward``, ``gradients`` or ``jvp``, naming the node, its op and
            its inputs. Off by default: it costs a check per node.
        observer: Called with a :class:`BackwardStep` for every chain-rule step of
            ``backward``/``gradients``, in execution order (see :func:`autograd.explain`).

    Example:
        >>> from autograd import GraphExecutor, Value
        >>> a = Value(3.0, label="a")
        >>> z = (a * a) * 2
        >>> ex = GraphExecutor()
        >>> ex.backward(z); ex.backward(z)
        >>> a.grad
        24.0
    """

    check_finite: bool = False
    observer: BackwardObserver | None = None

    def topological_order(self, root: Value) -> list[Value]:
        """Every node reachable from ``root``, each after all of its parents, ``root`` last."""
        if not isinstance(root, Value):
            raise TypeError(f"root must be a Value, got {type(root).__name__}: {root!r}")
        order: list[Value] = []
        emit = order.append
        if root.op is None:
            emit(root)
            return order
        visited = {root}
        mark = visited.add
        nodes = [root]
        iters = [iter(root.parents)]
        while nodes:
            for parent in iters[-1]:
                if parent not in visited:
                    mark(parent)
                    if parent.op is None:
                        emit(parent)  # a leaf has nothing to wait for
                        continue
                    nodes.append(parent)
                    iters.append(iter(parent.parents))
                    break
            else:
                iters.pop()
                emit(nodes.pop())
        return order

    def gradients(self, root: Value, seed: float = 1.0) -> dict[Value, float]:
        """One backward pass: d(root)/d(node) times ``seed`` for every node, without storing it.

        This is the pass that :meth:`backward` adds into ``grad``; it touches no node.
        """
        order = self.topological_order(root)
        if self.check_finite or self.observer is not None:
            return self._careful_gradients(order, float(seed))
        grads: dict[Value, float] = {root: float(seed)}
        get = grads.get
        node = root
        try:
            for node in reversed(order):
                op = node.op
                if op is None:
                    continue
                g = grads[node]
                a = node._p0
                b = node._p1
                if b is not None:
                    da, db = op.local_grads(a.data, b.data, output=node.data)  # type: ignore[union-attr]
                    grads[a] = get(a, 0.0) + da * g  # type: ignore[index,arg-type]
                    grads[b] = get(b, 0.0) + db * g
                elif type(a) is Value:
                    (da,) = op.local_grads(a.data, output=node.data)
                    grads[a] = get(a, 0.0) + da * g
                else:
                    for p, d in zip(node.parents, _local_grads(op, node), strict=True):
                        grads[p] = get(p, 0.0) + d * g
        except (ArithmeticError, ValueError, TypeError) as error:
            # The fast path skipped the checks; redo this node carefully to say what went wrong.
            _local_grads(node.op, node)  # type: ignore[arg-type]
            raise type(error)(f"backward failed at {_where(node)}: {error}") from error
        return grads

    def _careful_gradients(self, order: list[Value], seed: float) -> dict[Value, float]:
        grads: dict[Value, float] = {order[-1]: seed}
        check = self.check_finite
        observe = self.observer
        if check and not math.isfinite(seed):
            raise NonFiniteError(f"backward seed is {seed!r} at {_where(order[-1])}")
        for node in reversed(order):
            op = node.op
            if op is None:
                continue
            upstream = grads[node]
            locals_ = _local_grads(op, node)
            for index, (parent, local) in enumerate(zip(node.parents, locals_)):
                contribution = local * upstream
                total = grads.get(parent, 0.0) + contribution
                grads[parent] = total
                if check and not (math.isfinite(local) and math.isfinite(total)):
                    raise NonFiniteError(
                        f"backward: d({_name(node)})/d(input {index}) = {local!r}, upstream "
                        f"gradient {upstream!r}, giving {total!r} for {_name(parent)} "
                        f"at {_where(node)}"
                    )
                if observe is not None:
                    observe(BackwardStep(node, parent, index, local, upstream, contribution, total))
        return grads

    def backward(self, root: Value, seed: float = 1.0) -> None:
        """Add d(root)/d(node) (times ``seed``) into ``grad`` of every node of the graph.

        Each call runs its own pass and adds it: calling it twice adds exactly twice the
        gradient. Zero the gradients between training steps.
        """
        for node, g in self.gradients(root, seed).items():
            node.grad += g

    def zero_grad(self, root: Value) -> None:
        """Set ``grad`` to 0.0 on every node of the graph."""
        for node in self.topological_order(root):
            node.grad = 0.0

    def forward(self, root: Value) -> float:
        """Recompute every non-leaf node from its parents, in order; return root's data.

        After a leaf's ``data`` changes, this replays the same graph without rebuilding it.
        """
        from autograd.operation import forward_error

        check = self.check_finite
        for node in self.topological_order(root):
            op = node.op
            if op is None:
                if check and not math.isfinite(node.data):
                    raise NonFiniteError(f"forward: {_where(node)} is not finite")
                continue
            try:
                data = float(op.forward(*_datas(node)))
            except (ArithmeticError, ValueError) as error:
                raise forward_error(op, node.parents, error) from error
            if check and not math.isfinite(data):
                raise NonFiniteError(f"forward: {_where(node)} gives {data!r}")
            node.data = data
        return root.data

    def jvp(self, root: Value, tangents: Mapping[Value, float]) -> float:
        """Forward-mode derivative of root along ``tangents`` (a direction on the leaves).

        Returns sum over leaves x of d(root)/dx * tangents[x], computed in one forward sweep
        through the same ``local_grads`` that backward uses. Leaves not named get tangent 0.
        """
        order = self.topological_order(root)
        in_graph = set(order)
        for node in tangents:
            if node not in in_graph:
                raise ValueError(
                    f"jvp: tangent given for {_where(node)}, which is not in the graph"
                )
            if node.op is not None:
                raise ValueError(f"jvp: tangents go on leaves; {_where(node)} is not a leaf")
        check = self.check_finite
        tan: dict[Value, float] = {}
        for node in order:
            op = node.op
            if op is None:
                tan[node] = float(tangents.get(node, 0.0))
                continue
            t = 0.0
            for parent, local in zip(node.parents, _local_grads(op, node)):
                t += local * tan[parent]
            if check and not math.isfinite(t):
                raise NonFiniteError(f"jvp: tangent {t!r} at {_where(node)}")
            tan[node] = t
        return tan[root]


DEFAULT_EXECUTOR = GraphExecutor()
