import math
import struct
from collections.abc import Callable, Sequence

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd.executor as executor_module
from autograd import (
    BackwardStep,
    GraphExecutor,
    LogSumExp,
    Max,
    Min,
    NonFiniteError,
    Operation,
    Plan,
    Softmax,
    Value,
)
from autograd.executor import backends, register_backend
from autograd.markdown import Markdown
from strategies import small_floats
from userops import Fma, Kink, Mix, Sin

SIN, MIX, FMA, LSE = Sin(), Mix(), Fma(), LogSumExp()

# Every kind of step a plan runs, each kept inside its op's domain for any finite inputs:
# built-in ops written out by the replay loop, Pow by whole exponents (including 0 and -1, whose
# slope at 0 is special-cased), the called ones (Pow by a fraction, Power) and user operations
# of one, two and three inputs, and LogSumExp, which takes any number.
STEPS: dict[str, Callable[[Value, Value], Value]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "rsub": lambda a, b: 2.0 - a,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1),
    "rdiv": lambda a, b: 1.5 / (a * a + 1),
    "neg": lambda a, b: -a,
    "relu": lambda a, b: a.relu(),
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: (a * 4).sigmoid() * b,
    "exp": lambda a, b: a.tanh().exp(),
    "log": lambda a, b: (a * a + 1).log(),
    "square": lambda a, b: a.tanh() ** 2,
    "cube": lambda a, b: (a.tanh() * 2) ** 3.0,
    "pow0": lambda a, b: (a + 1.0 - 1.0) ** 0,  # exactly 0.0, or far from 0 (no 1/x overflow)
    "recip": lambda a, b: (a * a + 1) ** -1,
    "sqrt": lambda a, b: (a * a + 0.5) ** 0.5,
    "power": lambda a, b: (a * a + 1) ** b.tanh(),
    "sin": lambda a, b: SIN(a.tanh()) * b,
    "mix": lambda a, b: MIX(a.tanh(), b.tanh()),
    "fma": lambda a, b: FMA(a.tanh(), b, a),
    "lse1": lambda a, b: LSE(a) * b,
    "softplus": lambda a, b: LSE(0.0, a),
    "lse3": lambda a, b: LSE(a, b, a * b),
    "abs": lambda a, b: (a - b).abs(),
    "sqrt_op": lambda a, b: (a * a + 0.25).sqrt(),
    "sin_op": lambda a, b: (a * 2).sin(),
    "cos_op": lambda a, b: a.cos() * b,
    "softplus_op": lambda a, b: (a * 3).softplus(),
    "max": lambda a, b: Max()(a, b),
    "min": lambda a, b: Min()(a, b),
    "mod": lambda a, b: a % (b * b + 1),
    "softmax": lambda a, b: Softmax(1)(a, b, a * b),
}


@attrs.frozen
class Graph:
    leaves: tuple[float, ...]
    steps: tuple[tuple[str, int, int], ...]

    def build(self, data: tuple[float, ...] | None = None) -> tuple[Value, list[Value]]:
        leaves = [Value(x, label=f"x{k}") for k, x in enumerate(data or self.leaves)]
        nodes = list(leaves)
        for name, i, j in self.steps:
            nodes.append(STEPS[name](nodes[i], nodes[j]))
        root = nodes[-1]
        for extra in nodes[-3:-1]:  # several branches meet at the root
            root = root + extra
        return root, leaves


@st.composite
def graphs(draw: st.DrawFn, names: Sequence[str] = sorted(STEPS), max_steps: int = 14) -> Graph:
    """Random graphs of the named step kinds, with shared subexpressions and fan-out."""
    leaves = tuple(draw(st.lists(small_floats, min_size=1, max_size=4)))
    steps = []
    for k in range(draw(st.integers(1, max_steps))):
        available = len(leaves) + k
        i = draw(st.integers(0, available - 1))
        j = draw(st.integers(0, available - 1))
        steps.append((draw(st.sampled_from(names)), i, j))
    return Graph(leaves, tuple(steps))


def bits(x: float) -> bytes:
    """A float's IEEE bytes: tells 0.0 from -0.0 and compares NaNs exactly."""
    return struct.pack("<d", x)


def data_bits(nodes: tuple[Value, ...] | list[Value]) -> list[bytes]:
    return [bits(node.data) for node in nodes]


def grad_bits(nodes: tuple[Value, ...] | list[Value]) -> list[bytes]:
    return [bits(node.grad) for node in nodes]


def zero(nodes: tuple[Value, ...]) -> None:
    for node in nodes:
        node.grad = 0.0


