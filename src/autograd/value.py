"""Value: a node of the expression graph and the arithmetic that builds new nodes."""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import TYPE_CHECKING

from autograd.checks import is_real, real_float, to_float

if TYPE_CHECKING:
    from autograd.operation import Operation

__all__ = ["Value", "set_display"]


class Value:
    """A scalar node of the expression graph.

    A leaf is made by the user (``Value(2.0, label="x")``); every other node is made by an
    :class:`~autograd.Operation` and remembers that operation and its inputs, so the graph can
    be walked backwards (gradients), forwards (replay) and drawn.

    Equality and hashing are by identity: Values are graph nodes, not numbers, so they can be
    keys of dicts and members of sets, and ``a == b`` never builds a node. The orderings ``<``,
    ``<=``, ``>``, ``>=`` (with a Value or a number) compare ``data`` and return a bool; no
    gradient flows through a comparison. A Value is not a number to Python: ``float(v)`` and
    ``math.tanh(v)`` raise TypeError, so a math function can never silently cut the graph (use
    ``v.data`` for the number, ``v.tanh()`` for a node).

    The micrograd lecture's private names fail with opgrad's in the message: ``v._prev`` and
    ``v._op`` (opgrad's :attr:`parents` and :attr:`op`), ``v._backward()`` (the executor's
    stepper) and ``Value(2.0, (a, b), '*')`` (an operation makes the node).

    Attributes:
        data: The number this node holds (always a float).
        grad: d(root)/d(self), accumulated by :meth:`backward`; 0.0 at creation.
        label: A name for drawings, explanations and error messages; may be set at any time.
        op: The :class:`~autograd.Operation` that made this node, or None for a leaf.
    """

    # Parents live in two slots rather than a tuple: a tuple costs 48 to 56 bytes more per node,
    # a third of a node's whole footprint. `_p0` holds the first parent (or, for an operation of
    # more than two inputs, the tuple of all of them) and `_p1` the second.
    __slots__ = ("_p0", "_p1", "data", "grad", "label", "op")

    data: float
    grad: float
    label: str
    op: Operation | None
    _p0: Value | tuple[Value, ...] | None
    _p1: Value | None

    def __init__(self, data: float, label: str = "", *lecture: object) -> None:
        self.data = real_float(data, "Value data")
        self.grad = 0.0
        if lecture or isinstance(label, tuple):  # micrograd's Value(data, _children, _op)
            raise TypeError(_LECTURE_INIT)
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.label = label
        self.op = None
        self._p0 = None
        self._p1 = None

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the operation that made this node, in order; empty for a leaf."""
        first = self._p0
        if first is None:
            return ()
        if type(first) is tuple:
            return first
        second = self._p1
        if second is None:
            return (first,)  # type: ignore[return-value]
        return (first, second)  # type: ignore[return-value]

    if not TYPE_CHECKING:  # hidden from type checkers, which would then accept any name

        def __getattr__(self, name: str) -> object:
            """Only for a missing attribute: the lecture's private names say opgrad's."""
            hint = _LECTURE_NAMES.get(name)
            message = f"'Value' object has no attribute {name!r}"
            raise AttributeError(f"{message}: {hint}" if hint else message, name=name, obj=self)

    @property
    def is_leaf(self) -> bool:
        """True for a node the user made (no operation, no parents)."""
        return self.op is None

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        op = f", op={self.op}" if self.op is not None else ""
        return f"Value({name}data={self.data!r}, grad={self.grad!r}{op})"

    # No __float__: with one, math.tanh(v) or math.cos(v) silently returned a float and cut the
    # graph there, and a derivative written with math functions was silently wrong at second
    # order. Without it they raise TypeError ("must be real number, not Value"), as micrograd's
    # Value does; use v.data for the number and v.tanh(), v.cos(), ... for a node.

    # Comparisons look at data and return a bool: they are how a derivative picks its branch
    # (ReLU's, Max's) on Values as on floats. No gradient flows through a comparison. `==` stays
    # identity (see the class docstring).

    def __lt__(self, other: Value | float) -> bool:
        right = _compared(other)
        return self.data < right if right is not None else NotImplemented

    def __le__(self, other: Value | float) -> bool:
        right = _compared(other)
        return self.data <= right if right is not None else NotImplemented

    def __gt__(self, other: Value | float) -> bool:
        right = _compared(other)
        return self.data > right if right is not None else NotImplemented

    def __ge__(self, other: Value | float) -> bool:
        right = _compared(other)
        return self.data >= right if right is not None else NotImplemented

    # Arithmetic. Each operator names its Operation explicitly; a plain number on either side
    # becomes a constant leaf. Anything else returns NotImplemented, so Python raises its usual
    # "unsupported operand type(s)" TypeError naming both types. `type(x) is Value` comes first:
    # an operator runs once per node built, and that test is the cheapest way past `_operand`.

    def __add__(self, other: Value | float) -> Value:
        right = other if type(other) is Value else _operand(other)
        return _apply2(_ADD, self, right) if right is not None else NotImplemented

    def __radd__(self, other: float) -> Value:
        left = _operand(other)
        return _apply2(_ADD, left, self) if left is not None else NotImplemented

    def __sub__(self, other: Value | float) -> Value:
        right = other if type(other) is Value else _operand(other)
        return _apply2(_SUB, self, right) if right is not None else NotImplemented

    def __rsub__(self, other: float) -> Value:
        left = _operand(other)
        return _apply2(_SUB, left, self) if left is not None else NotImplemented

    def __mul__(self, other: Value | float) -> Value:
        right = other if type(other) is Value else _operand(other)
        return _apply2(_MUL, self, right) if right is not None else NotImplemented

    def __rmul__(self, other: float) -> Value:
        left = _operand(other)
        return _apply2(_MUL, left, self) if left is not None else NotImplemented

    def __truediv__(self, other: Value | float) -> Value:
        right = other if type(other) is Value else _operand(other)
        return _apply2(_DIV, self, right) if right is not None else NotImplemented

    def __rtruediv__(self, other: float) -> Value:
        left = _operand(other)
        return _apply2(_DIV, left, self) if left is not None else NotImplemented

    def __neg__(self) -> Value:
        return _apply1(_NEG, self)

    def __pow__(self, exponent: Value | float) -> Value:
        if isinstance(exponent, Value):
            return _apply2(_POWER, self, exponent)
        if not is_real(exponent):
            return NotImplemented
        return _apply1(_pow(exponent), self)

    def __rpow__(self, base: float) -> Value:
        left = _operand(base)
        return _apply2(_POWER, left, self) if left is not None else NotImplemented

    def __mod__(self, other: Value | float) -> Value:
        right = other if type(other) is Value else _operand(other)
        return _apply2(_MOD, self, right) if right is not None else NotImplemented

    def __rmod__(self, other: float) -> Value:
        left = _operand(other)
        return _apply2(_MOD, left, self) if left is not None else NotImplemented

    def __abs__(self) -> Value:
        return _apply1(_ABS, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent of this node (see :class:`~autograd.Tanh`)."""
        return _apply1(_TANH, self)

    def relu(self) -> Value:
        """Rectified linear unit of this node (see :class:`~autograd.ReLU`)."""
        return _apply1(_RELU, self)

    def exp(self) -> Value:
        """Exponential of this node (see :class:`~autograd.Exp`)."""
        return _apply1(_EXP, self)

    def log(self) -> Value:
        """Natural logarithm of this node (see :class:`~autograd.Log`)."""
        return _apply1(_LOG, self)

    def sigmoid(self) -> Value:
        """Logistic sigmoid of this node (see :class:`~autograd.Sigmoid`)."""
        return _apply1(_SIGMOID, self)

    def abs(self) -> Value:
        """Absolute value of this node (see :class:`~autograd.Abs`); ``abs(v)`` too."""
        return _apply1(_ABS, self)

    def sqrt(self) -> Value:
        """Square root of this node (see :class:`~autograd.Sqrt`)."""
        return _apply1(_SQRT, self)

    def sin(self) -> Value:
        """Sine of this node (see :class:`~autograd.Sin`)."""
        return _apply1(_SIN, self)

    def cos(self) -> Value:
        """Cosine of this node (see :class:`~autograd.Cos`)."""
        return _apply1(_COS, self)

    def softplus(self) -> Value:
        """Softplus of this node, ln(1 + e**x) (see :class:`~autograd.Softplus`)."""
        return _apply1(_SOFTPLUS, self)

    def backward(self, seed: float = 1.0) -> None:
        """Add d(self)/d(node) into ``grad`` of every node of this graph.

        Shorthand for ``GraphExecutor().backward(self, seed)``. Calling it twice adds the
        gradient twice, exactly; use :meth:`zero_grad` (or a model's ``zero_grad``)
        between steps. It adds into grads set by hand too: zero them before it.
        """
        from autograd.executor import DEFAULT_EXECUTOR

        DEFAULT_EXECUTOR.backward(self, seed)

    def zero_grad(self) -> None:
        """Set ``grad`` to 0.0 on every node of this graph (``GraphExecutor().zero_grad(self)``).

        Examples:
            >>> a = Value(2.0); L = a * a
            >>> L.backward(); L.backward(); a.grad
            8.0
            >>> L.zero_grad(); L.grad, a.grad
            (0.0, 0.0)
        """
        from autograd.executor import DEFAULT_EXECUTOR

        DEFAULT_EXECUTOR.zero_grad(self)

    def _repr_mimebundle_(
        self, include: Container[str] | None = None, exclude: Container[str] | None = None
    ) -> dict[str, str]:
        """Jupyter's display: the graph as SVG when Graphviz is installed, else the repr.

        The drawing is the one :func:`set_display` was given (autograd.views sets it).
        """
        if _display is None:
            return {"text/plain": repr(self)}
        return _display(self, include, exclude)


