from __future__ import annotations

import re

import pytest

from autograd import ExplainedStep, GraphExecutor, Value, explain, explain_steps
from autograd.views.examples import lecture_neuron

# The single tanh neuron of the classic backprop lecture and its gradients, worked by hand there.
TEXTBOOK_GRADS = {
    "o": 1.0,
    "n": 0.5,
    "x1w1x2w2": 0.5,
    "b": 0.5,
    "x1w1": 0.5,
    "x2w2": 0.5,
    "w1": 1.0,
    "x1": -1.5,
    "w2": 0.0,
    "x2": 0.5,
}


LINE = re.compile(
    r"^\s*(?P<number>\d+)\. (?P<parent>\S+)\.grad \+= (?P<node>\S+)\.grad \* "
    r"d\((?P=node)\)/d\((?P=parent)\) = (?P<upstream>\S+) \* (?P<local>\S+) = "
    r"(?P<contribution>\S+) -> (?P<total>\S+)$"
)


def test_explain_text_gives_the_textbook_gradients() -> None:
    lines = explain(lecture_neuron()).splitlines()
    assert lines[0] == "Backward pass from o (tanh), seeded with o.grad = 1:"
    final: dict[str, float] = {"o": 1.0}
    for number, line in enumerate(lines[1:], start=1):
        match = LINE.match(line)
        assert match is not None, line
        assert int(match["number"]) == number
        # The line's own arithmetic holds (to the four digits printed) ...
        upstream, local = float(match["upstream"]), float(match["local"])
        assert float(match["contribution"]) == pytest.approx(upstream * local, rel=1e-3)
        # ... and the node passing back already has its complete gradient.
        assert upstream == pytest.approx(final[match["node"]], rel=1e-3)
        final[match["parent"]] = float(match["total"])
    assert final == pytest.approx(TEXTBOOK_GRADS, abs=1e-4)
    assert len(lines) == 1 + 9  # one line per (node, input) pair of the five operations


def test_explain_steps_numbers_match_the_textbook_and_backward() -> None:
    o = lecture_neuron()
    steps = explain_steps(o)
    grads = {"o": 1.0} | {s.parent: s.step.parent_grad for s in steps}
    assert grads == pytest.approx(TEXTBOOK_GRADS, abs=1e-12)
    reference = GraphExecutor().gradients(o)
    for s in steps:
        assert s.step.contribution == s.step.local_grad * s.step.upstream
        assert s.step.node.label == s.node
        assert s.step.parent.label == s.parent
        assert s.op == str(s.step.node.op)
    last = {s.step.parent: s.step.parent_grad for s in steps}
    assert all(last[node] == g for node, g in reference.items() if node is not o)


def test_explain_steps_follow_the_executor_order() -> None:
    steps = explain_steps(lecture_neuron())
    assert [s.number for s in steps] == list(range(1, 10))
    assert [(s.node, s.parent) for s in steps][:3] == [("o", "n"), ("n", "x1w1x2w2"), ("n", "b")]
    seen_as_parent: set[str] = set()
    for s in steps:
        # A node passes its gradient back only after everything it feeds has done so.
        assert s.node == "o" or s.node in seen_as_parent
        seen_as_parent.add(s.parent)


def test_explain_changes_no_grad() -> None:
    o = lecture_neuron()
    order = GraphExecutor().topological_order(o)
    for node in order:
        node.grad = 7.0
    explain(o)
    explain(o, format="markdown")
    explain_steps(o)
    assert all(node.grad == 7.0 for node in order)


def test_explain_markdown_is_a_table_with_the_textbook_numbers() -> None:
    text = explain(lecture_neuron(), format="markdown")
    lines = text.splitlines()
    assert lines[0] == "Backward pass from `o` (`tanh`), seeded with `o.grad` = 1:"
    assert lines[1] == ""
    header = [c.strip() for c in lines[2].strip("|").split("|")]
    assert header == [
        "#",
        "input",
        "node",
        "op",
        "node.grad",
        "d(node)/d(input)",
        "contribution",
        "input.grad",
    ]
    assert re.fullmatch(r"\|( [-:]+ \|)+", lines[3])
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines[4:]]
    assert len(rows) == 9
    assert all(len(row) == len(header) for row in rows)
    final = {row[1].strip("`"): float(row[7]) for row in rows}
    assert final == pytest.approx({k: v for k, v in TEXTBOOK_GRADS.items() if k != "o"}, abs=1e-4)
    assert rows[0] == ["1", "`n`", "`o`", "`tanh`", "1", "0.5", "0.5", "0.5"]
    assert rows[-1] == ["9", "`w1`", "`x1w1`", "`*`", "0.5", "2", "1", "1"]


