"""GraphExecutor: topological order, backward (reverse mode), forward replay, jvp (forward mode).

The core is four modules that import each other: ``value`` (nodes), ``operation`` (how applying
an op makes a node), ``ops`` (the built-in operations) and this one (walking the graph).
``Value.backward()`` hands its node to :data:`DEFAULT_EXECUTOR` here, and the executor reads
``node.op.local_grads``; those are the only ties, and nothing outside these four is imported by
them. Compiled forms of a graph live above the core, in :mod:`autograd.replay`, and reach
:meth:`GraphExecutor.compile` through :func:`register_backend` rather than an import.
"""

from __future__ import annotations

import collections
import math
import numbers
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Literal, Protocol, overload

import attrs

from autograd.value import Value, _check_number

if TYPE_CHECKING:
    from autograd.operation import Operation

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


def _name(node: Value) -> str:
    return repr(node.label) if node.label else "<unlabelled>"


def _where(node: Value) -> str:
    """Describe a node for an error message: its label, its op and its inputs."""
    from autograd.operation import describe_inputs

    if node.op is None:
        return f"leaf {_name(node)} = {node.data!r}"
    return f"node {_name(node)} = {node.op!r}({describe_inputs(node.parents)})"


def _format_number(x: float) -> str:
    """Four significant digits without trailing zeros: ``0.5``, ``-1.5``, ``6.881``, ``1e-08``.

    Drawings, explanations and the stepper share this format: short enough for a box in a
    drawing, and exact for the round numbers of hand-worked examples. ``-0.0`` prints as ``0``.
    """
    if x == 0.0:
        return "0"
    return f"{x:.4g}"


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
        f"{_format_number(step.upstream)} * {_format_number(step.local_grad)} = "
        f"{_format_number(step.contribution)} -> {_format_number(step.parent_grad)}"
    )


def _datas(node: Value) -> tuple[float, ...]:
    return tuple(p.data for p in node.parents)


def _reworded(error: Exception, message: str) -> Exception:
    from autograd.operation import _reworded

    return _reworded(error, message)


def _local_grads(op: Operation, node: Value) -> tuple[float, ...]:
    """Call ``op.local_grads`` on a node, checking the contract: one real number per input.

    Returns the slopes as plain floats (an int, a Fraction or a NumPy float becomes the float
    the fast paths' ``slope * upstream`` would have used).
    """
    parents = node.parents
    try:
        grads = op.local_grads(*(p.data for p in parents), output=node.data)
    except (ArithmeticError, ValueError, TypeError) as error:
        raise _reworded(error, f"local_grads failed at {_where(node)}: {error}") from error
    if (
        not isinstance(grads, tuple)
        or len(grads) != len(parents)
        or not all(isinstance(d, numbers.Real) for d in grads)
    ):
        raise TypeError(
            f"{op!r}.local_grads must return a tuple of {len(parents)} real numbers (one per "
            f"input), got {grads!r} at {_where(node)}"
        )
    try:
        return tuple(float(d) for d in grads)
    except OverflowError as error:  # an int too large for a float
        raise _reworded(error, f"local_grads failed at {_where(node)}: {error}") from error


def _not_tuple(grads: object) -> bool:
    """Whether a fast path must hand ``grads`` to :func:`_local_grads` to be reported.

    The fast paths unpack what ``local_grads`` returns, which would take a list or a generator
    too; they test this so as to accept exactly what the careful paths accept. Hot loops test
    ``type(grads) is not tuple`` first, so the call is only paid for something unusual.
    """
    return type(grads) is not tuple and not isinstance(grads, tuple)


_GRAD = operator.attrgetter("grad")
_consume = collections.deque[object](maxlen=0).extend


def _set(nodes: Iterable[Value], attribute: str, values: Iterable[float]) -> None:
    """Set ``attribute`` of each node to the matching value, in one uninterruptible step.

    Equivalent to ``for n, v in zip(nodes, values): setattr(n, attribute, v)``, but run by C code
    alone (``map`` over ``setattr`` on a slot, consumed by a deque): no Python line runs between
    two nodes, so neither a KeyboardInterrupt (which Python raises only between lines of Python
    code) nor another thread (which takes over only there too) can see half of the writes. The
    values must be computed beforehand; ``values`` must be an iterator of C code too (a list,
    ``repeat``, ``map`` of a builtin), never a generator.
    """
    _consume(map(setattr, nodes, repeat(attribute), values))


