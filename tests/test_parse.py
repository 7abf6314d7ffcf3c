from __future__ import annotations

import builtins
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import (
    ExpressionError,
    GraphExecutor,
    Max,
    Min,
    Neg,
    Pow,
    Power,
    Value,
    parse_assignments,
    parse_expression,
)
from autograd.views.parse import FUNCTIONS
from strategies import formulas
from work import lines_run

VALUES = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}


def test_parse_expression_builds_the_lecture_neuron() -> None:
    o, leaves = parse_expression("tanh(x1*w1 + x2*w2 + b)", VALUES)
    assert o.data == pytest.approx(math.sqrt(0.5))
    assert list(leaves) == ["x1", "w1", "x2", "w2", "b"]
    assert all(leaf.label == name and leaf.op is None for name, leaf in leaves.items())
    assert all(leaves[name].data == VALUES[name] for name in leaves)
    o.backward()
    grads = {name: leaf.grad for name, leaf in leaves.items()}
    assert grads == pytest.approx({"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5})


def test_parse_expression_names_intermediate_nodes_by_their_piece_of_the_formula() -> None:
    o, leaves = parse_expression("relu(x1  *\tw1) + (-x2) + 1 + +(w2 * 2)", VALUES)
    inner = [n for n in GraphExecutor().topological_order(o) if n not in leaves.values()]
    named = [(str(n.op), n.label) for n in inner if n.op is not None]
    assert named == [
        ("*", "x1 * w1"),
        ("relu", "relu(x1 * w1)"),
        ("neg", "-x2"),
        ("+", "relu(x1 * w1) + (-x2)"),
        ("+", "relu(x1 * w1) + (-x2) + 1"),
        ("*", "w2 * 2"),
        ("+", ""),  # the root: the caller names it
    ]
    assert [n.label for n in inner if n.op is None] == ["", ""]  # the constants 1 and 2


def test_parse_expression_leaves_long_pieces_unnamed() -> None:
    long = " + ".join(["x1 * w1"] * 6)
    o, _ = parse_expression(f"tanh({long})", VALUES)
    (inner,) = o.parents
    assert inner.label == ""
    assert inner.parents[1].label == "x1 * w1"


def test_parse_expression_shares_a_repeated_name() -> None:
    y, leaves = parse_expression("x1 * x1", VALUES)
    assert y.parents == (leaves["x1"], leaves["x1"])
    y.backward()
    assert leaves["x1"].grad == 4.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("2 ** 3 ** 2", 512.0),
        ("-2 ** 2", -4.0),
        ("10 / 4 - 1", 1.5),
        ("+-+-2.5", 2.5),
        ("x1 ** -1", 0.5),
        ("exp(0) + log(1) + sigmoid(0) + relu(-1) + tanh(0)", 1.5),
        ("  x1 + 1  ", 3.0),
        ("(x1 +\n w1)", -1.0),
        ("1e-3 * 1_000", 1.0),
    ],
)
def test_parse_expression_follows_python_arithmetic(text: str, expected: float) -> None:
    root, _ = parse_expression(text, VALUES)
    assert root.data == pytest.approx(expected)


def test_parse_expression_picks_the_operations_of_the_engine() -> None:
    square, _ = parse_expression("x1 ** 2", VALUES)
    assert square.op == Pow(2)
    assert str(square.op) == "**2"
    assert isinstance(parse_expression("2 ** x1", VALUES)[0].op, Power)
    assert isinstance(parse_expression("x1 ** w2", VALUES)[0].op, Power)
    assert isinstance(parse_expression("-x1", VALUES)[0].op, Neg)
    constant, leaves = parse_expression("-3", VALUES)
    assert (constant.op, constant.data, constant.label, leaves) == (None, -3.0, "", {})
    for name in FUNCTIONS:
        arguments = "x1, w1" if name in ("max", "min") else "x1"
        node, _ = parse_expression(f"{name}({arguments})", VALUES)
        assert str(node.op) == name


def test_parse_expression_knows_the_functions_of_every_operation() -> None:
    x, y = 2.0, -0.5
    root, leaves = parse_expression(
        "max(x, y) % 1.5 + sqrt(abs(y)) * sin(x) - min(x, 1) + softplus(cos(y))", {"x": x, "y": y}
    )
    expected = max(x, y) % 1.5 + math.sqrt(abs(y)) * math.sin(x) - min(x, 1)
    expected += math.log1p(math.exp(math.cos(y)))
    assert root.data == pytest.approx(expected, rel=1e-15)
    ops = {type(node.op).__name__ for node in GraphExecutor().topological_order(root)}
    assert {"Max", "Min", "Mod", "Sqrt", "Abs", "Sin", "Cos", "Softplus"} <= ops
    a, b = Value(x), Value(y)
    by_hand = Max()(a, b) % 1.5 + abs(b).sqrt() * a.sin() - Min()(a, 1) + b.cos().softplus()
    ex = GraphExecutor()
    assert ex.grad(root, [leaves["x"], leaves["y"]]) == ex.grad(by_hand, [a, b])
    assert parse_expression("7 % 2", {})[0].data == 1.0  # literals fold, as Python's % does
    with pytest.raises(ExpressionError, match=r"Mod\(\) on inputs \(.*\): modulo by zero"):
        parse_expression("x % 0", {"x": 1.0})


