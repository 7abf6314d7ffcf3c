"""parse_expression: build a graph from a formula such as ``tanh(x1*w1 + x2*w2 + b)``, safely.

The text is parsed by Python's :mod:`ast` and checked against a short allow-list before any
node is built; nothing is evaluated by Python. Allowed: int and float literals, names given a
value, unary ``-`` and ``+``, binary ``+ - * / ** %``, one-argument calls of ``abs``, ``cos``,
``exp``, ``log``, ``relu``, ``sigmoid``, ``sin``, ``softplus``, ``sqrt`` and ``tanh``, and
two-argument calls of ``max`` and ``min``. Everything else (attributes, subscripts, other calls,
keywords, lambdas, strings, comparisons, ...) is refused with an :class:`ExpressionError`.
"""

from __future__ import annotations

import ast
import functools
import keyword
import math
import numbers
import operator
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

from autograd.ops import Max, Min
from autograd.value import Value, _to_float

__all__ = ["FUNCTIONS", "ExpressionError", "parse_assignments", "parse_expression"]

FUNCTIONS: Mapping[str, Callable[..., Value]] = MappingProxyType(
    {
        "abs": Value.abs,
        "cos": Value.cos,
        "exp": Value.exp,
        "log": Value.log,
        "max": Max(),
        "min": Min(),
        "relu": Value.relu,
        "sigmoid": Value.sigmoid,
        "sin": Value.sin,
        "softplus": Value.softplus,
        "sqrt": Value.sqrt,
        "tanh": Value.tanh,
    }
)
"""The functions an expression may call, by name: ``max`` and ``min`` take two arguments."""

_TWO_ARGUMENTS = frozenset({"max", "min"})

_BINARY: Mapping[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.Mod: operator.mod,
}

# What the error says about a refused piece of syntax.
_REFUSED: Mapping[type[ast.AST], str] = {
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "subscripts are not allowed",
    ast.Slice: "slices are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "'and' and 'or' are not allowed",
    ast.IfExp: "conditional expressions are not allowed",
    ast.NamedExpr: "assignment expressions are not allowed",
    ast.Starred: "starred arguments are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "generator expressions are not allowed",
    ast.Await: "await is not allowed",
}

_OPERATOR_SYMBOLS: Mapping[type[ast.AST], str] = {
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.Not: "not",
    ast.Invert: "~",
}

_NAMES_SHOWN = 8
_LONGEST_NAME = 32


class ExpressionError(ValueError):
    """An expression or an assignment that cannot be used; the message is one line.

    Attributes:
        column: Where the offending piece starts in the expression's text (from 1), or None
            when there is no single place (an assignment, an empty expression).
    """

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


# Tracebacks name it where users import it from, not after the file that defines it.
ExpressionError.__module__ = "autograd"


def _column(text: str, node: ast.AST, shift: int) -> tuple[int, int]:
    """Line and column (both from 1, in characters) where ``node`` starts.

    ``text`` is what was parsed: the expression without the ``shift`` blanks it started with.
    """
    line_number: int = getattr(node, "lineno", 1)
    offset: int = getattr(node, "col_offset", 0)
    lines = text.splitlines() or [""]
    line = lines[min(line_number, len(lines)) - 1]
    # ast counts UTF-8 bytes; people count characters.
    column = len(line.encode("utf-8")[:offset].decode("utf-8", "replace")) + 1
    return line_number, column + shift if line_number == 1 else column


def _error(
    text: str, shift: int, node: ast.AST, problem: str, *, show_piece: bool = True
) -> ExpressionError:
    line_number, column = _column(text, node, shift)
    where = f"column {column}" if line_number == 1 else f"line {line_number}, column {column}"
    piece = ast.get_source_segment(text, node) if show_piece else None
    if piece is not None:
        piece = " ".join(piece.split())
        if len(piece) > 40:
            piece = piece[:37] + "..."
        return ExpressionError(f"{problem} at {where}: {piece}", column)
    return ExpressionError(f"{problem} at {where}", column)


def _known(values: Mapping[str, object]) -> str:
    names = sorted(values)
    if not names:
        return "no values were given"
    shown = ", ".join(names[:_NAMES_SHOWN])
    more = f" and {len(names) - _NAMES_SHOWN} more" if len(names) > _NAMES_SHOWN else ""
    return f"values were given for {shown}{more}"