def _add_grads(nodes: list[Value], values: Iterable[float]) -> None:
    """``n.grad = n.grad + v`` for each node and value, in one uninterruptible step (see _set)."""
    _set(nodes, "grad", map(operator.add, map(_GRAD, nodes), values))


def _next_input(
    node: Value,
    inputs: tuple[Value, ...],
    resume: dict[Value, int],
    visited: set[Value],
    emit: Callable[[Value], None],
) -> Value | None:
    """The first unvisited non-leaf of ``inputs`` (``node``'s), or None once all are visited.

    The non-leaf returned is marked visited; so are the unvisited leaves met before it, which
    are emitted on the way. ``resume[node]`` keeps where the scan stopped: every input before it
    is visited, so returning to ``node`` after each of its inputs costs nothing, and the walk of
    a node of n non-leaf inputs is linear rather than quadratic.
    """
    start = resume.get(node, 0)
    for i in range(start, len(inputs)):
        x = inputs[i]
        if x not in visited:
            visited.add(x)
            if x.op is not None:
                resume[node] = i + 1
                return x
            emit(x)
    if start:
        del resume[node]
    return None


def _backward_into_grads(order: list[Value], seed: float) -> bool:
    """One backward pass over ``order`` (root last), added into every node's ``grad``.

    The fast chain-rule loop of :meth:`GraphExecutor.backward`. It is equal to the plain
    ``for n, g in gradients(root, seed).items(): n.grad = n.grad + g`` (the loop of
    :meth:`GraphExecutor._careful_gradients`, which the tests compare it with). Summing in the
    slots is much cheaper than a dict keyed by node. The old values are kept and the slots
    zeroed first, so each sum starts as ``0.0 + first contribution`` and the slots hold exactly
    this pass; then the old values are added back. Where every old value is zero (a training
    step zeroes the gradients first) the pass is already the result: a pass summed from zeroed
    slots is never -0.0, so ``0.0 + g`` and ``-0.0 + g`` are g (only the root's, the seed, can
    be -0.0, hence the adding back for a zero seed).

    Every contribution is checked to be a float (a slope that is an int or a Fraction gives
    one; a complex, a NumPy array or a Value does not), a cheap test that keeps the contract
    of :func:`_local_grads` without calling it.

    Interrupts: the zeroing loop is inside the ``try`` and the adding back is one
    uninterruptible step (:func:`_set`); on any exception -- a KeyboardInterrupt at any line
    too -- the old values (those read so far) are put back in one such step before it
    propagates. So the slots hold either all the old values or all the new ones.

    Returns:
        True once the pass is added; False, with every ``grad`` as before, when a slope was a
        real number of another type than float (a NumPy float): the caller then runs the
        careful pass, which turns each slope into a float.
    """
    olds: list[float] = []
    keep = olds.append
    node = root = order[-1]
    try:
        for node in order:  # one pass, not two: at a million nodes each pass is a trip to memory
            keep(node.grad)
            node.grad = 0.0
        root.grad = seed
        for node in reversed(order):
            op = node.op
            if op is None:
                continue
            g = node.grad
            a = node._p0
            b = node._p1
            if b is not None:
                grads = op.local_grads(a.data, b.data, output=node.data)  # type: ignore[union-attr]
                if type(grads) is not tuple and _not_tuple(grads):
                    raise TypeError("local_grads broke its contract")
                da, db = grads
                da *= g
                db *= g
                if type(da) is not float or type(db) is not float:
                    raise _NotFloatError
                a.grad += da  # type: ignore[union-attr]
                b.grad += db
            elif type(a) is Value:
                grads = op.local_grads(a.data, output=node.data)
                if type(grads) is not tuple and _not_tuple(grads):
                    raise TypeError("local_grads broke its contract")
                (da,) = grads
                da *= g
                if type(da) is not float:
                    raise _NotFloatError
                a.grad += da
            else:
                for p, d in zip(node.parents, _local_grads(op, node), strict=True):
                    p.grad += d * g
        if seed == 0.0 or any(olds):
            _set(order, "grad", map(operator.add, olds, map(_GRAD, order)))
    except BaseException as error:
        _set(order, "grad", olds)
        if type(error) is _NotFloatError:
            _local_grads(node.op, node)  # type: ignore[arg-type]  # raises if not a real number
            return False
        if not isinstance(error, (ArithmeticError, ValueError, TypeError)):
            raise
        # The fast path skipped the checks; redo this node carefully to say what went wrong.
        _local_grads(node.op, node)  # type: ignore[arg-type]
        raise _reworded(error, f"backward failed at {_where(node)}: {error}") from error
    return True


