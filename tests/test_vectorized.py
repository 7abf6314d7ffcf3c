import math
import subprocess
import sys
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd
from autograd import GraphExecutor, LogSumExp, Max, Min, Operation, Plan, Softmax, Value
from nn import MLP
from nn.datasets import moons
from strategies import small_floats
from test_plan import STEPS, Graph, bits, data_bits, grad_bits, graphs, zero
from userops import Kink, Sin

np = pytest.importorskip("numpy")
from autograd.replay.vectorized import VectorPlan  # noqa: E402

BACKENDS = ["python", "numpy", "auto"]
SIN, KINK, LSE = Sin(), Kink(), LogSumExp()

# Steps that leave their ops' domains for some inputs: log and division of anything, exp that
# overflows, 0 to a negative power, a fractional power of a negative number, Kink's missing
# derivative at 0 -- so that random graphs meet every error eager execution raises.
RISKY: dict[str, Callable[[Value, Value], Value]] = {
    "log": lambda a, b: a.log(),
    "div": lambda a, b: a / b,
    "exp": lambda a, b: (a * 300.0).exp(),
    "recip": lambda a, b: a**-1,
    "square": lambda a, b: a**2,
    "sqrt": lambda a, b: a**0.5,
    "kink": lambda a, b: KINK(a),
    "mul": lambda a, b: a * b,
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "neg": lambda a, b: -a,
    "relu": lambda a, b: a.relu(),
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: b.sigmoid(),
    "lse": lambda a, b: LSE(a, b),
}
edgy_floats = st.one_of(st.sampled_from([0.0, -0.0, 1.0, -1.0, 3.5]), small_floats)


@st.composite
def risky_graphs(draw: st.DrawFn) -> tuple[tuple[float, ...], tuple[tuple[str, int, int], ...]]:
    leaves = tuple(draw(st.lists(edgy_floats, min_size=1, max_size=4)))
    steps = []
    for k in range(draw(st.integers(1, 10))):
        available = len(leaves) + k
        name = draw(st.sampled_from(sorted(RISKY)))
        steps.append(
            (name, draw(st.integers(0, available - 1)), draw(st.integers(0, available - 1)))
        )
    return leaves, tuple(steps)


def build_risky(leaves: tuple[float, ...], steps: tuple[tuple[str, int, int], ...]) -> Value:
    """Build eagerly from safer numbers (0.5 everywhere), so that the replays meet the errors."""
    nodes = [Value(0.5, label=f"x{k}") for k in range(len(leaves))]
    try:
        for name, i, j in steps:
            nodes.append(RISKY[name](nodes[i], nodes[j]))
    except (ArithmeticError, ValueError):
        assume(False)
    return nodes[-1] + nodes[-2] if len(nodes) > 1 else nodes[-1]


def outcome(run: Callable[[], object]) -> tuple[str, object]:
    """What a pass did: the error it raised (type and message), or the bits it computed."""
    try:
        result = run()
    except (ArithmeticError, ValueError, TypeError) as error:
        return type(error).__name__, str(error)
    return "ok", result


# The operations added after test_plan's steps were written, each kept inside its domain. A
# VectorPlan runs them through their own forward and local_grads, element by element.
MORE_STEPS: dict[str, Callable[[Value, Value], Value]] = {
    "abs": lambda a, b: abs(a - b),
    "sqrt": lambda a, b: (a * a + 0.25).sqrt(),
    "sin": lambda a, b: a.sin() * b,
    "cos": lambda a, b: a.cos(),
    "softplus": lambda a, b: a.softplus(),
    "max": lambda a, b: Max()(a, b),
    "min": lambda a, b: Min()(a, b * 0.5),
    "mod": lambda a, b: a % (b * b + 1.0),
    "softmax": lambda a, b: Softmax(1)(a, b, a * b),
}
ALL_STEPS = {**STEPS, **MORE_STEPS}


def build_every_op(graph: Graph) -> Value:
    nodes = [Value(x, label=f"x{k}") for k, x in enumerate(graph.leaves)]
    for name, i, j in graph.steps:
        nodes.append(ALL_STEPS[name](nodes[i], nodes[j]))
    return nodes[-1] + nodes[-2] if len(nodes) > 1 else nodes[-1]


def test_the_random_graphs_cover_every_built_in_operation() -> None:
    leaves = [Value(0.5), Value(-1.25)]
    seen = set()
    for step in ALL_STEPS.values():
        for node in GraphExecutor().topological_order(step(*leaves)):
            seen.add(type(node.op))
    exported = {
        kind
        for kind in vars(autograd).values()
        if isinstance(kind, type) and issubclass(kind, Operation) and kind is not Operation
    }
    assert exported <= seen, (
        f"no random-graph step uses {sorted(k.__name__ for k in exported - seen)}"
    )


