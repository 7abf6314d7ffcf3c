"""Drawings of a graph: DOT source, rendered images and Jupyter's display.

:func:`to_dot` is plain string building and needs nothing beyond the standard library. Turning
DOT into pictures needs the ``graphviz`` Python package (``pip install 'opgrad[viz]'``) and
Graphviz's ``dot`` program (``apt-get install graphviz``, ``brew install graphviz``), imported
only when a picture is made. Animations of the backward pass are in
:mod:`autograd.views.animation`, summaries of networks in :mod:`autograd.views.summary`.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Callable, Collection, Container
from pathlib import Path
from typing import Any, Literal

import attrs

from autograd.checks import four_digits, positive_int
from autograd.executor import GraphExecutor
from autograd.files import write_atomic
from autograd.value import Value
from autograd.views.dot import _attributes, _escape_record, _escape_text, _header
from autograd.views.summary import _summary_dot

__all__ = ["DEFAULT_MAX_NODES", "GraphvizNotFoundError", "draw_dot", "render", "to_dot"]

RankDir = Literal["LR", "RL", "TB", "BT"]
ImageFormat = Literal["svg", "png"]
View = Literal["auto", "full", "summary"]

DEFAULT_MAX_NODES = 200
"""How many Values a drawing shows at most unless told otherwise."""

_RANKDIRS = ("LR", "RL", "TB", "BT")
_VIEWS = ("auto", "full", "summary")
_IMAGE_FORMATS = ("svg", "png")
_SVG = "image/svg+xml"

# Fill colours of an animation frame: the node passing its gradient back, and its inputs.
_FOCUS_COLOUR = "#ffd8a8"
_TOUCHED_COLOUR = "#c3f0ca"

_INSTALL_GRAPHVIZ = (
    "install Graphviz's dot program: apt-get install graphviz (Debian, Ubuntu), "
    "brew install graphviz (macOS), or see graphviz.org/download"
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz is missing: the ``graphviz`` Python package or its ``dot`` program.

    The message says what is missing and how to install it.

    Attributes:
        dot_path: Where the DOT source was written instead, or None when nothing was written.
    """

    def __init__(self, message: str, dot_path: Path | None = None) -> None:
        super().__init__(message)
        self.dot_path = dot_path


@attrs.frozen
class _Selection:
    """The part of a graph a drawing shows.

    Attributes:
        order: Every node, in topological order (the index drawn by ``show_order``).
        index: Each node's position in ``order``.
        kept: The nodes drawn, in topological order.
        kept_set: The same, for membership tests.
        max_nodes: The cap that chose them.
    """

    order: list[Value]
    index: dict[Value, int]
    kept: list[Value]
    kept_set: frozenset[Value]
    max_nodes: int

    @property
    def left_out(self) -> int:
        """How many nodes the drawing leaves out."""
        return len(self.order) - len(self.kept)


def _check_options(max_nodes: int, rankdir: str, view: str = "full") -> None:
    positive_int(max_nodes, "max_nodes")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    if view not in _VIEWS:
        raise ValueError(f"view must be one of {', '.join(_VIEWS)}, got {view!r}")


def _select(root: Value, max_nodes: int, order: list[Value] | None = None) -> _Selection:
    """Keep the ``max_nodes`` nodes nearest the root: fewest steps away, breadth first.

    Every kept node other than the root then has a kept consumer on its shortest path to the
    root, so the drawing stays one connected piece that ends in the root. ``order`` is the
    graph's topological order, when the caller has it already.
    """
    if order is None:
        order = GraphExecutor().topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    if len(order) <= max_nodes:
        return _Selection(order, index, order, frozenset(order), max_nodes)
    seen = {root}
    queue = deque([root])
    while queue and len(seen) < max_nodes:
        for parent in queue.popleft().parents:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
                if len(seen) == max_nodes:
                    break
    kept = [node for node in order if node in seen]
    return _Selection(order, index, kept, frozenset(seen), max_nodes)


