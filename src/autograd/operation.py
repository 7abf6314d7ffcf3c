"""Operation: the base class of every operation, and how applying one builds a node."""

from __future__ import annotations

import abc
import functools
from collections.abc import Sequence
from typing import Any, ClassVar

import attrs

from autograd.checks import is_real, reworded, short_repr
from autograd.value import Value, _node, _operand

__all__ = ["Operation", "OperationInitError", "describe_arity", "describe_inputs"]


@attrs.frozen
class Operation(abc.ABC):
    """An operation of the graph: how to compute a number, and its local derivatives.

    Subclass it to add an operation. The contract, which the executor relies on:

    * ``arity`` (class attribute) is how many inputs the operation takes, or None for an
      operation of one or more inputs (as :class:`~autograd.LogSumExp`), whose ``forward`` and
      ``local_grads`` take ``*inputs``.
    * ``forward(*inputs)`` receives the inputs' numbers, in order, and returns the output number.
      Raise ValueError (or ZeroDivisionError, OverflowError) outside the domain; the error is
      re-raised naming the operation and the input nodes.
    * ``local_grads(*inputs, output=...)`` returns one partial derivative d(output)/d(input) per
      input, in input order, as a tuple. ``output`` is what ``forward`` returned for these inputs,
      so ``Tanh`` and ``Exp`` can reuse it instead of recomputing.
    * Operations are pure and frozen: they never touch a node's ``grad`` and never hold nodes.
      The chain rule lives in :class:`~autograd.GraphExecutor` alone.

    Calling an instance on Values or numbers applies it: ``Mul()(a, b)`` returns a new Value
    whose ``op`` is that instance and whose ``parents`` are ``(a, b)``.

    ``local_grads`` written with arithmetic and Value methods also works when given the input
    *nodes* (and the output node), which is how :meth:`GraphExecutor.grad
    <autograd.GraphExecutor.grad>` with ``create_graph=True`` builds a derivative as a graph.

    Examples:
        >>> import attrs
        >>> from autograd import GraphExecutor, Operation, Value
        >>> @attrs.frozen
        ... class Cube(Operation):
        ...     '''Cube: f(x) = x**3; df/dx = 3 x**2.'''
        ...     def forward(self, x: float) -> float:
        ...         return x * x * x
        ...     def local_grads(self, x: float, *, output: float) -> tuple[float]:
        ...         return (3.0 * x * x,)
        >>> x = Value(2.0, label="x")
        >>> y = Cube()(x)
        >>> y.backward()
        >>> x.grad
        12.0
        >>> GraphExecutor().grad(GraphExecutor().grad(y, x, create_graph=True), x)
        12.0
    """

    arity: ClassVar[int | None] = 1
    """How many inputs the operation takes; None for any number from one up."""

    symbol: ClassVar[str] = ""
    """How drawings show the operation; defaults to the class name in lower case."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        arity = cls.arity
        if arity is not None and (type(arity) is not int or arity < 1):
            raise TypeError(
                f"{cls.__name__}.arity must be None (one or more inputs) or an int >= 1, "
                f"got {type(arity).__name__}: {arity!r}"
            )
        if not cls.__dict__.get("symbol"):
            cls.symbol = cls.__name__.lower()
        init = cls.__dict__.get("__init__")
        if init is not None and not _generated(init):
            cls.__init__ = _explain_frozen(cls.__name__, init)  # type: ignore[method-assign]

    # The abstract signatures take (*inputs: Any, **kwargs: Any) because that is the form type
    # checkers accept any override of: a subclass writes forward(self, x) or forward(self, a, b).

    @abc.abstractmethod
    def forward(self, *inputs: Any, **kwargs: Any) -> float:
        """Compute the output number from the input numbers: ``forward(x)`` or ``forward(a, b)``."""

    @abc.abstractmethod
    def local_grads(self, *inputs: Any, **kwargs: Any) -> tuple[float, ...]:
        """Return d(output)/d(input) for each input, in input order.

        Called as ``local_grads(*inputs, output=forward(*inputs))``.
        """

    def __str__(self) -> str:
        """The symbol, with the parameters if any: ``tanh``, ``scale(k=3)``."""
        fields = getattr(type(self), "__attrs_attrs__", ())
        if not fields:
            return self.symbol
        values = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields)
        return f"{self.symbol}({values})"

    def __call__(self, *inputs: Value | float) -> Value:
        """Apply the operation to Values or numbers, returning the new node."""
        arity = self.arity
        count = len(inputs)
        if count != arity and (arity is not None or count == 0):
            hint = (
                f" ({type(self).__name__}.arity is {arity}; an operation of {count} inputs "
                f"declares arity: ClassVar[int] = {count})"
                if arity is not None and count
                else ""
            )
            raise TypeError(
                f"{self!r} takes {describe_arity(arity)}, got {count}: "
                f"{', '.join(_brief(x) for x in inputs) or 'none'}{hint}"
            )
        nodes: list[Value] = []
        for i, x in enumerate(inputs):
            node = _operand(x)
            if node is None:
                raise TypeError(
                    f"{self!r}: input {i} must be a Value, int or float, "
                    f"got {type(x).__name__}: {x!r}"
                )
            nodes.append(node)
        if count == 1:
            return _apply1(self, nodes[0])
        if count == 2:
            return _apply2(self, nodes[0], nodes[1])
        return _applyn(self, tuple(nodes))


class OperationInitError(attrs.exceptions.FrozenInstanceError):
    """An Operation's own ``__init__`` set an attribute, which a frozen operation cannot do.

    The message says how to declare the parameter instead (an attrs field).
    """

    def __init__(self, message: str) -> None:
        # FrozenError's __init__ takes no message; str() and repr() read the one given here.
        AttributeError.__init__(self, message)


def _generated(init: object) -> bool:
    """Whether an ``__init__`` is attrs' own (made from fields) rather than the user's."""
    code = getattr(init, "__code__", None)
    return (
        code is None
        or code.co_filename.startswith("<attrs generated")
        or bool(getattr(init, "_explains_frozen", False))
    )


def _explain_frozen(name: str, init: Any) -> Any:
    """Wrap a user's ``__init__`` so that setting an attribute says how to declare a field."""

    @functools.wraps(init)
    def explained_init(self: Operation, *args: Any, **kwargs: Any) -> None:
        try:
            init(self, *args, **kwargs)
        except attrs.exceptions.FrozenInstanceError:
            raise OperationInitError(
                f"{name}.__init__ sets an attribute, but operations are frozen attrs classes: "
                f"declare each parameter as a field in the class body instead of writing "
                f"__init__ (under @attrs.frozen, 'k: float' makes {name}(k=3) and {name}(3) "
                f"work, and fields can be validated); see docs/extending.md"
            ) from None

    explained_init._explains_frozen = True  # type: ignore[attr-defined]
    return explained_init


