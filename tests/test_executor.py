"""GraphExecutor (executor.py) and its loops (passes.py).

Long on purpose: the same properties (fan-out, diamonds, repeated backward, contracts, errors)
are checked on every pass the executor runs; grad, the stepper and the interrupt tests have files
of their own.
"""

import functools
import math
import struct
import sys
from collections.abc import Callable
from typing import ClassVar

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd.executor as executor_module
from autograd import BackwardStep, GraphExecutor, LogSumExp, NonFiniteError, Operation, Value
from strategies import Recipe, build, opgrad_leaf, recipes
from userops import Fma, Kink


def test_executor_topological_order_puts_parents_first_and_root_last() -> None:
    a, b = Value(1.0, "a"), Value(2.0, "b")
    c = a * b
    d = c + a
    e = d * c
    order = GraphExecutor().topological_order(e)
    assert order[-1] is e
    assert set(order) == {a, b, c, d, e, *c.parents, *d.parents, *e.parents}
    assert len(order) == len(set(order))
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[parent] < position[node]


@given(recipes())
def test_executor_topological_order_is_valid_and_deterministic(recipe: Recipe) -> None:
    root, _ = build(recipe, opgrad_leaf)
    ex = GraphExecutor()
    order = ex.topological_order(root)
    assert order == ex.topological_order(root)
    position = {node: i for i, node in enumerate(order)}
    assert len(position) == len(order)
    for node in order:
        for parent in node.parents:
            assert position[parent] < position[node]


def test_executor_topological_order_of_a_leaf_is_the_leaf() -> None:
    a = Value(1.0)
    assert GraphExecutor().topological_order(a) == [a]


def test_executor_rejects_non_value_root() -> None:
    with pytest.raises(TypeError, match="root must be a Value, got float"):
        GraphExecutor().backward(1.0)  # type: ignore[arg-type]


def test_executor_lecture_expression_gives_textbook_gradients() -> None:
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b
    d = e + c
    L = d * f
    L.backward()
    assert L.data == -8.0
    assert (a.grad, b.grad, c.grad, f.grad) == (6.0, -4.0, -2.0, 4.0)
    assert (d.grad, e.grad, L.grad) == (-2.0, -2.0, 1.0)


def test_executor_lecture_tanh_neuron_gives_textbook_gradients() -> None:
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    assert o.data == pytest.approx(0.7071, abs=1e-4)
    assert n.grad == pytest.approx(0.5)
    assert w1.grad == pytest.approx(1.0)
    assert x1.grad == pytest.approx(-1.5)
    assert w2.grad == pytest.approx(0.0)
    assert x2.grad == pytest.approx(0.5)
    assert b.grad == pytest.approx(0.5)


def test_executor_backward_twice_adds_exactly_twice() -> None:
    a = Value(3.0)
    z = (a * a) * 2
    z.backward()
    assert a.grad == 12.0
    z.backward()
    assert a.grad == 24.0  # micrograd gives 36: it re-adds intermediate nodes' stale grads
    assert z.grad == 2.0


@given(recipes())
@settings(max_examples=50)
def test_executor_repeated_backward_is_exactly_additive(recipe: Recipe) -> None:
    root, leaves = build(recipe, opgrad_leaf)
    ex = GraphExecutor()
    once = ex.gradients(root)
    ex.backward(root)
    ex.backward(root)
    for leaf in leaves:
        assert leaf.grad == once.get(leaf, 0.0) + once.get(leaf, 0.0)


@pytest.mark.parametrize("order", ["a*b", "b*a"])
def test_executor_shared_subexpressions_accumulate(order: str) -> None:
    a = Value(2.0, "a")
    b = a + a
    c = a * b if order == "a*b" else b * a
    d = c + b if order == "a*b" else b + c
    d.backward()
    assert a.grad == 10.0


def test_executor_fan_out_sums_every_path() -> None:
    x = Value(3.0)
    y = x * x * x  # three uses of x
    y.backward()
    assert x.grad == 27.0


def test_executor_gradients_do_not_touch_grad() -> None:
    a = Value(2.0)
    y = a * a
    grads = GraphExecutor().gradients(y, seed=2.0)
    assert grads[a] == 8.0
    assert grads[y] == 2.0
    assert a.grad == 0.0


