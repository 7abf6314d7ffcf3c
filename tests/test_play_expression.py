from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import GraphExecutor, explain
from opgrad.play.expression import (
    MAX_FORMULA_LENGTH,
    MAX_LEAVES,
    MAX_NODES,
    ExpressionState,
    PlayError,
    neuron_state,
)


def grads(state: ExpressionState) -> dict[str, float]:
    return {name: leaf.grad for name, leaf in state.leaves.items()}


def test_expression_state_builds_the_lecture_expression_and_backward_gives_its_grads() -> None:
    state = ExpressionState.from_formula("(a*b + c) * f", {"a": 2, "b": -3, "c": 10, "f": -2})
    assert state.root.data == -8.0
    assert state.root.label == "out"
    state.backward()
    assert grads(state) == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}
    state.backward()  # pressed twice: the page shows one pass, not two added up
    assert grads(state) == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}
    state.reset()
    assert set(grads(state).values()) == {0.0}


def test_expression_state_gives_new_names_a_value_and_keeps_the_given_ones() -> None:
    state = ExpressionState.from_formula("x * y + z", {"x": 3.0, "unused": 1.0})
    assert {name: leaf.data for name, leaf in state.leaves.items()} == {
        "x": 3.0,
        "y": 1.0,
        "z": 1.0,
    }


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("x.__class__", "attribute access is not allowed at column 1"),
        ("__import__('os')", "calling '__import__' is not allowed"),
        ("x +", "invalid syntax"),
        ("", "the expression is empty"),
        ("log(x - 1)", "log is defined for x > 0"),
        ("1 / (x - 1)", "division by zero"),
        ("x" * (MAX_FORMULA_LENGTH + 1), f"at most {MAX_FORMULA_LENGTH}"),
        (" + ".join(f"v{i}" for i in range(MAX_LEAVES + 1)), f"at most {MAX_LEAVES}"),
        ("+".join(["x*x"] * 70), f"at most {MAX_NODES}"),
        ("-" * 250 + "x", f"the playground draws at most {MAX_NODES}"),
    ],
)
def test_expression_state_refuses_bad_formulas_with_one_line(formula: str, message: str) -> None:
    with pytest.raises(PlayError) as caught:
        ExpressionState.from_formula(formula, {})
    text = str(caught.value)
    assert message in text
    assert "\n" not in text


def test_set_leaf_replays_the_graph_and_measures_the_nudge() -> None:
    state = neuron_state("tanh")
    state.backward()
    grad = state.leaves["x1"].grad
    assert grad == pytest.approx(-1.5)
    state.set_leaf("x1", 2.0 + 1e-4)
    nudge = state.nudges["x1"]
    assert nudge == pytest.approx(-1.5, rel=1e-3)
    # The drawing's numbers are replayed too: every inner node holds what a new graph would.
    fresh = neuron_state("tanh", {"x1": 2.0 + 1e-4})
    assert [n.data for n in state.order] == [n.data for n in fresh.order]
    # The backward pass shown is redone at the new point.
    fresh.backward()
    assert grads(state) == grads(fresh)


def test_set_leaf_outside_the_domain_restores_the_old_value() -> None:
    state = ExpressionState.from_formula("log(x)", {"x": 2.0})
    with pytest.raises(PlayError, match=r"x = -1 cannot be used: .*log"):
        state.set_leaf("x", -1.0)
    assert state.leaves["x"].data == 2.0
    assert state.root.data == math.log(2.0)


def test_set_leaf_refuses_unknown_names() -> None:
    state = ExpressionState.from_formula("x * 2", {"x": 1.0})
    with pytest.raises(PlayError, match="no leaf named 'nope' in this graph"):
        state.set_leaf("nope", 1.0)
    assert state.root.data == 2.0


@settings(max_examples=30, deadline=None)
@given(x=st.floats(-4, 4), w=st.floats(-4, 4), b=st.floats(-4, 4))
def test_set_leaf_nudge_tends_to_the_gradient(x: float, w: float, b: float) -> None:
    state = ExpressionState.from_formula("tanh(x*w + b)", {"x": x, "w": w, "b": b})
    state.backward()
    h = 1e-6
    state.set_leaf("w", w + h)
    exact = GraphExecutor().gradients(state.root)[state.leaves["w"]]
    assert state.nudges["w"] == pytest.approx(exact, abs=1e-4)


