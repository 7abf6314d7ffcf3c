"""The playground's Expression and Neuron views: one graph, its drawing, slider replay and stepping.

Everything shown is computed here, by the engine: the graph comes from the formula parser (or the
lecture's neuron, built with labels), the numbers from the executor and a compiled
:class:`~autograd.Plan`, the drawing from :func:`~autograd.to_dot` and Graphviz, the chain-rule
lines from the executor's stepper. The page only displays the snapshot this module returns.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from typing import Any, Literal

from autograd import (
    BackwardStepper,
    CompiledGraph,
    ExpressionError,
    GraphExecutor,
    NodeStep,
    Value,
    parse_expression,
    to_dot,
)

__all__ = [
    "DEFAULT_FORMULA",
    "MAX_FORMULA_LENGTH",
    "MAX_LEAVES",
    "MAX_NODES",
    "ExpressionState",
    "PlayError",
    "json_number",
    "neuron_state",
]

MAX_FORMULA_LENGTH = 300
"""The longest formula accepted, in characters."""

MAX_NODES = 120
"""The most nodes a formula may make: each one is drawn, and a slider replays them all."""

MAX_LEAVES = 20
"""The most names (leaves with a slider) a formula may use."""

DEFAULT_FORMULA = "(a*b + c) * f"
"""The lecture's first expression, the Expression view's formula when the page opens."""

DEFAULT_VALUES: Mapping[str, float] = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}

_NEW_LEAF_VALUE = 1.0  # the value of a name the page has no value for yet

# The lecture's neuron: with these numbers n = 0.8814 and tanh(n) = 1/sqrt(2).
_NEURON_VALUES = (("x1", 2.0), ("x2", 0.0), ("w1", -3.0), ("w2", 1.0), ("b", 6.8813735870195432))
NEURON_ACTIVATIONS = ("tanh", "relu")

RankDir = Literal["LR", "TB"]

_SLIDER_HALF_WIDTH = 5.0
_LEFT_TO_RIGHT_DEPTH = 2  # the most operations on a path for a left-to-right drawing


class PlayError(ValueError):
    """Input the playground cannot use; the message is shown on the page as it is.

    Attributes:
        status: The HTTP status a transport answers with (400: the request was wrong).
    """

    status = 400


def json_number(x: float) -> float | str:
    """``x`` for JSON: a finite float as it is, NaN and infinities as text (JSON has none)."""
    return x if math.isfinite(x) else str(x)


def _short(x: float) -> str:
    """Four significant digits, the format of the drawing's boxes (``-0.0`` is ``0``)."""
    return "0" if x == 0.0 else f"{x:.4g}"


def _names(text: str) -> list[str]:
    """The names a formula uses, in order of first appearance, without building anything.

    A formula the parser would refuse gives what it can (possibly nothing): the parser then
    says what is wrong.
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    found: dict[str, None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) not in called:
            found.setdefault(node.id, None)
    return list(found)


def _slider_range(x: float) -> tuple[float, float]:
    """A slider's ends: five either side of zero, widened to hold ``x`` with room to move."""
    half = max(_SLIDER_HALF_WIDTH, math.ceil(abs(x)) + 1.0)
    return -half, half