class _NotFloatError(Exception):
    """A fast pass met a contribution that is not a float (see :func:`_backward_into_grads`)."""


def _chain_rule(node: Value, grads: dict[Value, float], check: bool) -> list[BackwardStep]:
    """Pass ``node``'s gradient on to its inputs: the chain rule of one node, told step by step.

    For each input in input order, ``grads[input] += d(node)/d(input) * grads[node]``, where
    ``grads`` holds the pass so far (``grads[node]`` is complete: every consumer of ``node`` has
    been processed). This is the plain version of the loops of :func:`_backward_into_grads` and
    :func:`_gradients`, giving
    the same numbers; the careful passes and :class:`BackwardStepper` run it.

    Returns:
        One :class:`BackwardStep` per input, in order.

    Raises:
        NonFiniteError: ``check`` is set and a local derivative or a sum is a NaN or infinite;
            ``grads`` may then hold part of the node's contributions.
    """
    upstream = grads[node]
    locals_ = _local_grads(node.op, node)  # type: ignore[arg-type]
    steps: list[BackwardStep] = []
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
        steps.append(BackwardStep(node, parent, index, local, upstream, contribution, total))
    return steps


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
        seed = _check_number(seed, "backward seed")
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
        seed = _check_number(seed, "backward seed")
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
        return BackwardStepper(
            self, root, _check_number(seed, "backward seed"), accumulate=accumulate
        )

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
        _set(self.topological_order(root), "grad", repeat(0.0))

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
            if isinstance(tangent, bool) or not isinstance(tangent, numbers.Real):
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
        if isinstance(seed, bool) or not isinstance(seed, (Value, numbers.Real)):
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


def _graph_gradients(
    executor: GraphExecutor, root: Value, targets: list[Value], seed: float | Value
) -> list[Value]:
    """The backward pass of :meth:`GraphExecutor.grad` with ``create_graph=True``.

    The chain rule of :meth:`GraphExecutor.gradients`, in the same order, on nodes: each
    gradient is a Value summed with ``+`` from contributions ``local * upstream``. Only nodes
    that reach a target (``needed``) are differentiated: the rest would build dead nodes.
    """
    order = executor.topological_order(root)
    wanted = set(targets)
    needed: set[Value] = set()
    for node in order:
        if node in wanted or any(p in needed for p in node.parents):
            needed.add(node)
    start = seed if isinstance(seed, Value) else Value(seed)
    grads: dict[Value, Value] = {root: start}
    check = executor.check_finite
    observe = executor.observer
    if check and not math.isfinite(start.data):
        raise NonFiniteError(f"backward seed is {start.data!r} at {_where(root)}")
    for node in reversed(order):
        op = node.op
        if op is None or node not in needed:
            continue
        # Every child of a needed node is needed and comes later in the order, so by now
        # the node's gradient is complete.
        upstream = grads[node]
        for index, (parent, local) in enumerate(zip(node.parents, _node_local_grads(op, node))):
            if parent not in needed:
                continue
            term = _times(local, upstream)
            old = grads.get(parent)
            total = term if old is None else old + term
            grads[parent] = total
            if check or observe is not None:
                slope = local.data if isinstance(local, Value) else float(local)
                if check and not (math.isfinite(slope) and math.isfinite(total.data)):
                    raise NonFiniteError(
                        f"backward: d({_name(node)})/d(input {index}) = {slope!r}, upstream "
                        f"gradient {upstream.data!r}, giving {total.data!r} for {_name(parent)} "
                        f"at {_where(node)}"
                    )
                if observe is not None:
                    observe(
                        BackwardStep(
                            node, parent, index, slope, upstream.data, term.data, total.data
                        )
                    )
    return [grads[x] if x in grads else Value(0.0) for x in targets]


