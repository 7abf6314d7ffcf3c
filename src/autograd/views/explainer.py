"""The backward pass told step by step (text or a Markdown table), from the executor's stepper."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

import attrs

from autograd.checks import four_digits
from autograd.executor import BackwardStep, BackwardStepper, GraphExecutor, NodeStep
from autograd.markdown import Markdown
from autograd.stepper import _named_with_op, _step_line
from autograd.value import Value

__all__ = ["ExplainedStep", "explain", "explain_steps"]


@attrs.frozen
class ExplainedStep:
    """One chain-rule step of a backward pass, with readable names for its two nodes.

    ``str(step)`` reads
    ``parent.grad += node.grad * d(node)/d(parent) = upstream * local_grad = contribution -> g``,
    where ``g`` is the parent's gradient in this pass after the step (it differs from the
    contribution when the parent feeds several nodes).

    Attributes:
        number: Position of the step in the pass, from 1.
        node: Name of the node passing its gradient back.
        op: Drawing symbol of the node's operation (``str(node.op)``).
        parent: Name of the input of ``node`` receiving a share of the gradient.
        step: The executor's record: the nodes themselves and the numbers ``local_grad``,
            ``upstream``, ``contribution`` and ``parent_grad``.
    """

    number: int
    node: str
    op: str
    parent: str
    step: BackwardStep

    def __str__(self) -> str:
        return _step_line(self.step, self.node, self.parent)


def _explained(steps: Sequence[NodeStep], names: Mapping[Value, str]) -> list[ExplainedStep]:
    edges = [edge for step in steps for edge in step.edges]
    return [
        ExplainedStep(number, names[s.node], str(s.node.op), names[s.parent], s)
        for number, s in enumerate(edges, start=1)
    ]


def _record_pass(root: Value) -> tuple[BackwardStepper, list[NodeStep]]:
    """Step through one backward pass from ``root`` in the stepper alone; no ``grad`` changes."""
    stepper = GraphExecutor().stepper(root, accumulate=False)
    return stepper, stepper.run()


def explain_steps(root: Value) -> list[ExplainedStep]:
    """The chain-rule steps of a backward pass from ``root``, in the executor's order.

    The pass is taken by :meth:`GraphExecutor.stepper <autograd.GraphExecutor.stepper>`
    without touching the graph: no node's ``grad`` changes.

    Args:
        root: The node to differentiate; its gradient is seeded with 1.

    Returns:
        One :class:`ExplainedStep` per (node, input) pair the executor visits; empty when
        ``root`` is a leaf.

    Examples:
        >>> from autograd import Value
        >>> from autograd import explain_steps
        >>> a = Value(3.0, label="a")
        >>> b = Value(-2.0, label="b")
        >>> c = a * b
        >>> c.label = "c"
        >>> for step in explain_steps(c):
        ...     print(step)
        a.grad += c.grad * d(c)/d(a) = 1 * -2 = -2 -> -2
        b.grad += c.grad * d(c)/d(b) = 1 * 3 = 3 -> 3
        >>> a.grad
        0.0
    """
    stepper, steps = _record_pass(root)
    return _explained(steps, stepper.names)


def _code(text: str) -> str:
    """A Markdown code span that survives inside a table cell.

    Line breaks (which would end the table row) become spaces, and the fence is one backtick
    longer than the longest run of backticks in the text, so no label can close it early.
    """
    body = text.replace("\r", " ").replace("\n", " ").replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", body)), default=0)
    fence = "`" * (longest + 1)
    if longest:
        return f"{fence} {body} {fence}"
    return f"{fence}{body}{fence}"


def explain(root: Value, *, format: Literal["text", "markdown"] = "text") -> Markdown:
    """The backward pass from ``root`` as readable lines, one chain-rule step per line.

    Each line says which gradient grows, by how much and why, in the order the executor does
    it: ``w1.grad += x1w1.grad * d(x1w1)/d(w1) = 0.5 * 2 = 1 -> 1`` reads "w1's gradient gains
    the upstream gradient 0.5 times the local derivative 2, which is 1, and is now 1". Nodes
    are named by their labels; unlabelled ones by topological index and op, ``#7(*)``, the
    index that ``to_dot(..., show_order=True)`` draws. Numbers have four significant digits.
    No node's ``grad`` changes.

    Args:
        root: The node to differentiate; its gradient is seeded with 1.
        format: ``"text"`` for numbered lines, ``"markdown"`` for a table.

    Returns:
        A header line and the steps, joined by newlines (no trailing newline): a ``str``
        (:class:`~autograd.markdown.Markdown`) that a Jupyter cell ending in it shows as the
        Markdown table, whichever ``format`` it prints as.

    Raises:
        ValueError: ``format`` is neither ``"text"`` nor ``"markdown"``.

    Examples:
        >>> from autograd import Value
        >>> from autograd import explain
        >>> x = Value(2.0, label="x")
        >>> y = (x * x).tanh()
        >>> y.label = "y"
        >>> print(explain(y))
        Backward pass from y (tanh), seeded with y.grad = 1:
          1. #1(*).grad += y.grad * d(y)/d(#1(*)) = 1 * 0.001341 = 0.001341 -> 0.001341
          2. x.grad += #1(*).grad * d(#1(*))/d(x) = 0.001341 * 2 = 0.002682 -> 0.002682
          3. x.grad += #1(*).grad * d(#1(*))/d(x) = 0.001341 * 2 = 0.002682 -> 0.005364
    """
    if format not in ("text", "markdown"):
        raise ValueError(f"explain: format must be 'text' or 'markdown', got {format!r}")
    stepper, steps = _record_pass(root)
    explained = _explained(steps, stepper.names)
    name = stepper.names[root]
    if root.op is None:
        leaf = "is a leaf: its gradient is the seed, 1, and there is nothing to pass back."
        table = f"{_code(name)} {leaf}"
        return Markdown(table if format == "markdown" else f"{name} {leaf}", table)
    table = _table(root, name, explained)
    if format == "markdown":
        return Markdown(table, table)
    lines = [f"Backward pass from {_named_with_op(root, name)}, seeded with {name}.grad = 1:"]
    width = len(str(len(explained)))
    lines += [f"  {e.number:>{width}}. {e}" for e in explained]
    return Markdown("\n".join(lines), table)


def _table(root: Value, name: str, explained: Sequence[ExplainedStep]) -> str:
    """The steps as a Markdown table under a header line."""
    op = f" ({_code(str(root.op))})" if root.label else ""  # #4(+) names its op already
    lines = [
        f"Backward pass from {_code(name)}{op}, seeded with {_code(name + '.grad')} = 1:",
        "",
        "| # | input | node | op | node.grad | d(node)/d(input) | contribution | input.grad |",
        "| -: | --- | --- | :-: | -: | -: | -: | -: |",
    ]
    for e in explained:
        s = e.step
        cells = [
            str(e.number),
            _code(e.parent),
            _code(e.node),
            _code(e.op),
            four_digits(s.upstream),
            four_digits(s.local_grad),
            four_digits(s.contribution),
            four_digits(s.parent_grad),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