class ExpressionState:
    """One graph on the page: its leaves, its compiled replay, its stepper and its nudges.

    Args:
        root: The node whose graph is shown.
        leaves: The leaves with a slider, by name.
        text: What the graph is (the formula, or a name for a built-in graph).
    """

    def __init__(self, root: Value, leaves: Mapping[str, Value], text: str) -> None:
        executor = GraphExecutor()
        self.text = text
        self.root = root
        self.leaves = dict(leaves)
        self.order = executor.topological_order(root)
        if len(self.order) > MAX_NODES:
            raise PlayError(
                f"the formula makes {len(self.order)} nodes; the playground draws at most "
                f"{MAX_NODES}"
            )
        self.plan: CompiledGraph = executor.compile(root)
        self.steps: list[NodeStep] = []  # the stepper's records, in the order applied
        self.before: list[dict[Value, float]] = []  # each step's inputs' pass grads before it
        self.stepper: BackwardStepper | None = None
        self.backward_done = False
        self.nudges: dict[str, float] = {}
        self.message = ""

    @classmethod
    def from_formula(cls, text: str, values: Mapping[str, float] | None = None) -> ExpressionState:
        """Build the graph of a formula, with the page's values for the names it knows.

        Raises:
            PlayError: Too long, too many names or nodes, or an
                :class:`~autograd.ExpressionError` from the parser (its message, as it is).
        """
        if len(text) > MAX_FORMULA_LENGTH:
            raise PlayError(
                f"the formula has {len(text)} characters; the playground takes at most "
                f"{MAX_FORMULA_LENGTH}"
            )
        given = values or {}
        names = _names(text)
        if len(names) > MAX_LEAVES:
            raise PlayError(
                f"the formula uses {len(names)} names; the playground takes at most {MAX_LEAVES}"
            )
        numbers = {name: given.get(name, _NEW_LEAF_VALUE) for name in names}
        try:
            root, leaves = parse_expression(text, numbers)
        except ExpressionError as error:
            raise PlayError(str(error)) from None
        if not root.label:
            # The output gets a name, as the lecture's L, for the drawing and the steps.
            root.label = "out" if "out" not in leaves else "output"
        return cls(root, leaves, text)

    def backward(self) -> None:
        """Zero every gradient, then run the whole backward pass (the executor's, eagerly)."""
        executor = GraphExecutor()
        executor.zero_grad(self.root)
        executor.backward(self.root)
        self._forget_steps()
        self.backward_done = True
        self.message = f"backward pass done: {self._name(self.root)}.grad = 1 was passed back"

    def reset(self) -> None:
        """Zero every gradient and forget the steps and nudges taken."""
        GraphExecutor().zero_grad(self.root)
        self._forget_steps()
        self.backward_done = False
        self.nudges.clear()
        self.message = "gradients set to 0"

    def step(self) -> None:
        """Apply the chain rule of the next node (the first step zeroes the gradients)."""
        if self.root.op is None:
            self.message = "the graph is a single leaf: there is nothing to pass back"
            return
        if self.stepper is None:
            executor = GraphExecutor()
            executor.zero_grad(self.root)
            self.backward_done = False
            self.stepper = executor.stepper(self.root)
        if self.stepper.done:
            self.message = "every node has passed its gradient back: the pass is complete"
            return
        node = self.stepper.next_node
        assert node is not None  # the stepper is not done
        self.before.append({p: self.stepper.pass_grad(p) for p in node.parents})
        self.steps.append(self.stepper.step())
        self.message = ""

    def step_back(self) -> None:
        """Undo the last step, putting every gradient back as it was before it."""
        if self.stepper is None or not self.steps:
            self.message = "no step to undo"
            return
        self.stepper.back()
        self.steps.pop()
        self.before.pop()
        self.message = ""

    def set_leaf(self, name: str, value: float) -> None:
        """Move one leaf to ``value``, replay the graph, and measure the nudge derivative.

        The nudge is (new output - old output) / (new value - old value): the slope the slider
        shows, which tends to the leaf's gradient as the move gets small. Gradients are
        recomputed when a backward pass was shown, and cleared when steps were.

        Raises:
            PlayError: An unknown name, or a value outside an operation's domain (the graph is
                then replayed at the old value).
        """
        if name not in self.leaves:
            raise PlayError(f"no leaf named {name[:40]!r} in this graph")
        leaf = self.leaves[name]
        new = value
        old, before = leaf.data, self.root.data
        if new == old:
            return
        leaf.data = new
        try:
            after = self._replay()
            if not math.isfinite(after):
                raise PlayError(f"{self._name(self.root)} is {after} at {name} = {new:g}")
        except (ArithmeticError, ValueError) as error:
            leaf.data = old
            self._replay()
            message = str(error).splitlines()[0]
            raise PlayError(f"{name} = {new:g} cannot be used: {message}") from None
        self.nudges[name] = (after - before) / (new - old)
        if self.stepper is not None:
            GraphExecutor().zero_grad(self.root)
            self._forget_steps()
        if self.backward_done:
            self.backward()
        self.message = ""

    def _replay(self) -> float:
        return self.plan.forward(all_nodes=True)

    def _forget_steps(self) -> None:
        self.stepper = None
        self.steps = []
        self.before = []

    def _name(self, node: Value) -> str:
        return node.label or f"#{self.order.index(node)}"

    def _step_snapshot(self) -> dict[str, Any] | None:
        if not self.steps:
            return None
        index = {node: i for i, node in enumerate(self.order)}
        record = self.steps[-1]
        node = record.node
        parents = [edge.parent for edge in record.edges]
        focus = index[node]
        assert self.stepper is not None  # steps are only kept while stepping
        return {
            "number": record.number,
            "total": self.stepper.total,
            "lines": list(record.lines),
            "focus": [f"v{focus}", f"v{focus}_op"],
            "inputs": sorted({f"v{index[p]}" for p in parents}),
            "edges": sorted(
                {f"v{index[p]}->v{focus}_op" for p in parents} | {f"v{focus}_op->v{focus}"}
            ),
            "question": self._question(record),
        }

    def _question(self, record: NodeStep) -> dict[str, Any] | None:
        """The gradient a learner is asked to predict before a step is shown: its first input's.

        ``answer`` is that input's gradient after the step (every share the step passes it
        added); ``before`` is what it held, ``upstream`` the node's own gradient, and ``uses``
        how many of the node's inputs it is (2 for ``x*x``).
        """
        if not record.edges:
            return None
        assert self.stepper is not None  # steps are only kept while stepping
        names = self.stepper.names
        parent = record.edges[0].parent
        shares = [edge for edge in record.edges if edge.parent is parent]
        before = self.before[-1][parent]
        return {
            "node": names[record.node],
            "name": names[parent],
            "answer": json_number(shares[-1].parent_grad),
            "answer_text": _short(shares[-1].parent_grad),
            "before_text": _short(before),
            "upstream_text": _short(record.edges[0].upstream),
            "uses": len(shares),
        }

    def snapshot(self, svg: str) -> dict[str, Any]:
        """What the page shows, as JSON-ready data, with the drawing ``svg`` of :meth:`dot`."""
        return {
            "text": self.text,
            "nodes": len(self.order),
            "output": {
                "name": self._name(self.root),
                "data": json_number(self.root.data),
                "text": _short(self.root.data),
            },
            "leaves": [
                {
                    "name": name,
                    "data": json_number(leaf.data),
                    "grad": json_number(leaf.grad),
                    "grad_text": _short(leaf.grad),
                    "nudge": json_number(self.nudges[name]) if name in self.nudges else None,
                    "nudge_text": _short(self.nudges[name]) if name in self.nudges else "",
                    "range": list(_slider_range(leaf.data)),
                }
                for name, leaf in self.leaves.items()
            ],
            "step": self._step_snapshot(),
            "done": self.stepper is not None and bool(self.stepper.done),
            "backward_done": self.backward_done,
            "message": self.message,
            "svg": svg,
        }

    def dot(self) -> str:
        """The DOT source of the drawing: every node, numbered as the explain lines name them.

        A shallow graph is drawn left to right, as in the lecture; a deeper one top to bottom,
        which keeps its boxes readable in the page's width.
        """
        depth: dict[Value, int] = {}
        for node in self.order:
            depth[node] = 1 + max((depth[p] for p in node.parents), default=-1)
        rankdir: RankDir = "LR" if depth[self.root] <= _LEFT_TO_RIGHT_DEPTH else "TB"
        return to_dot(self.root, max_nodes=MAX_NODES, show_order=True, rankdir=rankdir, view="full")