def test_executor_zero_grad_clears_the_whole_graph() -> None:
    a, b = Value(2.0), Value(3.0)
    c = (a * b).tanh()
    c.backward()
    GraphExecutor().zero_grad(c)
    assert all(n.grad == 0.0 for n in GraphExecutor().topological_order(c))


def test_executor_forward_replays_after_leaf_changes() -> None:
    x, w = Value(1.0, "x"), Value(2.0, "w")
    y = (x * w).tanh() + x**2
    ex = GraphExecutor()
    x.data = 0.5
    assert ex.forward(y) == pytest.approx(math.tanh(1.0) + 0.25)
    assert y.data == ex.forward(y)
    fresh = (Value(0.5) * Value(2.0)).tanh() + Value(0.5) ** 2
    assert y.data == fresh.data


@given(recipes(), st.lists(st.floats(-3, 3), min_size=4, max_size=4))
def test_executor_forward_replay_equals_rebuilding(recipe: Recipe, new: list[float]) -> None:
    root, leaves = build(recipe, opgrad_leaf)
    for leaf, x in zip(leaves, new):
        leaf.data = x
    replayed = GraphExecutor().forward(root)
    rebuilt, _ = build(
        Recipe(tuple(new[: len(leaves)]) + recipe.leaves[len(new) :], recipe.steps), opgrad_leaf
    )
    assert replayed == rebuilt.data or (math.isnan(replayed) and math.isnan(rebuilt.data))


def test_executor_forward_replay_reports_domain_errors() -> None:
    x = Value(1.0, "x")
    y = x.log()
    x.data = -1.0
    with pytest.raises(ValueError, match=r"Log\(\) on inputs \('x' = -1.0\)"):
        GraphExecutor().forward(y)


@given(recipes(), st.data())
def test_executor_jvp_agrees_with_backward(recipe: Recipe, data: st.DataObject) -> None:
    root, leaves = build(recipe, opgrad_leaf)
    direction = data.draw(st.lists(st.floats(-1, 1), min_size=len(leaves), max_size=len(leaves)))
    ex = GraphExecutor()
    grads = ex.gradients(root)
    in_graph = set(ex.topological_order(root))
    tangents = {leaf: t for leaf, t in zip(leaves, direction) if leaf in in_graph}
    expected = sum(grads.get(leaf, 0.0) * t for leaf, t in tangents.items())
    if not math.isfinite(expected):
        return
    assert ex.jvp(root, tangents) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_executor_jvp_validates_tangents() -> None:
    a = Value(1.0, "a")
    b = a * 2
    with pytest.raises(ValueError, match="not in the graph"):
        GraphExecutor().jvp(b, {Value(1.0, "stranger"): 1.0})
    c = b + 1
    with pytest.raises(ValueError, match="not a leaf"):
        GraphExecutor().jvp(c, {b: 1.0})
    assert GraphExecutor().jvp(c, {a: 1.0}) == 2.0
    assert GraphExecutor().jvp(c, {a: 1}) == 2.0


def test_executor_jvp_names_the_leaf_of_a_bad_tangent() -> None:
    a = Value(1.0, "a")
    c = a * 2 + 1
    with pytest.raises(TypeError, match="jvp: tangents are keyed by leaf Values, got str: 'a'"):
        GraphExecutor().jvp(c, {"a": 1.0})  # type: ignore[dict-item]
    for tangent in ("1.0", None, True):
        with pytest.raises(
            TypeError, match=r"the tangent of leaf 'a' = 1\.0 must be a real number"
        ):
            GraphExecutor().jvp(c, {a: tangent})  # type: ignore[dict-item]


def test_executor_check_finite_names_node_op_and_inputs_in_forward() -> None:
    x = Value(1e200, "x")
    y = x * x
    y.label = "y"
    with pytest.raises(
        NonFiniteError, match=r"node 'y' = Mul\(\)\('x' = 1e\+200, 'x' = 1e\+200\) gives inf"
    ):
        GraphExecutor(check_finite=True).forward(y)
    x.data = math.nan
    with pytest.raises(NonFiniteError, match="leaf 'x' = nan"):
        GraphExecutor(check_finite=True).forward(y)


