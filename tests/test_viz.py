from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from autograd import (
    GraphExecutor,
    GraphvizNotFoundError,
    Value,
    draw_dot,
    render,
    to_dot,
)
from autograd.views.examples import lecture_neuron
from drawings import chain, needs_graphviz

RECORD = re.compile(r'^  (v\d+) \[shape=record, label="(.*)"(?:, .*)?\];$', re.MULTILINE)
OPERATION = re.compile(r'^  (v\d+)_op \[shape=ellipse, label="(.*?)"', re.MULTILINE)
EDGE = re.compile(r"^  (\w+) -> (\w+)(?: \[.*\])?;$", re.MULTILINE)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_to_dot_draws_every_value_operation_and_edge() -> None:
    o = lecture_neuron()
    o.backward()
    source = to_dot(o)
    order = GraphExecutor().topological_order(o)
    index = {node: i for i, node in enumerate(order)}

    records = dict(RECORD.findall(source))
    assert set(records) == {f"v{i}" for i in range(len(order))}
    operations = dict(OPERATION.findall(source))
    assert operations == {f"v{index[n]}": str(n.op) for n in order if n.op is not None}
    assert sorted(operations.values()) == ["*", "*", "+", "+", "tanh"]

    expected = []
    for node in order:
        if node.op is not None:
            expected += [(f"v{index[p]}", f"v{index[node]}_op") for p in node.parents]
            expected.append((f"v{index[node]}_op", f"v{index[node]}"))
    assert sorted(EDGE.findall(source)) == sorted(expected)
    assert len(expected) == 9 + 5

    by_label = {label.split(" | ")[0].strip("{ "): label for label in records.values()}
    assert by_label["x1"] == "{ x1 | data 2 | grad -1.5 }"
    assert by_label["w2"] == "{ w2 | data 1 | grad 0 }"
    assert by_label["b"] == "{ b | data 6.881 | grad 0.5 }"
    assert by_label["o"] == "{ o | data 0.7071 | grad 1 }"
    assert 'rankdir="LR"' in source
    assert source.startswith("digraph opgrad {\n")
    assert source.endswith("}\n")


def test_to_dot_counts_fan_out_edges_twice() -> None:
    x = Value(3.0, label="x")
    source = to_dot(x * x)
    assert EDGE.findall(source) == [("v0", "v1_op"), ("v0", "v1_op"), ("v1_op", "v1")]


def test_to_dot_of_a_leaf_is_one_box() -> None:
    source = to_dot(Value(-0.0, label="x"))
    assert RECORD.findall(source) == [("v0", "{ x | data 0 | grad 0 }")]
    assert not EDGE.findall(source)


def test_to_dot_formats_numbers_compactly() -> None:
    node = Value(1e-8, label="tiny") * 123456.789
    node.grad = -2.0 / 3.0
    records = [label for _, label in RECORD.findall(to_dot(node))]
    assert records == [
        "{ tiny | data 1e-08 | grad 0 }",
        "{  | data 1.235e+05 | grad 0 }",
        "{  | data 0.001235 | grad -0.6667 }",
    ]


def test_to_dot_show_order_numbers_the_boxes_topologically() -> None:
    source = to_dot(lecture_neuron(), show_order=True)
    records = RECORD.findall(source)
    assert [label.split(" | ")[0] for _, label in records] == [f"{{ #{i}" for i in range(10)]
    assert records[-1] == ("v9", "{ #9 | o | data 0.7071 | grad 0 }")


def test_to_dot_top_to_bottom_keeps_the_fields_in_a_row() -> None:
    source = to_dot(lecture_neuron(), rankdir="TB")
    assert 'rankdir="TB"' in source
    assert ("v9", "o | data 0.7071 | grad 0") in RECORD.findall(source)


def test_to_dot_escapes_record_syntax() -> None:
    node = Value(1.0, label='a|b{c}<d>"e\\f')
    op_node = node.tanh()
    op_node.label = "line\nbreak"
    source = to_dot(op_node)
    assert '{ a\\|b\\{c\\}\\<d\\>\\"e\\\\f | data 1 | grad 0 }' in source
    assert "{ line\\nbreak | data 0.7616 | grad 0 }" in source


@needs_graphviz
def test_to_dot_escaped_labels_are_drawn_as_written(tmp_path: Path) -> None:
    node = Value(1.0, label='a|b{c}<d>"e\\f')
    svg = render(node * 2, tmp_path / "escaped.svg").read_text()
    assert ">a|b{c}&lt;d&gt;&quot;e\\f<" in svg
    # The label is one field: the record still has exactly three.
    assert svg.count(">data 1<") == 1