@given(graphs())
def test_plan_forward_and_backward_match_eager_bit_for_bit(graph: Graph) -> None:
    root, _ = graph.build()
    ex = GraphExecutor()
    plan = ex.compile(root)
    nodes = plan.nodes
    assert list(nodes) == ex.topological_order(root)
    eager_data = data_bits(nodes)
    ex.backward(root)
    eager_grads = grad_bits(nodes)
    passes = ex.gradients(root)
    zero(nodes)

    assert bits(plan.forward(all_nodes=True)) == bits(root.data)
    assert data_bits(nodes) == eager_data
    plan.backward(all_nodes=True)
    assert grad_bits(nodes) == eager_grads
    assert grad_bits(nodes) == [bits(0.0 + passes[node]) for node in nodes]


@given(graphs(), st.data())
def test_plan_replays_new_leaf_data_like_a_rebuilt_graph(graph: Graph, data: st.DataObject) -> None:
    root, leaves = graph.build()
    plan = GraphExecutor().compile(root)
    new = tuple(data.draw(st.lists(small_floats, min_size=len(leaves), max_size=len(leaves))))
    for leaf, x in zip(leaves, new):
        leaf.data = x
    plan.forward(all_nodes=True)
    plan.backward()

    rebuilt, rebuilt_leaves = graph.build(new)
    rebuilt.backward()
    assert data_bits(plan.nodes) == data_bits(GraphExecutor().topological_order(rebuilt))
    assert grad_bits(leaves) == grad_bits(rebuilt_leaves)


@given(graphs(), st.lists(st.sampled_from([0.0, -0.0, 1.5, -2.0]), min_size=4, max_size=4))
@settings(max_examples=50)
def test_plan_repeated_backward_accumulates_like_eager(graph: Graph, start: list[float]) -> None:
    root, leaves = graph.build()
    twin, twin_leaves = graph.build()
    for leaf, twin_leaf, g in zip(leaves, twin_leaves, start):
        leaf.grad = twin_leaf.grad = g
    plan = GraphExecutor().compile(root)
    for seed in (1.0, -0.5):
        plan.backward(seed)
        twin.backward(seed)
    assert grad_bits(leaves) == grad_bits(twin_leaves)


@pytest.mark.parametrize("seed", [1.0, 2.5, -0.0, 0.0])
def test_plan_backward_seed_scales_like_eager(seed: float) -> None:
    x = Value(0.75, label="x")
    y = (x * x).tanh() - x
    plan = GraphExecutor().compile(y)
    plan.backward(seed, all_nodes=True)
    got = grad_bits(plan.nodes)
    zero(plan.nodes)
    y.backward(seed)
    assert got == grad_bits(plan.nodes)


def test_plan_forward_writes_the_root_and_inner_nodes_only_when_asked() -> None:
    x = Value(1.0, label="x")
    h = x * 3.0
    y = h.tanh()
    plan = GraphExecutor().compile(y)
    x.data = 2.0
    assert plan.forward() == math.tanh(6.0)
    assert y.data == math.tanh(6.0)
    assert h.data == 3.0
    plan.forward(all_nodes=True)
    assert h.data == 6.0


@given(graphs(), st.data())
@settings(max_examples=50)
def test_plan_read_gives_what_forward_computed_without_writing_it(
    graph: Graph, data: st.DataObject
) -> None:
    root, leaves = graph.build()
    plan = GraphExecutor().compile(root)
    nodes = plan.nodes
    assert [bits(x) for x in plan.read(nodes)] == data_bits(nodes)  # compiled from these
    inner = [node for node in nodes[:-1] if not node.is_leaf]
    before = data_bits(inner)
    for leaf in leaves:
        leaf.data = data.draw(small_floats)
    plan.forward()
    picked = data.draw(st.lists(st.sampled_from(nodes), max_size=5))
    read = plan.read(picked)
    assert data_bits(inner) == before
    plan.forward(all_nodes=True)
    assert [bits(x) for x in read] == data_bits(picked)


def test_plan_read_refuses_a_node_of_another_graph() -> None:
    x = Value(1.0, label="x")
    plan = GraphExecutor().compile(x * 2.0)
    stranger = Value(3.0, label="z")
    with pytest.raises(ValueError, match=r"Plan.read: Value\(label='z'.* is not a node"):
        plan.read([x, stranger])


def test_plan_backward_writes_leaves_and_every_node_only_when_asked() -> None:
    x = Value(1.0, label="x")
    h = x * 3.0
    y = h * h
    plan = GraphExecutor().compile(y)
    plan.backward()
    assert (x.grad, h.grad, y.grad) == (18.0, 0.0, 0.0)
    plan.backward(all_nodes=True)
    assert (x.grad, h.grad, y.grad) == (36.0, 6.0, 1.0)


def test_plan_of_a_leaf_is_the_leaf() -> None:
    x = Value(2.0, label="x")
    plan = GraphExecutor().compile(x)
    assert plan.nodes == plan.leaves == (x,)
    x.data = 5.0
    assert plan.forward() == 5.0
    plan.backward(3.0)
    assert x.grad == 3.0


