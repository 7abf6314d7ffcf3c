"""Drawings of a graph: DOT source, rendered images, Jupyter display and backprop animations.

:func:`to_dot` is plain string building and needs nothing beyond the standard library. Turning
DOT into pictures needs the ``graphviz`` Python package (``pip install 'opgrad[viz]'``) and
Graphviz's ``dot`` program (``apt-get install graphviz``, ``brew install graphviz``); GIF
animations also need Pillow (``pip install 'opgrad[plot]'``). Those are imported only when a
picture is made.
"""

from __future__ import annotations

import io
import os
import re
import string
from collections import deque
from collections.abc import Callable, Collection, Container, Sequence
from html import escape as html_escape
from pathlib import Path
from typing import Literal

import attrs

from autograd.executor import GraphExecutor, _format_number, _named_with_op, _node_names
from autograd.files import write_atomic
from autograd.value import Value

__all__ = ["DEFAULT_MAX_NODES", "GraphvizNotFoundError", "animate_backward", "render", "to_dot"]

RankDir = Literal["LR", "RL", "TB", "BT"]
ImageFormat = Literal["svg", "png"]

DEFAULT_MAX_NODES = 200
"""How many Values a drawing shows at most unless told otherwise."""

_RANKDIRS = ("LR", "RL", "TB", "BT")
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


def _check_options(max_nodes: int, rankdir: str) -> None:
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")


def _select(root: Value, max_nodes: int) -> _Selection:
    """Keep the ``max_nodes`` nodes nearest the root: fewest steps away, breadth first.

    Every kept node other than the root then has a kept consumer on its shortest path to the
    root, so the drawing stays one connected piece that ends in the root.
    """
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


_RECORD_SPECIAL = re.compile(r'([\\{}|<>"])')
_TEXT_SPECIAL = re.compile(r'([\\"])')


def _escape_record(text: str) -> str:
    r"""Escape a field of a DOT record label: ``\ { } | < > "`` are backslashed."""
    text = _RECORD_SPECIAL.sub(r"\\\1", text)
    return text.replace("\r", " ").replace("\t", " ").replace("\n", r"\n")


def _escape_text(text: str, newline: str = r"\n") -> str:
    r"""Escape a plain DOT label: ``\`` and ``"`` are backslashed, newlines become ``newline``."""
    text = _TEXT_SPECIAL.sub(r"\\\1", text)
    return text.replace("\r", " ").replace("\t", " ").replace("\n", newline)


def _attributes(**attributes: str) -> str:
    return ", ".join(f'{key}="{value}"' for key, value in attributes.items())


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
    graph = {"rankdir": rankdir, "fontname": "Helvetica", "fontsize": "12", "nodesep": "0.25"}
    if caption:
        # \l ends a line left-justified; the last line needs one too, or it is centred.
        graph.update(
            label=_escape_text(caption, newline=r"\l") + r"\l", labelloc="t", labeljust="l"
        )
    lines = [
        "digraph opgrad {",
        f"  graph [{_attributes(**graph)}];",
        f"  node [{_attributes(fontname='Helvetica', fontsize='11')}];",
        f"  edge [{_attributes(arrowsize='0.6', color='#555555')}];",
    ]
    # In a record, a top-level {...} turns the fields sideways: with left-to-right ranks they
    # would stack vertically, so the braces lay them out in a row again.
    sideways = rankdir in ("LR", "RL")
    for node in selection.kept:
        i = index[node]
        fields = [f"#{i}"] if show_order else []
        fields += [node.label, f"data {_format_number(node.data)}"]
        fields.append(f"grad {_format_number(grad_of(node))}")
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
) -> str:
    r"""DOT source drawing the graph of ``root``: Values as record boxes, operations as ovals.

    Every Value is a record ``label | data | grad`` (``v<i>``, ``i`` its topological index);
    every non-leaf also gets an oval with its operation's symbol, ``str(node.op)``
    (``v<i>_op``), and edges run input -> operation -> result. Numbers are printed with four
    significant digits and no trailing zeros (``0.5``, ``-1.5``, ``6.881``, ``1e-08``). Labels
    are escaped for DOT's record syntax, so any label is drawn as written.

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

    Returns:
        The DOT source of a ``digraph``, ending in a newline.

    Raises:
        ValueError: ``max_nodes`` is not a positive int, or ``rankdir`` is unknown.

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
    _check_options(max_nodes, rankdir)
    selection = _select(root, max_nodes)
    return _dot(selection, show_order=show_order, rankdir=rankdir, grad_of=_stored_grad)


def _stored_grad(node: Value) -> float:
    return node.grad


def _run_dot(source: str, format: str, what: str, dot_path: Path | None = None) -> bytes:
    """Lay out and draw DOT source with Graphviz; raise GraphvizNotFoundError if it is missing."""
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


def render(
    root: Value,
    path: str | os.PathLike[str],
    format: ImageFormat | None = None,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    show_order: bool = False,
    rankdir: RankDir = "LR",
) -> Path:
    """Draw the graph of ``root`` into an SVG or PNG file, with its DOT source beside it.

    The DOT source of :func:`to_dot` is written next to the image (``graph.svg`` ->
    ``graph.dot``) first, so it is there even when Graphviz is not. Both files are replaced
    atomically; missing directories are created.

    Args:
        root: The node whose graph to draw.
        path: The image file. Without a suffix, ``.svg`` or ``.png`` is added.
        format: ``"svg"`` or ``"png"``; by default taken from the suffix of ``path``, else SVG.
        max_nodes: As in :func:`to_dot`.
        show_order: As in :func:`to_dot`.
        rankdir: As in :func:`to_dot`.

    Returns:
        The path of the image written.

    Raises:
        GraphvizNotFoundError: The ``graphviz`` package or the ``dot`` program is missing; the
            message says how to install it, and the DOT file has been written.
        ValueError: An unknown format, or a suffix that contradicts ``format``.
    """
    target = Path(path)
    image_format = _image_format(target, format)
    if not target.suffix:
        target = target.with_suffix(f".{image_format}")
    source = to_dot(root, max_nodes=max_nodes, show_order=show_order, rankdir=rankdir)
    dot_path = target.with_suffix(".dot")
    write_atomic(dot_path, source)
    image = _run_dot(source, image_format, "render", dot_path)
    write_atomic(target, image)
    return target


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


@attrs.frozen
class _Frame:
    """One picture of an animation: every drawn node's gradient at a moment of the pass."""

    grads: dict[Value, float]
    focus: Value | None
    touched: tuple[Value, ...]
    caption: str