def _dot(
    selection: _Selection,
    *,
    show_order: bool,
    rankdir: str,
    grad_of: Callable[[Value], float],
    focus: Value | None = None,
    touched: Collection[Value] = (),
    caption: str = "",
) -> str:
    """DOT source for the selected nodes, with each node's gradient taken from ``grad_of``."""
    index = selection.index
    kept_set = selection.kept_set
    graph: dict[str, str] = {}
    if caption:
        # \l ends a line left-justified; the last line needs one too, or it is centred.
        graph.update(
            label=_escape_text(caption, newline=r"\l") + r"\l", labelloc="t", labeljust="l"
        )
    lines = _header(rankdir, **graph)
    # In a record, a top-level {...} turns the fields sideways: with left-to-right ranks they
    # would stack vertically, so the braces lay them out in a row again.
    sideways = rankdir in ("LR", "RL")
    for node in selection.kept:
        i = index[node]
        fields = [f"#{i}"] if show_order else []
        fields += [node.label, f"data {four_digits(node.data)}"]
        fields.append(f"grad {four_digits(grad_of(node))}")
        record = " | ".join(_escape_record(field) for field in fields)
        if sideways:
            record = "{ " + record + " }"
        style = ""
        if node is focus or node in touched:
            colour = _FOCUS_COLOUR if node is focus else _TOUCHED_COLOUR
            style = f", {_attributes(style='filled', fillcolor=colour)}"
        lines.append(f'  v{i} [shape=record, label="{record}"{style}];')
        if node.op is None:
            continue
        op_style = (
            f", {_attributes(style='filled', fillcolor=_FOCUS_COLOUR)}" if node is focus else ""
        )
        symbol = _escape_text(str(node.op))
        lines.append(
            f'  v{i}_op [shape=ellipse, label="{symbol}", margin="0.05,0.02", height="0.3"'
            f"{op_style}];"
        )
        hidden = False
        for parent in node.parents:
            if parent in kept_set:
                lines.append(f"  v{index[parent]} -> v{i}_op;")
            else:
                hidden = True
        if hidden:
            lines.append(f'  v{i}_hidden [shape=plaintext, label="...", fontcolor="#888888"];')
            lines.append(f'  v{i}_hidden -> v{i}_op [style="dashed", color="#888888"];')
        lines.append(f"  v{i}_op -> v{i};")
    if selection.left_out:
        note = (
            f"{selection.left_out} more nodes not shown (max_nodes={selection.max_nodes}); "
            "'...' marks their edges"
        )
        lines.append(f'  left_out [shape=note, label="{_escape_text(note)}", fontcolor="#555555"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_dot(
    root: Value,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    show_order: bool = False,
    rankdir: RankDir = "LR",
    view: View = "auto",
) -> str:
    r"""DOT source drawing the graph of ``root``: Values as record boxes, operations as ovals.

    Every Value is a record ``label | data | grad`` (``v<i>``, ``i`` its topological index);
    every non-leaf also gets an oval with its operation's symbol, ``str(node.op)``
    (``v<i>_op``), and edges run input -> operation -> result. Numbers are printed with four
    significant digits and no trailing zeros (``0.5``, ``-1.5``, ``6.881``, ``1e-08``). Labels
    are escaped for DOT's record syntax, so any label is drawn as written.

    A graph built by ``nn`` modules can be drawn summarised instead (``view="summary"``): one
    box per neuron, however many examples it was applied to, with its activation, weights,
    bias and their gradients, grouped by layer, with edges where one neuron's output feeds
    another; a box per input label (``x0``, ``y``) and one for the rest (the loss). Neurons are
    found by their parameters' labels (``L0.N3.w1``, ``L0.N3.b``, or a lone neuron's ``w0``,
    ``b``) and the sum ``b + w0*x0 + ...`` they start, as :class:`nn.Neuron` computes it.

    Pure string building: no Graphviz needed (see :func:`render` for pictures).

    Args:
        root: The node whose graph to draw.
        max_nodes: Draw at most this many Values: the ones nearest the root (fewest steps
            away; ties in the order they are reached from the root). A note says how many were
            left out, and a dashed ``...`` edge marks each operation with inputs not drawn.
        show_order: Add each Value's topological index (``#i``) as the first field of its box:
            the order of a forward pass, and the names :func:`~autograd.explain` gives
            unlabelled nodes.
        rankdir: Graphviz's rank direction: ``"LR"`` (left to right, inputs on the left),
            ``"RL"``, ``"TB"`` or ``"BT"``.
        view: ``"full"`` draws every Value (up to ``max_nodes``); ``"summary"`` the
            summarised network; ``"auto"`` the summary when the graph has more than
            ``max_nodes`` Values and neurons to summarise, else the full drawing.

    Returns:
        The DOT source of a ``digraph``, ending in a newline.

    Raises:
        ValueError: ``max_nodes`` is not a positive int, ``rankdir`` or ``view`` is unknown,
            or ``view="summary"`` for a graph with no neurons of ``nn``.

    Examples:
        >>> from autograd import Value
        >>> from autograd import to_dot
        >>> a = Value(2.0, label="a")
        >>> print(to_dot(a * 3), end="")
        digraph opgrad {
          graph [rankdir="LR", fontname="Helvetica", fontsize="12", nodesep="0.25"];
          node [fontname="Helvetica", fontsize="11"];
          edge [arrowsize="0.6", color="#555555"];
          v0 [shape=record, label="{ a | data 2 | grad 0 }"];
          v1 [shape=record, label="{  | data 3 | grad 0 }"];
          v2 [shape=record, label="{  | data 6 | grad 0 }"];
          v2_op [shape=ellipse, label="*", margin="0.05,0.02", height="0.3"];
          v0 -> v2_op;
          v1 -> v2_op;
          v2_op -> v2;
        }
    """
    _check_options(max_nodes, rankdir, view)
    order = GraphExecutor().topological_order(root)
    if view == "summary" or (view == "auto" and len(order) > max_nodes):
        source = _summary_dot(order, rankdir)
        if source is not None:
            return source
        if view == "summary":
            raise ValueError(
                "to_dot: view='summary' draws networks built by nn (parameters labelled like "
                "L0.N3.w1, L0.N3.b, in sums b + w0*x0 + ...), and this graph has no such "
                "neuron; use view='full'"
            )
    selection = _select(root, max_nodes, order)
    return _dot(selection, show_order=show_order, rankdir=rankdir, grad_of=_stored_grad)