@pytest.mark.parametrize("backend", BACKENDS)
@given(graph=graphs(sorted(ALL_STEPS)), data=st.data())
@settings(max_examples=60, deadline=None)
def test_every_backend_matches_eager_on_every_operation(
    backend: str, graph: Graph, data: st.DataObject
) -> None:
    root = build_every_op(graph)
    ex = GraphExecutor()
    plan = ex.compile(root, backend=backend)
    for leaf in plan.leaves:
        if leaf.label:
            leaf.data = data.draw(edgy_floats)
    from_plan = outcome(lambda: bits(plan.forward(all_nodes=True)))
    got = data_bits(plan.nodes)
    assert from_plan == outcome(lambda: bits(ex.forward(root)))
    if from_plan[0] != "ok":
        return
    assert got == data_bits(plan.nodes)
    assert [bits(x) for x in plan.read(plan.nodes)] == got
    seed = data.draw(st.sampled_from([1.0, -0.0, -2.5]))
    zero(plan.nodes)
    from_plan = outcome(lambda: plan.backward(seed, all_nodes=True))
    grads = grad_bits(plan.nodes)
    zero(plan.nodes)
    assert from_plan == outcome(lambda: ex.backward(root, seed))
    assert grads == grad_bits(plan.nodes)


def wide(n: int = 200) -> tuple[Value, list[Value]]:
    """A graph wide enough that "auto" picks numpy: a sum of n neurons' tanh."""
    ws = [Value(0.01 * k - 1.0, label=f"w{k}") for k in range(n)]
    x = Value(0.5, label="x")
    root = sum(((w * x + 0.1).tanh() * w for w in ws), Value(0.0))
    assert isinstance(root, Value)
    return root, [*ws, x]


@pytest.mark.parametrize("backend", BACKENDS)
@given(graph=graphs())
@settings(max_examples=60, deadline=None)
def test_every_backend_matches_eager_bit_for_bit(backend: str, graph: Graph) -> None:
    root, _ = graph.build()
    ex = GraphExecutor()
    plan = ex.compile(root, backend=backend)
    nodes = plan.nodes
    assert list(nodes) == ex.topological_order(root)
    eager_data = data_bits(nodes)
    ex.backward(root)
    eager_grads = grad_bits(nodes)
    zero(nodes)
    assert bits(plan.forward(all_nodes=True)) == bits(root.data)
    assert data_bits(nodes) == eager_data
    assert [bits(x) for x in plan.read(nodes)] == eager_data
    plan.backward(all_nodes=True)
    assert grad_bits(nodes) == eager_grads


@given(graph=graphs(), data=st.data())
@settings(max_examples=150, deadline=None)
def test_vector_plan_replays_new_leaf_data_like_a_rebuilt_graph(
    graph: Graph, data: st.DataObject
) -> None:
    root, leaves = graph.build()
    plan = GraphExecutor().compile(root, backend="numpy")
    assert isinstance(plan, VectorPlan)
    new = tuple(data.draw(st.lists(edgy_floats, min_size=len(leaves), max_size=len(leaves))))
    for leaf, x in zip(leaves, new):
        leaf.data = x
    plan.forward()
    picked = data.draw(st.lists(st.sampled_from(plan.nodes), max_size=4))
    read = plan.read(picked)
    plan.backward()
    rebuilt, rebuilt_leaves = graph.build(new)
    rebuilt.backward()
    rebuilt_nodes = GraphExecutor().topological_order(rebuilt)
    plan.forward(all_nodes=True)
    assert data_bits(plan.nodes) == data_bits(rebuilt_nodes)
    assert [bits(x) for x in read] == data_bits(picked)
    assert grad_bits(leaves) == grad_bits(rebuilt_leaves)


