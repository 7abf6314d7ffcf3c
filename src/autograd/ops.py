"""The built-in operations, one class each, stating their maths."""

from __future__ import annotations

import functools
import math
import numbers
from typing import ClassVar

import attrs

from autograd.operation import Operation
from autograd.value import _to_float

__all__ = [
    "Add",
    "Div",
    "Exp",
    "Log",
    "LogSumExp",
    "Mul",
    "Neg",
    "Pow",
    "Power",
    "ReLU",
    "Sigmoid",
    "Sub",
    "Tanh",
]


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


@attrs.frozen
class Pow(Operation):
    """Power by a constant: f(x) = x**k; df/dx = k * x**(k-1).

    Defined for every x when k is a whole number, for x >= 0 otherwise; 0 to a negative power
    is a division by zero.
    """

    exponent: float = attrs.field(validator=_check_exponent)

    def forward(self, x: float) -> float:  # noqa: D102
        k = self.exponent
        if x == 0.0 and k < 0:
            raise ZeroDivisionError(f"0 cannot be raised to the negative power {k!r}")
        if x < 0.0 and not float(k).is_integer():
            raise ValueError(f"a negative base ({x!r}) to the non-integer power {k!r} is complex")
        result: float = x**k
        return result

    def local_grads(self, x: float, *, output: float) -> tuple[float]:  # noqa: D102
        return (_pow_slope(x, self.exponent),)

    def __str__(self) -> str:
        return f"**{self.exponent}"


@attrs.frozen
class Power(Operation):
    """Variable power: f(a, b) = a**b for a > 0; df/da = b * a**(b-1), df/db = f * ln a."""

    arity: ClassVar[int] = 2
    symbol: ClassVar[str] = "**"

    def forward(self, a: float, b: float) -> float:  # noqa: D102
        if a <= 0.0:
            raise ValueError(f"a variable exponent needs a positive base, got base {a!r}")
        result: float = a**b
        return result

    def local_grads(self, a: float, b: float, *, output: float) -> tuple[float, float]:  # noqa: D102
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
    """Exponential: f(x) = e**x; df/dx = f(x)."""

    symbol: ClassVar[str] = "exp"

    def forward(self, x: float) -> float:  # noqa: D102
        try:
            return math.exp(x)
        except OverflowError:
            raise OverflowError(
                f"exp({x!r}) is too large for a float (x must be <= 709.78)"
            ) from None

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


@attrs.frozen
class Sigmoid(Operation):
    """Logistic sigmoid: f(x) = 1 / (1 + e**-x); df/dx = f(x) * (1 - f(x))."""

    symbol: ClassVar[str] = "sigmoid"

    def forward(self, x: float) -> float:  # noqa: D102
        # Two branches so that e**|x| is never formed: no overflow at x = -1000.
        if x >= 0.0:
            return 1.0 / (1.0 + math.exp(-x))
        z = math.exp(x)
        return z / (1.0 + z)

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
        m = max(xs)
        exp = math.exp
        terms = [exp(x - m) for x in xs]
        total = math.fsum(terms)
        return tuple(t / total for t in terms)


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


@functools.lru_cache(maxsize=256, typed=True)
def _pow(exponent: float) -> Pow:
    """A shared Pow for an exponent (``x ** 2`` in a loop makes one Pow, not thousands)."""
    return Pow(exponent)