def describe_arity(arity: int | None) -> str:
    """How many inputs an arity means, in words: '1 input', '3 inputs', 'one or more inputs'."""
    if arity is None:
        return "one or more inputs"
    return "1 input" if arity == 1 else f"{arity} inputs"


def _brief(x: object) -> str:
    return repr(x) if not isinstance(x, Value) else describe_inputs((x,))


def describe_inputs(nodes: Sequence[Value]) -> str:
    """Describe input nodes for an error message: ``'x' = -1.0, 2.0`` (unlabelled: the number)."""
    return ", ".join(
        f"{n.label!r} = {short_repr(n.data)}" if n.label else short_repr(n.data) for n in nodes
    )


def forward_error(op: Operation, nodes: Sequence[Value], error: Exception) -> Exception:
    """The error raised when ``op.forward`` fails: same type, naming the op and its inputs."""
    return reworded(error, f"{op!r} on inputs ({describe_inputs(nodes)}): {error}")


_reworded = reworded  # its old name, which the modules above still import


def _check_output(op: Operation, nodes: Sequence[Value], out: object) -> float:
    """A user operation's output as a float, or a TypeError naming the op and its inputs.

    Any real number but a bool is accepted (an int, a Fraction, a NumPy float); a string such
    as ``"2.5"`` is not, though ``float`` would take it. Eager application, ``forward`` replay
    and :class:`~autograd.Plan` all apply this rule.
    """
    if isinstance(out, float):
        return float(out)  # a float subclass (a NumPy float64) becomes a plain float
    if not is_real(out):
        raise TypeError(
            f"{op!r}.forward must return a float (or another real number), "
            f"got {type(out).__name__}: {short_repr(out)} on inputs ({describe_inputs(nodes)})"
        )
    return float(out)  # type: ignore[arg-type]


_is_number = is_real  # its old name, which the replay backends still import


# The three appliers below are the only place a non-leaf node is made. They are plain functions
# (not methods) because Value's operators call them on every arithmetic step.


def _apply1(op: Operation, a: Value) -> Value:
    try:
        data = op.forward(a.data)
    except (ArithmeticError, ValueError) as error:
        raise forward_error(op, (a,), error) from error
    if type(data) is not float:
        data = _check_output(op, (a,), data)
    return _node(data, op, a, None)


def _apply2(op: Operation, a: Value, b: Value) -> Value:
    try:
        data = op.forward(a.data, b.data)
    except (ArithmeticError, ValueError) as error:
        raise forward_error(op, (a, b), error) from error
    if type(data) is not float:
        data = _check_output(op, (a, b), data)
    return _node(data, op, a, b)


def _applyn(op: Operation, nodes: tuple[Value, ...]) -> Value:
    try:
        data = op.forward(*(n.data for n in nodes))
    except (ArithmeticError, ValueError) as error:
        raise forward_error(op, nodes, error) from error
    data = _check_output(op, nodes, data)
    return _node(data, op, nodes, None)