def test_neuron_state_is_the_lectures_neuron_with_either_activation() -> None:
    tanh = neuron_state("tanh")
    assert round(tanh.root.data, 4) == 0.7071
    tanh.backward()
    assert grads(tanh) == pytest.approx({"x1": -1.5, "x2": 0.5, "w1": 1.0, "w2": 0.0, "b": 0.5})
    assert explain(tanh.root).splitlines()[1].strip().startswith("1. n.grad += o.grad")
    relu = neuron_state("relu")
    assert relu.root.data == pytest.approx(0.8813735870195432)
    relu.backward()
    assert grads(relu) == pytest.approx({"x1": -3.0, "x2": 1.0, "w1": 2.0, "w2": 0.0, "b": 1.0})
    with pytest.raises(PlayError, match="activation must be one of tanh, relu"):
        neuron_state("sigmoid")


def test_snapshot_is_json_ready_and_names_what_the_page_shows() -> None:
    state = ExpressionState.from_formula("exp(x)", {"x": 1.0})
    snapshot = state.snapshot("<svg/>")
    assert snapshot["output"] == {"name": "out", "data": math.e, "text": "2.718"}
    assert snapshot["leaves"][0]["range"] == [-5.0, 5.0]
    assert snapshot["step"] is None
    assert snapshot["svg"] == "<svg/>"
    big = ExpressionState.from_formula("x", {"x": 40.0}).snapshot("")
    assert big["leaves"][0]["range"] == [-41.0, 41.0]


def test_steps_follow_explain_and_end_with_backwards_numbers() -> None:
    state = neuron_state("tanh")
    lines = [line.split(". ", 1)[1] for line in explain(state.root).splitlines()[1:]]
    shown: list[str] = []
    while True:
        state.step()
        snapshot = state.snapshot("")
        if snapshot["done"] and state.message:
            break
        step = snapshot["step"]
        shown += step["lines"]
        index = state.order.index(state.steps[-1].node)
        assert step["focus"] == [f"v{index}", f"v{index}_op"]
        assert step["total"] == 5
    assert shown == lines
    assert state.message == "every node has passed its gradient back: the pass is complete"
    stepped = grads(state)
    state.backward()
    assert grads(state) == stepped


def test_step_back_undoes_exactly_and_a_slider_ends_the_stepping() -> None:
    state = neuron_state("tanh")
    state.step_back()
    assert state.message == "no step to undo"
    state.step()
    state.step()
    before = [node.grad for node in state.order]
    state.step()
    state.step_back()
    assert [node.grad for node in state.order] == before
    assert state.snapshot("")["step"]["number"] == 2
    state.set_leaf("x1", 1.0)
    assert state.stepper is None
    assert all(node.grad == 0.0 for node in state.order)
    leaf = ExpressionState.from_formula("x", {"x": 2.0})
    leaf.step()
    assert leaf.message == "the graph is a single leaf: there is nothing to pass back"


def test_dot_draws_shallow_graphs_left_to_right_and_deep_ones_top_down() -> None:
    assert 'rankdir="LR"' in ExpressionState.from_formula("a*b + c", {}).dot()
    assert 'rankdir="TB"' in ExpressionState.from_formula("(a*b + c) * f", {}).dot()
    assert 'rankdir="TB"' in neuron_state("tanh").dot()


def test_step_question_is_the_first_inputs_gradient_after_the_step() -> None:
    # Predict asks for it before the step is shown: the answer must be the engine's number.
    state = neuron_state("tanh")
    state.step()
    question = state.snapshot("")["step"]["question"]
    assert question == {
        "node": "o",
        "name": "n",
        "answer": pytest.approx(0.5),
        "answer_text": "0.5",
        "before_text": "0",
        "upstream_text": "1",
        "uses": 1,
    }
    assert question["answer"] == state.root.parents[0].grad
    # x*x gives x two shares in one step: the answer is their sum, and the question says so.
    square = ExpressionState.from_formula("x*x", {"x": 3.0})
    square.step()
    asked = square.snapshot("")["step"]["question"]
    assert (asked["name"], asked["answer"], asked["uses"]) == ("x", 6.0, 2)
    # A node fed twice across steps: the second step adds to what the first left.
    shared = ExpressionState.from_formula("a*b + a", {"a": 2.0, "b": 3.0})
    shared.step()
    shared.step()
    later = shared.snapshot("")["step"]["question"]
    assert (later["name"], later["before_text"], later["answer"]) == ("a", "1", 4.0)
    shared.step_back()
    assert shared.snapshot("")["step"]["question"]["name"] == "a*b"