def test_parse_expression_ignores_values_it_does_not_use() -> None:
    _, leaves = parse_expression("x1 + 1", {**VALUES, "unused": 1.0})
    assert list(leaves) == ["x1"]


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("__import__('os')", "calling '__import__' is not allowed", 1),
        ("x1.__class__", "attribute access is not allowed at column 1: x1.__class__", 1),
        ("open('f')", "calling 'open' is not allowed", 1),
        ("lambda: 1", "lambda is not allowed", 1),
        ("(lambda x: x)(1)", "calling 'lambda x: x' is not allowed", 1),
        ("x1 + x1.real", "attribute access is not allowed at column 6", 6),
        ("x1.tanh()", "calling 'x1.tanh' is not allowed", 1),
        ("x1[0]", "subscripts are not allowed", 1),
        ("tanh(x=1)", "tanh takes no keyword arguments", 1),
        ("tanh(x1, w1)", "tanh takes exactly one argument, got 2", 1),
        ("exp()", "exp takes exactly one argument, got 0", 1),
        ("tanh(*x1)", "starred arguments are not allowed at column 6", 6),
        ("'s'", "only int and float literals are allowed, not 's'", 1),
        ("True", "only int and float literals are allowed, not True", 1),
        ("None", "only int and float literals are allowed, not None", 1),
        ("1j", "only int and float literals are allowed, not 1j", 1),
        ("...", "only int and float literals are allowed, not Ellipsis", 1),
        ("x1 // 2", "operator '//' is not allowed (only + - * / ** %)", 1),
        ("x1 @ 2", "operator '@' is not allowed", 1),
        ("max(x1)", "max takes exactly two arguments, got 1", 1),
        ("min(x1, w1, 2)", "min takes exactly two arguments, got 3", 1),
        ("x1 @ w1", "operator '@' is not allowed", 1),
        ("x1 < w1", "comparisons are not allowed", 1),
        ("x1 and w1", "'and' and 'or' are not allowed", 1),
        ("not x1", "operator 'not' is not allowed", 1),
        ("~x1", "operator '~' is not allowed", 1),
        ("x1 if b else w1", "conditional expressions are not allowed", 1),
        ("[x1]", "lists are not allowed", 1),
        ("(x1, w1)", "tuples are not allowed", 1),
        ("{x1}", "sets are not allowed", 1),
        ("{x1: 1}", "dicts are not allowed", 1),
        ("[i for i in x1]", "comprehensions are not allowed", 1),
        ("(y := 2)", "assignment expressions are not allowed at column 2", 2),
        ("f'{x1}'", "f-strings are not allowed", 1),
        ("tanh", "tanh is a function: call it, as in tanh(x), at column 1", 1),
        ("x1 + y", "no value for 'y' (values were given for b, w1, w2, x1, x2) at column 6", 6),
        ("  x1 + y", "no value for 'y'", 8),
        ("(x1 +\n y)", "no value for 'y' (values were given for b, w1, w2, x1, x2) at line 2", 2),
        ("x1 +", "invalid syntax (the expression ends too early) at column 5", 5),
        ("2 +* 3", "invalid syntax at column 4", 4),
        ("import os", "invalid syntax at column 1", 1),
        ("x1 = 1", "invalid syntax at column 4", 4),
        ("log(x2)", "log is defined for x > 0, got 0.0 at column 1: log(x2)", 1),
        ("x1 / x2", "division by zero (2.0 / 0.0) at column 1: x1 / x2", 1),
        ("1 + x2 ** -1", "0 cannot be raised to the negative power -1 at column 5", 5),
        ("9" * 400, "Value data (an int of 400 digits) is too large for a float", 1),
    ],
)
def test_parse_expression_refuses_with_a_one_line_message(
    text: str, message: str, column: int
) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, VALUES)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert caught.value.column == column


def test_parse_expression_reports_the_leftmost_problem() -> None:
    with pytest.raises(ExpressionError, match=r"no value for 'a' .* at column 1$"):
        parse_expression("a + open('f') + b.c", VALUES)
    with pytest.raises(ExpressionError, match=r"calling 'open' is not allowed .* at column 6:"):
        parse_expression("x1 + open(z.c)", VALUES)