def neuron_state(
    activation: str = "tanh", values: Mapping[str, float] | None = None
) -> ExpressionState:
    """The lecture's neuron ``o = act(x1*w1 + x2*w2 + b)``, every node labelled as in the lecture.

    With tanh, o = 0.7071 and after a backward pass x1.grad = -1.5, w1.grad = 1, x2.grad = 0.5,
    w2.grad = 0; with ReLU the same numbers give o = n = 0.8814. ``values`` replaces some of
    those numbers, by name.

    Raises:
        PlayError: ``activation`` is neither ``"tanh"`` nor ``"relu"``.
    """
    if activation not in NEURON_ACTIVATIONS:
        raise PlayError(f"activation must be one of {', '.join(NEURON_ACTIVATIONS)}")
    given = values or {}
    leaves = {name: Value(given.get(name, data), label=name) for name, data in _NEURON_VALUES}
    x1w1 = leaves["x1"] * leaves["w1"]
    x2w2 = leaves["x2"] * leaves["w2"]
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + leaves["b"]
    o = n.tanh() if activation == "tanh" else n.relu()
    for node, label in ((x1w1, "x1w1"), (x2w2, "x2w2"), (x1w1x2w2, "x1w1x2w2"), (n, "n"), (o, "o")):
        node.label = label
    return ExpressionState(o, leaves, f"o = {activation}(x1*w1 + x2*w2 + b)")