def _frames(root: Value, selection: _Selection) -> list[_Frame]:
    """The states of one backward pass: before it, then after each drawn node passes back.

    The pass is the executor's own stepper, run without touching the graph, so the numbers,
    the order and the captions' lines are those of ``GraphExecutor.stepper`` and ``explain``;
    no node's ``grad`` changes.
    """
    stepper = GraphExecutor().stepper(root, accumulate=False)
    names = stepper.names
    shown = selection.kept
    drawn = selection.kept_set
    name = names[root]

    def state() -> dict[Value, float]:
        return {node: stepper.pass_grad(node) for node in shown}

    seeded = dict.fromkeys(shown, 0.0) | {root: 1.0}
    frames = [_Frame(seeded, None, (), f"Backward pass from {name}: seed {name}.grad = 1")]
    total = sum(1 for node in shown if node.op is not None)
    while not stepper.done:
        step = stepper.step()
        node = step.node
        if node in drawn and step.edges:
            who = _named_with_op(node, names[node])
            header = f"{len(frames)}/{total}: {who} passes its gradient back"
            parents = tuple(edge.parent for edge in step.edges)
            frames.append(_Frame(state(), node, parents, "\n".join([header, *step.lines])))
    final = state()
    if final != frames[-1].grads:  # nodes not drawn still added to drawn ones
        frames.append(_Frame(final, None, (), "Backward pass complete (some steps not drawn)"))
    return frames