def test_parse_expression_counts_columns_in_characters() -> None:
    with pytest.raises(ExpressionError, match="no value for 'y'") as caught:
        parse_expression("é + y", {"é": 1.0})
    assert caught.value.column == 5


def test_parse_expression_refuses_a_value_that_is_not_a_number() -> None:
    with pytest.raises(ExpressionError, match=r"value of 'x' must be an int or a float, got str"):
        parse_expression("x + 1", {"x": "1"})  # type: ignore[dict-item]
    with pytest.raises(ExpressionError, match="got bool True"):
        parse_expression("x + 1", {"x": True})


def test_parse_expression_refuses_a_function_name_given_a_value() -> None:
    with pytest.raises(ExpressionError, match="exp is a function"):
        parse_expression("exp + 1", {"exp": 1.0})


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_parse_expression_refuses_an_empty_expression(text: str) -> None:
    with pytest.raises(ExpressionError, match="the expression is empty"):
        parse_expression(text, VALUES)


def test_parse_expression_refuses_absurd_nesting_cleanly() -> None:
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse_expression("-" * 100_000 + "x1", VALUES)


def test_parse_expression_names_a_deeply_nested_callee_without_recursion() -> None:
    callee = "(" + " + ".join(["x1"] * 1500) + ")"
    with pytest.raises(ExpressionError, match=r"^calling 'x1 \+ x1 .*\.\.\.' is not allowed"):
        parse_expression(callee + "(1)", VALUES)


def test_parse_expression_builds_long_sums_without_recursion() -> None:
    root, leaves = parse_expression(" + ".join(["x1"] * 500), VALUES)
    assert root.data == 1000.0
    assert list(leaves) == ["x1"]


def test_parse_expression_needs_text() -> None:
    with pytest.raises(TypeError, match="text must be a str, got bytes"):
        parse_expression(b"x1", VALUES)  # type: ignore[arg-type]


