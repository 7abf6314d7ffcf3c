"""VectorPlan: a compiled graph replayed level by level, one numpy operation per group of nodes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from autograd.markdown import Markdown
from autograd.passes import _add_grads, _set
from autograd.replay.common import ReplayPlan, check_leaves, root_name
from autograd.replay.groups import Floats, Group, Ints, Route
from autograd.replay.kinds import NUMPY_CALL, NUMPY_POW, ROWS
from autograd.replay.levels import Shape, schedule
from autograd.replay.plan import Plan
from autograd.value import Value, _check_number

if TYPE_CHECKING:
    from autograd.executor import GraphExecutor

__all__ = ["VectorPlan", "compile_fastest"]

# Below this many non-leaf nodes per level on average, numpy's cost per operation outweighs what
# it saves. Measured on the benchmarks' machine (forward + backward of 6 levels of tanh neurons
# and their sum): 32 wide, the numpy plan took 1.2 times the python Plan's time; 64 wide, 0.84.
_NARROWEST = 48

# How the listing writes each group's kind: the table's numpy forms, and those of Pow and calls.
_FORMS: dict[str, tuple[str, tuple[str, ...]]] = {
    **{row.name: row.numpy_forms() for row in ROWS},
    "pow": NUMPY_POW,
    "call": NUMPY_CALL,
}


class VectorPlan(ReplayPlan):
    """A graph compiled for numpy: its nodes sorted into levels, each level run as a few arrays.

    Made by :meth:`GraphExecutor.compile(root, backend="numpy") <autograd.GraphExecutor.compile>`
    (and by ``backend="auto"``, the default, when numpy is installed). Every node is put at a
    *level* one above the highest of its inputs, so the nodes of a level depend only on lower
    levels; within a level the nodes of one operation form a *group*, computed by one numpy
    operation over gathered arrays. A left-to-right sum (``a + b + c + ...``) is a chain of
    Adds, each one level above the last: it is recognised and run as one row of
    ``np.add.accumulate``, which adds sequentially, so a 100-term loss costs one level, not
    100. The demo's 65,818-node training graph becomes 9 levels and about 30 groups.

    Backward gives every edge (node, input) its own slot: a group writes its inputs'
    contributions ``local * g`` there, and when a level is reached each of its nodes' gradients
    is the sum of its slots, added one by one from 0.0 in the order eager backward adds them
    (``np.bincount``, a sequential loop). The float operations are eager execution's, in its
    order, so the numbers are bit for bit those of :class:`~autograd.Plan` and of
    :meth:`GraphExecutor.gradients <autograd.GraphExecutor.gradients>`. Transcendentals
    (``tanh``, ``exp``, ``log``, ``sigmoid``) and ``Pow`` are computed element by element by the
    same libm functions eager execution calls, as is a user's :class:`~autograd.Operation`,
    through its ``forward`` and ``local_grads``.

    Errors are eager execution's: a domain error anywhere in a group (log of a number <= 0, a
    division by zero, an overflowing exp or power, an operation breaking its contract) makes
    the plan run that pass eagerly, which raises the error eager execution raises, naming the
    operation and its inputs. numpy raises where Python raises (division by zero) and lets
    through what Python lets through (an overflow to infinity in a product, a NaN from
    ``inf - inf``), with the same IEEE results. An executor with ``check_finite`` or an
    ``observer`` runs its careful passes, as with :class:`~autograd.Plan`.

    Beyond :class:`~autograd.Plan`'s interface, :meth:`forward` can take the leaves' data as an
    array and :meth:`leaf_gradients` returns a backward pass as one, for training loops that
    keep their parameters in arrays.

    Examples:
        >>> from autograd import GraphExecutor, Value
        >>> w, x = Value(2.0, label="w"), Value(3.0, label="x")
        >>> y = (w * x + w).tanh()
        >>> y.label = "y"
        >>> plan = GraphExecutor().compile(y, backend="numpy")
        >>> plan
        VectorPlan(5 nodes, 2 leaves, 3 levels, root 'y')
        >>> w.data = 0.25
        >>> round(plan.forward(), 6)
        0.761594
        >>> plan.backward()
        >>> round(w.grad, 6), round(x.grad, 6)
        (1.679897, 0.104994)
        >>> print(plan.listing())
        # numpy plan of 5 nodes (2 leaves) for root 'y': 3 levels, 3 groups, 2 edge slots.
        # d: the nodes' data; g: their gradients; e: one slot per edge (node, input).
        forward:
          level 0: d[0, 1] = the leaves' data  # w, x
          level 1: mul, 1 node: d[2] = d[0] * d[1]
          level 2: add, 1 chain of 2 terms: d[3] = add.accumulate(d[2, 0])[1:]
          level 3: tanh, 1 node: d[4] = tanh(d[3])  # y
        backward:  # g[root] = seed; a level's g is the sum of its nodes' slots, in eager order
          level 3: tanh: g[3] = 0.0 + (1.0 - d[4] * d[4]) * g[4]
          level 2: add: g[2] = 0.0 + (0.0 + g[3]); e[0] = (0.0 + g[3])
          level 1: mul: e[1] = d[1] * g[2]; g[1] = 0.0 + d[0] * g[2]
          level 0: g[0] = bincount of e[0:2]
    """

    __slots__ = ("_data", "_edges", "_finals", "_leaf_numbers", "_levels")

    def __init__(
        self, root: Value, executor: GraphExecutor, *, _shape: Shape | None = None
    ) -> None:
        """Compile the graph that ends at ``root`` for ``executor`` (see the class docstring)."""
        shape = Shape(executor.topological_order(root)) if _shape is None else _shape
        order = shape.order
        self._levels, self._finals, self._edges = schedule(shape)
        self._executor = executor
        self._order = order
        self._leaf_nodes = [node for node in order if node.op is None]
        self._leaf_numbers = np.array(
            [i for i, kind in enumerate(shape.kinds) if not kind], dtype=np.intp
        )
        self._data: Floats = np.array([node.data for node in order], dtype=np.float64)
        self._index = None

    @property
    def leaves(self) -> tuple[Value, ...]:
        """The leaves, in the order :meth:`forward`'s ``leaf_data`` and leaf_gradients use."""
        return tuple(self._leaf_nodes)

    @property
    def levels(self) -> int:
        """How many levels the non-leaf nodes were sorted into."""
        return len(self._levels) - 1

    def __repr__(self) -> str:
        return (
            f"VectorPlan({len(self._order)} nodes, {len(self._leaf_nodes)} leaves, "
            f"{self.levels} levels, {root_name(self.root)})"
        )

    def forward(
        self, *, all_nodes: bool = False, leaf_data: Sequence[float] | None = None
    ) -> float:
        """Recompute every node from the leaves' data; return the root's data.

        As :meth:`Plan.forward <autograd.Plan.forward>`: the root's ``data`` is written, the
        other nodes' only with ``all_nodes``.

        Args:
            all_nodes: Also write every inner node's ``data``.
            leaf_data: The leaves' numbers, in the order of :attr:`leaves`, instead of reading
                each leaf's ``data`` (the leaves are not written).

        Returns:
            The root's new data.
        """
        order = self._order
        d = self._data
        if leaf_data is not None and len(leaf_data) != len(self._leaf_nodes):
            raise ValueError(
                f"VectorPlan.forward: leaf_data has {len(leaf_data)} numbers for "
                f"{len(self._leaf_nodes)} leaves"
            )
        if self._careful():
            self._eager_forward(leaf_data)
        else:
            try:
                with np.errstate(divide="raise", over="ignore", under="ignore", invalid="ignore"):
                    if leaf_data is None:
                        values = [leaf.data for leaf in self._leaf_nodes]
                        if not set(map(type, values)) <= {float}:
                            check_leaves(self._leaf_nodes)  # numpy would take the string "3"
                        d[self._leaf_numbers] = values
                    else:
                        d[self._leaf_numbers] = leaf_data
                    for groups in self._levels:
                        for group in groups:
                            group.forward(d)
            except (ArithmeticError, ValueError, TypeError):
                self._eager_forward(leaf_data)  # raises what eager execution raises
        root = float(d[-1])
        if all_nodes:
            _set(order, "data", d.tolist())  # the leaves get the floats they hold: no change
        else:
            order[-1].data = root
        return root

    def _eager_forward(self, leaf_data: Sequence[float] | None) -> None:
        if leaf_data is not None:
            for leaf, value in zip(self._leaf_nodes, leaf_data):
                leaf.data = float(value)
        order = self._order
        self._executor.forward(order[-1])
        self._data[:] = [node.data for node in order]

    def backward(self, seed: float = 1.0, *, all_nodes: bool = False) -> None:
        """Add d(root)/d(leaf), times ``seed``, into ``grad`` of every leaf.

        As :meth:`Plan.backward <autograd.Plan.backward>`: bit for bit
        ``grad += GraphExecutor().gradients(root, seed)[leaf]``, from the numbers of the last
        :meth:`forward`.

        The pass is added in one uninterruptible step: if it raises (a KeyboardInterrupt at any
        moment too), every ``grad`` is as before the call.

        Args:
            seed: d(root)/d(root), the gradient the pass starts from (a real number).
            all_nodes: Add into every node's ``grad``, not only the leaves'.

        Raises:
            TypeError: ``seed`` is not a real number (a bool or a string is not).
        """
        grads = self._pass(_check_number(seed, "backward seed"))
        if all_nodes:
            _add_grads(self._order, grads.tolist())
        else:
            _add_grads(self._leaf_nodes, grads[self._leaf_numbers].tolist())

    def leaf_gradients(self, seed: float = 1.0) -> Floats:
        """One backward pass's d(root)/d(leaf) times ``seed``, per leaf of :attr:`leaves`.

        Nothing is written: this is the array that :meth:`backward` adds into the leaves'
        ``grad`` (from 0.0, the same numbers).
        """
        return self._pass(_check_number(seed, "backward seed"))[self._leaf_numbers]

    def _pass(self, seed: float) -> Floats:
        """Every node's gradient in one backward pass, from the numbers of the last forward."""
        if self._careful():
            return np.array(self._eager_gradients(seed), dtype=np.float64)
        d = self._data
        g = np.empty(len(d))
        e = np.empty(self._edges)
        g[-1] = float(seed)
        try:
            with np.errstate(divide="raise", over="ignore", under="ignore", invalid="ignore"):
                for lvl in range(len(self._levels) - 1, -1, -1):
                    nodes, local, start, stop = self._finals[lvl]
                    if len(nodes):
                        sums = np.bincount(local, weights=e[start:stop], minlength=len(nodes))
                        g[nodes] = sums
                    for group in self._levels[lvl]:
                        group.backward(d, g, e)
        except (ArithmeticError, ValueError, TypeError):
            # raises what eager execution raises
            return np.array(self._eager_gradients(seed), dtype=np.float64)
        return g

    def listing(self) -> Markdown:
        """The plan's levels and groups: what numpy computes, level by level.

        ``d[i]`` is node i's data, ``g[i]`` its gradient, ``e[k]`` the edge slot k that one
        input's contribution to a node's gradient goes to. Long index lists are cut short. A
        ``str`` that a Jupyter cell ending in it shows as a code block.
        """
        return Markdown.code("\n".join(self._listing_lines()), "text")

    def _listing_lines(self) -> Iterator[str]:
        order = self._order
        n_groups = sum(len(groups) for groups in self._levels)
        yield (
            f"# numpy plan of {len(order)} nodes ({len(self._leaf_nodes)} leaves) for "
            f"{root_name(self.root)}: {self.levels} levels, {n_groups} groups, "
            f"{self._edges} edge slots."
        )
        yield "# d: the nodes' data; g: their gradients; e: one slot per edge (node, input)."
        yield "forward:"
        labels = ", ".join(leaf.label or "?" for leaf in self._leaf_nodes[:6])
        labels += ", ..." if len(self._leaf_nodes) > 6 else ""
        yield f"  level 0: d{_ids(self._leaf_numbers)} = the leaves' data  # {labels}"
        for lvl, groups in enumerate(self._levels):
            for group in groups:
                yield f"  level {lvl}: {_describe(group, order)}"
        yield (
            "backward:  # g[root] = seed; a level's g is the sum of its nodes' slots, "
            "in eager order"
        )
        for lvl in range(len(self._levels) - 1, -1, -1):
            nodes, _, start, stop = self._finals[lvl]
            if len(nodes):
                yield f"  level {lvl}: g{_ids(nodes)} = bincount of e[{start}:{stop}]"
            for group in self._levels[lvl]:
                yield f"  level {lvl}: {group.kind}: {_describe_backward(group)}"

    def _numbers(self) -> list[float]:
        """Every node's number of the last forward, as a list."""
        return self._data.tolist()  # type: ignore[no-any-return]

    def _numbers_at(self, indices: list[int]) -> list[float]:
        return self._data[indices].tolist()  # type: ignore[no-any-return]