def test_executor_check_finite_names_node_in_backward() -> None:
    x = Value(1e-200, "x")
    y = 1 / x  # 1e200 is finite, but dy/dx = -1e400 is not
    y.label = "y"
    z = y * 2
    with pytest.raises(
        NonFiniteError, match=r"d\('y'\)/d\(input 1\) = -inf.*for 'x' at node 'y' = Div\(\)"
    ):
        GraphExecutor(check_finite=True).backward(z)
    assert x.grad == 0.0  # nothing was added: the pass failed before storing
    GraphExecutor().backward(z)
    assert x.grad == -math.inf


def test_executor_without_check_finite_lets_inf_through() -> None:
    x = Value(1e200)
    y = x * x
    assert GraphExecutor().forward(y) == math.inf


def test_executor_observer_sees_every_chain_rule_step_in_order() -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    steps: list[BackwardStep] = []
    GraphExecutor(observer=steps.append).backward(d)
    assert [(s.node.label, s.parent.label) for s in steps] == [
        ("d", "c"),
        ("d", "a"),
        ("c", "a"),
        ("c", "b"),
    ]
    last_a = [s for s in steps if s.parent is a][-1]
    assert last_a.parent_grad == a.grad == 1.0 + -3.0
    mul_a = steps[2]
    assert (mul_a.local_grad, mul_a.upstream, mul_a.contribution) == (-3.0, 1.0, -3.0)


def test_executor_results_are_bit_identical_between_runs() -> None:
    def run() -> list[float]:
        xs = [Value(0.1 * i) for i in range(10)]
        total = Value(0.0)
        for i, x in enumerate(xs):
            total = total + (x * xs[(i * 7) % 10]).tanh() * xs[(i * 3) % 10]
        total.backward()
        return [x.grad for x in xs]

    assert run() == run()


def _chain(n: int) -> tuple[Value, Value]:
    x = Value(0.5, "x")
    y = x
    for i in range(n):
        y = y.tanh() if i % 2 else y * 1.0000001
    return x, y


def test_executor_deep_chain_needs_no_recursion() -> None:
    x, y = _chain(50_000)
    assert sys.getrecursionlimit() < 50_000
    y.backward()
    assert 0 < x.grad < 1


@pytest.mark.slow
def test_executor_million_node_chain_forward_and_backward() -> None:
    x, y = _chain(1_000_000)
    ex = GraphExecutor()
    expected = y.data
    assert ex.forward(y) == expected
    ex.backward(y)
    assert math.isfinite(x.grad)
    assert x.grad > 0


def _reference_order(root: Value) -> list[Value]:
    """Depth-first post-order, inputs in input order, written recursively for small graphs."""
    order: list[Value] = []
    seen: set[Value] = set()

    def visit(node: Value) -> None:
        seen.add(node)
        for parent in node.parents:
            if parent not in seen:
                visit(parent)
        order.append(node)

    visit(root)
    return order


@given(recipes(), st.integers(0, 3))
def test_executor_topological_order_is_the_depth_first_post_order(recipe: Recipe, k: int) -> None:
    root, leaves = build(recipe, opgrad_leaf)
    if k:  # an operation of three inputs in the middle of the graph
        root = Fma()(root, leaves[k % len(leaves)], root * 2) + leaves[0]
    assert GraphExecutor().topological_order(root) == _reference_order(root)


@given(recipes(), st.lists(st.sampled_from([0.0, -0.0, 2.5, -1.0]), min_size=1, max_size=40))
def test_executor_backward_adds_exactly_the_pass_of_gradients(
    recipe: Recipe, start: list[float]
) -> None:
    root, _ = build(recipe, opgrad_leaf)
    ex = GraphExecutor()
    order = ex.topological_order(root)
    for node, g in zip(order, start * len(order)):
        node.grad = g
    before = [node.grad for node in order]
    passes = ex.gradients(root, seed=-0.5)
    ex.backward(root, seed=-0.5)
    expected = [struct.pack("<d", old + passes[node]) for node, old in zip(order, before)]
    assert [struct.pack("<d", node.grad) for node in order] == expected


def test_executor_backward_failure_leaves_every_grad_as_it_was() -> None:
    x = Value(0.0, "x")
    x.grad = 2.0
    h = Kink()(x)
    h.label = "h"
    z = h * x + x
    z.grad = -1.0
    with pytest.raises(ValueError, match="local_grads failed at node 'h' = Kink"):
        GraphExecutor().backward(z)
    assert (x.grad, h.grad, z.grad) == (2.0, 0.0, -1.0)