def _is_number(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


# A refused piece, kept until the leftmost is known: where it starts, the node, the problem
# (a string, or a function making it when it costs more than a constant) and show_piece.
_Problem = tuple[tuple[int, int], ast.AST, "str | Callable[[], str]", bool]


def _check(tree: ast.Expression, text: str, shift: int, values: Mapping[str, float]) -> None:
    """Raise for the leftmost piece of ``tree`` outside the allow-list; build nothing.

    Only the leftmost problem is written out: formatting a message reads the text (to find the
    column and the piece), so formatting one per refused piece would make refusing a formula of
    n refused pieces take time n**2.
    """
    first: _Problem | None = None
    callees: set[int] = set()

    def refuse(node: ast.AST, problem: str | Callable[[], str], *, show_piece: bool = True) -> None:
        nonlocal first
        key = (getattr(node, "lineno", 1), getattr(node, "col_offset", 0))
        if first is None or key < first[0]:  # the first found wins a tie, as min() would
            first = (key, node, problem, show_piece)

    functions = ", ".join(FUNCTIONS)
    # ast.walk is breadth-first and iterative: a long sum such as 1+1+...+1 nests deeply.
    for node in ast.walk(tree.body):
        if isinstance(node, (ast.operator, ast.unaryop, ast.expr_context, ast.keyword)):
            continue  # judged with the expression that holds them
        if isinstance(node, ast.Constant):
            literal = node.value
            if not _is_number(literal):
                refuse(node, functools.partial(_not_allowed, literal))
            elif isinstance(literal, float) and not math.isfinite(literal):
                # Python reads 1e999 as inf; --set refuses infinities, and so does a formula.
                refuse(node, "the literal is too large for a float (at most about 1.8e308)")
        elif isinstance(node, ast.Name):
            if id(node) in callees:
                continue
            if node.id in FUNCTIONS:
                refuse(
                    node, f"{node.id} is a function: call it, as in {node.id}(x),", show_piece=False
                )
            elif node.id not in values:
                name = node.id
                refuse(node, functools.partial(_no_value, name, values), show_piece=False)
            else:
                trouble = _value_problem(node.id, values[node.id])
                if trouble is not None:
                    refuse(node, trouble, show_piece=False)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                refuse(
                    node, f"operator {_OPERATOR_SYMBOLS.get(type(node.op), '?')!r} is not allowed"
                )
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                symbol = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
                refuse(node, f"operator {symbol!r} is not allowed (only + - * / ** %)")
        elif isinstance(node, ast.Call):
            callee = node.func
            if not isinstance(callee, ast.Name) or callee.id not in FUNCTIONS:
                refuse(node, functools.partial(_calling, text, callee, functions))
                continue
            callees.add(id(callee))
            if node.keywords:
                refuse(node, f"{callee.id} takes no keyword arguments")
            elif len(node.args) != _arity(callee.id):
                wanted = "two arguments" if _arity(callee.id) == 2 else "one argument"
                refuse(node, f"{callee.id} takes exactly {wanted}, got {len(node.args)}")
        else:
            refuse(node, _REFUSED.get(type(node), f"{type(node).__name__} is not allowed"))
    if first is not None:
        _, node, problem, show_piece = first
        message = problem if isinstance(problem, str) else problem()
        raise _error(text, shift, node, message, show_piece=show_piece)


def _not_allowed(literal: object) -> str:
    return f"only int and float literals are allowed, not {literal!r}"


def _no_value(name: str, values: Mapping[str, object]) -> str:
    return f"no value for {name!r} ({_known(values)})"


def _calling(text: str, callee: ast.expr, functions: str) -> str:
    # The source text, not ast.unparse: unparse recurses, and callees can nest deeply.
    name = ast.get_source_segment(text, callee) or type(callee).__name__
    name = name if len(name) <= 40 else name[:37] + "..."
    return f"calling {name!r} is not allowed (functions: {functions})"


def _value_problem(name: str, value: object) -> str | None:
    """What is wrong with the number given for ``name``, or None: it must be a finite number."""
    if not _is_number(value):
        return (
            f"the value of {name!r} must be an int or a float, "
            f"got {type(value).__name__} {value!r},"
        )
    try:
        number = _to_float(value, f"the value of {name!r}")  # type: ignore[arg-type]
    except ValueError as error:  # an int too large for a float: its size, not its digits
        return f"{error},"
    if not math.isfinite(number):
        return f"the value of {name!r} must be a finite float (as --set requires), got {value!r},"
    return None


def _build(
    tree: ast.Expression, text: str, shift: int, values: Mapping[str, float]
) -> tuple[Value, dict[str, Value]]:
    """Build the graph of a checked expression, bottom up, with an explicit stack."""
    leaves: dict[str, Value] = {}
    results: list[Value | float] = []
    stack: list[tuple[ast.expr, bool]] = [(tree.body, False)]
    while stack:
        node, children_done = stack.pop()
        if isinstance(node, ast.Constant):
            number = node.value
            assert isinstance(number, (int, float)), "checked by _check"
            results.append(number)
            continue
        if isinstance(node, ast.Name):
            leaf = leaves.get(node.id)
            if leaf is None:
                leaf = leaves[node.id] = Value(values[node.id], label=node.id)
            results.append(leaf)
            continue
        if not children_done:
            stack.append((node, True))
            if isinstance(node, ast.BinOp):
                stack += [(node.right, False), (node.left, False)]
            elif isinstance(node, ast.UnaryOp):
                stack.append((node.operand, False))
            elif isinstance(node, ast.Call):
                stack += [(argument, False) for argument in reversed(node.args)]
            continue
        try:
            result = _combine(node, results)
        except (ArithmeticError, ValueError) as error:
            raise _error(text, shift, node, str(error).splitlines()[0]) from error
        if isinstance(result, Value) and not result.label and node is not tree.body:
            result.label = _name(text, node)  # the root is the caller's to name
        results.append(result)
    (root,) = results
    if isinstance(root, Value):
        return root, leaves
    try:
        return Value(root), leaves  # the whole expression is one number, such as -3
    except (ArithmeticError, ValueError) as error:
        raise _error(text, shift, tree.body, str(error)) from error


def _name(text: str, node: ast.expr) -> str:
    """The piece of the formula a node computes, as its label: ``x1*w1``, ``tanh(n)``.

    Blanks are squeezed to one space; a piece longer than :data:`_LONGEST_NAME` characters is
    left unnamed (drawings and explanations then call it by its index and op, ``#7(+)``).
    """
    piece = " ".join((ast.get_source_segment(text, node) or "").split())
    return piece if len(piece) <= _LONGEST_NAME else ""


def _combine(node: ast.expr, results: list[Value | float]) -> Value | float:
    """Apply ``node`` to the values of its children, popped from ``results``.

    A literal stays a plain number as long as it can: ``-3`` is the constant -3, not Neg(3),
    and ``x ** 2`` is Pow(2), not Power with a constant leaf.
    """
    if isinstance(node, ast.UnaryOp):
        operand = results.pop()
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        right = results.pop()
        left = results.pop()
        if not isinstance(left, Value) and not isinstance(right, Value):
            folded = _fold(type(node.op), left, right)
            if folded is not None:
                return folded
            left = Value(left)  # the operation then says what is wrong, as for a leaf
            literal: Value = _BINARY[type(node.op)](left, right)
            if not math.isfinite(literal.data):  # as the literal 1e999 is refused
                raise ValueError(
                    f"literal arithmetic gives {literal.data!r}, too large for a float"
                )
            return literal
        result: Value = _BINARY[type(node.op)](left, right)
        return result
    assert isinstance(node, ast.Call), "checked by _check"
    assert isinstance(node.func, ast.Name), "checked by _check"
    count = len(node.args)
    arguments = results[-count:]
    del results[-count:]
    nodes = [x if isinstance(x, Value) else Value(x) for x in arguments]
    return FUNCTIONS[node.func.id](*nodes)


def _arity(function: str) -> int:
    return 2 if function in _TWO_ARGUMENTS else 1


def _fold(op: type[ast.operator], left: float, right: float) -> float | None:
    """The number a literal-only operation gives, or None if it is not a finite real number.

    Folding keeps ``x ** (1 + 1)`` a Pow by a constant, as ``x ** 2`` is. The result is first
    worked out in floats, so ``9 ** 9 ** 9`` overflows at once instead of building a huge int;
    ints stay exact ints where the float is finite, as Python would compute them.
    """
    function = _BINARY[op]
    try:
        as_float = function(float(left), float(right))
    except (ArithmeticError, ValueError):
        return None
    if type(as_float) is not float or not math.isfinite(as_float):  # complex: (-8) ** 0.5
        return None
    exact = type(left) is int and type(right) is int and op is not ast.Div
    if exact and not (op is ast.Pow and right < 0):
        result: float = function(left, right)
        return result
    return as_float


def _normalized(values: Mapping[str, float]) -> Mapping[str, float]:
    """``values`` keyed by the NFKC form of each name, the form Python's parser gives names."""
    if all(not isinstance(name, str) or name.isascii() for name in values):
        return values
    result: dict[str, float] = {}
    for name, value in values.items():
        key = unicodedata.normalize("NFKC", name) if isinstance(name, str) else name
        if key in result:
            raise ExpressionError(
                f"values has two names for {key!r} (Python reads names in NFKC form)"
            )
        result[key] = value
    return result


def parse_expression(text: str, values: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
    """Build the graph of a formula, with a leaf for each name.

    Every name becomes one leaf labelled by that name (a name used twice is one shared leaf)
    holding its number from ``values``; literals become unlabelled constant leaves, and
    intermediate nodes are unlabelled. Arithmetic on literals alone is done first, where it
    gives a finite number: ``2 * 3`` is the constant 6. ``x ** 2`` and ``x ** (1 + 1)`` use
    :class:`~autograd.Pow` (a constant exponent), ``2 ** x`` and ``x ** y``
    :class:`~autograd.Power`; ``-x`` is :class:`~autograd.Neg`, and ``-3`` the constant -3.
    Names are compared in NFKC form, as Python compares them: ``"ﬁ"`` in ``values`` is the
    name ``fi`` of the formula.

    Args:
        text: The formula, in Python syntax restricted to the allow-list of this module.
        values: A number for every name the formula uses; other entries are ignored.

    Returns:
        The root node and the leaves by name, in order of first appearance.

    Raises:
        ExpressionError: A syntax error, a piece outside the allow-list, a name without a
            value, or a number outside an operation's domain (``log(0)``); the one-line
            message names the column and the piece.

    Examples:
        >>> from autograd import parse_expression
        >>> o, leaves = parse_expression("tanh(x*w + b)", {"x": 2.0, "w": -3.0, "b": 6.5})
        >>> round(o.data, 4), sorted(leaves)
        (0.4621, ['b', 'w', 'x'])
        >>> parse_expression("x.__class__", {"x": 1.0})
        Traceback (most recent call last):
        ...
        autograd.ExpressionError: attribute access is not allowed at column 1: x.__class__
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_expression: text must be a str, got {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("the expression is empty")
    # Python's parser reads leading blanks as an indent; columns still count them.
    source = text.lstrip(" \t")
    shift = len(text) - len(source)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        if error.offset is None or (error.lineno or 1) != 1:
            raise ExpressionError(str(error.msg)) from None
        message = str(error.msg)
        if error.offset < 1:  # Python's way of pointing past the last character
            column = len(text.rstrip("\r\n")) + 1
            message = f"{message} (the expression ends too early)"
        else:
            column = error.offset + shift
        raise ExpressionError(f"{message} at column {column}", column) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the expression is nested too deeply for Python's parser") from None
    except ValueError as error:  # a null byte
        raise ExpressionError(f"cannot parse the expression: {error}") from None
    if not isinstance(values, Mapping):
        raise ExpressionError(
            f"values must be a mapping of names to numbers, got {type(values).__name__}"
        )
    for name in values:
        if not isinstance(name, str):
            raise ExpressionError(
                f"values must be keyed by names (str), got {type(name).__name__}: {name!r}"
            )
    values = _normalized(values)
    _check(tree, source, shift, values)
    return _build(tree, source, shift, values)


def parse_assignments(items: Iterable[str]) -> dict[str, float]:
    """Read ``name=number`` items, such as the ``--set`` options of the command line.

    Args:
        items: Strings like ``"x1=2"`` or ``"w1 = -3.5"``.

    Returns:
        The numbers by name, in the order given.

    Raises:
        ExpressionError: An item without ``=``, a name that is not a Python identifier (or
            is a keyword or one of the functions), a number that is not a finite float, or a
            name set twice; the one-line message quotes the item.

    Examples:
        >>> from autograd import parse_assignments
        >>> parse_assignments(["x1=2", "w1=-3"])
        {'x1': 2.0, 'w1': -3.0}
    """
    if isinstance(items, str):
        raise TypeError("parse_assignments takes a list of 'name=number' strings, not one string")
    result: dict[str, float] = {}
    for item in items:
        name, equals, number = item.partition("=")
        # Python's parser reads names in NFKC form: the ligature in "ﬁ" is the name "fi".
        name, number = unicodedata.normalize("NFKC", name.strip()), number.strip()
        if not equals:
            raise ExpressionError(f"bad assignment {item!r}: expected name=number, as in x1=2")
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ExpressionError(
                f"bad assignment {item!r}: {name!r} is not a name (letters, digits and _, "
                f"not starting with a digit, not a Python keyword)"
            )
        if name in FUNCTIONS:
            raise ExpressionError(f"bad assignment {item!r}: {name} is a function, not a variable")
        try:
            x = float(number)
        except ValueError:
            raise ExpressionError(f"bad assignment {item!r}: {number!r} is not a number") from None
        if not math.isfinite(x):
            raise ExpressionError(f"bad assignment {item!r}: the number must be finite")
        if name in result:
            raise ExpressionError(
                f"bad assignment {item!r}: {name} is already set to {result[name]!r}"
            )
        result[name] = x
    return result
