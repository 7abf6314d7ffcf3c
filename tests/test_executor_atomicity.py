"""What survives an interrupt, what threads may share, and the one contract of local_grads.

Interrupts are injected deterministically, without signals or timing: a trace function raises
KeyboardInterrupt at the k-th event (every call, line, return and bytecode of Python code run by
the call), for every k. Python raises a real Ctrl-C only between bytecodes of Python code too,
so this reaches every point where one can land.
"""

from __future__ import annotations

import functools
import struct
import threading
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import attrs
import pytest

from autograd import GraphExecutor, Operation, Value
from userops import Fma, Mix
from work import run_interrupted

_EVENTS_LIMIT = 20_000


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


def _graph() -> tuple[list[Value], Value]:
    """A small graph with fan-out, built-in ops and user ops of two and three inputs."""
    a, b, c = Value(0.5, "a"), Value(-1.5, "b"), Value(2.0, "c")
    d = a * b + a
    e = Mix()(d, c).tanh()
    f = Fma()(e, a, b) * d
    return [a, b, c], f


def _every_interrupt(
    setup: Callable[[], tuple[list[Value], Callable[[], object]]],
    expected: Callable[[list[Value], list[bytes]], list[list[bytes]]],
) -> Iterator[int]:
    """Interrupt ``run`` at every event; check the grads are one of ``expected`` each time.

    ``setup`` builds fresh nodes (with their grads set) and the call to interrupt; ``expected``
    gives, from the nodes and their grads before the call, the states allowed after an
    interrupt. Yields the number of events of an uninterrupted run.
    """
    nodes, _ = setup()
    allowed = expected(nodes, [_bits(n.grad) for n in nodes])
    at = 0
    while True:
        nodes, run = setup()
        interrupted = run_interrupted(run, at)
        after = [_bits(n.grad) for n in nodes]
        assert after in allowed, f"grads torn by an interrupt at event {at}"
        if not interrupted:
            yield at
            return
        at += 1
        assert at < _EVENTS_LIMIT


def _states_of_backward(
    executor: GraphExecutor, olds: list[float], all_nodes: bool = True
) -> Callable[[list[Value], list[bytes]], list[list[bytes]]]:
    """All as before, or all as after one uninterrupted backward (computed on a twin graph)."""

    def expected(nodes: list[Value], before: list[bytes]) -> list[list[bytes]]:
        twin, root = _graph()
        twin_nodes = executor.topological_order(root) if all_nodes else twin
        for node, old in zip(twin_nodes, olds):
            node.grad = old
        executor.backward(root)
        return [before, [_bits(n.grad) for n in twin_nodes]]

    return expected