def test_parse_expression_never_runs_python(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("parse_expression must not run Python code")

    # ast.parse itself calls compile (to build a syntax tree only), so compile stays.
    for name in ("eval", "exec"):
        monkeypatch.setattr(builtins, name, forbidden)
    root, _ = parse_expression("tanh(x1 * w1 + b)", VALUES)
    assert root.data == pytest.approx(math.tanh(0.8813735870195432))
    with pytest.raises(ExpressionError, match=r"^calling .*__import__.* is not allowed"):
        parse_expression("__import__('os').system('true')", VALUES)


def test_parse_assignments_reads_names_and_numbers() -> None:
    assert parse_assignments(["x1=2", "w1=-3", " b = 6.88 ", "c=1e-3", "d=1_000"]) == {
        "x1": 2.0,
        "w1": -3.0,
        "b": 6.88,
        "c": 0.001,
        "d": 1000.0,
    }
    assert parse_assignments([]) == {}


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["x1"], "bad assignment 'x1': expected name=number, as in x1=2"),
        (["x1:2"], "bad assignment 'x1:2': expected name=number"),
        (["=2"], "bad assignment '=2': '' is not a name"),
        (["1x=2"], "bad assignment '1x=2': '1x' is not a name"),
        (["a.b=2"], "'a.b' is not a name"),
        (["lambda=1"], "'lambda' is not a name"),
        (["tanh=1"], "bad assignment 'tanh=1': tanh is a function, not a variable"),
        (["x=abc"], "bad assignment 'x=abc': 'abc' is not a number"),
        (["x="], "bad assignment 'x=': '' is not a number"),
        (["x=1=2"], "'1=2' is not a number"),
        (["x=nan"], "bad assignment 'x=nan': the number must be finite"),
        (["x=-inf"], "the number must be finite"),
        (["x=1", "x=2"], "bad assignment 'x=2': x is already set to 1.0"),
    ],
)
def test_parse_assignments_refuses_with_a_one_line_message(items: list[str], message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_assignments(items)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_parse_assignments_wants_a_list_not_a_string() -> None:
    with pytest.raises(TypeError, match="list of 'name=number' strings"):
        parse_assignments("x=1")


def test_parse_assignments_feed_parse_expression() -> None:
    values = parse_assignments(["x=2", "y=3"])
    root, leaves = parse_expression("x * y", values)
    assert root.data == 6.0
    assert set(leaves) == {"x", "y"}


def test_expression_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no value for 'z'"):
        parse_expression("z", VALUES)


def test_parse_names_are_read_in_nfkc_form_as_python_reads_them() -> None:
    values = parse_assignments(["\ufb01=1.5"])  # the ligature fi
    assert values == {"fi": 1.5}
    root, leaves = parse_expression("\ufb01 * 2", values)
    assert (root.data, list(leaves)) == (3.0, ["fi"])
    root, leaves = parse_expression("fi * 2", {"\ufb01": 2.0})
    assert (root.data, list(leaves)) == (4.0, ["fi"])
    with pytest.raises(ExpressionError, match="already set"):
        parse_assignments(["fi=1", "\ufb01=2"])
    with pytest.raises(ExpressionError, match="two names for 'fi'"):
        parse_expression("fi", {"fi": 1.0, "\ufb01": 2.0})


@pytest.mark.parametrize(
    ("text", "exponent", "expected"),
    [("x ** (1 + 1)", 2, 4.0), ("x ** (2 * 3 - 3)", 3, -8.0), ("x ** (1 / 2 * 2)", 1.0, -2.0)],
)
def test_parse_expression_folds_literal_arithmetic_into_a_constant_exponent(
    text: str, exponent: float, expected: float
) -> None:
    root, _ = parse_expression(text, {"x": -2.0})
    assert root.op == Pow(exponent)
    assert root.data == expected


def test_parse_expression_folds_only_to_finite_real_numbers() -> None:
    root, _ = parse_expression("2 * 3", {})
    assert (root.data, root.op) == (6.0, None)
    for text, problem in [("1 / 0", "division by zero"), ("(-8) ** 0.5", "complex")]:
        with pytest.raises(ExpressionError, match=problem):
            parse_expression(text, {})
    with pytest.raises(ExpressionError, match="at column 1: 9 \\*\\* 9 \\*\\* 9"):
        parse_expression("9 ** 9 ** 9", {})  # overflows in floats; never a huge int


def _refused_product_tree(k: int) -> str:
    """A balanced product tree of k refused string literals, as ``(('a' * 'a') * ...)``."""
    parts = ["'a'"] * k
    while len(parts) > 1:
        parts = [f"({parts[i]} * {parts[i + 1]})" for i in range(0, len(parts), 2)]
    return parts[0]


def test_parse_expression_refuses_in_time_linear_in_the_text() -> None:
    # Counted, not timed: each refused piece used to have its message written out (reading
    # the whole text each time), n pieces costing n**2. Only the leftmost is written now.
    work = {}
    for k in (256, 1024):
        text = _refused_product_tree(k)
        with pytest.raises(ExpressionError, match=r"only int and float literals.*: 'a'$"):
            parse_expression(text, {})
        work[k] = lines_run(lambda text=text: parse_expression(text, {}))  # type: ignore[misc]
        assert work[k] < 40 * len(text)
    assert work[1024] < 4.5 * work[256]  # four times the text: four times the work, not 16


@pytest.mark.parametrize(
    ("text", "values", "message"),
    [
        ("1e999", {}, "the literal is too large for a float .* at column 1: 1e999"),
        ("x * 1e999", {"x": 1.0}, "the literal is too large for a float .* at column 5: 1e999"),
        ("x + 1", {"x": math.inf}, "the value of 'x' must be a finite float .*got inf"),
        ("x + 1", {"x": math.nan}, "the value of 'x' must be a finite float .*got nan"),
        ("x + 1", {"x": 10**400}, r"the value of 'x' \(an int of 401 digits\) is too large"),
        ("x + 1", {"x": 10**5000}, r"the value of 'x' \(an int of about 5001 digits\)"),
        ("x + 1", {1: 2.0, "x": 1.0}, r"values must be keyed by names \(str\), got int: 1"),
        ("x + 1", [("x", 1.0)], "values must be a mapping of names to numbers, got list"),
    ],
)
def test_parse_expression_refuses_what_set_refuses_with_an_expression_error(
    text: str, values: object, message: str
) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse_expression(text, values)  # type: ignore[arg-type]
    with pytest.raises(ExpressionError, match="must be finite"):
        parse_assignments(["x=1e999"])


def _refuses_cleanly(text: str) -> None:
    """Parse ``text``: a graph, or an ExpressionError of one line, never another exception."""
    try:
        parse_expression(text, {"x": 2.0, "y": -1.5, "b": 0.5})
    except ExpressionError as error:
        message = str(error)
    else:
        return
    assert "\n" not in message


@given(formulas)
@settings(max_examples=300, deadline=None)
def test_parse_expression_fuzz_random_formulas_never_traceback_in_linear_work(text: str) -> None:
    _refuses_cleanly(text)
    assert lines_run(lambda: _refuses_cleanly(text)) <= 60 * len(text) + 600


@given(st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_parse_expression_fuzz_random_bytes_never_traceback_in_linear_work(data: bytes) -> None:
    for text in (data.decode("utf-8", "replace"), data.decode("latin-1")):
        _refuses_cleanly(text)
        assert lines_run(lambda text=text: _refuses_cleanly(text)) <= 60 * len(text) + 600  # type: ignore[misc]