def _operand(x: object) -> Value | None:
    """Wrap a number as a constant leaf; None for a type arithmetic does not accept."""
    if isinstance(x, Value):
        return x
    if type(x) is float:
        return _constant(x)
    if type(x) is int:
        return _constant(to_float(x, "operand"))
    if not is_real(x):
        return None
    return _constant(to_float(x, "operand"))  # type: ignore[arg-type]  # a real number


# micrograd's private names, as the lecture types them, and what opgrad calls them.
_LECTURE_NAMES = {
    "_prev": "opgrad calls a node's inputs `parents` (a tuple, in input order): node.parents",
    "_children": "opgrad calls a node's inputs `parents` (a tuple, in input order): node.parents",
    "_op": "opgrad calls the operation that made a node `op` (an Operation such as Mul(), "
    "None for a leaf; str(node.op) is its symbol, '*'): node.op",
    "_backward": "opgrad keeps the chain rule in the executor, not in each node: "
    "root.backward() runs the whole pass, and GraphExecutor().stepper(root).step() takes it "
    "one node at a time, as the lecture's o._backward(), n._backward(), ... do",
}
_LECTURE_INIT = (
    "Value(data, label) takes no parents and no op (micrograd's Value(data, (a, b), '*')): in "
    "opgrad an operation makes the node, with a * b or Mul()(a, b), and records them as "
    "node.parents and node.op"
)