def _times(local: Value | float, upstream: Value) -> Value:
    """The contribution ``local * upstream`` as a node.

    A constant slope of 1 or -1 (Add's, Sub's) passes ``upstream`` or its negation on rather
    than multiplying by a constant leaf: ``1.0 * g`` is ``g`` and ``-1.0 * g`` is ``-g``, bit for
    bit, and the gradient graph stays the size of the original.
    """
    if type(local) is not Value:
        if local == 1.0:
            return upstream
        if local == -1.0:
            return -upstream
    return local * upstream


def _node_local_grads(op: Operation, node: Value) -> tuple[Value | float, ...]:
    """``op.local_grads`` called on the input nodes, checking the contract and the types."""
    parents = node.parents
    try:
        grads = op.local_grads(*parents, output=node)
    except TypeError as error:
        raise TypeError(
            f"{op!r} cannot be differentiated twice: its local_grads failed on Value inputs at "
            f"{_where(node)} ({error}). Write local_grads with arithmetic and Value methods "
            f"(x.cos(), x.exp(), 1.0 - output * output) instead of math functions, so that "
            f"the same code works on floats and on Values"
        ) from error
    except (ArithmeticError, ValueError) as error:
        raise _reworded(
            error, f"local_grads failed on Value inputs at {_where(node)}: {error}"
        ) from error
    if (
        not isinstance(grads, tuple)
        or len(grads) != len(parents)
        or not all(
            isinstance(d, Value) or (isinstance(d, numbers.Real) and not isinstance(d, bool))
            for d in grads
        )
    ):
        raise TypeError(
            f"{op!r}.local_grads must return a tuple of {len(parents)} Values or numbers "
            f"(one per input) when given Values, got {grads!r} at {_where(node)}"
        )
    return grads


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


def _gradients(order: list[Value], seed: float) -> dict[Value, float] | None:
    """One backward pass over ``order`` (root last), summed in a dict of its own.

    The fast loop of :meth:`GraphExecutor.gradients`: :meth:`GraphExecutor._careful_gradients`
    without its checks, the same sums in the same order, so the numbers of the grad-slot loop
    of :func:`_backward_into_grads`. Returns None where a slope was a real number of another
    type than float (see there): the caller then runs the careful pass.
    """
    grads: dict[Value, float] = {order[-1]: seed}
    get = grads.get
    node = order[-1]
    try:
        for node in reversed(order):
            op = node.op
            if op is None:
                continue
            g = grads[node]
            a = node._p0
            b = node._p1
            if b is not None:
                locals_ = op.local_grads(a.data, b.data, output=node.data)  # type: ignore[union-attr]
                if type(locals_) is not tuple and _not_tuple(locals_):
                    raise TypeError("local_grads broke its contract")
                da, db = locals_
                da *= g
                db *= g
                if type(da) is not float or type(db) is not float:
                    raise _NotFloatError
                grads[a] = get(a, 0.0) + da  # type: ignore[index, arg-type]
                grads[b] = get(b, 0.0) + db
            elif type(a) is Value:
                locals_ = op.local_grads(a.data, output=node.data)
                if type(locals_) is not tuple and _not_tuple(locals_):
                    raise TypeError("local_grads broke its contract")
                (da,) = locals_
                da *= g
                if type(da) is not float:
                    raise _NotFloatError
                grads[a] = get(a, 0.0) + da
            else:
                for p, d in zip(node.parents, _local_grads(op, node), strict=True):
                    grads[p] = get(p, 0.0) + d * g
    except _NotFloatError:
        _local_grads(node.op, node)  # type: ignore[arg-type]  # raises if not a real number
        return None
    except (ArithmeticError, ValueError, TypeError) as error:
        # The fast path skipped the checks; redo this node carefully to say what went wrong.
        _local_grads(node.op, node)  # type: ignore[arg-type]
        raise _reworded(error, f"backward failed at {_where(node)}: {error}") from error
    return grads


def _check_leaf(node: Value) -> None:
    """Raise a TypeError naming a leaf whose ``data`` was set to something not a real number.

    ``Value(...)`` checks its data, but ``leaf.data = ...`` is a plain attribute: forward replay
    (eager or a Plan) reads it, and a string such as ``"3"`` must not pass because ``float``
    would take it.
    """
    from autograd.operation import _is_number

    if not _is_number(node.data):
        raise TypeError(
            f"forward: the data of leaf {_name(node)} must be a real number, "
            f"got {type(node.data).__name__}: {node.data!r}"
        )


DEFAULT_EXECUTOR = GraphExecutor()
