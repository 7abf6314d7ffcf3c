"""The replay table (autograd.replay.kinds) against ops.py, bit for bit, and the loops against it.

Each row's forms are evaluated as Python and as numpy on random inputs (with -0.0, infinities,
NaN and subnormals among them) and compared with the row's Operation class: ``forward`` for the
node's form, ``local * g`` (the executor's chain rule) for each input's. A form may raise where
the op does not (``exp`` overflowing): the plans then run the pass eagerly. Then every backend
replays a one-node graph of each row and must give the form's numbers.
"""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import GraphExecutor, Operation, Value
from autograd.replay.kinds import KINDS, ROWS, Kind, pow_forms

np = pytest.importorskip("numpy")
from autograd.replay.groups import ELEMENTWISE  # noqa: E402

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 5e-324, -5e-324, 2.2e-308, 1e308, 710.0, -745.5]
SPECIAL += [math.inf, -math.inf, math.nan]
numbers = st.one_of(st.sampled_from(SPECIAL), st.floats(-30.0, 30.0), st.floats())
PYTHON = {"tanh": math.tanh, "exp": math.exp, "log": math.log, "inf": math.inf}


def _elementwise(name: str):  # type: ignore[no-untyped-def]
    function = ELEMENTWISE[name]
    return lambda x: np.fromiter(map(function, x.tolist()), np.float64, len(x))


NUMPY = {"where": np.where, **{name: _elementwise(name) for name in ELEMENTWISE}}


def bits(x: float) -> bytes:
    """A float's IEEE bytes, every NaN as one: which NaN an operation on two NaNs returns (its
    sign, its payload) is the processor's choice, and a compiler may swap a product's operands.
    """
    return b"nan" if x != x else struct.pack("<d", x)


def fill(form: str, names: dict[str, str]) -> str:
    return form.format(**names)


def python_forms(row: Kind, args: list[float], g: float) -> tuple[float, list[float]] | None:
    """The row's forward and contributions as Python computes its forms; None where one raises."""
    scope = {**PYTHON, "a": args[0], "b": args[-1], "g": g}
    names = {"a": "a", "b": "b", "o": "o", "g": "g"}
    try:
        scope["o"] = out = eval(fill(row.forward, names), scope)
        return out, [eval(fill(form, names), scope) for form in row.backward]
    except (ArithmeticError, ValueError):
        return None


def eager(op: Operation, args: list[float], g: float) -> tuple[float, list[float]]:
    out = op.forward(*args)
    return out, [local * g for local in op.local_grads(*args, output=out)]


def ops_and_inputs() -> st.SearchStrategy[tuple[Kind, list[float], float]]:
    return st.sampled_from(ROWS).flatmap(
        lambda row: st.tuples(
            st.just(row), st.lists(numbers, min_size=row.arity, max_size=row.arity), numbers
        )
    )


def test_kinds_table_names_each_builtin_operation_once() -> None:
    assert len({row.name for row in ROWS}) == len({row.code for row in ROWS}) == len(ROWS)
    assert [row.code for row in ROWS] == list(range(len(ROWS)))
    for row in ROWS:
        assert KINDS[row.op] is row
        assert getattr(autograd, row.op.__name__) is row.op
        assert len(row.numpy_forms()[1]) == row.arity


@settings(max_examples=600, deadline=None)
@given(ops_and_inputs())
def test_kinds_python_forms_equal_their_operation(case: tuple[Kind, list[float], float]) -> None:
    row, args, g = case
    found = python_forms(row, args, g)
    if found is None:
        return  # the plans run this pass eagerly
    out, contributions = found
    expected_out, expected = eager(row.op(), args, g)
    assert bits(out) == bits(expected_out), (row.name, args)
    assert [bits(c) for c in contributions] == [bits(c) for c in expected], (row.name, args, g)


@settings(max_examples=300, deadline=None)
@given(ops_and_inputs(), st.integers(1, 5))
def test_kinds_numpy_forms_equal_their_operation(
    case: tuple[Kind, list[float], float], width: int
) -> None:
    row, args, g = case
    columns = [np.array([x] * width) for x in args]
    forward, backward = row.numpy_forms()
    names = {"a": "a", "b": "b", "o": "o", "g": "g"}
    scope = {**NUMPY, "a": columns[0], "b": columns[-1], "g": np.array([g] * width)}
    try:
        with np.errstate(divide="raise", over="ignore", under="ignore", invalid="ignore"):
            scope["o"] = out = eval(fill(forward, names), scope)
            contributions = [eval(fill(form, names), scope) for form in backward]
    except (ArithmeticError, ValueError):
        return  # the numpy plan runs this pass eagerly
    if python_forms(row, args, g) is None:
        return
    expected_out, expected = eager(row.op(), args, g)
    assert {bits(x) for x in out.tolist()} == {bits(expected_out)}, (row.name, args)
    for c, e in zip(contributions, expected):
        assert {bits(x) for x in np.broadcast_to(c, (width,)).tolist()} == {bits(e)}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([-3, -2, -1, 0, 1, 2, 3, 2.0, -1.0, 0.0]), numbers, numbers)
def test_kinds_pow_forms_equal_pow(k: float, x: float, g: float) -> None:
    forward, (backward,) = pow_forms(k)
    scope = {**PYTHON, "a": x, "g": g}
    try:
        out = eval(forward.format(a="a"), scope)
        contribution = eval(backward.format(a="a", g="g"), scope)
    except (ArithmeticError, ValueError):
        return
    expected_out, (expected,) = eager(autograd.Pow(k), [x], g)
    assert bits(out) == bits(expected_out)
    assert bits(contribution) == bits(expected)


@pytest.mark.parametrize("backend", ["python", "numpy"])
@settings(max_examples=200, deadline=None)
@given(case=ops_and_inputs())
def test_kinds_each_backend_replays_each_row_as_its_forms(
    backend: str, case: tuple[Kind, list[float], float]
) -> None:
    row, args, g = case
    found = python_forms(row, args, g)
    if found is None:
        return
    leaves = [Value(1.0) for _ in args]
    root = row.op()(*leaves)
    plan = GraphExecutor().compile(root, backend=backend)
    for leaf, x in zip(leaves, args):
        leaf.data = x
    out, contributions = found
    assert bits(plan.forward()) == bits(out)
    plan.backward(g)
    assert [bits(leaf.grad) for leaf in leaves] == [bits(0.0 + c) for c in contributions]