def test_to_dot_max_nodes_keeps_the_nodes_nearest_the_root() -> None:
    root = chain(50)  # 101 nodes: the start, and 50 products each with a constant 1.0
    order = GraphExecutor().topological_order(root)
    source = to_dot(root, max_nodes=10)
    records = RECORD.findall(source)
    assert len(records) == 10
    assert records[-1] == ("v100", "{  | data 0.5 | grad 0 }")  # the root
    kept = [order[int(name[1:])] for name, _ in records]
    # Breadth first from the root: 4 products with their constants, then a fifth product
    # (index 90), reached before its constant (91).
    assert [i for i, node in enumerate(order) if node in kept] == [90, *range(92, 101)]
    assert "v90_hidden -> v90_op" in source
    assert {name for name, _ in OPERATION.findall(source)} == {
        f"v{order.index(node)}" for node in kept if node.op is not None
    }
    assert 'left_out [shape=note, label="91 more nodes not shown (max_nodes=10)' in source
    names = {name for name, _ in records}
    for parent, child in EDGE.findall(source):
        assert parent.removesuffix("_op").removesuffix("_hidden") in names
        assert child.removesuffix("_op") in names


def test_to_dot_max_nodes_prefers_direct_inputs_to_deep_ones() -> None:
    deep = chain(30)
    bias = Value(2.0, label="bias")
    root = deep + bias  # in topological order the bias comes right before the root
    labels = [label for _, label in RECORD.findall(to_dot(root, max_nodes=3))]
    assert labels == [
        "{  | data 0.5 | grad 0 }",
        "{ bias | data 2 | grad 0 }",
        "{  | data 2.5 | grad 0 }",
    ]


def test_to_dot_marks_operations_with_inputs_left_out() -> None:
    source = to_dot(chain(5), max_nodes=3)
    hidden = [edge for edge in EDGE.findall(source) if edge[0].endswith("_hidden")]
    assert hidden == [("v8_hidden", "v8_op")]
    assert "v8_hidden -> v8_op [style=" in source


def test_to_dot_is_iterative_on_deep_graphs() -> None:
    root = chain(20_000)  # far beyond the recursion limit
    records = RECORD.findall(to_dot(root, max_nodes=5))
    assert len(records) == 5


def test_to_dot_does_not_need_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    assert len(RECORD.findall(to_dot(lecture_neuron()))) == 10


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_nodes": 0}, "max_nodes must be a positive int, got 0"),
        ({"max_nodes": 2.5}, "max_nodes must be a positive int, got 2.5"),
        ({"max_nodes": True}, "max_nodes must be a positive int, got True"),
        ({"rankdir": "XY"}, "rankdir must be one of LR, RL, TB, BT, got 'XY'"),
        ({"view": "tree"}, "view must be one of auto, full, summary, got 'tree'"),
    ],
)
def test_to_dot_refuses_bad_options(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        to_dot(lecture_neuron(), **options)  # type: ignore[arg-type]


@needs_graphviz
@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_render_writes_the_image_and_the_dot_source(tmp_path: Path, suffix: str) -> None:
    o = lecture_neuron()
    o.backward()
    path = render(o, tmp_path / "drawings" / f"neuron.{suffix}")
    assert path == tmp_path / "drawings" / f"neuron.{suffix}"
    assert path.with_suffix(".dot").read_text() == to_dot(o)
    data = path.read_bytes()
    if suffix == "svg":
        text = data.decode()
        assert text.count('class="node"') == 15  # 10 boxes and 5 operations
        assert text.count('class="edge"') == 14
        assert ">grad &#45;1.5<" in text
    else:
        width, height = png_size(data)
        assert 600 <= width <= 4000, (width, height)
        assert 100 <= height <= 1000, (width, height)
        assert width > 3 * height  # left to right: a wide picture
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, "neuron.dot"])


