"""The built-in operations, one class each, stating their maths.

Every ``local_grads`` works on floats and on Values alike: called on the input nodes (as
:meth:`GraphExecutor.grad <autograd.GraphExecutor.grad>` does with ``create_graph=True``), it
builds the derivative as nodes of the same operations, which can be differentiated again. Most
are plain arithmetic (``1.0 - output * output``), which needs nothing more; where a function
such as cos appears, a helper below picks :mod:`math` for a float and the Value method for a
node, testing ``type(x) is float`` first so the float path pays one identity test.

The file is longer than most on purpose: it is the catalogue of operations, one short class
each, and a reader looking up one operation's maths finds all of them side by side.
"""

from __future__ import annotations

import functools
import math
import numbers
from typing import ClassVar

import attrs

from autograd.operation import Operation
from autograd.value import Value, _to_float

__all__ = [
    "Abs",
    "Add",
    "Cos",
    "Div",
    "Exp",
    "Log",
    "LogSumExp",
    "Max",
    "Min",
    "Mod",
    "Mul",
    "Neg",
    "Pow",
    "Power",
    "ReLU",
    "Sigmoid",
    "Sin",
    "Softmax",
    "Softplus",
    "Sqrt",
    "Sub",
    "Tanh",
]


def _is_node(x: object) -> bool:
    """Whether a local derivative is being built on a node rather than computed on a float."""
    return type(x) is not float and isinstance(x, Value)


def _floats(xs: tuple[float | Value, ...]) -> bool:
    """Whether none of ``xs`` is a node (a plain loop: cheaper than ``any`` on a generator)."""
    for x in xs:  # noqa: SIM110
        if type(x) is not float and isinstance(x, Value):
            return False
    return True


def _number(x: float | Value) -> float:
    """The number of a float or a node, for derivatives that are piecewise constant in it."""
    return x.data if isinstance(x, Value) else x


@attrs.frozen
class Add(Operation):
    """Sum: f(a, b) = a + b; df/da = 1, df/db = 1."""

    arity: ClassVar[int] = 2
    symbol: ClassVar[str] = "+"

    def forward(self, a: float, b: float) -> float:  # noqa: D102
        return a + b

    def local_grads(self, a: float, b: float, *, output: float) -> tuple[float, float]:  # noqa: D102
        return (1.0, 1.0)


@attrs.frozen
class Sub(Operation):
    """Difference: f(a, b) = a - b; df/da = 1, df/db = -1."""

    arity: ClassVar[int] = 2
    symbol: ClassVar[str] = "-"

    def forward(self, a: float, b: float) -> float:  # noqa: D102
        return a - b

    def local_grads(self, a: float, b: float, *, output: float) -> tuple[float, float]:  # noqa: D102
        return (1.0, -1.0)


@attrs.frozen
class Mul(Operation):
    """Product: f(a, b) = a*b; df/da = b, df/db = a."""

    arity: ClassVar[int] = 2
    symbol: ClassVar[str] = "*"

    def forward(self, a: float, b: float) -> float:  # noqa: D102
        return a * b

    def local_grads(self, a: float, b: float, *, output: float) -> tuple[float, float]:  # noqa: D102
        return (b, a)


@attrs.frozen
class Div(Operation):
    """Quotient: f(a, b) = a/b for b != 0; df/da = 1/b, df/db = -a/b**2 = -f/b."""

    arity: ClassVar[int] = 2
    symbol: ClassVar[str] = "/"

    def forward(self, a: float, b: float) -> float:  # noqa: D102
        if b == 0.0:
            raise ZeroDivisionError(f"division by zero ({a!r} / {b!r})")
        return a / b

    def local_grads(self, a: float, b: float, *, output: float) -> tuple[float, float]:  # noqa: D102
        return (1.0 / b, -output / b)


@attrs.frozen
class Neg(Operation):
    """Negation: f(x) = -x; df/dx = -1."""

    symbol: ClassVar[str] = "neg"

    def forward(self, x: float) -> float:  # noqa: D102
        return -x

    def local_grads(self, x: float, *, output: float) -> tuple[float]:  # noqa: D102
        return (-1.0,)


def _check_exponent(instance: Pow, attribute: attrs.Attribute[float], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"Pow exponent must be an int or a float, got {type(value).__name__}")
    if not math.isfinite(_to_float(value, "Pow exponent")):
        raise ValueError(f"Pow exponent must be finite, got {value!r}")