def test_plan_describes_itself() -> None:
    a = Value(2.0, label="a")
    y = a * a + 1
    y.label = "y"
    plan = GraphExecutor().compile(y)
    assert len(plan) == 4
    assert plan.root is y
    assert plan.leaves == (a, y.parents[1])
    assert repr(plan) == "Plan(4 nodes, 2 leaves, root 'y')"


def test_plan_listing_shows_each_step_with_labels() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = a * b
    e.label = "e"
    d = e + SIN(b)
    d.label = "d"
    assert GraphExecutor().compile(d).listing() == "\n".join(
        [
            "# Plan of 5 nodes (2 leaves) for root 'd'. d[i]: node i's data, g[i]: its gradient.",
            "# op0 = Sin()",
            "def forward(d, leaves):",
            "    d[0] = float(leaves[0].data)  # a",
            "    d[1] = float(leaves[1].data)  # b",
            "    d[2] = d[0] * d[1]  # e",
            "    d[3] = float(op0.forward(d[1]))",
            "    d[4] = d[2] + d[3]  # d",
            "def backward(d, g):  # g starts as zeros, then g[4] = seed",
            "    g[2] += g[4]  # e",
            "    g[3] += g[4]",
            "    d0, = op0.local_grads(d[1], output=d[3])",
            "    g[1] += d0 * g[3]  # b",
            "    g[0] += d[1] * g[2]  # a",
            "    g[1] += d[0] * g[2]  # b",
        ]
    )


# The steps the replay loop computes itself: the listing writes them as plain arithmetic.
CALLED_STEPS = {"sqrt", "power", "sin", "mix", "fma", "lse1", "softplus", "lse3"} | {
    "abs",
    "sqrt_op",
    "sin_op",
    "cos_op",
    "softplus_op",
    "max",
    "min",
    "mod",
    "softmax",
}
INLINE_STEPS = sorted(name for name in STEPS if name not in CALLED_STEPS)


@given(graphs(INLINE_STEPS))
@settings(max_examples=50)
def test_plan_listing_is_python_that_computes_what_the_plan_does(graph: Graph) -> None:
    root, _ = graph.build()
    plan = GraphExecutor().compile(root)
    namespace: dict[str, object] = {"tanh": math.tanh, "exp": math.exp, "log": math.log}
    namespace["inf"] = math.inf
    exec(plan.listing(), namespace)
    d = [0.0] * len(plan)
    g = [0.0] * len(plan)
    g[-1] = 1.0
    namespace["forward"](d, plan.leaves)  # type: ignore[operator]
    namespace["backward"](d, g)  # type: ignore[operator]
    plan.forward(all_nodes=True)
    plan.backward(all_nodes=True)
    assert [bits(x) for x in d] == data_bits(plan.nodes)
    assert [bits(x) for x in g] == grad_bits(plan.nodes)


def _forward_error(replay: Callable[[], object]) -> tuple[type, str]:
    with pytest.raises((ArithmeticError, ValueError)) as caught:
        replay()
    return type(caught.value), str(caught.value)


@pytest.mark.parametrize(
    ("build", "bad", "op_name"),
    [
        (lambda x: x.log(), -1.0, "Log()"),
        (lambda x: 1.0 / x, 0.0, "Div()"),
        (lambda x: x**-1, 0.0, "Pow(exponent=-1)"),
        (lambda x: x**0.5, -4.0, "Pow(exponent=0.5)"),
        (lambda x: x ** Value(2.0), -1.0, "Power()"),
        (lambda x: SIN(x), math.inf, "Sin()"),
    ],
)
def test_plan_domain_errors_name_the_op_as_eager_forward_does(
    build: Callable[[Value], Value], bad: float, op_name: str
) -> None:
    x = Value(1.0, label="x")
    y = build(x) * 2.0
    plan = GraphExecutor().compile(y)
    x.data = bad
    kind, message = _forward_error(plan.forward)
    assert (kind, message) == _forward_error(lambda: GraphExecutor().forward(y))
    assert message.startswith(op_name)
    assert "'x' = " in message


@attrs.frozen
class Liar(Operation):
    """Claims two inputs' worth of gradient for one input."""

    def forward(self, x: float) -> float:
        return x

    def local_grads(self, x: float, *, output: float) -> tuple[float, ...]:
        return (1.0, 1.0) if x > 5 else (1.0,)


@pytest.mark.parametrize(("op", "kind"), [(Kink(), ValueError), (Liar(), TypeError)])
def test_plan_backward_errors_name_the_node_as_eager_backward_does(
    op: Operation, kind: type
) -> None:
    x = Value(1.0, label="x")
    h = op(x * 10.0)
    h.label = "h"
    y = h * h
    plan = GraphExecutor().compile(y)
    x.data = 0.0 if isinstance(op, Kink) else 1.0
    plan.forward()
    with pytest.raises(kind) as from_plan:
        plan.backward()
    with pytest.raises(kind) as from_eager:
        y.backward()
    assert str(from_plan.value) == str(from_eager.value)
    assert "'h'" in str(from_plan.value)
    assert x.grad == 0.0  # nothing was added


