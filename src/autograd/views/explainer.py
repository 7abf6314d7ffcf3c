"""The backward pass told step by step (text or a Markdown table), from the observer."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Literal

import attrs

from autograd.executor import BackwardStep, GraphExecutor
from autograd.value import Value

__all__ = ["ExplainedStep", "explain", "explain_steps"]


def _format_number(x: float) -> str:
    """Four significant digits without trailing zeros: ``0.5``, ``-1.5``, ``6.881``, ``1e-08``.

    Drawings and explanations share this format: short enough for a box in a drawing, and
    exact for the round numbers of hand-worked examples. ``-0.0`` prints as ``0``.
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
        s = self.step
        return (
            f"{self.parent}.grad += {self.node}.grad * d({self.node})/d({self.parent}) = "
            f"{_format_number(s.upstream)} * {_format_number(s.local_grad)} = "
            f"{_format_number(s.contribution)} -> {_format_number(s.parent_grad)}"
        )


def _explained(steps: Sequence[BackwardStep], names: Mapping[Value, str]) -> list[ExplainedStep]:
    return [
        ExplainedStep(number, names[s.node], str(s.node.op), names[s.parent], s)
        for number, s in enumerate(steps, start=1)
    ]


def _record_pass(root: Value) -> tuple[dict[Value, str], list[BackwardStep]]:
    """Name the nodes of ``root``'s graph and record one backward pass; no ``grad`` changes."""
    names = _node_names(GraphExecutor().topological_order(root))
    steps: list[BackwardStep] = []
    GraphExecutor(observer=steps.append).gradients(root)
    return names, steps


def explain_steps(root: Value) -> list[ExplainedStep]:
    """The chain-rule steps of a backward pass from ``root``, in the executor's order.

    The pass is recorded through the executor's ``observer``; no node's ``grad`` changes.

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
    names, steps = _record_pass(root)
    return _explained(steps, names)


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


def explain(root: Value, *, format: Literal["text", "markdown"] = "text") -> str:
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
        A header line and the steps, joined by newlines (no trailing newline).

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
    names, steps = _record_pass(root)
    explained = _explained(steps, names)
    name = names[root]
    markdown = format == "markdown"
    if root.op is None:
        subject = _code(name) if markdown else name
        return (
            f"{subject} is a leaf: its gradient is the seed, 1, and there is nothing to pass back."
        )
    if not markdown:
        lines = [f"Backward pass from {name} ({root.op}), seeded with {name}.grad = 1:"]
        width = len(str(len(explained)))
        lines += [f"  {e.number:>{width}}. {e}" for e in explained]
        return "\n".join(lines)
    lines = [
        f"Backward pass from {_code(name)} ({_code(str(root.op))}), "
        f"seeded with {_code(name + '.grad')} = 1:",
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
            _format_number(s.upstream),
            _format_number(s.local_grad),
            _format_number(s.contribution),
            _format_number(s.parent_grad),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