def _pow_slope(x: float, k: float) -> float:
    """d(x**k)/dx = k * x**(k-1): Pow.local_grads, and what a Plan's Pow step computes."""
    if x == 0.0 and k < 1:
        # x**(k-1) has a pole at 0 for 0 < k < 1: the slope of sqrt at 0 is +inf.
        return 0.0 if k == 0 else math.inf
    try:
        slope: float = k * x ** (k - 1)
    except OverflowError:
        # Too large for a float: infinity of the slope's sign, as Div's gradient gives. A negative
        # x comes with a whole k, and x**(k-1) is then negative for odd k - 1.
        negative = (k < 0) != (x < 0.0 and (k - 1) % 2 == 1)
        slope = -math.inf if negative else math.inf
    return slope


def _pow_slope_node(x: Value, k: float) -> Value | float:
    """Pow's derivative k * x**(k-1), built on a node as a graph.

    Constant for k = 0 and k = 1, ``k * x`` for k = 2 (x**1 is x, bit for bit); at x = 0 with
    k < 1 the slope is infinite and the Pow of k - 1 raises ZeroDivisionError, since no graph
    can carry an infinite slope's own derivative.
    """
    if k == 0:
        return 0.0
    if k == 1:
        return 1.0
    if k == 2:
        return k * x
    return k * x ** (k - 1)


@attrs.frozen
class Pow(Operation):
    """Power by a constant: f(x) = x**k; df/dx = k * x**(k-1).

    Defined for every x when k is a whole number, for x >= 0 otherwise; 0 to a negative power
    is a division by zero. A result too large for a float is an infinity of its sign, as for
    ``*`` (``Value(1e200) ** 2`` is inf, like ``Value(1e200) * 1e200``).
    """

    exponent: float = attrs.field(validator=_check_exponent)

    def forward(self, x: float) -> float:  # noqa: D102
        k = self.exponent
        if x == 0.0 and k < 0:
            raise ZeroDivisionError(f"0 cannot be raised to the negative power {k!r}")
        if x < 0.0 and not float(k).is_integer():
            raise ValueError(f"a negative base ({x!r}) to the non-integer power {k!r} is complex")
        try:
            result: float = x**k
        except OverflowError:  # IEEE arithmetic, as Mul: too large is an infinity of its sign
            odd = x < 0.0 and float(k).is_integer() and int(k) % 2 == 1
            result = -math.inf if odd else math.inf
        return result

    def local_grads(self, x: float, *, output: float) -> tuple[float]:  # noqa: D102
        if type(x) is not float and isinstance(x, Value):
            return (_pow_slope_node(x, self.exponent),)
        return (_pow_slope(x, self.exponent),)

    def __str__(self) -> str:
        return f"**{self.exponent}"


@attrs.frozen
class Power(Operation):
    """Variable power: f(a, b) = a**b for a > 0; df/da = b * a**(b-1), df/db = f * ln a.

    Also for a = 0 with b > 0, as in PyTorch and HIPS autograd: f = 0, df/da = b * 0**(b-1)
    (0 for b > 1, 1 for b = 1, +inf for b < 1), and df/db = 0, the limit of f * ln a as a
    goes to 0. A result too large for a float is +inf, as for ``*``.
    """

    arity: ClassVar[int] = 2
    symbol: ClassVar[str] = "**"

    def forward(self, a: float, b: float) -> float:  # noqa: D102
        if a <= 0.0 and not (a == 0.0 and b > 0.0):
            raise ValueError(
                "a variable exponent needs a positive base (or base 0 with a positive "
                f"exponent), got base {a!r} and exponent {b!r}"
            )
        try:
            result: float = a**b
        except OverflowError:  # a > 0: IEEE arithmetic, as Mul, gives +inf
            result = math.inf
        return result

    def local_grads(self, a: float, b: float, *, output: float) -> tuple[float, float]:  # noqa: D102
        if (type(a) is not float or type(b) is not float) and (_is_node(a) or _is_node(b)):
            return (b * a ** (b - 1.0), output * _log(a))  # type: ignore[return-value]
        if a == 0.0:
            return (_pow_slope(0.0, b), 0.0)
        try:
            da: float = b * a ** (b - 1.0)
        except OverflowError:  # a > 0, so the slope has b's sign; as a / b gives inf, not an error
            da = math.copysign(math.inf, b)
        return (da, output * math.log(a))