def test_plan_of_a_checking_executor_raises_non_finite_errors() -> None:
    x = Value(0.5, label="x")
    y = (x * 400.0).exp() * (x * 400.0).exp()
    plan = GraphExecutor(check_finite=True).compile(y)
    assert plan.forward() == y.data
    x.data = 1.0
    with pytest.raises(NonFiniteError, match="forward"):
        plan.forward()


def test_plan_of_an_observing_executor_reports_every_step_as_eager_does() -> None:
    seen: list[BackwardStep] = []
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    y = (a * b).tanh() + a
    observed = GraphExecutor(observer=seen.append)
    plan = observed.compile(y)
    a.data = 0.5
    plan.forward()
    plan.backward()
    from_plan = list(seen)
    seen.clear()
    zero((a, b))
    observed.backward(y)
    assert from_plan == seen


@pytest.mark.slow
def test_plan_million_node_chain_matches_eager() -> None:
    x = Value(0.5, label="x")
    y = x
    for i in range(1_000_000):
        y = y.tanh() if i % 2 else y * 1.0000001
    plan = GraphExecutor().compile(y)
    expected = y.data
    assert plan.forward() == expected
    plan.backward()
    from_plan = x.grad
    x.grad = 0.0
    y.backward()
    assert bits(from_plan) == bits(x.grad)
    assert 0 < from_plan < 1
    assert isinstance(plan, Plan)


@pytest.mark.parametrize("x", [math.nan, -0.0, 0.0, -1.5, 2.5])
def test_plan_relu_matches_eager_at_nan_and_signed_zero(x: float) -> None:
    leaf = Value(1.0, label="x")
    root = leaf.relu() * 1.0
    plan = GraphExecutor().compile(root)
    leaf.data = x
    assert bits(plan.forward()) == bits(GraphExecutor().forward(root))
    namespace: dict[str, object] = {}
    exec(plan.listing(), namespace)
    d = [0.0] * len(plan)
    namespace["forward"](d, plan.leaves)  # type: ignore[operator]
    assert bits(d[-1]) == bits(root.data)


@pytest.mark.parametrize(
    "executor",
    [GraphExecutor(check_finite=True), GraphExecutor(observer=lambda step: None)],
    ids=["check_finite", "observer"],
)
def test_plan_careful_backward_uses_the_leaves_of_the_last_forward(
    executor: GraphExecutor,
) -> None:
    w, x = Value(2.0, label="w"), Value(3.0, label="x")
    y = w * w * x
    plain, careful = GraphExecutor().compile(y), executor.compile(y)
    grads = []
    for plan in (plain, careful):
        w.data = 2.0
        plan.forward()
        w.data = 5.0  # an optimiser step between forward and backward
        w.grad = 0.0
        plan.backward()
        grads.append(w.grad)
        assert w.data == 5.0
    assert grads == [12.0, 12.0]


def test_compile_backends_are_registered_and_checked() -> None:
    assert {"auto", "python"} <= set(backends())
    x = Value(2.0, label="x")
    assert isinstance(GraphExecutor().compile(x * x, backend="python"), Plan)
    with pytest.raises(ValueError, match=r"unknown backend 'fortran'; choose one of .*python"):
        GraphExecutor().compile(x * x, backend="fortran")
    with pytest.raises(ValueError, match="unknown backend 3"):
        GraphExecutor().compile(x * x, backend=3)  # type: ignore[arg-type]


def test_register_backend_makes_a_name_compile_through_it() -> None:
    calls: list[tuple[Value, GraphExecutor]] = []

    def compiler(root: Value, executor: GraphExecutor) -> Plan:
        calls.append((root, executor))
        return Plan(root, executor)

    x = Value(3.0)
    ex = GraphExecutor()
    register_backend("test-recording", compiler)
    try:
        plan = ex.compile(x * 2.0, backend="test-recording")
        assert calls == [(plan.root, ex)]
        assert plan.forward() == 6.0
    finally:
        del executor_module._BACKENDS["test-recording"]
    with pytest.raises(TypeError, match="non-empty str"):
        register_backend("", compiler)
    with pytest.raises(TypeError, match="must be callable"):
        register_backend("x", 42)  # type: ignore[arg-type]


def test_plan_listing_shows_in_jupyter_as_a_python_code_block() -> None:
    x = Value(2.0, label="x")
    listing = GraphExecutor().compile(x * x, backend="python").listing()
    assert isinstance(listing, Markdown)
    assert listing._repr_markdown_() == f"```python\n{listing}\n```"
