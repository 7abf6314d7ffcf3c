"""Animations of the backward pass: the graph as gradients fill in, as a web page or a GIF."""

from __future__ import annotations

import io
import os
import re
import string
from collections.abc import Sequence
from html import escape as html_escape
from pathlib import Path

import attrs

from autograd.executor import GraphExecutor
from autograd.files import write_atomic
from autograd.stepper import _named_with_op, _node_names
from autograd.value import Value
from autograd.views.viz import (
    DEFAULT_MAX_NODES,
    RankDir,
    _check_options,
    _dot,
    _run_dot,
    _select,
    _Selection,
)

__all__ = ["animate_backward"]


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
    while not stepper.done:
        step = stepper.step()
        node = step.node
        if node in drawn and step.edges:
            who = _named_with_op(node, names[node])
            header = f"{who} passes its gradient back"
            parents = tuple(edge.parent for edge in step.edges)
            frames.append(_Frame(state(), node, parents, "\n".join([header, *step.lines])))
    final = state()
    if final != frames[-1].grads:  # nodes not drawn still added to drawn ones
        frames.append(_Frame(final, None, (), "Backward pass complete (some steps not drawn)"))
    # Numbered as the page's counter and the slider count them: the seed is frame 1.
    count = len(frames)
    return [
        attrs.evolve(frame, caption=f"Frame {i} of {count}: {frame.caption}")
        for i, frame in enumerate(frames, start=1)
    ]


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
.frame.current { display: block; overflow-x: auto; }
/* Drawn at Graphviz's size (14 pt text), never shrunk to the window: a wide graph scrolls
   sideways rather than turning its captions and numbers into 8 px print. */
.frame svg { max-width: none; height: auto; }
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