@attrs.frozen
class Tanh(Operation):
    """Hyperbolic tangent: f(x) = tanh x; df/dx = 1 - f(x)**2."""

    symbol: ClassVar[str] = "tanh"

    def forward(self, x: float) -> float:  # noqa: D102
        return math.tanh(x)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:  # noqa: D102
        return (1.0 - output * output,)


@attrs.frozen
class ReLU(Operation):
    """Rectified linear unit: f(x) = max(0, x); df/dx = 1 for x > 0, else 0 (0 at x = 0 too).

    NaN stays NaN (so ``check_finite`` sees it) and -0.0 gives 0.0.
    """

    symbol: ClassVar[str] = "relu"

    def forward(self, x: float) -> float:  # noqa: D102
        return x if not x <= 0.0 else 0.0

    def local_grads(self, x: float, *, output: float) -> tuple[float]:  # noqa: D102
        return (1.0 if x > 0.0 else 0.0,)


@attrs.frozen
class Exp(Operation):
    """Exponential: f(x) = e**x; df/dx = f(x).

    Above x = 709.78 the result is too large for a float: +inf, as for ``*``.
    """

    symbol: ClassVar[str] = "exp"

    def forward(self, x: float) -> float:  # noqa: D102
        try:
            return math.exp(x)
        except OverflowError:  # IEEE arithmetic, as Mul: too large is +inf
            return math.inf

    def local_grads(self, x: float, *, output: float) -> tuple[float]:  # noqa: D102
        return (output,)


@attrs.frozen
class Log(Operation):
    """Natural logarithm: f(x) = ln x for x > 0; df/dx = 1/x."""

    symbol: ClassVar[str] = "log"

    def forward(self, x: float) -> float:  # noqa: D102
        if x <= 0.0:
            raise ValueError(f"log is defined for x > 0, got {x!r}")
        return math.log(x)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:  # noqa: D102
        return (1.0 / x,)


