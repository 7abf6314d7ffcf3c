"""Plan: a graph compiled once into a flat table of steps, replayed without building nodes.

Longer than most files on purpose: the table's step encoding, the compiler that writes it, the
replay loops that read it and the listing that prints it share one private vocabulary (the step
kinds and their inlined arithmetic), which is easiest to check against itself in one place.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from autograd.markdown import Markdown
from autograd.operation import _is_number
from autograd.ops import Pow, _pow_slope
from autograd.passes import _add_grads, _check_leaf, _not_tuple, _set
from autograd.replay.common import ReplayPlan, root_name
from autograd.replay.kinds import (
    ADD,
    ADD1,
    BINARY,
    CALL1,
    CALL2,
    CALLN,
    DIV,
    EXP,
    KINDS,
    LOG,
    MUL,
    NEG,
    POW,
    RELU,
    SIGMOID,
    SUB,
    TANH,
    BrokenContractError,
    pow_forms,
    whole_exponent,
)
from autograd.value import Value, _check_number

if TYPE_CHECKING:
    from autograd.executor import GraphExecutor
    from autograd.operation import Operation

__all__ = ["Plan"]

# What a step does: a kind of autograd.replay.kinds, whose table the loops below spell out (each
# branch computes its row's forms), or one of the steps that call their operation.
_CODES: dict[type[Operation], int] = {op: row.code for op, row in KINDS.items()}

# A step: (node index, kind, first input's index, last input's index, where backward reads the
# node's gradient). The forward pass ignores the last field; a backward step that differs from
# no forward step is the same tuple object, which saves the memory of a second table.
_Step = tuple[int, int, int, int, int]


class Plan(ReplayPlan):
    """A graph compiled for replay: its nodes numbered once, its passes run from a flat table.

    Made by :meth:`GraphExecutor.compile <autograd.GraphExecutor.compile>`. Compiling sorts the
    graph once and writes one step per node -- what to compute and from which node numbers --
    into a flat list. :meth:`forward` and :meth:`backward` then run that list with the nodes'
    numbers held in plain lists: no Value is built, nothing is sorted, nothing is hashed.
    Built-in operations are computed by the replay loop itself; any other
    :class:`~autograd.Operation` is called through its ``forward`` and ``local_grads``.

    The numbers are bit for bit those of eager execution: each step performs the float
    operations of its op's ``forward`` and ``local_grads`` and the executor's ``local * upstream``,
    and gradients are summed in the order of :meth:`GraphExecutor.gradients
    <autograd.GraphExecutor.gradients>`. :meth:`listing` shows the steps as straight-line Python.

    The leaves' ``data`` may change between steps: that is the point, a training loop updates
    its parameters and replays. The structure may not: a plan keeps the operation and inputs
    each node had when it was compiled, so after building a graph of another shape (another
    batch size, another model), compile that graph.

    If a step fails (a domain error such as ``log`` of a negative number, or an operation
    breaking its contract), the plan runs the pass eagerly, which raises the error eager
    execution raises, naming the operation and its inputs; the nodes then hold the data eager
    execution computed. A plan compiled by an executor with ``check_finite`` or an ``observer``
    always runs that executor's careful passes: same numbers, same checks and reports, no
    speed-up.

    Examples:
        >>> from autograd import GraphExecutor, Value
        >>> w, x = Value(2.0, label="w"), Value(3.0, label="x")
        >>> y = (w * x).tanh()
        >>> y.label = "y"
        >>> plan = GraphExecutor().compile(y)
        >>> w.data = 0.5
        >>> round(plan.forward(), 6)
        0.905148
        >>> plan.backward()
        >>> round(w.grad, 6)
        0.54212
        >>> print(plan.listing())
        # Plan of 4 nodes (2 leaves) for root 'y'. d[i]: node i's data, g[i]: its gradient.
        def forward(d, leaves):
            d[0] = float(leaves[0].data)  # w
            d[1] = float(leaves[1].data)  # x
            d[2] = d[0] * d[1]
            d[3] = tanh(d[2])  # y
        def backward(d, g):  # g starts as zeros, then g[3] = seed
            g[2] += (1.0 - d[3] * d[3]) * g[3]
            g[0] += d[1] * g[2]  # w
            g[1] += d[0] * g[2]  # x
    """

    __slots__ = ("_backward", "_calls", "_data", "_leaf_sources", "_leaves", "_sources", "_steps")

    def __init__(self, root: Value, executor: GraphExecutor) -> None:
        """Compile the graph that ends at ``root`` for ``executor`` (see the class docstring)."""
        order = executor.topological_order(root)
        index = {node: i for i, node in enumerate(order)}
        steps: list[_Step] = []
        leaves: list[tuple[int, Value]] = []
        # What the called steps call: Pow's exponent, or an op's bound methods and input numbers.
        calls: dict[int, Any] = {}
        for i, node in enumerate(order):
            op = node.op
            if op is None:
                leaves.append((i, node))
                continue
            first = node._p0
            second = node._p1
            kind = _CODES.get(type(op), -1)
            if type(first) is tuple:
                kind = CALLN
                calls[i] = (op.forward, op.local_grads, tuple(index[p] for p in first))
                steps.append((i, kind, -1, -1, i))
                continue
            a = index[first]  # type: ignore[index]
            b = a if second is None else index[second]
            if kind < 0:
                if type(op) is Pow and whole_exponent(op):
                    kind = POW
                    calls[i] = op.exponent
                else:
                    kind = CALL1 if second is None else CALL2
                    calls[i] = (op.forward, op.local_grads)
            steps.append((i, kind, a, b, i))
        self._executor = executor
        self._order = order
        self._steps = steps
        self._leaves = leaves
        self._calls = calls
        self._data = [node.data for node in order]
        self._backward, self._sources = _backward_table(steps, leaves, len(order), calls)
        self._leaf_sources = [self._sources[i] for i, _ in leaves]
        self._leaf_nodes = [leaf for _, leaf in leaves]
        self._index = None  # made by the first read()

    def __repr__(self) -> str:
        return f"Plan({len(self._order)} nodes, {len(self._leaves)} leaves, {root_name(self.root)})"

    def forward(self, *, all_nodes: bool = False) -> float:
        """Recompute every node from the leaves' current ``data``; return the root's data.

        The root's ``data`` is updated. The other nodes keep the ``data`` they had unless
        ``all_nodes`` is true: the plan holds its own copy of every number, which is all that
        :meth:`backward` needs, and writing an attribute per node would cost about a third of
        the pass. Pass ``all_nodes=True`` before reading, drawing or eagerly differentiating
        the graph's inner nodes.

        Args:
            all_nodes: Also write every inner node's ``data``.

        Returns:
            The root's new data.
        """
        order = self._order
        data = self._data
        if self._careful():
            self._executor.forward(order[-1])
            data[:] = [node.data for node in order]
            return data[-1]
        try:
            _forward(data, self._steps, self._leaves, self._calls)
        except (ArithmeticError, ValueError, TypeError):
            self._executor.forward(order[-1])  # raises what eager execution raises
            data[:] = [node.data for node in order]
        if all_nodes:
            _set(order, "data", data)  # the leaves get the floats they hold: no change
        else:
            order[-1].data = data[-1]
        return data[-1]

    def backward(self, seed: float = 1.0, *, all_nodes: bool = False) -> None:
        """Add d(root)/d(leaf), times ``seed``, into ``grad`` of every leaf.

        Uses the numbers of the last :meth:`forward` (before any, those the graph had when it
        was compiled). Like eager backward, each call adds one whole pass to what ``grad``
        held, bit for bit ``grad += GraphExecutor().gradients(root, seed)[leaf]``: zero the
        gradients between training steps.

        The pass is summed in the plan's own list and added into the nodes' ``grad`` in one
        uninterruptible step at the end: if it raises (a KeyboardInterrupt at any moment too),
        every ``grad`` is as before the call.

        Args:
            seed: d(root)/d(root), the gradient the pass starts from (a real number).
            all_nodes: Add into every node's ``grad``, not only the leaves'.

        Raises:
            TypeError: ``seed`` is not a real number (a bool or a string is not).
        """
        seed = _check_number(seed, "backward seed")
        order = self._order
        sources: list[int] | None = None
        if self._careful():
            grads = self._eager_gradients(seed)
        else:
            grads = [0.0] * len(order)
            grads[-1] = seed
            try:
                _backward(self._data, grads, self._backward, self._calls)
                sources = self._sources
            except (ArithmeticError, ValueError, TypeError):
                grads = self._eager_gradients(seed)  # raises what eager execution raises
        if all_nodes:
            _add_grads(order, grads if sources is None else [grads[i] for i in sources])
        elif sources is None:
            _add_grads(self._leaf_nodes, [grads[i] for i, _ in self._leaves])
        else:
            _add_grads(self._leaf_nodes, [grads[i] for i in self._leaf_sources])

    def listing(self) -> Markdown:
        """The plan's steps as straight-line Python: one line per node forward, one per input back.

        ``d[i]`` is node i's data and ``g[i]`` its gradient, nodes numbered in topological
        order (see :attr:`nodes`); a comment gives the label of the node a line writes, where
        it has one. Built-in steps are written as the arithmetic the replay loop does; other
        operations as calls to ``op0``, ``op1``, ... named in the header. It is not a module
        that runs alone: executed with ``tanh``, ``exp``, ``log`` (from :mod:`math`), ``inf``
        and the header's ``op0``, ``op1``, ... bound to those operations, its ``forward(d,
        leaves)`` and ``backward(d, g)`` give the plan's numbers -- except that a Pow slope too
        large for a float raises OverflowError there, where the plan gives an infinity of the
        right sign. (The replay loop itself skips the lines ``g[j] += g[i]`` that copy an
        Add's gradient into an input used nowhere else, reading that gradient where it is: the
        same number, bit for bit.) Written afresh on each call: for a million nodes, tens of
        megabytes. A ``str`` that a Jupyter cell ending in it shows as a code block.
        """
        return Markdown.code("\n".join(self._listing_lines()), "python")

    def _listing_lines(self) -> Iterator[str]:
        order = self._order
        steps = {step[0]: step for step in self._steps}
        names: dict[int, str] = {}  # id(op) -> name, for the operations steps call
        size = f"{len(order)} nodes ({len(self._leaves)} leaves)"
        legend = "d[i]: node i's data, g[i]: its gradient"
        yield f"# Plan of {size} for {root_name(self.root)}. {legend}."
        for i, kind, _, _, _ in self._steps:
            op = order[i].op
            if kind >= CALL1 and id(op) not in names:
                names[id(op)] = f"op{len(names)}"
                yield f"# {names[id(op)]} = {op!r}"

        def note(i: int) -> str:
            label = order[i].label
            return f"  # {label}" if label else ""

        def inputs(i: int) -> tuple[int, ...]:
            _, kind, a, b, _ = steps[i]
            if kind == CALLN:
                found: tuple[int, ...] = self._calls[i][2]
                return found
            return (a,) if order[i]._p1 is None else (a, b)

        yield "def forward(d, leaves):"
        leaf = 0
        for i, node in enumerate(order):
            if node.op is None:
                yield f"    d[{i}] = float(leaves[{leaf}].data){note(i)}"
                leaf += 1
                continue
            args = [f"d[{p}]" for p in inputs(i)]
            form = self._form(i)
            if form is None:
                call = f"{names[id(node.op)]}.forward({', '.join(args)})"
                yield f"    d[{i}] = float({call}){note(i)}"
            else:
                yield f"    d[{i}] = {form[0].format(a=args[0], b=args[-1])}{note(i)}"
        yield f"def backward(d, g):  # g starts as zeros, then g[{len(order) - 1}] = seed"
        for i, _, _, _, _ in reversed(self._steps):
            parents = inputs(i)
            args = [f"d[{p}]" for p in parents]
            form = self._form(i)
            if form is None:
                locals_ = [f"d{k}" for k in range(len(parents))]
                call = (
                    f"{names[id(order[i].op)]}.local_grads({', '.join([*args, f'output=d[{i}]'])})"
                )
                yield f"    {', '.join(locals_)}{',' if len(locals_) == 1 else ''} = {call}"
                terms = [f"{local} * g[{i}]" for local in locals_]
            else:
                values = {"a": args[0], "b": args[-1], "o": f"d[{i}]", "g": f"g[{i}]"}
                terms = [template.format(**values) for template in form[1]]
            for p, term in zip(parents, terms):
                yield f"    g[{p}] += {term}{note(p)}"

    def _form(self, i: int) -> tuple[str, tuple[str, ...]] | None:
        """How the listing writes node i's step; None for a step that calls its op."""
        op = self._order[i].op
        row = KINDS.get(type(op))  # type: ignore[arg-type]
        if row is not None:
            return row.forward, row.backward
        if type(op) is Pow and whole_exponent(op):
            return pow_forms(op.exponent)
        return None

    def _numbers(self) -> list[float]:
        """Every node's number of the last forward (the plan's own list, not a copy)."""
        return self._data


