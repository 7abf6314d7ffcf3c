"""GraphExecutor: topological order, backward (reverse mode), forward replay, jvp (forward mode).

The core is four concerns that import each other: ``value`` (nodes), ``operation`` (how
applying an op makes a node), ``ops`` (the built-in operations) and the executor (walking the
graph): this module, with its loops in ``passes`` and its step-by-step pass in ``stepper``.
``Value.backward()`` hands its node to :data:`DEFAULT_EXECUTOR` here, and the executor reads
``node.op.local_grads``; those are the only ties, and nothing outside the core is imported by
it. Compiled forms of a graph live above the core, in :mod:`autograd.replay`, and reach
:meth:`GraphExecutor.compile` through :func:`register_backend` rather than an import.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Literal, Protocol, overload

import attrs

from autograd.checks import is_real, real_float, set_all
from autograd.passes import (
    BackwardObserver,
    BackwardStep,
    NonFiniteError,
    _add_grads,
    _backward_into_grads,
    _chain_rule,
    _check_leaf,
    _datas,
    _gradients,
    _graph_gradients,
    _local_grads,
    _next_input,
    _where,
)
from autograd.stepper import BackwardStepper, NodeStep
from autograd.value import Value

if TYPE_CHECKING:
    pass

__all__ = [
    "BackwardStep",
    "BackwardStepper",
    "CompiledGraph",
    "GraphExecutor",
    "NodeStep",
    "NonFiniteError",
    "backends",
    "register_backend",
]


class CompiledGraph(Protocol):
    """What :meth:`GraphExecutor.compile` returns, whichever backend made it.

    :class:`~autograd.Plan` is the reference: every backend replays the graph with the same
    numbers, bit for bit, through the same methods.
    """

    @property
    def root(self) -> Value:
        """The node the graph was compiled from."""

    @property
    def nodes(self) -> tuple[Value, ...]:
        """Every node of the graph, in the executor's topological order."""

    @property
    def leaves(self) -> tuple[Value, ...]:
        """The graph's leaves, whose ``data`` each forward pass reads."""

    def __len__(self) -> int:
        """How many nodes the graph has."""

    def forward(self, *, all_nodes: bool = False) -> float:
        """Recompute the graph from the leaves' current data; return the root's."""

    def backward(self, seed: float = 1.0, *, all_nodes: bool = False) -> None:
        """Add d(root)/d(leaf) times ``seed`` into each leaf's ``grad``."""

    def read(self, nodes: Iterable[Value]) -> list[float]:
        """The numbers the last forward pass computed for ``nodes``."""

    def listing(self) -> str:
        """What the compiled graph runs, for a reader."""


Compiler = Callable[[Value, "GraphExecutor"], CompiledGraph]
"""A replay backend: compiles the graph ending at a root for an executor."""

_BACKENDS: dict[str, Compiler] = {}