def _stored_grad(node: Value) -> float:
    return node.grad


def _graphviz(what: str, dot_path: Path | None = None) -> Any:
    """The graphviz package, or a GraphvizNotFoundError saying how to install it."""
    written = f"; the DOT source is in {dot_path}" if dot_path is not None else ""
    try:
        import graphviz
    except ImportError as error:
        raise GraphvizNotFoundError(
            f"{what} needs the graphviz Python package: pip install 'opgrad[viz]' "
            f"(and Graphviz's dot program: apt-get install graphviz or brew install graphviz)"
            f"{written}",
            dot_path,
        ) from error
    return graphviz


def _run_dot(source: str, format: str, what: str, dot_path: Path | None = None) -> bytes:
    """Lay out and draw DOT source with Graphviz; raise GraphvizNotFoundError if it is missing."""
    written = f"; the DOT source is in {dot_path}" if dot_path is not None else ""
    graphviz = _graphviz(what, dot_path)
    try:
        image = graphviz.Source(source).pipe(format=format)
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFoundError(
            f"{what} needs Graphviz's dot program, which is not on PATH; "
            f"{_INSTALL_GRAPHVIZ}{written}",
            dot_path,
        ) from error
    assert isinstance(image, bytes)  # pipe() returns bytes when no encoding is given
    return image


def _image_format(path: Path, format: str | None) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if format is None:
        format = suffix or "svg"
    if format not in _IMAGE_FORMATS:
        raise ValueError(
            f"render: cannot draw {path} as {format!r}; use a .svg or .png path "
            f"(or to_dot() for DOT source)"
        )
    if suffix and suffix != format:
        raise ValueError(f"render: path {path} ends in .{suffix} but format is {format!r}")
    return format


_UNSAFE_IN_FILE_NAMES = re.compile(r"[^\w.-]+")


def _default_path(root: Value) -> Path:
    """``<label>`` in the current directory (``o`` for a root labelled o), else ``graph``."""
    stem = _UNSAFE_IN_FILE_NAMES.sub("_", root.label).strip("._")
    return Path(stem or "graph")