def _forward(
    data: list[float],
    steps: list[_Step],
    leaves: list[tuple[int, Value]],
    calls: dict[int, Any],
) -> None:
    """One forward pass over the step table, in place in ``data``."""
    tanh = math.tanh
    exp = math.exp
    log = math.log
    for i, leaf in leaves:
        x = leaf.data
        if type(x) is not float:
            _check_leaf(leaf)  # a string such as "3" is refused, though float() takes it
            x = float(x)
        data[i] = x
    for i, kind, a, b, _ in steps:
        if kind == MUL:
            data[i] = data[a] * data[b]
        elif kind == ADD:
            data[i] = data[a] + data[b]
        elif kind == RELU:
            x = data[a]
            data[i] = x if not x <= 0.0 else 0.0
        elif kind == TANH:
            data[i] = tanh(data[a])
        elif kind == SUB:
            data[i] = data[a] - data[b]
        elif kind == POW:
            data[i] = data[a] ** calls[i]
        elif kind == SIGMOID:
            x = data[a]
            if x >= 0.0:
                data[i] = 1.0 / (1.0 + exp(-x))
            else:
                z = exp(x)
                data[i] = z / (1.0 + z)
        elif kind == EXP:
            data[i] = exp(data[a])
        elif kind == LOG:
            data[i] = log(data[a])
        elif kind == DIV:
            data[i] = data[a] / data[b]
        elif kind == NEG:
            data[i] = -data[a]
        else:
            if kind == CALL1:
                out = calls[i][0](data[a])
            elif kind == CALL2:
                out = calls[i][0](data[a], data[b])
            else:
                function, _, inputs = calls[i]
                out = function(*[data[p] for p in inputs])
            if type(out) is not float:
                if not _is_number(out):
                    raise BrokenContractError
                out = float(out)
            data[i] = out