@needs_graphviz
def test_render_files_follow_the_umask(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    path = render(lecture_neuron(), tmp_path / "neuron.svg")
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert path.with_suffix(".dot").stat().st_mode & 0o777 == 0o666 & ~umask


@needs_graphviz
def test_render_takes_the_format_from_the_suffix(tmp_path: Path) -> None:
    assert render(lecture_neuron(), tmp_path / "a").name == "a.svg"
    assert render(lecture_neuron(), tmp_path / "b", format="png").name == "b.png"
    assert png_size(render(lecture_neuron(), tmp_path / "c.PNG").read_bytes())[0] > 0


@pytest.mark.parametrize(
    ("name", "format", "message"),
    [
        ("g.png", "svg", "ends in .png but format is 'svg'"),
        ("g.pdf", None, "cannot draw"),
        ("g.dot", None, "or to_dot() for DOT source"),
        ("g", "jpg", "cannot draw"),
    ],
)
def test_render_refuses_unknown_formats(
    tmp_path: Path, name: str, format: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        render(lecture_neuron(), tmp_path / name, format)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_render_without_dot_writes_the_dot_file_and_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("graphviz")
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    target = tmp_path / "neuron.png"
    with pytest.raises(GraphvizNotFoundError) as caught:
        render(lecture_neuron(), target)
    message = str(caught.value)
    assert "dot program" in message
    assert "apt-get install graphviz" in message
    assert "brew install graphviz" in message
    assert str(tmp_path / "neuron.dot") in message
    assert caught.value.dot_path == tmp_path / "neuron.dot"
    assert (tmp_path / "neuron.dot").read_text() == to_dot(lecture_neuron())
    assert not target.exists()
    assert isinstance(caught.value, RuntimeError)


def test_render_without_the_graphviz_package_says_which_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(GraphvizNotFoundError, match=re.escape("pip install 'opgrad[viz]'")):
        render(lecture_neuron(), tmp_path / "neuron.svg")
    assert (tmp_path / "neuron.dot").exists()
    assert not (tmp_path / "neuron.svg").exists()


@needs_graphviz
def test_repr_mimebundle_is_the_graph_as_svg() -> None:
    o = lecture_neuron()
    bundle = o._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    assert bundle["text/plain"] == repr(o)
    assert bundle["image/svg+xml"].count('class="node"') == 15
    assert o._repr_mimebundle_(include={"text/plain"}) == {"text/plain": repr(o)}
    assert o._repr_mimebundle_(exclude={"image/svg+xml"}) == {"text/plain": repr(o)}


def test_repr_mimebundle_falls_back_to_text_without_dot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    o = lecture_neuron()
    assert o._repr_mimebundle_() == {"text/plain": repr(o)}
    monkeypatch.setitem(sys.modules, "graphviz", None)
    assert o._repr_mimebundle_() == {"text/plain": repr(o)}


def test_to_dot_summary_of_a_graph_without_neurons_says_to_draw_it_in_full() -> None:
    with pytest.raises(ValueError, match="this graph has no such neuron; use view='full'"):
        to_dot(lecture_neuron(), view="summary")
    # "auto" draws a big graph without neurons in full, up to max_nodes.
    assert len(RECORD.findall(to_dot(chain(300)))) == 200


@needs_graphviz
def test_draw_dot_is_a_digraph_of_to_dots_source_whose_nodes_match_the_graph() -> None:
    graphviz = pytest.importorskip("graphviz")
    o = lecture_neuron()
    o.backward()
    dot = draw_dot(o)
    assert isinstance(dot, graphviz.Digraph)
    assert dot.source == to_dot(o)
    assert dot.format == "svg"
    layout = json.loads(dot.pipe(format="json"))  # dot parses it and lays it out
    order = GraphExecutor().topological_order(o)
    drawn = {obj["name"] for obj in layout["objects"]}
    boxes = {f"v{i}" for i in range(len(order))}
    ovals = {f"v{i}_op" for i, node in enumerate(order) if node.op is not None}
    assert drawn == boxes | ovals
    assert len(layout["edges"]) == 14
    assert draw_dot(o, format="png", rankdir="TB").source == to_dot(o, rankdir="TB")


@needs_graphviz
def test_draw_dot_renders_and_displays_like_any_digraph(tmp_path: Path) -> None:
    o = lecture_neuron()
    written = Path(draw_dot(o).render(tmp_path / "o"))
    assert written == tmp_path / "o.svg"
    assert written.read_text().count('class="node"') == 15
    assert "image/svg+xml" in draw_dot(o)._repr_mimebundle_()


def test_draw_dot_without_the_graphviz_package_says_which_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(GraphvizNotFoundError, match=re.escape("pip install 'opgrad[viz]'")):
        draw_dot(lecture_neuron())
    with pytest.raises(ValueError, match="format must be 'svg' or 'png', got 'pdf'"):
        draw_dot(lecture_neuron(), format="pdf")  # type: ignore[arg-type]


@needs_graphviz
@pytest.mark.parametrize(
    ("label", "name"),
    [("o", "o.svg"), ("", "graph.svg"), ("../loss/total", "loss_total.svg"), ("x*w", "x_w.svg")],
)
def test_render_without_a_path_names_the_file_after_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, label: str, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    o = lecture_neuron()
    o.label = label
    assert render(o) == Path(name)
    assert (tmp_path / name).read_text().startswith("<?xml")
    assert (tmp_path / name).with_suffix(".dot").exists()
    assert render(o, format="png") == Path(name).with_suffix(".png")