def compile_fastest(root: Value, executor: GraphExecutor) -> VectorPlan | Plan:
    """The "auto" backend: a :class:`VectorPlan`, or a :class:`~autograd.Plan` for a narrow graph.

    A graph of fewer than 48 non-leaf nodes per level on average (a small expression, a long
    chain) gives numpy too little to do per operation, and the python Plan replays it faster.
    """
    shape = Shape(executor.topological_order(root))
    if shape.width < _NARROWEST:
        return Plan(root, executor)
    return VectorPlan(root, executor, _shape=shape)


def _ids(numbers: Ints | Sequence[int], most: int = 6) -> str:
    """Index numbers as the listing writes them: ``[2, 5, 9]``, long lists cut short."""
    shown = [str(k) for k in list(numbers[:most])]
    if len(numbers) > most:
        shown.append(f"... {len(numbers)} in all")
    return f"[{', '.join(shown)}]"


def _describe(group: Group, order: list[Value]) -> str:
    """One group's forward line in the listing."""
    kind, out = group.kind, group.out
    label = order[out[0]].label if len(out) == 1 else ""
    note = f"  # {label}" if label else ""
    many = "s" if len(out) > 1 else ""
    if kind == "add":
        rows, terms = group.inputs[0].shape
        counted = f"{rows} chain{many} of {terms} terms"
        members, terms_ = _ids(group.extra.ravel()), _ids(group.inputs[0].ravel())
        if rows > 1:
            return f"add, {counted}: d{members} = add.accumulate(rows of d{terms_})[:, 1:]"
        return f"add, {counted}: d{members} = add.accumulate(d{terms_})[1:]{note}"
    where = f"{kind}, {len(out)} node{many}: d{_ids(out)} = "
    if kind == "call":
        names = ", ".join(sorted({repr(op) for op in group.extra[0]}))
        return f"{where}forward of {names}, node by node{note}"
    ins = {
        "a": f"d{_ids(group.inputs[0])}",
        "b": f"d{_ids(group.inputs[-1])}",
        "k": repr(group.extra),
    }
    return where + _FORMS[kind][0].format(**ins) + note