def render(
    root: Value,
    path: str | os.PathLike[str] | None = None,
    format: ImageFormat | None = None,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    show_order: bool = False,
    rankdir: RankDir = "LR",
    view: View = "auto",
) -> Path:
    """Draw the graph of ``root`` into an SVG or PNG file, with its DOT source beside it.

    The DOT source of :func:`to_dot` is written next to the image (``graph.svg`` ->
    ``graph.dot``) first, so it is there even when Graphviz is not. Both files are replaced
    atomically; missing directories are created.

    Args:
        root: The node whose graph to draw.
        path: The image file. Without a suffix, ``.svg`` or ``.png`` is added. By default the
            root's label in the current directory (``o.svg`` for a root labelled ``o``, with
            any character other than letters, digits, ``.``, ``-`` and ``_`` made ``_``), or
            ``graph.svg`` for an unlabelled root.
        format: ``"svg"`` or ``"png"``; by default taken from the suffix of ``path``, else SVG.
        max_nodes: As in :func:`to_dot`.
        show_order: As in :func:`to_dot`.
        rankdir: As in :func:`to_dot`.
        view: As in :func:`to_dot`.

    Returns:
        The path of the image written.

    Raises:
        GraphvizNotFoundError: The ``graphviz`` package or the ``dot`` program is missing; the
            message says how to install it, and the DOT file has been written.
        ValueError: An unknown format, or a suffix that contradicts ``format``.
    """
    target = _default_path(root) if path is None else Path(path)
    image_format = _image_format(target, format)
    if not target.suffix:
        target = target.with_suffix(f".{image_format}")
    source = to_dot(root, max_nodes=max_nodes, show_order=show_order, rankdir=rankdir, view=view)
    dot_path = target.with_suffix(".dot")
    write_atomic(dot_path, source)
    image = _run_dot(source, image_format, "render", dot_path)
    write_atomic(target, image)
    return target


def draw_dot(
    root: Value,
    format: ImageFormat = "svg",
    rankdir: RankDir = "LR",
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    show_order: bool = False,
    view: View = "auto",
) -> Any:
    """The graph of ``root`` as a ``graphviz.Digraph``, as micrograd's lecture draws it.

    The Digraph holds the DOT source of :func:`to_dot`. In Jupyter, a cell ending in
    ``draw_dot(o)`` shows the picture; elsewhere ``draw_dot(o).render("o")`` writes ``o.svg``
    (``format`` chooses the file type) and ``.view()`` opens it. Needs the ``graphviz``
    package (``pip install 'opgrad[viz]'``); showing or rendering it needs Graphviz's ``dot``.

    Args:
        root: The node whose graph to draw.
        format: The Digraph's output format, ``"svg"`` or ``"png"``.
        rankdir: As in :func:`to_dot`.
        max_nodes: As in :func:`to_dot`.
        show_order: As in :func:`to_dot`.
        view: As in :func:`to_dot`.

    Returns:
        A ``graphviz.Digraph`` whose ``source`` is :func:`to_dot`'s.

    Raises:
        GraphvizNotFoundError: The ``graphviz`` package is missing.
        ValueError: An unknown format, or as in :func:`to_dot`.
    """
    if format not in _IMAGE_FORMATS:
        raise ValueError(f"draw_dot: format must be 'svg' or 'png', got {format!r}")
    graphviz = _graphviz("draw_dot")
    source = to_dot(root, max_nodes=max_nodes, show_order=show_order, rankdir=rankdir, view=view)
    lines = source.splitlines(keepends=True)
    # to_dot's first and last lines open and close the digraph that Digraph writes itself.
    return graphviz.Digraph(name="opgrad", format=format, body=lines[1:-1])


def _mimebundle(
    value: Value, include: Container[str] | None = None, exclude: Container[str] | None = None
) -> dict[str, str]:
    """Jupyter's rich display of a Value: its graph as SVG when Graphviz works, else text."""
    bundle = {"text/plain": repr(value)}
    if (include is not None and _SVG not in include) or (exclude is not None and _SVG in exclude):
        return bundle
    try:
        svg = _run_dot(to_dot(value), "svg", "displaying a Value as a graph")
    except GraphvizNotFoundError:
        return bundle
    bundle[_SVG] = svg.decode("utf-8")
    return bundle
