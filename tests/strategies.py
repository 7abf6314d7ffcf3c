"""Hypothesis strategies shared by the tests: numbers, and random expression graphs.

An expression is drawn as a *recipe* — leaf values plus a list of steps ``(op, i, j)`` that each
combine earlier nodes — so the same recipe can be built with opgrad and with micrograd, and so
shared subexpressions and fan-out (one node used by many) arise naturally.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st

from autograd import Abs, LogSumExp, Max, Min, Mod, ReLU, Value

N = TypeVar("N")

small_floats = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


@attrs.frozen
class Recipe:
    """Leaves and steps of a random expression; node k >= len(leaves) is step k - len(leaves)."""

    leaves: tuple[float, ...]
    steps: tuple[tuple[str, int, int], ...]


# Every step keeps its inputs inside the ops' domains (log of 1 + a*a, division by 1 + b*b, ...),
# so any recipe builds without domain errors. "Portable" steps use only what micrograd has.
PORTABLE_STEPS = ("add", "sub", "mul", "div", "neg", "relu", "square", "cube", "rsub", "radd")
ALL_STEPS = (*PORTABLE_STEPS, "tanh", "sigmoid", "exp", "log", "power", "sqrt")
# Every built-in operation, for the derivatives of every order: these steps need Values (their
# operations have no micrograd counterpart), and some have kinks (see kinks_clear).
EVERY_OP_STEPS = (
    *ALL_STEPS,
    "abs",
    "sqrt_op",
    "sin",
    "cos",
    "softplus",
    "max",
    "min",
    "mod",
    "lse",
)


# The operations a step calls as functions rather than methods or operators, so that another
# engine (PyTorch, in tests/test_torch_higher.py) can build the same recipes with its own.
OPGRAD_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "max": lambda a, b: Max()(a, b),
    "min": lambda a, b: Min()(a, b),
    "logsumexp": lambda *xs: LogSumExp()(*xs),
    "softplus": lambda a: a.softplus(),
}


def _step(name: str, a: Any, b: Any, fns: dict[str, Callable[..., Any]] = OPGRAD_FUNCTIONS) -> Any:
    if name == "add":
        return a + b
    if name == "sub":
        return a - b
    if name == "mul":
        return a * b
    if name == "div":
        return a / (b * b + 1)
    if name == "neg":
        return -a
    if name == "relu":
        return a.relu()
    if name == "square":
        return a**2
    if name == "cube":
        return a**3
    if name == "rsub":
        return 2.0 - a
    if name == "radd":
        return 0.5 + a * 3
    if name == "tanh":
        return a.tanh()
    if name == "sigmoid":
        return b.sigmoid() * a
    if name == "exp":
        return a.tanh().exp()
    if name == "log":
        return (a * a + 1).log()
    if name == "power":
        return (a * a + 1) ** b.tanh()
    if name == "sqrt":
        return (a * a + 0.5) ** 0.5
    if name == "abs":
        return (a - b * 0.5).abs()
    if name == "sqrt_op":
        return (a * a + 0.25).sqrt()
    if name == "sin":
        return (a * 2).sin()
    if name == "cos":
        return a.cos() * b
    if name == "softplus":
        return fns["softplus"](a * 3)
    if name == "max":
        return fns["max"](a, b)
    if name == "min":
        return fns["min"](a, b * 0.5)
    if name == "mod":
        return a % (b * b + 1)
    if name == "lse":
        return fns["logsumexp"](a, b * 2, a * b)
    raise AssertionError(name)


def kinks_clear(root: Value, order: Sequence[Value], margin: float) -> bool:
    """Whether every kink of the graph (ReLU and Abs at 0, Max and Min at a tie, Mod where a/b
    is whole) is at least ``margin`` away from its operation's inputs, so that finite differences
    near this point estimate derivatives. ``max(x, x)`` has no kink."""
    for node in order:
        op = node.op
        if isinstance(op, (ReLU, Abs)):
            if abs(node.parents[0].data) < margin:
                return False
        elif isinstance(op, (Max, Min)):
            a, b = node.parents
            if a is not b and abs(a.data - b.data) < margin:
                return False
        elif isinstance(op, Mod):
            a, b = node.parents
            q = a.data / b.data
            if abs(q - round(q)) < margin:
                return False
    return True


def build(
    recipe: Recipe,
    make_leaf: Callable[[float], N],
    functions: dict[str, Callable[..., Any]] = OPGRAD_FUNCTIONS,
) -> tuple[N, list[N]]:
    """Build a recipe with any engine's leaf constructor; return the root and the leaves."""
    leaves = [make_leaf(x) for x in recipe.leaves]
    nodes: list[Any] = list(leaves)
    for name, i, j in recipe.steps:
        nodes.append(_step(name, nodes[i], nodes[j], functions))
    # The root sums the last few nodes so that several branches meet at the end.
    root = nodes[-1]
    for extra in nodes[-3:-1]:
        root = root + extra
    return root, leaves


@st.composite
def recipes(
    draw: st.DrawFn, step_names: Sequence[str] = ALL_STEPS, max_leaves: int = 4, max_steps: int = 12
) -> Recipe:
    """Random expression recipes with shared subexpressions and fan-out."""
    leaves = tuple(draw(st.lists(small_floats, min_size=1, max_size=max_leaves)))
    n_steps = draw(st.integers(1, max_steps))
    steps = []
    for k in range(n_steps):
        available = len(leaves) + k
        name = draw(st.sampled_from(step_names))
        i = draw(st.integers(0, available - 1))
        j = draw(st.integers(0, available - 1))
        steps.append((name, i, j))
    return Recipe(leaves, tuple(steps))


def opgrad_leaf(x: float) -> Value:
    return Value(x)


# Formulas as a hostile user types them: the allowed grammar mixed with everything it refuses
# (other operators, calls, attributes, strings, huge and non-finite literals, comparisons...).
_FORMULA_ATOMS = st.one_of(
    st.sampled_from(["x", "y", "b", "unknown", "tanh", "__import__", "_", "ﬁ"]),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=False).map(repr),
    st.sampled_from(["1e999", "-1e999", "9" * 400, "0x1f", "1_000", "1j", "'a'", "b'x'", "None"]),
    st.sampled_from(["True", "...", "f'{x}'", "[]", "()", "{}", "lambda: 1", "x.y", "x[0]"]),
)
_BINARY_OPERATORS = ["+", "-", "*", "/", "**", "//", "%", "@", "<<", "|", "<", "==", "and", "if"]


def _formula_combinations(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(_BINARY_OPERATORS), inner).map(" ".join),
        st.tuples(st.sampled_from(["-", "+", "~", "not "]), inner).map("".join),
        st.tuples(
            st.sampled_from(["tanh", "exp", "log", "relu", "sigmoid", "print", "x.f", ""]),
            st.lists(inner, max_size=2).map(", ".join),
        ).map(lambda parts: f"{parts[0]}({parts[1]})"),
        inner.map(lambda x: f"({x})"),
    )


formulas = st.recursive(_FORMULA_ATOMS, _formula_combinations, max_leaves=40)
"""Random formula texts built from a grammar, allowed and refused pieces alike."""


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["opgrad-mlp", "relu", "tanh", 1, 2, 3]),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(
            st.sampled_from(["format", "version", "nin", "nouts", "activation", "layers", "w", "b"])
            | st.text(max_size=5),
            inner,
            max_size=6,
        )
    ),
    max_leaves=30,
)
"""Any JSON value (NaN and infinities included), biased towards the fields of a model file."""
