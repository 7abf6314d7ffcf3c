from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from autograd import GraphExecutor, GraphvizNotFoundError, Value, animate_backward
from autograd.views.examples import lecture_neuron
from drawings import HAVE_GRAPHVIZ, chain, needs_graphviz

FRAME = re.compile(r'<div class="frame(?: current)?" id="frame-(\d+)">\n(<svg.*?</svg>)', re.DOTALL)


@needs_graphviz
def test_animate_backward_html_has_a_frame_per_node_and_no_urls(tmp_path: Path) -> None:
    o = lecture_neuron()
    nodes = GraphExecutor().topological_order(o)
    for node in nodes:
        node.grad = 7.0
    path = animate_backward(o, tmp_path / "backward.html")
    assert all(node.grad == 7.0 for node in nodes)

    page = path.read_text()
    frames = FRAME.findall(page)
    assert [int(i) for i, _ in frames] == list(range(6))  # the seed, then each of 5 operations
    assert page.count("<svg") == 6
    assert 'max="5"' in page
    assert "http:" not in page
    assert "https:" not in page
    assert "src=" not in page
    assert "<?xml" not in page
    assert "<!DOCTYPE svg" not in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))

    first, last = frames[0][1], frames[-1][1]
    assert first.count(">grad 0<") == 9
    assert first.count(">grad 1<") == 1
    assert "Backward pass from o: seed o.grad = 1" in first
    for text in [">grad &#45;1.5<", ">grad 1<", ">grad 0<"]:
        assert text in last
    assert last.count(">grad 0.5<") == 6  # n, x1w1x2w2, b, x1w1, x2w2, x2
    assert "w1.grad += x1w1.grad * d(x1w1)/d(w1) = 0.5 * 2 = 1 &#45;&gt; 1" in last
    second = frames[1][1]
    assert "Frame 2 of 6: o (tanh) passes its gradient back" in second
    assert second.count(">grad 0.5<") == 1  # only n has its gradient after the first step


@needs_graphviz
def test_animate_backward_gif_has_one_frame_per_step(tmp_path: Path) -> None:
    image_module = pytest.importorskip("PIL.Image")
    o = lecture_neuron()
    path = animate_backward(o, tmp_path / "backward.gif", seconds_per_frame=0.5)
    with image_module.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == 6
        assert gif.info["duration"] == 500
        assert gif.width > 3 * gif.height
    assert all(node.grad == 0.0 for node in GraphExecutor().topological_order(o))


@needs_graphviz
def test_animate_backward_only_draws_frames_for_nodes_shown(tmp_path: Path) -> None:
    root = chain(20) + Value(1.0, label="bias")
    page = animate_backward(root, tmp_path / "big.html", max_nodes=4).read_text()
    # Drawn: the root, the bias and the last two products; frames: the seed and 3 operations.
    assert len(FRAME.findall(page)) == 4
    assert "Backward pass complete" not in page


@needs_graphviz
def test_animate_backward_ends_with_gradients_that_arrive_from_nodes_not_drawn(
    tmp_path: Path,
) -> None:
    x = Value(2.0, label="x")
    deep = x
    for _ in range(10):
        deep = deep * 1.0
    root = deep + x  # x gets 1 straight from the root, and 1 more at the end of the chain
    page = animate_backward(root, tmp_path / "fan-out.html", max_nodes=3).read_text()
    frames = [svg for _, svg in FRAME.findall(page)]
    assert len(frames) == 4  # the seed, the root, the last product, and the finished pass
    assert "Backward pass complete (some steps not drawn)" in frames[-1]
    assert "Backward pass complete" not in frames[-2]
    assert ">grad 2<" in frames[-1]
    assert ">grad 2<" not in frames[-2]


def test_animate_backward_gif_without_pillow_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not HAVE_GRAPHVIZ and not os.environ.get("CI"):
        pytest.skip("needs Graphviz to get as far as the GIF")
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=re.escape("pip install 'opgrad[plot]'")):
        animate_backward(lecture_neuron(), tmp_path / "backward.gif")
    assert list(tmp_path.iterdir()) == []


def test_animate_backward_without_dot_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        animate_backward(lecture_neuron(), tmp_path / "backward.html")


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("backward.svg", {}, "path must end in .html or .gif"),
        ("backward.gif", {"seconds_per_frame": 0}, "seconds_per_frame must be positive"),
        ("backward.html", {"max_nodes": -1}, "max_nodes must be a positive int"),
    ],
)
def test_animate_backward_refuses_bad_arguments(
    tmp_path: Path, name: str, options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        animate_backward(lecture_neuron(), tmp_path / name, **options)  # type: ignore[arg-type]


@needs_graphviz
def test_animate_backward_caption_names_an_unlabelled_nodes_op_once(tmp_path: Path) -> None:
    x = Value(3.0, label="x")
    page = animate_backward(x * 2 + 1, tmp_path / "unlabelled.html").read_text()
    assert "Frame 2 of 3: #4(+) passes its gradient back" in page
    assert "Frame 3 of 3: #2(*) passes its gradient back" in page
    assert "(+) (+)" not in page


@needs_graphviz
def test_animate_backward_captions_number_frames_as_the_counter_and_stay_full_size(
    tmp_path: Path,
) -> None:
    """The counter's "frame 4 of 6" was captioned 3/5, and the SVG shrank its text to ~8 px."""
    x = Value(3.0, label="x")
    page = animate_backward(x * 2 + 1, tmp_path / "numbered.html").read_text()
    frames = FRAME.findall(page)
    count = len(frames)
    assert f"frame 1 of {count}" in page  # the counter
    for i, frame in frames:
        assert f"Frame {int(i) + 1} of {count}: " in frame
    assert "max-width: 100%" not in page  # drawn at Graphviz's size, scrolling if wide
    sizes = {float(size) for size in re.findall(r'font-size="([\d.]+)"', page)}
    assert sizes
    assert min(sizes) >= 11.0  # points: 11 pt is 14.7 px at the size drawn
