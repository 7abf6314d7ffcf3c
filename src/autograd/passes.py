"""The backward passes' loops: the chain rule summed in grad slots, in a dict, or on nodes.

Part of the executor (:mod:`autograd.executor` holds :class:`~autograd.GraphExecutor`, which
runs these): the fast loops, the careful one that checks every contract, the all-or-nothing
helpers that keep an interrupted pass from leaving gradients half-summed, and the pass of
``grad(create_graph=True)`` that builds the derivative as a graph.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import attrs

from autograd.checks import BrokenContractError, is_real, reworded, set_all
from autograd.value import Value

if TYPE_CHECKING:
    from autograd.executor import GraphExecutor
    from autograd.operation import Operation

__all__ = ["BackwardObserver", "BackwardStep", "NonFiniteError"]


class NonFiniteError(FloatingPointError):
    """A NaN or infinity appeared while an executor with ``check_finite=True`` was running."""


# Tracebacks name it where users import it from.
NonFiniteError.__module__ = "autograd"


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
    """Call ``op.local_grads`` on a node, checking the contract: one real number per input.

    Returns the slopes as plain floats (an int, a Fraction or a NumPy float becomes the float
    the fast paths' ``slope * upstream`` would have used).
    """
    parents = node.parents
    try:
        grads = op.local_grads(*(p.data for p in parents), output=node.data)
    except (ArithmeticError, ValueError, TypeError) as error:
        raise reworded(error, f"local_grads failed at {_where(node)}: {error}") from error
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
        raise reworded(error, f"local_grads failed at {_where(node)}: {error}") from error


def _not_tuple(grads: object) -> bool:
    """Whether a fast path must hand ``grads`` to :func:`_local_grads` to be reported.

    The fast paths unpack what ``local_grads`` returns, which would take a list or a generator
    too; they test this so as to accept exactly what the careful paths accept. Hot loops test
    ``type(grads) is not tuple`` first, so the call is only paid for something unusual.
    """
    return type(grads) is not tuple and not isinstance(grads, tuple)


_GRAD = operator.attrgetter("grad")
_set = set_all  # its old name, which the replay backends still import


def _add_grads(nodes: list[Value], values: Iterable[float]) -> None:
    """``n.grad = n.grad + v`` for each node and value, in one uninterruptible step (set_all)."""
    set_all(nodes, "grad", map(operator.add, map(_GRAD, nodes), values))


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
    uninterruptible step (:func:`~autograd.checks.set_all`); on any exception -- a
    KeyboardInterrupt at any line too -- the old values (those read so far) are put back in one
    such step before it propagates. So the slots hold either all the old values or all the new ones.

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
                    raise BrokenContractError("local_grads")
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
                    raise BrokenContractError("local_grads")
                (da,) = grads
                da *= g
                if type(da) is not float:
                    raise _NotFloatError
                a.grad += da
            else:
                for p, d in zip(node.parents, _local_grads(op, node), strict=True):
                    p.grad += d * g
        if seed == 0.0 or any(olds):
            set_all(order, "grad", map(operator.add, olds, map(_GRAD, order)))
    except BaseException as error:
        set_all(order, "grad", olds)
        if type(error) is _NotFloatError:
            _local_grads(node.op, node)  # type: ignore[arg-type]  # raises if not a real number
            return False
        if not isinstance(error, (ArithmeticError, ValueError, TypeError)):
            raise
        # The fast path skipped the checks; redo this node carefully to say what went wrong.
        _local_grads(node.op, node)  # type: ignore[arg-type]
        raise reworded(error, f"backward failed at {_where(node)}: {error}") from error
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
        raise reworded(
            error, f"local_grads failed on Value inputs at {_where(node)}: {error}"
        ) from error
    if (
        not isinstance(grads, tuple)
        or len(grads) != len(parents)
        or not all(isinstance(d, Value) or is_real(d) for d in grads)
    ):
        raise TypeError(
            f"{op!r}.local_grads must return a tuple of {len(parents)} Values or numbers "
            f"(one per input) when given Values, got {grads!r} at {_where(node)}"
        )
    return grads


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
                    raise BrokenContractError("local_grads")
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
                    raise BrokenContractError("local_grads")
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
        raise reworded(error, f"backward failed at {_where(node)}: {error}") from error
    return grads


def _check_leaf(node: Value) -> None:
    """Raise a TypeError naming a leaf whose ``data`` was set to something not a real number.

    ``Value(...)`` checks its data, but ``leaf.data = ...`` is a plain attribute: forward replay
    (eager or a Plan) reads it, and a string such as ``"3"`` must not pass because ``float``
    would take it.
    """
    if not is_real(node.data):
        raise TypeError(
            f"forward: the data of leaf {_name(node)} must be a real number, "
            f"got {type(node.data).__name__}: {node.data!r}"
        )
