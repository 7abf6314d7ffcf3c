"""GraphExecutor.stepper: the backward pass one node at a time, as the lecture's _backward()."""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import (
    BackwardStep,
    BackwardStepper,
    GraphExecutor,
    NodeStep,
    NonFiniteError,
    Value,
    explain,
)
from strategies import Recipe, build, opgrad_leaf, recipes
from userops import Fma, Kink

starting_grads = st.lists(st.sampled_from([0.0, -0.0, 2.5, -1.0, 1e-300]), min_size=1, max_size=9)
seeds = st.sampled_from([1.0, -0.5, -0.0, 3.0])


def _bits(nodes: list[Value]) -> list[bytes]:
    return [struct.pack("<d", node.grad) for node in nodes]


def _graph_with_grads(recipe: Recipe, start: list[float]) -> tuple[Value, list[Value]]:
    """A random graph whose nodes hold the ``start`` gradients (repeated); root and order."""
    root, _ = build(recipe, opgrad_leaf)
    order = GraphExecutor().topological_order(root)
    for node, g in zip(order, start * len(order)):
        node.grad = g
    return root, order


def _lecture_neuron() -> dict[str, Value]:
    """The lecture's neuron, built line for line as there (b = 6.8813735870195432)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    names = ("x1", "x2", "w1", "w2", "b", "x1w1", "x2w2", "x1w1x2w2", "n", "o")
    return dict(zip(names, (x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o)))


def test_stepper_replays_the_lectures_manual_backward_calls() -> None:
    v = _lecture_neuron()
    o = v["o"]
    assert round(o.data, 4) == 0.7071
    stepper = GraphExecutor().stepper(o)
    assert all(node.grad == 0.0 for node in v.values())  # nothing changes until step()
    # o.grad = 1.0; o._backward()
    first = stepper.step()
    assert first.node is o
    assert o.grad == 1.0
    assert round(v["n"].grad, 4) == 0.5
    # n._backward()
    assert stepper.step().node is v["n"]
    assert round(v["b"].grad, 4) == round(v["x1w1x2w2"].grad, 4) == 0.5
    # x1w1x2w2._backward()  (b._backward() is a leaf's: it does nothing, and is no step)
    assert stepper.step().node is v["x1w1x2w2"]
    assert round(v["x1w1"].grad, 4) == round(v["x2w2"].grad, 4) == 0.5
    # x2w2._backward()
    assert stepper.step().node is v["x2w2"]
    assert (round(v["x2"].grad, 4), round(v["w2"].grad, 4)) == (0.5, 0.0)
    assert not stepper.done
    # x1w1._backward()
    last = stepper.step()
    assert last.node is v["x1w1"]
    assert (round(v["x1"].grad, 4), round(v["w1"].grad, 4)) == (-1.5, 1.0)
    assert stepper.done
    assert str(last) == (
        "x1.grad += (x1*w1).grad * d(x1*w1)/d(x1) = 0.5 * -3 = -1.5 -> -1.5\n"
        "w1.grad += (x1*w1).grad * d(x1*w1)/d(w1) = 0.5 * 2 = 1 -> 1"
    )


def test_stepper_records_match_explain_line_for_line() -> None:
    o = _lecture_neuron()["o"]
    lines = [line for step in GraphExecutor().stepper(o).run() for line in step.lines]
    told = [line.split(". ", 1)[1] for line in explain(o).splitlines()[1:]]
    assert lines == told


def test_stepper_records_the_edges_of_each_step() -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    stepper = GraphExecutor().stepper(c)
    assert stepper.next_node is c
    record = stepper.step()
    assert isinstance(record, NodeStep)
    assert record.number == 1
    assert record.edges == (
        BackwardStep(c, a, 0, -3.0, 1.0, -3.0, -3.0),
        BackwardStep(c, b, 1, 2.0, 1.0, 2.0, 2.0),
    )
    assert stepper.next_node is None
    assert repr(stepper) == "<BackwardStepper from #2(*): 1 of 1 steps taken>"


@given(recipes(), starting_grads, seeds)
def test_stepper_run_gives_exactly_backwards_numbers(
    recipe: Recipe, start: list[float], seed: float
) -> None:
    root, order = _graph_with_grads(recipe, start)
    ex = GraphExecutor()
    before = [node.grad for node in order]
    ex.backward(root, seed)
    expected = _bits(order)
    for node, g in zip(order, before):
        node.grad = g
    stepper = ex.stepper(root, seed)
    steps = stepper.run()
    assert _bits(order) == expected
    assert len(steps) == stepper.total == sum(1 for node in order if node.op is not None)
    assert [step.number for step in steps] == list(range(1, len(steps) + 1))


@given(recipes(), starting_grads, st.data())
def test_stepper_back_restores_grads_bit_for_bit(
    recipe: Recipe, start: list[float], data: st.DataObject
) -> None:
    root, order = _graph_with_grads(recipe, start)
    stepper = GraphExecutor().stepper(root, -0.5)
    states = [_bits(order)]
    while not stepper.done:
        stepper.step()
        states.append(_bits(order))
    back = data.draw(st.integers(0, stepper.total))
    for k in range(1, back + 1):
        stepper.back()
        assert _bits(order) == states[-1 - k]
    # Stepping forward again after going back lands on the same numbers.
    while not stepper.done:
        stepper.step()
        assert _bits(order) == states[stepper.position]
    while stepper.position:
        stepper.back()
    assert _bits(order) == states[0]


@given(recipes(), st.integers(0, 3), seeds)
def test_stepper_without_accumulate_changes_no_grad_and_sums_the_pass(
    recipe: Recipe, k: int, seed: float
) -> None:
    root, leaves = build(recipe, opgrad_leaf)
    if k:  # an operation of three inputs, whose node keeps its parents as a tuple
        root = Fma()(root, leaves[k % len(leaves)], root * 2) + leaves[0]
    ex = GraphExecutor()
    order = ex.topological_order(root)
    for node in order:
        node.grad = 7.0
    stepper = ex.stepper(root, seed, accumulate=False)
    stepper.run()
    assert all(node.grad == 7.0 for node in order)
    passes = ex.gradients(root, seed)
    assert [struct.pack("<d", stepper.pass_grad(n)) for n in order] == [
        struct.pack("<d", passes[n]) for n in order
    ]


def test_stepper_refuses_a_step_past_the_end_and_a_back_before_the_start() -> None:
    x = Value(3.0, "x")
    y = x * x
    y.label = "y"
    stepper = GraphExecutor().stepper(y)
    with pytest.raises(RuntimeError, match="no step to undo in the backward pass from y"):
        stepper.back()
    stepper.step()
    assert x.grad == 6.0
    with pytest.raises(RuntimeError, match=r"backward pass from y is complete \(1 steps\)"):
        stepper.step()
    assert stepper.back().node is y
    assert (x.grad, y.grad) == (0.0, 0.0)


def test_stepper_of_a_leaf_takes_one_step_the_seed() -> None:
    x = Value(3.0, "x")
    x.grad = 1.5
    stepper = GraphExecutor().stepper(x, seed=2.0)
    assert (stepper.total, stepper.done) == (1, False)
    record = stepper.step()
    assert (record.node, record.edges, record.lines, str(record)) == (x, (), (), "")
    assert x.grad == 3.5
    stepper.back()
    assert x.grad == 1.5


def test_stepper_failing_step_names_the_node_and_changes_nothing() -> None:
    x = Value(0.0, "x")
    x.grad = 2.0
    h = Kink()(x)
    h.label = "h"
    z = h * x + x
    stepper = GraphExecutor().stepper(z)
    stepper.step()
    stepper.step()
    grads = (x.grad, h.grad, z.grad)
    with pytest.raises(ValueError, match="local_grads failed at node 'h' = Kink"):
        stepper.step()
    assert (x.grad, h.grad, z.grad) == grads
    assert stepper.position == 2
    stepper.back()
    stepper.back()
    assert (x.grad, h.grad, z.grad) == (2.0, 0.0, 0.0)


def test_stepper_checks_finite_numbers_when_its_executor_does() -> None:
    x = Value(1e-200, "x")
    y = 1 / x
    y.label = "y"
    z = y * 2
    stepper = GraphExecutor(check_finite=True).stepper(z)
    stepper.step()
    with pytest.raises(NonFiniteError, match=r"d\('y'\)/d\(input 1\) = -inf"):
        stepper.step()
    assert (x.grad, y.grad, z.grad) == (0.0, 2.0, 1.0)  # the first step, and no more
    w = Value(1.0, "w")
    v = w * 2
    with pytest.raises(NonFiniteError, match="backward seed is nan"):
        GraphExecutor(check_finite=True).stepper(v, seed=math.nan).step()
    assert (w.grad, v.grad) == (0.0, 0.0)


def test_stepper_reports_its_edges_to_the_executors_observer() -> None:
    a = Value(2.0, "a")
    c = a * a + a
    seen: list[BackwardStep] = []
    steps = GraphExecutor(observer=seen.append).stepper(c).run()
    assert seen == [edge for step in steps for edge in step.edges]
    assert len(seen) == 4


class _Tripwire(Value):
    """A leaf whose next grad write raises KeyboardInterrupt, once."""

    armed = False

    def __setattr__(self, name: str, value: object) -> None:
        if name == "grad" and _Tripwire.armed:
            _Tripwire.armed = False
            raise KeyboardInterrupt
        super().__setattr__(name, value)


def test_stepper_interrupted_between_writes_leaves_no_half_step() -> None:
    a = Value(2.0, "a")
    trip = _Tripwire(3.0, "t")
    c = a * trip  # c and a are written before t
    c.grad, a.grad, trip.grad = 0.25, 0.5, 0.75
    stepper = GraphExecutor().stepper(c)
    _Tripwire.armed = True
    with pytest.raises(KeyboardInterrupt):
        stepper.step()
    assert (c.grad, a.grad, trip.grad) == (0.25, 0.5, 0.75)
    assert stepper.position == 0
    stepper.step()
    assert (c.grad, a.grad, trip.grad) == (1.25, 3.5, 2.75)


def test_stepper_is_a_backward_stepper() -> None:
    assert isinstance(GraphExecutor().stepper(Value(1.0)), BackwardStepper)