def _sigmoid(x: float) -> float:
    """1 / (1 + e**-x) in two branches so that e**|x| is never formed: no overflow at -1000."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@attrs.frozen
class Sigmoid(Operation):
    """Logistic sigmoid: f(x) = 1 / (1 + e**-x); df/dx = f(x) * (1 - f(x))."""

    symbol: ClassVar[str] = "sigmoid"

    def forward(self, x: float) -> float:  # noqa: D102
        return _sigmoid(x)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:  # noqa: D102
        return (output * (1.0 - output),)


@attrs.frozen
class LogSumExp(Operation):
    """Log-sum-exp: f(x) = ln sum e**xi; df/dxi = e**(xi - f) (the softmax).

    Takes one or more inputs: ``LogSumExp()(0.0, z)`` is softplus, ln(1 + e**z), and
    ``LogSumExp()(*logits)`` the normaliser of a softmax. ``forward`` computes
    m + ln sum e**(xi - m) with m the largest input, so ``exp`` never sees a positive argument
    and the sum lies between 1 and n: no overflow at 1000, no log of 0 at -1000. The sum is
    ``math.fsum``, correctly rounded, which makes the result independent of the inputs' order.
    ``local_grads`` computes the softmax the same way, e**(xi - m) / sum_j e**(xj - m), rather
    than from f: at |f| near 1000 the rounding of f would cost three of the sixteen digits.
    If the largest input is infinite, f is that infinity (and the softmax is NaN); if any input
    is NaN, f is NaN, whatever the order of the inputs.
    """

    arity: ClassVar[int | None] = None
    symbol: ClassVar[str] = "logsumexp"

    def forward(self, *xs: float) -> float:  # noqa: D102
        if not xs:
            raise ValueError("log-sum-exp needs at least one input")
        m = max(xs)
        if math.isinf(m):
            # max() skips a NaN that comes after an infinity; NaN wins in any order.
            return math.nan if any(x != x for x in xs) else m
        exp = math.exp
        return m + math.log(math.fsum([exp(x - m) for x in xs]))

    def local_grads(self, *xs: float, output: float) -> tuple[float, ...]:  # noqa: D102
        if not _floats(xs):
            # On nodes: one Softmax node per input, computing the very floats below.
            return tuple(Softmax(i)(*xs) for i in range(len(xs)))  # type: ignore[misc]
        return tuple(_softmax(xs))


def _softmax(xs: tuple[float, ...]) -> list[float]:
    """e**(xi - m) / sum_j e**(xj - m), m the largest input, the sum correctly rounded."""
    m = max(xs)
    exp = math.exp
    terms = [exp(x - m) for x in xs]
    total = math.fsum(terms)
    return [t / total for t in terms]


def _check_index(instance: Softmax, attribute: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or value < 0:
        raise TypeError(f"Softmax index must be an int >= 0, got {type(value).__name__}: {value!r}")


@attrs.frozen
class Softmax(Operation):
    """One output of the softmax: f(x) = e**xi / sum_j e**xj for the input at ``index``.

    df/dxj = f * (1 - sj) for j = i and -f * sj otherwise, sj the softmax's output j. It is the
    gradient of :class:`LogSumExp`, and how that gradient becomes a graph: LogSumExp's
    ``local_grads`` on Values returns one Softmax node per input, computed as its ``local_grads``
    on floats computes them (with m the largest input, e**(xi - m) / sum_j e**(xj - m)), so the
    numbers agree bit for bit. Takes one or more inputs; ``index`` must be one of them.
    """

    arity: ClassVar[int | None] = None
    symbol: ClassVar[str] = "softmax"

    index: int = attrs.field(validator=_check_index)

    def forward(self, *xs: float) -> float:  # noqa: D102
        if self.index >= len(xs):
            raise ValueError(f"softmax of input {self.index} needs more than {len(xs)} inputs")
        return _softmax(xs)[self.index]

    def local_grads(self, *xs: float, output: float) -> tuple[float, ...]:  # noqa: D102
        i = self.index
        if not _floats(xs):
            others = [output if j == i else Softmax(j)(*xs) for j in range(len(xs))]
        else:
            others = _softmax(xs)  # type: ignore[assignment]
        return tuple(output * ((1.0 if j == i else 0.0) - s) for j, s in enumerate(others))  # type: ignore[misc]


def _log(x: float | Value) -> float | Value:
    return x.log() if _is_node(x) else math.log(x)  # type: ignore[union-attr,arg-type]


def _sin(x: float | Value) -> float | Value:
    return x.sin() if _is_node(x) else math.sin(x)  # type: ignore[union-attr,arg-type]


def _cos(x: float | Value) -> float | Value:
    return x.cos() if _is_node(x) else math.cos(x)  # type: ignore[union-attr,arg-type]


@attrs.frozen
class Abs(Operation):
    """Absolute value: f(x) = |x|; df/dx = sign x, and 0 at x = 0 (PyTorch's convention).

    The second derivative is 0 everywhere but at the kink. NaN stays NaN.
    """

    symbol: ClassVar[str] = "abs"

    def forward(self, x: float) -> float:  # noqa: D102
        return abs(x)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:  # noqa: D102
        return (1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0,)


@attrs.frozen
class Sqrt(Operation):
    """Square root: f(x) = sqrt x for x >= 0; df/dx = 1 / (2 f(x)), +inf at x = 0 (as PyTorch).

    The second derivative, -1 / (4 x f(x)), is built from the first: at x = 0, where the slope
    is infinite, differentiating twice (``create_graph=True``) raises ZeroDivisionError.
    """

    symbol: ClassVar[str] = "sqrt"

    def forward(self, x: float) -> float:  # noqa: D102
        if x < 0.0:
            raise ValueError(f"sqrt is defined for x >= 0, got {x!r}")
        return math.sqrt(x)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:  # noqa: D102
        if _is_node(output) or output != 0.0:
            return (0.5 / output,)
        return (math.inf,)


@attrs.frozen
class Sin(Operation):
    """Sine: f(x) = sin x; df/dx = cos x (and d2f/dx2 = -sin x, through Cos)."""

    symbol: ClassVar[str] = "sin"

    def forward(self, x: float) -> float:  # noqa: D102
        return math.sin(x)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:  # noqa: D102
        return (_cos(x),)  # type: ignore[return-value]


@attrs.frozen
class Cos(Operation):
    """Cosine: f(x) = cos x; df/dx = -sin x (and d2f/dx2 = -cos x, through Sin)."""

    symbol: ClassVar[str] = "cos"

    def forward(self, x: float) -> float:  # noqa: D102
        return math.cos(x)

    def local_grads(self, x: float, *, output: float) -> tuple[float]:  # noqa: D102
        return (-_sin(x),)  # type: ignore[return-value]


@attrs.frozen
class Softplus(Operation):
    """Softplus: f(x) = ln(1 + e**x); df/dx = 1 / (1 + e**-x), the sigmoid of x.

    ``forward`` computes max(x, 0) + ln(1 + e**-|x|), which neither overflows at x = 1000 nor
    loses the small result at x = -1000. (PyTorch's ``softplus`` returns x itself above its
    ``threshold`` of 20; this is the exact function, which differs there by less than e**-20.)
    The second derivative is the sigmoid's, f'(x) * (1 - f'(x)).
    """

    symbol: ClassVar[str] = "softplus"

    def forward(self, x: float) -> float:  # noqa: D102
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))

    def local_grads(self, x: float, *, output: float) -> tuple[float]:  # noqa: D102
        if _is_node(x):
            return (x.sigmoid(),)  # type: ignore[attr-defined]
        return (_sigmoid(x),)


@attrs.frozen
class Max(Operation):
    """Larger of two: f(a, b) = max(a, b); df/da = 1 if a > b, 0 if a < b, 1/2 if a = b.

    At a tie the gradient is shared evenly between the inputs, as PyTorch's ``maximum`` does
    (so ``max(x, x)`` has slope 1). NaN in either input gives NaN.
    """

    arity: ClassVar[int] = 2
    symbol: ClassVar[str] = "max"

    def forward(self, a: float, b: float) -> float:  # noqa: D102
        if a != a:
            return a
        return a if a > b else b

    def local_grads(self, a: float, b: float, *, output: float) -> tuple[float, float]:  # noqa: D102
        if a > b:
            return (1.0, 0.0)
        if a < b:
            return (0.0, 1.0)
        return (0.5, 0.5)


@attrs.frozen
class Min(Operation):
    """Smaller of two: f(a, b) = min(a, b); df/da = 1 if a < b, 0 if a > b, 1/2 if a = b.

    At a tie the gradient is shared evenly between the inputs, as PyTorch's ``minimum`` does.
    NaN in either input gives NaN.
    """

    arity: ClassVar[int] = 2
    symbol: ClassVar[str] = "min"

    def forward(self, a: float, b: float) -> float:  # noqa: D102
        if a != a:
            return a
        return a if a < b else b

    def local_grads(self, a: float, b: float, *, output: float) -> tuple[float, float]:  # noqa: D102
        if a < b:
            return (1.0, 0.0)
        if a > b:
            return (0.0, 1.0)
        return (0.5, 0.5)


@attrs.frozen
class Mod(Operation):
    """Remainder, as Python's float ``%``: f(a, b) = a - b * floor(a/b) for b != 0.

    The result has the sign of b. df/da = 1, df/db = -floor(a/b) (PyTorch's ``remainder``);
    both are piecewise constant, so every higher derivative is 0. f jumps where a/b is a whole
    number: there the derivative is the one-sided one, from the side where floor(a/b) is a/b.
    """

    arity: ClassVar[int] = 2
    symbol: ClassVar[str] = "%"

    def forward(self, a: float, b: float) -> float:  # noqa: D102
        if b == 0.0:
            raise ZeroDivisionError(f"modulo by zero ({a!r} % {b!r})")
        return a % b

    def local_grads(self, a: float, b: float, *, output: float) -> tuple[float, float]:  # noqa: D102
        return (1.0, -(_number(a) // _number(b)))


# Stateless operations are shared: Value's operators reuse one instance each.
_ADD = Add()
_SUB = Sub()
_MUL = Mul()
_DIV = Div()
_NEG = Neg()
_POWER = Power()
_TANH = Tanh()
_RELU = ReLU()
_EXP = Exp()
_LOG = Log()
_SIGMOID = Sigmoid()
_ABS = Abs()
_SQRT = Sqrt()
_SIN = Sin()
_COS = Cos()
_SOFTPLUS = Softplus()
_MOD = Mod()


@functools.lru_cache(maxsize=256, typed=True)
def _pow(exponent: float) -> Pow:
    """A shared Pow for an exponent (``x ** 2`` in a loop makes one Pow, not thousands)."""
    return Pow(exponent)