def _backward_table(
    steps: list[_Step], leaves: list[tuple[int, Value]], size: int, calls: dict[int, Any]
) -> tuple[list[_Step], list[int]]:
    """The backward steps, in the order they run, and where each node's gradient ends up.

    A node used by exactly one Add (or as the first input of one Sub), other than the root,
    receives exactly one contribution, ``0.0 + g`` with g the Add's gradient -- which is g, bit
    for bit, since a gradient summed from 0.0 is never -0.0 (only the root's, the seed, can be).
    So instead of copying g into it, such a node's gradient is read where g is: ``sources[i]``
    is the index at which node i's gradient is found after the pass. In a neuron's sum of
    products this removes every Add from the backward pass.
    """
    uses = [0] * size
    for i, kind, a, b, _ in steps:
        if kind == CALLN:
            for p in calls[i][2]:
                uses[p] += 1
        else:
            uses[a] += 1
            if kind in BINARY:
                uses[b] += 1
    root = size - 1
    sources = [0] * size  # filled with the steps' own int objects, not a million new ones
    for i, _ in leaves:
        sources[i] = i
    for step in steps:
        sources[step[0]] = step[0]
    table: list[_Step] = []
    for step in reversed(steps):
        i, kind, a, b, _ = step
        source = sources[i]
        if kind == ADD and i != root:
            for p in (a, b):
                if uses[p] == 1:
                    sources[p] = source
            kept = [p for p in (a, b) if uses[p] != 1]
            if len(kept) == 2:
                table.append((i, ADD, a, b, source))
            elif kept:
                table.append((i, ADD1, kept[0], kept[0], source))
        elif kind == SUB and i != root and uses[a] == 1:
            sources[a] = source
            table.append((i, NEG, b, b, source))  # b receives -1.0 * g, as from a Neg
        else:
            table.append(step if source == i else (i, kind, a, b, source))
    return table, sources