@pytest.mark.parametrize("backend", ["python", "numpy"])
@given(graph=risky_graphs(), data=st.data())
@settings(max_examples=150, deadline=None)
def test_every_backend_raises_eagers_errors_or_gives_its_numbers(
    backend: str,
    graph: tuple[tuple[float, ...], tuple[tuple[str, int, int], ...]],
    data: st.DataObject,
) -> None:
    leaves, steps = graph
    root = build_risky(leaves, steps)
    ex = GraphExecutor()
    plan = ex.compile(root, backend=backend)
    seed = data.draw(st.sampled_from([1.0, -0.0, 0.0, -2.0]))
    for leaf, x in zip(plan.leaves, leaves * len(plan.leaves)):
        if leaf.label:
            leaf.data = x
    from_plan = outcome(lambda: bits(plan.forward(all_nodes=True)))
    data_after_plan = data_bits(plan.nodes)
    from_eager = outcome(lambda: bits(ex.forward(root)))
    assert from_plan == from_eager
    if from_eager[0] != "ok":
        return
    assert data_after_plan == data_bits(plan.nodes)
    zero(plan.nodes)
    from_plan = outcome(lambda: plan.backward(seed, all_nodes=True))
    plan_grads = grad_bits(plan.nodes)
    zero(plan.nodes)
    from_eager = outcome(lambda: ex.backward(root, seed))
    assert from_plan == from_eager
    assert plan_grads == grad_bits(plan.nodes)


@given(graphs(), st.lists(st.sampled_from([0.0, -0.0, 1.5, -2.0]), min_size=4, max_size=4))
@settings(max_examples=50, deadline=None)
def test_vector_plan_repeated_backward_accumulates_like_eager(
    graph: Graph, start: list[float]
) -> None:
    root, leaves = graph.build()
    twin, twin_leaves = graph.build()
    for leaf, twin_leaf, g in zip(leaves, twin_leaves, start):
        leaf.grad = twin_leaf.grad = g
    plan = GraphExecutor().compile(root, backend="numpy")
    for seed in (1.0, -0.5, -0.0):
        plan.backward(seed)
        twin.backward(seed)
    assert grad_bits(leaves) == grad_bits(twin_leaves)


@pytest.mark.parametrize("x", [math.nan, -0.0, 0.0, -1.5, 2.5, math.inf])
def test_vector_plan_matches_eager_at_nan_signed_zero_and_infinity(x: float) -> None:
    leaf = Value(1.0, label="x")
    root = leaf.relu() * 1.0 + (-leaf) * leaf + leaf.tanh()
    plan = GraphExecutor().compile(root, backend="numpy")
    leaf.data = x
    got = bits(plan.forward())
    plan.backward(-0.0, all_nodes=True)
    grads = grad_bits(plan.nodes)
    zero(plan.nodes)
    assert got == bits(GraphExecutor().forward(root))
    GraphExecutor().backward(root, -0.0)
    assert grads == grad_bits(plan.nodes)


def test_vector_plan_of_a_leaf_is_the_leaf() -> None:
    x = Value(2.0, label="x")
    plan = GraphExecutor().compile(x, backend="numpy")
    assert plan.nodes == plan.leaves == (x,)
    x.data = 5.0
    assert plan.forward() == 5.0
    plan.backward(3.0)
    assert x.grad == 3.0


def test_vector_plan_groups_long_sums_into_one_level() -> None:
    xs = [Value(float(k), label=f"x{k}") for k in range(100)]
    total = sum((x * x for x in xs), Value(0.0))
    plan = GraphExecutor().compile(total, backend="numpy")
    assert isinstance(plan, VectorPlan)
    assert plan.levels == 2  # the products, then one chain of 101 terms
    listing = plan.listing()
    assert "level 1: mul, 100 nodes" in listing
    assert "level 2: add, 1 chain of 101 terms" in listing
    assert total.data == plan.forward() == sum(float(k * k) for k in range(100))


def test_vector_plan_listing_shows_levels_and_groups_and_slots() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = a * b
    e.label = "e"
    d = e + SIN(b)
    d.label = "d"
    assert GraphExecutor().compile(d, backend="numpy").listing() == "\n".join(
        [
            "# numpy plan of 5 nodes (2 leaves) for root 'd': 2 levels, 3 groups, 2 edge slots.",
            "# d: the nodes' data; g: their gradients; e: one slot per edge (node, input).",
            "forward:",
            "  level 0: d[0, 1] = the leaves' data  # a, b",
            "  level 1: call, 1 node: d[3] = forward of Sin(), node by node",
            "  level 1: mul, 1 node: d[2] = d[0] * d[1]  # e",
            "  level 2: add, 1 chain of 2 terms: d[4] = add.accumulate(d[2, 3])[1:]  # d",
            "backward:  # g[root] = seed; a level's g is the sum of its nodes' slots, "
            "in eager order",
            "  level 2: add: g[2, 3] = 0.0 + (0.0 + g[4])",
            "  level 1: call: e[0] = local_grads * g[3]",
            "  level 1: mul: g[0] = 0.0 + d[1] * g[2]; e[1] = d[0] * g[2]",
            "  level 0: g[1] = bincount of e[0:2]",
        ]
    )


