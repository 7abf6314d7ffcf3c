"""The one table of the operations the replay loops carry out themselves: kinds and their forms.

Every replay backend reads this table: :class:`~autograd.Plan` numbers its steps by
:attr:`Kind.code`, :mod:`~autograd.replay.levels` groups nodes by :attr:`Kind.name`, and both
listings write a step with the row's forms. A form is the arithmetic of the op's ``forward``
and of each input's contribution ``local * upstream`` (the executor's chain rule), written
with ``{a}`` and ``{b}`` for the inputs' data, ``{o}`` for the node's data and ``{g}`` for its
gradient. ``tests/test_replay_kinds.py`` evaluates every form, as Python and as numpy, on
random inputs and checks it against the Operation class of its row bit for bit -- so the
tuned replay loops, which spell the same arithmetic out, have a plain reference next to them.

An operation not in the table (a user's, ``Power``, ``LogSumExp``, ...) is called through
its ``forward`` and ``local_grads``; ``Pow`` by a whole exponent is the one computed kind
whose forms depend on a field, so it has :func:`pow_forms` instead of a row.
"""

from __future__ import annotations

import attrs

from autograd.operation import Operation
from autograd.ops import Add, Div, Exp, Log, Mul, Neg, ReLU, Sigmoid, Sub, Tanh

__all__ = [
    "ADD",
    "ADD1",
    "BINARY",
    "CALL1",
    "CALL2",
    "CALLN",
    "DIV",
    "EXP",
    "KINDS",
    "LOG",
    "MUL",
    "NEG",
    "NUMPY_CALL",
    "NUMPY_POW",
    "POW",
    "RELU",
    "ROWS",
    "SIGMOID",
    "SUB",
    "TANH",
    "BrokenContractError",
    "Kind",
    "pow_forms",
    "whole_exponent",
]

# The step codes of a Plan (and of the native interpreter's table). The rows' codes come
# first; then the steps that are not rows: Pow by a whole exponent, the called operations, and
# _ADD1, a backward-only Add one of whose inputs reads its gradient in place (see plan.py).
MUL, ADD, SUB, NEG, DIV, TANH, RELU, EXP, LOG, SIGMOID, POW = range(11)
CALL1, CALL2, CALLN = 11, 12, 13
ADD1 = 14
BINARY = frozenset({MUL, ADD, SUB, DIV, CALL2})


@attrs.frozen
class Kind:
    """One operation the replay loops compute without calling it.

    Attributes:
        name: The kind's name in a VectorPlan's groups and listing ("mul", "tanh", ...).
        op: The Operation class whose nodes are of this kind.
        code: The Plan's step code.
        forward: The node's data as Python, from ``{a}`` (and ``{b}``).
        backward: Each input's contribution ``local * {g}`` as Python, in input order.
        numpy_forward: The same as numpy writes it on arrays (``where`` for a branch);
            the Python form where that is the same text.
        numpy_backward: Likewise for the contributions.
    """

    name: str
    op: type[Operation]
    code: int
    forward: str
    backward: tuple[str, ...]
    numpy_forward: str = ""
    numpy_backward: tuple[str, ...] = ()

    @property
    def arity(self) -> int:
        """How many inputs a node of this kind has."""
        return len(self.backward)

    def numpy_forms(self) -> tuple[str, tuple[str, ...]]:
        """The forward form and the contributions' forms as numpy computes them."""
        return self.numpy_forward or self.forward, self.numpy_backward or self.backward


ROWS: tuple[Kind, ...] = (
    Kind("mul", Mul, MUL, "{a} * {b}", ("{b} * {g}", "{a} * {g}")),
    Kind("add", Add, ADD, "{a} + {b}", ("{g}", "{g}")),
    Kind("sub", Sub, SUB, "{a} - {b}", ("{g}", "-1.0 * {g}")),
    Kind("neg", Neg, NEG, "-{a}", ("-1.0 * {g}",)),
    Kind("div", Div, DIV, "{a} / {b}", ("1.0 / {b} * {g}", "-{o} / {b} * {g}")),
    Kind("tanh", Tanh, TANH, "tanh({a})", ("(1.0 - {o} * {o}) * {g}",)),
    Kind(
        "relu",
        ReLU,
        RELU,
        "{a} if not {a} <= 0.0 else 0.0",
        ("{g} if {a} > 0.0 else 0.0 * {g}",),
        "where({a} <= 0.0, 0.0, {a})",
        ("where({a} > 0.0, 1.0, 0.0) * {g}",),
    ),
    Kind("exp", Exp, EXP, "exp({a})", ("{o} * {g}",)),
    Kind("log", Log, LOG, "log({a})", ("1.0 / {a} * {g}",)),
    Kind(
        "sigmoid",
        Sigmoid,
        SIGMOID,
        "1.0 / (1.0 + exp(-{a})) if {a} >= 0.0 else (z := exp({a})) / (1.0 + z)",
        ("{o} * (1.0 - {o}) * {g}",),
        "sigmoid({a})",
    ),
)

KINDS: dict[type[Operation], Kind] = {row.op: row for row in ROWS}
"""The rows by their Operation class: what the replay compilers look a node's op up in."""

NUMPY_POW: tuple[str, tuple[str, ...]] = ("{a} ** {k}", ("pow_slope({a}, {k}) * {g}",))
"""How a VectorPlan's listing writes a group of ``Pow(k)``: ``{k}`` is the exponent."""

NUMPY_CALL: tuple[str, tuple[str, ...]] = (
    "{op}.forward({args})",
    ("{op}.local_grads({args}, output={o}) * {g}",),
)
"""How a VectorPlan's listing writes a group of called operations."""


def whole_exponent(op: Operation) -> bool:
    """Whether a Pow's exponent is a whole number given as int or float.

    For those Python's ``x ** k`` raises exactly where Pow.forward does (0 to a negative power)
    and is real for a negative x, so a replay loop can compute it; a fractional exponent needs
    Pow's own domain check, so such a step calls the op.
    """
    k = op.exponent  # type: ignore[attr-defined]
    return type(k) in (int, float) and float(k).is_integer()


def pow_forms(k: float) -> tuple[str, tuple[str, ...]]:
    """The Python forms of ``Pow(k)`` for a whole exponent k (see :func:`whole_exponent`).

    The slope is Pow's ``k * x ** (k - 1)``, which Pow.local_grads special-cases at x == 0.0
    for exponents below 1 (0.0 for k == 0, inf for a negative k).
    """
    slope = f"{k!r} * {{a}} ** {k - 1!r}"
    if k < 1:
        slope = f"({slope} if {{a}} != 0.0 else {'0.0' if k == 0 else 'inf'})"
    return f"{{a}} ** {k!r}", (f"{slope} * {{g}}",)


class BrokenContractError(TypeError):
    """A replay loop met an operation breaking its contract; the pass is rerun eagerly.

    Raised in place of the full error by every replay loop (python, numpy, native), and
    caught by the plan, which then runs the pass eagerly: eager execution raises the error
    in full, naming the operation, its inputs and what it returned.
    """

    def __init__(self) -> None:
        super().__init__("an operation broke its contract (eager execution reports it in full)")