def _describe_backward(group: Group) -> str:
    """One group's backward line in the listing: where its inputs' contributions go."""
    g = f"g{_ids(group.out)}"
    if group.kind == "add":
        text = ""
        if group.extra.shape[1] > 1:
            text = f"g{_ids(group.extra[:, :-1].ravel())} = 0.0 + {g}; "
        return text + _sent(group.routes[0], f"(0.0 + {g})")
    if group.kind == "call":
        return _sent(group.routes[0], f"local_grads * {g}")
    values = {
        "a": f"d{_ids(group.inputs[0])}",
        "b": f"d{_ids(group.inputs[-1])}",
        "o": f"d{_ids(group.out)}",
        "g": g,
        "k": repr(group.extra),
    }
    parts = [
        _sent(route, form.format(**values))
        for route, form in zip(group.routes, _FORMS[group.kind][1])
    ]
    return "; ".join(parts)


def _sent(route: Route, contribution: str) -> str:
    """Where a route puts a contribution: the slots e[...], or g of the inputs used once."""
    parts = []
    if route.direct is not None:
        parts.append(f"g{_ids(route.direct)} = 0.0 + {contribution}")
    if route.slots is not None:
        parts.append(f"e{_ids(route.slots)} = {contribution}")
    return "; ".join(parts)