def _compared(x: object) -> float | None:
    """The number a comparison with ``x`` looks at; None for a type it does not accept."""
    if type(x) is Value:
        return x.data
    if isinstance(x, Value):
        return x.data
    return x if is_real(x) else None  # type: ignore[return-value]


def _constant(data: float) -> Value:
    """A leaf for a number met in arithmetic (the 2 of ``x * 2``), made without ``__init__``.

    ``data`` is already a float, so ``__init__``'s checks would only cost time, and every
    ``x * 2.0`` in a loop makes one of these.
    """
    return _node(data, None, None, None)


def _node(
    data: float, op: Operation | None, first: Value | tuple[Value, ...] | None, second: Value | None
) -> Value:
    """The one place a node is made without ``__init__``: ``data`` is a float already.

    ``first`` and ``second`` fill the parent slots (see :class:`Value`): the inputs of an
    operation of one or two, or the tuple of all of them in ``first`` for more.
    """
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node.op = op
    node._p0 = first
    node._p1 = second
    return node


_new = object.__new__

Display = Callable[["Value", "Container[str] | None", "Container[str] | None"], dict[str, str]]
"""How Jupyter shows a Value: ``(value, include, exclude) -> {mime type: data}``."""

_display: Display | None = None  # the views' drawing, once autograd.views has set it


def set_display(display: Display) -> None:
    """Let ``display`` draw Values in Jupyter (their ``_repr_mimebundle_``).

    The drawings live above the core (:mod:`autograd.views`), which sets this when ``autograd``
    is imported; the core itself never imports them. Until it is set, a Value shows its repr.
    """
    global _display
    if not callable(display):
        raise TypeError(f"set_display needs a callable, got {display!r}")
    _display = display


# Kept under their old names for the modules that still import them from here.
_check_number = real_float
_to_float = to_float


# Imported last: operations build Values, so they import this module, which must exist first.
from autograd.operation import _apply1, _apply2  # noqa: E402
from autograd.ops import (  # noqa: E402
    _ABS,
    _ADD,
    _COS,
    _DIV,
    _EXP,
    _LOG,
    _MOD,
    _MUL,
    _NEG,
    _POWER,
    _RELU,
    _SIGMOID,
    _SIN,
    _SOFTPLUS,
    _SQRT,
    _SUB,
    _TANH,
    _pow,
)