_HTML = string.Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>$title</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
.controls { display: flex; gap: 0.5em; align-items: center; margin-bottom: 1em; }
.controls input[type=range] { flex: 0 1 24em; }
.frame { display: none; }
.frame.current { display: block; }
.frame svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>$title</h1>
<div class="controls">
<button id="prev" type="button">&#9664; prev</button>
<button id="play" type="button">play</button>
<button id="next" type="button">next &#9654;</button>
<input id="slider" type="range" min="0" max="$last" value="0" aria-label="frame">
<span id="counter">frame 1 of $count</span>
</div>
$frames
<script>
(function () {
  const frames = document.querySelectorAll(".frame");
  const slider = document.getElementById("slider");
  const counter = document.getElementById("counter");
  const play = document.getElementById("play");
  let current = 0;
  let timer = null;
  function show(i) {
    current = Math.max(0, Math.min(frames.length - 1, i));
    frames.forEach((frame, k) => frame.classList.toggle("current", k === current));
    slider.value = current;
    counter.textContent = "frame " + (current + 1) + " of " + frames.length;
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    play.textContent = "play";
  }
  function step(i) { stop(); show(i); }
  document.getElementById("prev").onclick = () => step(current - 1);
  document.getElementById("next").onclick = () => step(current + 1);
  slider.oninput = () => step(Number(slider.value));
  play.onclick = () => {
    if (timer !== null) { stop(); return; }
    if (current === frames.length - 1) show(0);
    play.textContent = "pause";
    timer = setInterval(() => {
      if (current === frames.length - 1) stop(); else show(current + 1);
    }, $delay);
  };
  document.addEventListener("keydown", (event) => {
    if (event.key === "ArrowLeft") step(current - 1);
    if (event.key === "ArrowRight") step(current + 1);
  });
  show(0);
})();
</script>
</body>
</html>
""")

_SVG_NAMESPACES = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')
_SVG_IDS = re.compile(r'\bid="')


def _inline_svg(svg: str, prefix: str) -> str:
    """Make dot's SVG document fit inside HTML: no XML prolog, no namespaces, unique ids.

    HTML puts an inline ``<svg>`` in the SVG namespace by itself, and dropping the prolog and
    namespace declarations leaves the page without a single URL.
    """
    svg = svg[svg.index("<svg") :]
    svg = _SVG_NAMESPACES.sub("", svg, count=2)
    return _SVG_IDS.sub(f'id="{prefix}', svg)


def _html_page(title: str, svgs: Sequence[str], seconds_per_frame: float) -> str:
    frames = "\n".join(
        f'<div class="frame{" current" if i == 0 else ""}" id="frame-{i}">\n'
        f"{_inline_svg(svg, f'f{i}-')}</div>"
        for i, svg in enumerate(svgs)
    )
    return _HTML.substitute(
        title=html_escape(title),
        last=len(svgs) - 1,
        count=len(svgs),
        frames=frames,
        delay=round(seconds_per_frame * 1000),
    )


def _gif(pngs: Sequence[bytes], seconds_per_frame: float) -> bytes:
    """Assemble PNG frames of different sizes into one looping GIF on a white canvas."""
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError(
            "animate_backward: writing a GIF needs Pillow, which comes with the 'plot' extra: "
            "pip install 'opgrad[plot]' (or write a .html page instead)"
        ) from error
    pictures = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    width = max(picture.width for picture in pictures)
    height = max(picture.height for picture in pictures)
    frames = []
    for picture in pictures:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(picture, (0, 0))
        frames.append(canvas)
    milliseconds = round(seconds_per_frame * 1000)
    # The last picture, the finished pass, stays up longer before the loop starts again.
    durations = [milliseconds] * (len(frames) - 1) + [3 * milliseconds]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=0,
    )
    return buffer.getvalue()


def animate_backward(
    root: Value,
    path: str | os.PathLike[str],
    *,
    seconds_per_frame: float = 1.0,
    max_nodes: int = DEFAULT_MAX_NODES,
    show_order: bool = True,
    rankdir: RankDir = "LR",
) -> Path:
    """Animate one backward pass from ``root``: the graph as gradients fill in, node by node.

    The first frame shows the seed (``root.grad = 1``, every other gradient 0); each next frame
    shows the state after one node has passed its gradient to its inputs, in the executor's
    order, with that node in orange, its inputs in green and the chain-rule lines of
    :func:`~autograd.explain` as a caption. The numbers are those the executor reports
    to its ``observer``; no node's ``grad`` is changed.

    Args:
        root: The node to differentiate; its gradient is seeded with 1.
        path: Where to write: a ``.html`` page (self-contained: inline SVG frames, a slider,
            previous/next/play buttons and arrow keys, no external URL) or a ``.gif``.
        seconds_per_frame: How long a frame stays when playing (the last one stays 3 times
            longer in a GIF).
        max_nodes: As in :func:`to_dot`; only nodes drawn get a frame of their own.
        show_order: As in :func:`to_dot`; on by default, so that the captions' names of
            unlabelled nodes (``#7(*)``) can be found in the picture.
        rankdir: As in :func:`to_dot`.

    Returns:
        The path written.

    Raises:
        GraphvizNotFoundError: The ``graphviz`` package or the ``dot`` program is missing.
        ImportError: A GIF was asked for and Pillow (the ``plot`` extra) is missing.
        ValueError: ``path`` ends in neither ``.html``/``.htm`` nor ``.gif``, or
            ``seconds_per_frame`` is not positive.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".html", ".htm", ".gif"):
        raise ValueError(f"animate_backward: path must end in .html or .gif, got {target}")
    if not seconds_per_frame > 0:
        raise ValueError(f"seconds_per_frame must be positive, got {seconds_per_frame!r}")
    _check_options(max_nodes, rankdir)
    selection = _select(root, max_nodes)
    sources = [
        _dot(
            selection,
            show_order=show_order,
            rankdir=rankdir,
            grad_of=frame.grads.__getitem__,
            focus=frame.focus,
            touched=frame.touched,
            caption=frame.caption,
        )
        for frame in _frames(root, selection)
    ]
    what = "animate_backward"
    if suffix == ".gif":
        pngs = [_run_dot(source, "png", what) for source in sources]
        write_atomic(target, _gif(pngs, seconds_per_frame))
        return target
    svgs = [_run_dot(source, "svg", what).decode("utf-8") for source in sources]
    name = _node_names(selection.order)[root]
    page = _html_page(f"Backward pass from {name}", svgs, seconds_per_frame)
    write_atomic(target, page)
    return target