def _backward(
    data: list[float], grads: list[float], steps: list[_Step], calls: dict[int, Any]
) -> None:
    """One backward pass over the backward table, adding into ``grads``."""
    for i, kind, a, b, source in steps:
        g = grads[source]
        if kind == MUL:
            grads[a] += data[b] * g
            grads[b] += data[a] * g
        elif kind == ADD1:
            grads[a] += g
        elif kind == RELU:
            grads[a] += g if data[a] > 0.0 else 0.0 * g
        elif kind == ADD:
            grads[a] += g
            grads[b] += g
        elif kind == TANH:
            out = data[i]
            grads[a] += (1.0 - out * out) * g
        elif kind == SUB:
            grads[a] += g
            grads[b] += -1.0 * g
        elif kind == POW:
            grads[a] += _pow_slope(data[a], calls[i]) * g
        elif kind == SIGMOID:
            out = data[i]
            grads[a] += out * (1.0 - out) * g
        elif kind == EXP:
            grads[a] += data[i] * g
        elif kind == LOG:
            grads[a] += 1.0 / data[a] * g
        elif kind == DIV:
            y = data[b]
            grads[a] += 1.0 / y * g
            grads[b] += -data[i] / y * g
        elif kind == NEG:
            grads[a] += -1.0 * g
        elif kind == CALL1:
            locals_ = calls[i][1](data[a], output=data[i])
            if type(locals_) is not tuple and _not_tuple(locals_):
                raise BrokenContractError
            (da,) = locals_
            da *= g
            if type(da) is not float:
                raise BrokenContractError
            grads[a] += da
        elif kind == CALL2:
            locals_ = calls[i][1](data[a], data[b], output=data[i])
            if type(locals_) is not tuple and _not_tuple(locals_):
                raise BrokenContractError
            da, db = locals_
            da *= g
            db *= g
            if type(da) is not float or type(db) is not float:
                raise BrokenContractError
            grads[a] += da
            grads[b] += db
        else:
            _, local_grads, inputs = calls[i]
            locals_ = local_grads(*[data[p] for p in inputs], output=data[i])
            if (type(locals_) is not tuple and _not_tuple(locals_)) or len(locals_) != len(inputs):
                raise BrokenContractError
            for p, d in zip(inputs, locals_):
                d *= g
                if type(d) is not float:
                    raise BrokenContractError
                grads[p] += d