def test_auto_picks_numpy_for_wide_graphs_and_python_for_narrow_ones() -> None:
    root, _ = wide()
    assert isinstance(GraphExecutor().compile(root), VectorPlan)
    x = Value(1.0)
    assert isinstance(GraphExecutor().compile((x * 2.0).tanh()), Plan)
    assert isinstance(GraphExecutor().compile(root, backend="python"), Plan)


def test_vector_plan_takes_and_gives_leaf_arrays() -> None:
    root, _ = wide()
    plan = GraphExecutor().compile(root, backend="numpy")
    assert isinstance(plan, VectorPlan)
    leaves = plan.leaves
    new = [0.5 * leaf.data + 0.25 for leaf in leaves]
    before = data_bits(list(leaves))
    from_array = plan.forward(leaf_data=np.array(new))
    grads = plan.leaf_gradients(-2.0)
    assert data_bits(list(leaves)) == before  # the leaves were not written
    for leaf, x in zip(leaves, new):
        leaf.data = x
    assert bits(from_array) == bits(GraphExecutor().forward(root))
    expected = GraphExecutor().gradients(root, -2.0)
    assert [bits(g) for g in grads.tolist()] == [bits(expected[leaf]) for leaf in leaves]
    with pytest.raises(ValueError, match=f"leaf_data has 3 numbers for {len(leaves)} leaves"):
        plan.forward(leaf_data=[1.0, 2.0, 3.0])


def test_vector_plan_domain_error_with_leaf_data_names_the_op_like_eager() -> None:
    x = Value(1.0, label="x")
    ys = [(x * float(k)).log() for k in range(1, 80)]
    root = sum(ys, Value(0.0))
    plan = GraphExecutor().compile(root, backend="numpy")
    assert isinstance(plan, VectorPlan)
    with pytest.raises(ValueError, match=r"^Log\(\) on inputs \(-1\.0\)") as caught:
        plan.forward(leaf_data=[-1.0 if leaf is x else leaf.data for leaf in plan.leaves])
    x.data = -1.0
    with pytest.raises(ValueError, match=r"^Log") as eager:
        GraphExecutor().forward(root)
    assert str(caught.value) == str(eager.value)


def demo_loss(model: MLP, inputs: list[list[Value]], signs: list[float]) -> Value:
    """micrograd's demo loss: mean max-margin over the points plus 1e-4 L2."""
    scores = [model(row) for row in inputs]
    terms = [(1.0 - s * sign).relu() for s, sign in zip(scores, signs)]  # type: ignore[operator]
    penalty = sum((p * p for p in model.parameters()), Value(0.0)) * 1e-4
    return sum(terms, Value(0.0)) * (1.0 / len(terms)) + penalty


@pytest.mark.slow
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_vector_plan_trains_the_demo_model_like_eager_for_100_steps(activation: str) -> None:
    # 100 steps prove that no rounding drifts over a run; 32 points make every step's graph
    # (about 10^4 nodes) large enough for every vectorised group while the test stays minutes
    # shorter than with micrograd's 100.
    X, y = moons(32, noise=0.1, seed=1)
    signs = [2.0 * t - 1.0 for t in y]
    replayed, eager = (MLP(2, [16, 16, 1], activation=activation, seed=3) for _ in range(2))
    inputs = [[Value(v) for v in row] for row in X]
    plan = GraphExecutor().compile(demo_loss(replayed, inputs, signs), backend="numpy")
    assert isinstance(plan, VectorPlan)
    for _ in range(100):
        got = plan.forward()
        replayed.zero_grad()
        plan.backward()
        loss = demo_loss(eager, inputs, signs)
        eager.zero_grad()
        loss.backward()
        assert bits(got) == bits(loss.data)
        for model in (replayed, eager):
            for p in model.parameters():
                p.data -= 0.05 * p.grad
        assert grad_bits(replayed.parameters()) == grad_bits(eager.parameters())
        assert data_bits(replayed.parameters()) == data_bits(eager.parameters())


def test_engine_imports_and_compiles_without_numpy() -> None:
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "from autograd import GraphExecutor, Plan, Value\n"
        "x = Value(1.0)\n"
        "ys = [(x * k).tanh() for k in range(300)]\n"
        "root = sum(ys, Value(0.0))\n"
        "assert type(GraphExecutor().compile(root)) is Plan\n"
        "try:\n"
        "    GraphExecutor().compile(root, backend='numpy')\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert "pip install 'opgrad[fast]'" in run.stdout