class _CodedError(ValueError):
    """An exception whose constructor wants a code as well as a message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(code, message)


@attrs.frozen
class _Unfinished(Operation):
    """An op whose local_grads raises something other than a domain error."""

    def forward(self, x: float) -> float:
        return x

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        raise NotImplementedError("local_grads is not written yet")


@attrs.frozen
class _Coded(Operation):
    """An op that raises an exception class with a two-argument constructor."""

    def forward(self, x: float) -> float:
        if x < 0.0:
            raise _CodedError(3, "negative")
        return x

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        raise _CodedError(4, "no slope")


def test_executor_backward_unexpected_error_restores_grads_and_propagates() -> None:
    x = Value(2.0, "x")
    x.grad = 5.0
    z = _Unfinished()(x) * x
    with pytest.raises(NotImplementedError, match=r"^local_grads is not written yet$"):
        GraphExecutor().backward(z)
    assert (x.grad, z.grad) == (5.0, 0.0)


def test_executor_rewords_errors_whose_constructor_takes_other_arguments() -> None:
    x = Value(2.0, "x")
    y = _Coded()(x)
    for run in (y.backward, lambda: GraphExecutor().gradients(y)):
        with pytest.raises(ValueError, match=r"at node <unlabelled> = _Coded.*no slope"):
            run()
    x.data = -1.0
    with pytest.raises(ValueError, match=r"_Coded\(\) on inputs \('x' = -1.0\).*negative"):
        GraphExecutor().forward(y)


@attrs.frozen
class _Listed(Operation):
    """An op whose local_grads returns a list, not the tuple the contract asks for."""

    arity: ClassVar[int] = 2

    def forward(self, a: float, b: float) -> float:
        return a * b

    def local_grads(self, a: float, b: float, *, output: float) -> tuple[float, float]:
        return [b, a]  # type: ignore[return-value]


@attrs.frozen
class _Worded(Operation):
    """An op whose local_grads returns a string where a number belongs."""

    def forward(self, x: float) -> float:
        return x

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        return ("1.0",)  # type: ignore[return-value]


@pytest.mark.parametrize("op", [_Listed(), _Worded()], ids=["list", "string"])
@pytest.mark.parametrize(
    "executor",
    [GraphExecutor(), GraphExecutor(check_finite=True), GraphExecutor(observer=lambda s: None)],
    ids=["plain", "check_finite", "observer"],
)
def test_executor_every_backward_path_refuses_what_breaks_local_grads_contract(
    op: Operation, executor: GraphExecutor
) -> None:
    x = Value(2.0, "x")
    y = op(*[x] * (op.arity or 1))
    y.label = "y"
    expected = r"local_grads must return a tuple of \d real numbers .* at node 'y'"
    with pytest.raises(TypeError, match=expected):
        executor.backward(y)
    with pytest.raises(TypeError, match=expected):
        executor.gradients(y)
    with pytest.raises(TypeError, match=expected):
        executor.compile(y).backward()
    assert x.grad == 0.0


def _wide_log_sum_exp(n: int) -> Value:
    x = Value(0.5, "x")
    return LogSumExp()(*[x * float(i) for i in range(n)])


def test_executor_topological_order_of_a_wide_op_is_linear_and_in_input_order() -> None:
    small, large = _wide_log_sum_exp(2_000), _wide_log_sum_exp(16_000)
    ex = GraphExecutor()
    order = ex.topological_order(small)
    assert order[0].label == "x"
    assert order[2:-1:2] == list(small.parents)
    assert order[-1] is small

    # Work is counted, not timed (the machine is shared): how many input positions the scans of
    # the wide node read in all. Linear means each input once; rescanning from the start after
    # every input (no resume) would read n**2 / 2.
    real = executor_module._next_input  # type: ignore[attr-defined]

    def scanned(root: Value) -> int:
        count = 0

        def counting(
            node: Value,
            inputs: tuple[Value, ...],
            resume: dict[Value, int],
            visited: set[Value],
            emit: Callable[[Value], None],
        ) -> Value | None:
            nonlocal count
            start = resume.get(node, 0)
            found = real(node, inputs, resume, visited, emit)
            count += (resume[node] if found is not None else len(inputs)) - start
            return found

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(executor_module, "_next_input", counting)
            ex.topological_order(root)
        return count

    assert scanned(small) == 2_000
    assert scanned(large) == 16_000


def test_executor_gradients_leave_existing_grads_exactly_as_they_were() -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b + a
    grads_before = {a: 5.0, b: -0.0, c: 7.0}
    for node, g in grads_before.items():
        node.grad = g
    passes = GraphExecutor().gradients(c)
    assert (passes[a], passes[b], passes[c]) == (-2.0, 2.0, 1.0)
    for node, g in grads_before.items():
        assert struct.pack("<d", node.grad) == struct.pack("<d", g)


def test_executor_jvp_ignores_the_infinite_slope_of_an_input_that_does_not_move() -> None:
    # y does not move in the direction (1, 0): its infinite or NaN-making slope times a zero
    # tangent would give NaN; backward and PyTorch's forward mode give 1.
    makers: list[Callable[[Value], Value]] = [lambda y: y**0.5, lambda y: y.log()]
    for make in makers:
        for at in (0.0, 1e-320):
            x, y = Value(2.0, "x"), Value(at, "y")
            try:
                f = x + make(y)
            except ValueError:
                continue  # log(0) is outside the domain
            assert GraphExecutor().jvp(f, {x: 1.0}) == 1.0
            assert GraphExecutor().jvp(f, {x: 1.0, y: 0.0}) == 1.0
            assert GraphExecutor().gradients(f)[x] == 1.0
            assert GraphExecutor().jvp(f, {x: 1.0, y: 1.0}) > 1e100  # it does move: huge


def test_executor_check_finite_backward_names_a_nan_node_value() -> None:
    x = Value(math.nan, "x")
    y = x.relu() * 2.0  # ReLU's slope at NaN is 0: no NaN gradient would show it
    y.label = "y"
    assert GraphExecutor().gradients(y)[x] == 0.0
    for run in (
        lambda: GraphExecutor(check_finite=True).backward(y),
        lambda: GraphExecutor(check_finite=True).gradients(y),
        lambda: GraphExecutor(check_finite=True).compile(y).backward(),
    ):
        with pytest.raises(NonFiniteError, match=r"backward: leaf 'x' = nan holds nan"):
            run()
    assert x.grad == 0.0


def test_executor_forward_refuses_leaf_data_that_is_not_a_number() -> None:
    x = Value(2.0, "x")
    y = x * 3.0
    plan = GraphExecutor().compile(y)
    for bad in ("3", None, True):
        x.data = bad  # type: ignore[assignment]
        for run in (functools.partial(GraphExecutor().forward, y), plan.forward):
            with pytest.raises(TypeError, match=r"data of leaf 'x' must be a real number, got"):
                run()
    x.data = 4  # an int is a real number
    assert plan.forward() == 12.0
    assert GraphExecutor().forward(y) == 12.0


_CAREFUL = [GraphExecutor(check_finite=True), GraphExecutor(observer=lambda step: None)]


@pytest.mark.parametrize(
    "executor", [GraphExecutor(), *_CAREFUL], ids=["fast", "check", "observer"]
)
def test_executor_every_backward_accumulates_scales_by_the_seed_and_repeats(
    executor: GraphExecutor,
) -> None:
    # An oracle of hand values: f = a*b + a**2 at a = 3, b = -2; df/da = b + 2a = 4, df/db = a.
    a, b = Value(3.0, "a"), Value(-2.0, "b")
    f = a * b + a**2
    a.grad, b.grad = 0.5, -1.0
    executor.backward(f, 2.5)
    assert (a.grad, b.grad, f.grad) == (0.5 + 10.0, -1.0 + 7.5, 2.5)
    executor.backward(f, -1)
    assert (a.grad, b.grad, f.grad) == (0.5 + 10.0 - 4.0, -1.0 + 7.5 - 3.0, 1.5)
    product, square = f.parents
    grads = {a: 8.0, b: 6.0, product: 2.0, square: 2.0, f: 2.0}
    assert executor.gradients(f, 2.0) == grads
    plan = executor.compile(f)
    plan.backward(0.5)
    assert (a.grad, b.grad) == (0.5 + 10.0 - 4.0 + 2.0, -1.0 + 7.5 - 3.0 + 1.5)
    plan.backward(0.5)
    assert (a.grad, b.grad) == (0.5 + 10.0 - 4.0 + 4.0, -1.0 + 7.5 - 3.0 + 3.0)