_EXECUTORS = {
    "fast": GraphExecutor(),
    "check_finite": GraphExecutor(check_finite=True),
    "observer": GraphExecutor(observer=lambda step: None),
}
_PLANS = [
    ("fast", "python"),
    pytest.param("check_finite", "python", marks=pytest.mark.slow),
    pytest.param("observer", "python", marks=pytest.mark.slow),
    pytest.param("fast", "numpy", marks=pytest.mark.slow),
]
# The careful paths run many more Python lines, so interrupting each of them takes a while.
_SWEPT = [
    "fast",
    pytest.param("check_finite", marks=pytest.mark.slow),
    pytest.param("observer", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("olds", [0.0, 0.25], ids=["zeroed", "accumulating"])
@pytest.mark.parametrize("name", _SWEPT)
def test_backward_interrupted_anywhere_leaves_grads_all_before_or_all_after(
    name: str, olds: float
) -> None:
    executor = _EXECUTORS[name]
    size = len(executor.topological_order(_graph()[1]))
    grads = [olds * (i + 1) for i in range(size)]

    def setup() -> tuple[list[Value], Callable[[], object]]:
        _, root = _graph()
        nodes = executor.topological_order(root)
        for node, g in zip(nodes, grads):
            node.grad = g
        return nodes, lambda: executor.backward(root)

    events = list(_every_interrupt(setup, _states_of_backward(executor, grads)))
    assert events[0] > 100  # the injection reached the whole call, not a few lines of it


@pytest.mark.parametrize("name", _SWEPT)
def test_gradients_interrupted_anywhere_changes_no_grad(name: str) -> None:
    executor = _EXECUTORS[name]

    def setup() -> tuple[list[Value], Callable[[], object]]:
        _, root = _graph()
        nodes = executor.topological_order(root)
        for i, node in enumerate(nodes):
            node.grad = -0.0 if i % 3 == 0 else 0.5 * i
        return nodes, lambda: executor.gradients(root)

    events = list(_every_interrupt(setup, lambda nodes, before: [before]))
    assert events[0] > 100


@pytest.mark.parametrize("all_nodes", [False, True], ids=["leaves", "all_nodes"])
@pytest.mark.parametrize("olds", [0.0, 0.25], ids=["zeroed", "accumulating"])
@pytest.mark.parametrize(("name", "backend"), _PLANS)
def test_plan_backward_interrupted_anywhere_leaves_grads_all_before_or_all_after(
    name: str, olds: float, all_nodes: bool, backend: str
) -> None:
    executor = _EXECUTORS[name]
    size = len(executor.topological_order(_graph()[1]))
    grads = [olds * (i + 1) for i in range(size)]

    def setup() -> tuple[list[Value], Callable[[], object]]:
        _, root = _graph()
        plan = executor.compile(root, backend)
        plan.forward()
        nodes = list(plan.nodes)
        for node, g in zip(nodes, grads):
            node.grad = g
        return nodes, lambda: plan.backward(all_nodes=all_nodes)

    def expected(nodes: list[Value], before: list[bytes]) -> list[list[bytes]]:
        _, root = _graph()
        twin = executor.compile(root, backend)
        twin.forward()
        for node, g in zip(twin.nodes, grads):
            node.grad = g
        twin.backward(all_nodes=all_nodes)
        return [before, [_bits(n.grad) for n in twin.nodes]]

    events = list(_every_interrupt(setup, expected))
    assert events[0] > 20


def test_zero_grad_interrupted_anywhere_zeroes_all_or_nothing() -> None:
    def setup() -> tuple[list[Value], Callable[[], object]]:
        _, root = _graph()
        nodes = GraphExecutor().topological_order(root)
        for node in nodes:
            node.grad = 1.5
        return nodes, lambda: GraphExecutor().zero_grad(root)

    def expected(nodes: list[Value], before: list[bytes]) -> list[list[bytes]]:
        return [before, [_bits(0.0)] * len(nodes)]

    list(_every_interrupt(setup, expected))


@attrs.frozen
class _Interrupting(Operation):
    """f(x) = 2x, whose local_grads raises KeyboardInterrupt on its k-th call (as Ctrl-C would)."""

    calls: list[int] = attrs.field(eq=False)
    at: int = 0

    def forward(self, x: float) -> float:
        return 2.0 * x

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        self.calls.append(1)
        if len(self.calls) == self.at:
            raise KeyboardInterrupt
        return (2.0,)


@pytest.mark.parametrize("name", list(_EXECUTORS))
def test_backward_interrupted_in_a_users_local_grads_at_each_step_changes_no_grad(
    name: str,
) -> None:
    executor = _EXECUTORS[name]
    for at in range(1, 6):
        op = _Interrupting([], at)
        x = Value(1.0, "x")
        y = x
        for _ in range(5):
            y = op(y) * x
        nodes = executor.topological_order(y)
        for i, node in enumerate(nodes):
            node.grad = float(i)
        runs: list[Callable[[], object]] = [
            functools.partial(executor.backward, y),
            functools.partial(executor.gradients, y),
            functools.partial(executor.compile(y, "python").backward, all_nodes=True),
            *_numpy_backward(executor, y),
        ]
        for run in runs:
            op.calls.clear()
            with pytest.raises(KeyboardInterrupt):
                run()
            assert [n.grad for n in nodes] == [float(i) for i in range(len(nodes))]


@attrs.frozen
class _Lockstep(Operation):
    """f(x) = 3x; local_grads waits at a barrier, so two threads take their steps in turn."""

    barrier: threading.Barrier = attrs.field(eq=False)

    def forward(self, x: float) -> float:
        return 3.0 * x

    def local_grads(self, x: float, *, output: float) -> tuple[float]:
        self.barrier.wait()
        return (3.0,)


def test_gradients_from_two_threads_on_graphs_sharing_a_leaf_are_each_their_own() -> None:
    # Each local_grads call waits for the other thread's, so the two passes are interleaved
    # step by step: a pass summed in the shared leaf's grad slot would see the other's sums.
    op = _Lockstep(threading.Barrier(2, timeout=30))
    shared = Value(1.0, "shared")
    roots = []
    for scale in (2.0, 5.0):
        y = op(shared * scale) * shared
        roots.append(op(y) + shared)
    found: dict[int, float] = {}

    def work(i: int) -> None:
        found[i] = GraphExecutor().gradients(roots[i])[shared]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # d/ds of 3 * (3 * c s) * s + s = 18 c s + 1 with c = 2 and 5, s = 1.
    assert found == {0: 37.0, 1: 91.0}
    assert shared.grad == 0.0


class _Slope:
    """Not a number: what a careless local_grads might return."""

    def __mul__(self, other: object) -> _Slope:
        return self

    __rmul__ = __mul__


def _returning(slope: Callable[[], object], arity: int) -> Operation:
    @attrs.frozen
    class Returning(Operation):
        arity_: ClassVar[int] = arity

        def forward(self, *xs: float) -> float:
            return sum(xs)

        def local_grads(self, *xs: float, output: float) -> tuple[Any, ...]:
            return tuple(slope() for _ in xs)

    Returning.arity = arity
    return Returning()


_NOT_REAL = {
    "complex": lambda: 1 + 2j,
    "Value": lambda: Value(1.0),
    "object": _Slope,
}


@pytest.mark.parametrize("arity", [1, 2, 3])
@pytest.mark.parametrize("kind", list(_NOT_REAL))
@pytest.mark.parametrize("name", list(_EXECUTORS))
def test_every_backward_path_refuses_a_slope_that_is_not_a_real_number(
    name: str, kind: str, arity: int
) -> None:
    executor = _EXECUTORS[name]
    x = Value(2.0, "x")
    y = _returning(_NOT_REAL[kind], arity)(*[x * float(i + 1) for i in range(arity)])
    z = (y * x).tanh()
    y.label = "y"
    expected = r"local_grads must return a tuple of \d real numbers .* at node 'y'"
    for run in (
        lambda: executor.backward(z),
        lambda: executor.gradients(z),
        lambda: executor.compile(z, "python").backward(),
        lambda: executor.compile(z, "python").backward(all_nodes=True),
        *_numpy_backward(executor, z),
    ):
        with pytest.raises(TypeError, match=expected):
            run()
        assert x.grad == 0.0
        assert all(type(n.grad) is float for n in executor.topological_order(z))


def test_numpy_slopes_are_real_numbers_and_give_plain_float_gradients() -> None:
    numpy = pytest.importorskip("numpy")
    for arity in (1, 2, 3):
        x = Value(2.0, "x")
        as_numpy = _returning(lambda: numpy.float64(1.5), arity)
        as_int = _returning(lambda: 1.5, arity)
        results = []
        for op in (as_numpy, as_int):
            z = (op(*[x * float(i + 1) for i in range(arity)]) * x).tanh()
            runs = [z.backward, GraphExecutor().compile(z, "python").backward]
            for run in runs + _numpy_backward(GraphExecutor(), z)[:2]:
                x.grad = 0.0
                run()
                assert type(x.grad) is float
                results.append(x.grad)
            grads = GraphExecutor().gradients(z)
            assert all(type(g) is float for g in grads.values())
        assert len(set(results)) == 1
    z = _returning(lambda: numpy.array([1.0, 2.0]), 1)(x)
    with pytest.raises(TypeError, match="real numbers"):
        z.backward()


@pytest.mark.parametrize("seed", ["2", True, None, 1 + 0j, [1.0]])
def test_every_backward_refuses_a_seed_that_is_not_a_real_number(seed: object) -> None:
    x = Value(2.0, "x")
    y = x * x
    plan = GraphExecutor().compile(y, "python")
    runs: list[Callable[[], object]] = [
        *_numpy_backward(GraphExecutor(), y, seed),
        lambda: y.backward(seed),  # type: ignore[arg-type]
        lambda: GraphExecutor().backward(y, seed),  # type: ignore[arg-type]
        lambda: GraphExecutor(check_finite=True).backward(y, seed),  # type: ignore[arg-type]
        lambda: GraphExecutor().gradients(y, seed),  # type: ignore[arg-type]
        lambda: plan.backward(seed),  # type: ignore[arg-type]
    ]
    for run in runs:
        with pytest.raises(TypeError, match="backward seed must be an int or a float"):
            run()
    assert x.grad == 0.0
    y.backward(2)  # an int is a real number
    assert x.grad == 8.0


def _numpy_backward(
    executor: GraphExecutor, root: Value, seed: object = 1.0
) -> list[Callable[[], object]]:
    """The numpy backend's backward passes (none without numpy)."""
    try:
        import numpy  # noqa: F401
    except ImportError:
        return []
    plan = executor.compile(root, "numpy")
    return [
        functools.partial(plan.backward, seed),  # type: ignore[arg-type]
        functools.partial(plan.backward, seed, all_nodes=True),  # type: ignore[arg-type]
        functools.partial(plan.leaf_gradients, seed),  # type: ignore[attr-defined]
    ]