def test_explain_names_unlabelled_nodes_by_index_and_op() -> None:
    x = Value(3.0, label="x")
    y = x * 2 + 1  # order: x #0, 2 #1, x*2 #2, 1 #3, + #4
    steps = explain_steps(y)
    assert [(s.node, s.parent) for s in steps] == [
        ("#4(+)", "#2(*)"),
        ("#4(+)", "#3"),
        ("#2(*)", "x"),
        ("#2(*)", "#1"),
    ]
    assert str(steps[2]) == "x.grad += #2(*).grad * d(#2(*))/d(x) = 1 * 2 = 2 -> 2"


def test_explain_tells_shared_labels_apart() -> None:
    a = Value(1.0, label="a")
    b = Value(2.0, label="a")
    c = a * b
    c.label = "c"
    assert [s.parent for s in explain_steps(c)] == ["a#0", "a#1"]


def test_explain_fan_out_shows_the_running_total() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    lines = explain(y).splitlines()[1:]
    assert lines == [
        "  1. x.grad += y.grad * d(y)/d(x) = 1 * 3 = 3 -> 3",
        "  2. x.grad += y.grad * d(y)/d(x) = 1 * 3 = 3 -> 6",
    ]


def test_explain_markdown_escapes_pipes_and_backticks_in_names() -> None:
    a = Value(1.0, label="a|b")
    b = Value(2.0, label="c`d")
    c = a + b
    c.label = "c"
    rows = explain(c, format="markdown").splitlines()[4:]
    assert rows[0].startswith("| 1 | `a\\|b` | `c` | `+` |")
    assert rows[1].startswith("| 2 | `` c`d `` | `c` | `+` |")


def test_explain_of_a_leaf_has_no_steps() -> None:
    x = Value(1.0, label="x")
    assert explain_steps(x) == []
    assert (
        explain(x) == "x is a leaf: its gradient is the seed, 1, and there is nothing to pass back."
    )
    assert explain(x, format="markdown").startswith("`x` is a leaf")


def test_explain_refuses_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="format must be 'text' or 'markdown', got 'html'"):
        explain(lecture_neuron(), format="html")  # type: ignore[arg-type]


def test_explained_step_is_frozen() -> None:
    (step, *_) = explain_steps(lecture_neuron())
    assert isinstance(step, ExplainedStep)
    with pytest.raises(AttributeError):
        step.node = "other"  # type: ignore[misc]


def test_explain_made_up_names_never_collide_with_labels() -> None:
    x = Value(3.0, label="#1")  # the name the constant 2 (node 1) would get
    two = Value(2.0)
    y = x * two  # order: '#1' #0, 2 #1, * #2
    y.label = "#2(*)"
    z = y * Value(1.0, label="a") * Value(1.0, label="a")
    named: dict[str, Value] = {}
    for s in explain_steps(z):
        for name, node in ((s.node, s.step.node), (s.parent, s.step.parent)):
            assert named.setdefault(name, node) is node, name
    assert named["#1"] is x
    assert named["#1'"] is two
    assert named["#2(*)"] is y


def test_explain_markdown_code_survives_newlines_and_backtick_runs() -> None:
    a = Value(1.0, label="a\r\nb")
    b = Value(2.0, label="c``d`")
    c = a + b
    c.label = "c"
    rows = explain(c, format="markdown").splitlines()[4:]
    assert len(rows) == 2
    assert rows[0].startswith("| 1 | `a  b` | `c` | `+` |")
    assert rows[1].startswith("| 2 | ``` c``d` ``` | `c` | `+` |")


def test_explain_header_names_an_unlabelled_roots_op_once() -> None:
    x = Value(3.0, label="x")
    z = x * 2 + 1
    assert explain(z).splitlines()[0] == "Backward pass from #4(+), seeded with #4(+).grad = 1:"
    assert explain(z, format="markdown").startswith("Backward pass from `#4(+)`, seeded")
    z.label = "z"
    assert explain(z).startswith("Backward pass from z (+), seeded with z.grad = 1:")


def test_explain_is_a_str_that_jupyter_shows_as_a_markdown_table() -> None:
    o = lecture_neuron()
    text = explain(o)
    table = explain(o, format="markdown")
    assert isinstance(text, str)
    assert text.startswith("Backward pass from o (tanh), seeded with o.grad = 1:\n  1. n.grad")
    assert text._repr_markdown_() == table == table._repr_markdown_()
    leaf = explain(Value(1.0, label="x"))
    assert leaf.startswith("x is a leaf")
    assert leaf._repr_markdown_().startswith("`x` is a leaf")