def register_backend(name: str, compiler: Compiler) -> None:
    """Make ``compiler`` available as ``GraphExecutor.compile(root, backend=name)``.

    :mod:`autograd.replay` registers its backends ("python", "auto" and, with numpy, "numpy")
    when ``autograd`` is imported; registering a name again replaces it.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"a backend name must be a non-empty str, got {name!r}")
    if not callable(compiler):
        raise TypeError(f"backend {name!r}: the compiler must be callable, got {compiler!r}")
    _BACKENDS[name] = compiler


def backends() -> tuple[str, ...]:
    """The names :meth:`GraphExecutor.compile` accepts as ``backend``, sorted."""
    return tuple(sorted(_BACKENDS))


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

    Examples:
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
        """Every node reachable from ``root``, each after all of its parents, ``root`` last.

        The order is a depth-first post-order that visits inputs in input order, so it is the
        same on every call for the same graph.
        """
        if not isinstance(root, Value):
            raise TypeError(f"root must be a Value, got {type(root).__name__}: {root!r}")
        if root.op is None:
            return [root]
        # The walk keeps the node it is working on in a local and the path back to the root on a
        # stack. Returning to a node of one or two inputs, it tests them again rather than keeping
        # an index per node (a node of more keeps one, see _next_input); the input it has just
        # finished is known to be visited,
        # so an identity test spares that one the set lookup (at a million nodes, the set no
        # longer fits in the processor's cache). A leaf is emitted as soon as it is seen: it has
        # nothing to wait for.
        order: list[Value] = []
        emit = order.append
        visited = {root}
        mark = visited.add
        stack: list[Value] = []
        push = stack.append
        pop = stack.pop
        node = root
        finished: Value | None = None  # the node emitted last, so visited
        resume: dict[Value, int] = {}  # where the scan of a node of many inputs goes on
        while True:
            first = node._p0
            if first is not finished:
                if type(first) is tuple:  # an operation of more than two inputs
                    descend = _next_input(node, first, resume, visited, emit)
                    if descend is not None:
                        push(node)
                        node = descend
                        continue
                elif first not in visited:
                    mark(first)  # type: ignore[arg-type]
                    if first.op is not None:  # type: ignore[union-attr]
                        push(node)
                        node = first  # type: ignore[assignment]
                        continue
                    emit(first)  # type: ignore[arg-type]
            second = node._p1
            if second is not None and second is not finished and second not in visited:
                mark(second)
                if second.op is not None:
                    push(node)
                    node = second
                    continue
                emit(second)
            emit(node)
            if not stack:
                return order
            finished = node
            node = pop()

    def gradients(self, root: Value, seed: float = 1.0) -> dict[Value, float]:
        """One backward pass: d(root)/d(node) times ``seed`` for every node, without storing it.

        This is the pass that :meth:`backward` adds into ``grad``, bit for bit. It is summed in
        a dict of its own: no node is changed, not even for a moment, so several threads may
        call it at once on graphs that share nodes, and an interrupt leaves nothing behind.

        Raises:
            TypeError: ``seed`` is not a real number (a bool or a string is not), or an
                operation's ``local_grads`` does not return one real number per input.
        """
        seed = real_float(seed, "backward seed")
        order = self.topological_order(root)
        if self.check_finite or self.observer is not None:
            return self._careful_gradients(order, seed)
        return _gradients(order, seed) or self._careful_gradients(order, seed)

    def _careful_gradients(self, order: list[Value], seed: float) -> dict[Value, float]:
        """The backward pass written plainly, with the checks and reports the options ask for."""
        grads: dict[Value, float] = {order[-1]: seed}
        check = self.check_finite
        observe = self.observer
        if check:
            if not math.isfinite(seed):
                raise NonFiniteError(f"backward seed is {seed!r} at {_where(order[-1])}")
            for node in order:  # a NaN a slope hides (ReLU's is 0 at NaN) is still a NaN
                if not math.isfinite(node.data):
                    raise NonFiniteError(f"backward: {_where(node)} holds {node.data!r}")
        for node in reversed(order):
            if node.op is None:
                continue
            for step in _chain_rule(node, grads, check):
                if observe is not None:
                    observe(step)
        return grads

    def backward(self, root: Value, seed: float = 1.0) -> None:
        """Add d(root)/d(node) (times ``seed``) into ``grad`` of every node of the graph.

        Each call runs its own pass and adds it: calling it twice adds exactly twice the
        gradient. Zero the gradients between training steps. The numbers are bit for bit those
        of :meth:`gradients` added into ``grad``.

        If it raises -- an operation's error, a broken contract, or a KeyboardInterrupt at any
        moment -- every ``grad`` is as it was before the call: the gradients are all as before
        or all as after, never a mixture. It writes the ``grad`` of every node of the graph, so
        two threads must not run it at once on graphs that share a node.

        Raises:
            TypeError: ``seed`` is not a real number (a bool or a string is not), or an
                operation's ``local_grads`` does not return one real number per input.
        """
        seed = real_float(seed, "backward seed")
        order = self.topological_order(root)
        if (self.check_finite or self.observer is not None) or not _backward_into_grads(
            order, seed
        ):
            grads = self._careful_gradients(order, seed)
            _add_grads(list(grads), grads.values())

    def stepper(
        self, root: Value, seed: float = 1.0, *, accumulate: bool = True
    ) -> BackwardStepper:
        """The backward pass of :meth:`backward`, one node at a time, to step through by hand.

        Nothing changes until :meth:`BackwardStepper.step`. Each step takes the next node in
        reverse topological order (the root first, which also receives the seed) and applies
        its chain rule, ``input.grad += d(node)/d(input) * node.grad`` for each input; the
        step can be undone with :meth:`BackwardStepper.back`. After the last step every
        ``grad`` holds exactly, bit for bit, what :meth:`backward` would have left there.

        Args:
            root: The node to differentiate.
            seed: d(root)/d(root), as in :meth:`backward`.
            accumulate: Add the pass into the nodes' ``grad`` as it goes, as :meth:`backward`
                does. With False no node changes: the pass is only kept in the stepper
                (:meth:`BackwardStepper.pass_grad`), which is how
                :func:`~autograd.explain` tells it.

        Examples:
            The lecture's ``o.grad = 1.0; o._backward(); n._backward(); ...``:

            >>> from autograd import GraphExecutor, Value
            >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
            >>> c = a * b
            >>> c.label = "c"
            >>> stepper = GraphExecutor().stepper(c)
            >>> print(stepper.step())
            a.grad += c.grad * d(c)/d(a) = 1 * -3 = -3 -> -3
            b.grad += c.grad * d(c)/d(b) = 1 * 2 = 2 -> 2
            >>> c.grad, a.grad, b.grad, stepper.done
            (1.0, -3.0, 2.0, True)
            >>> stepper.back().node is c
            True
            >>> c.grad, a.grad, b.grad
            (0.0, 0.0, 0.0)
        """
        return BackwardStepper(self, root, real_float(seed, "backward seed"), accumulate=accumulate)

    def compile(self, root: Value, backend: str = "auto") -> CompiledGraph:
        """Compile the graph that ends at ``root`` for replay (a :class:`~autograd.Plan`).

        The compiled graph runs this executor's forward and backward passes with the same
        numbers, bit for bit, without building nodes or sorting the graph again: compile once,
        then call ``plan.forward()`` and ``plan.backward()`` every training step.

        Args:
            root: The node to compile the graph of.
            backend: Which replay backend compiles it; :func:`backends` lists the names.
                "auto" picks the fastest one installed.

        Raises:
            ValueError: ``backend`` is not a registered name.
        """
        compiler = _BACKENDS.get(backend) if isinstance(backend, str) else None
        if compiler is None:
            raise ValueError(
                f"compile: unknown backend {backend!r}; choose one of {', '.join(backends())}"
            )
        return compiler(root, self)

    def zero_grad(self, root: Value) -> None:
        """Set ``grad`` to 0.0 on every node of the graph, in one uninterruptible step."""
        set_all(self.topological_order(root), "grad", repeat(0.0))

    def forward(self, root: Value) -> float:
        """Recompute every non-leaf node from its parents, in order; return root's data.

        After a leaf's ``data`` changes, this replays the same graph without rebuilding it.
        """
        from autograd.operation import _check_output, forward_error

        check = self.check_finite
        for node in self.topological_order(root):
            op = node.op
            if op is None:
                if type(node.data) is not float:
                    _check_leaf(node)
                if check and not math.isfinite(node.data):
                    raise NonFiniteError(f"forward: {_where(node)} is not finite")
                continue
            try:
                data = op.forward(*_datas(node))
            except (ArithmeticError, ValueError) as error:
                raise forward_error(op, node.parents, error) from error
            if type(data) is not float:
                data = _check_output(op, node.parents, data)
            if check and not math.isfinite(data):
                raise NonFiniteError(f"forward: {_where(node)} gives {data!r}")
            node.data = data
        return root.data

    def jvp(self, root: Value, tangents: Mapping[Value, float]) -> float:
        """Forward-mode derivative of root along ``tangents`` (a direction on the leaves).

        Returns sum over leaves x of d(root)/dx * tangents[x], computed in one forward sweep
        through the same ``local_grads`` that backward uses. Leaves not named get tangent 0.
        An input whose tangent is exactly zero contributes nothing, even where its slope is
        infinite or NaN (the slope of ``sqrt`` at 0): it does not move in this direction, as
        backward and PyTorch's forward mode agree.

        Raises:
            TypeError: A key is not a Value, or a tangent is not a real number (a bool or a
                string is not).
            ValueError: A tangent is given for a node outside the graph, or for a node that is
                not a leaf.
        """
        order = self.topological_order(root)
        in_graph = set(order)
        for node, tangent in tangents.items():
            if not isinstance(node, Value):
                raise TypeError(
                    f"jvp: tangents are keyed by leaf Values, got {type(node).__name__}: {node!r}"
                )
            if not is_real(tangent):
                raise TypeError(
                    f"jvp: the tangent of {_where(node)} must be a real number, "
                    f"got {type(tangent).__name__}: {tangent!r}"
                )
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
                tp = tan[parent]
                if tp:
                    t += local * tp
            if check and not math.isfinite(t):
                raise NonFiniteError(f"jvp: tangent {t!r} at {_where(node)}")
            tan[node] = t
        return tan[root]

    @overload
    def grad(
        self,
        root: Value,
        wrt: Value,
        *,
        create_graph: Literal[False] = False,
        seed: float | Value = 1.0,
    ) -> float: ...

    @overload
    def grad(
        self,
        root: Value,
        wrt: Sequence[Value],
        *,
        create_graph: Literal[False] = False,
        seed: float | Value = 1.0,
    ) -> list[float]: ...

    @overload
    def grad(
        self, root: Value, wrt: Value, *, create_graph: Literal[True], seed: float | Value = 1.0
    ) -> Value: ...

    @overload
    def grad(
        self,
        root: Value,
        wrt: Sequence[Value],
        *,
        create_graph: Literal[True],
        seed: float | Value = 1.0,
    ) -> list[Value]: ...

    def grad(
        self,
        root: Value,
        wrt: Value | Sequence[Value],
        *,
        create_graph: bool = False,
        seed: float | Value = 1.0,
    ) -> float | Value | list[float] | list[Value]:
        """d(root)/dx (times ``seed``) for each x in ``wrt``, like ``torch.autograd.grad``.

        No node's ``grad`` is changed. Without ``create_graph`` the derivatives are floats,
        from one :meth:`gradients` pass (the same cost). With ``create_graph=True`` they are
        Values: the backward pass is run on nodes, calling each operation's ``local_grads`` on
        its input nodes and doing the chain rule's ``*`` and ``+`` as Value operations, so each
        derivative is the root of a new graph of the same :class:`~autograd.Operation` classes,
        built on the original one. It can be drawn, explained, compiled into a
        :class:`~autograd.Plan` and differentiated again, to any order. Its numbers equal the
        float pass's (a zero's sign aside). Only the nodes on a path from ``root`` to some x
        are differentiated.

        Args:
            root: The node to differentiate.
            wrt: One node (leaf or inner) or a sequence of nodes. A node outside the graph of
                ``root`` gets 0.0 (with ``create_graph``, a constant leaf holding 0.0).
            create_graph: Return differentiable Values instead of floats.
            seed: d(root)/d(root), a number; with ``create_graph`` it may be a Value, to
                differentiate a weighted sum of gradients.

        Returns:
            One derivative for a single node, else a list in the order of ``wrt``.

        Raises:
            TypeError: ``wrt`` holds something other than Values; or, with ``create_graph``,
                an operation's ``local_grads`` only works on floats (it calls ``math.cos``
                rather than ``x.cos()``): the message names the operation and the node.

        Examples:
            >>> from autograd import GraphExecutor, Value
            >>> x = Value(3.0, label="x")
            >>> y = x * x * x
            >>> ex = GraphExecutor()
            >>> ex.grad(y, x)
            27.0
            >>> dy = ex.grad(y, x, create_graph=True)  # 3x**2, as a graph
            >>> dy.data, ex.grad(dy, x), ex.grad(ex.grad(dy, x, create_graph=True), x)
            (27.0, 18.0, 6.0)
        """
        single = isinstance(wrt, Value)
        if not single and not isinstance(wrt, (list, tuple, Sequence)):
            raise TypeError(
                f"grad: wrt must be a Value or a sequence of Values, "
                f"got {type(wrt).__name__}: {wrt!r}"
            )
        targets: list[Value] = [wrt] if single else list(wrt)  # type: ignore[list-item,arg-type]
        for i, x in enumerate(targets):
            if not isinstance(x, Value):
                raise TypeError(
                    f"grad: wrt must be a Value or a sequence of Values, "
                    f"got {type(x).__name__} at position {i}: {x!r}"
                )
        if not isinstance(seed, Value) and not is_real(seed):
            raise TypeError(
                f"grad: seed must be a number or a Value, got {type(seed).__name__}: {seed!r}"
            )
        results: list[float] | list[Value]
        if create_graph:
            results = _graph_gradients(self, root, targets, seed)
        else:
            found = self.gradients(root, seed.data if isinstance(seed, Value) else seed)
            results = [found.get(x, 0.0) for x in targets]
        return results[0] if single else results


DEFAULT_EXECUTOR = GraphExecutor()
