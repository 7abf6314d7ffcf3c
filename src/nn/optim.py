"""Optimisers (SGD with momentum, Adam) that update parameters from their gradients, and schedules.

An optimiser reads each parameter's ``grad`` and writes its ``data``; it never computes a
gradient. A schedule is any callable from the step number (0, 1, ...) to a learning rate.
"""

from __future__ import annotations

import abc
import functools
import math
from collections.abc import Callable, Iterable
from typing import Any, TypeAlias

import attrs

from autograd import Value
from autograd.checks import finite_float, is_real, positive_int, set_all

__all__ = ["SGD", "Adam", "LinearDecay", "Optimizer"]

_F: TypeAlias = Any
"""A float, or a numpy array of floats: each update rule is written once for both."""


def _rate(x: object, name: str, *, low: float = 0.0, high: float = math.inf) -> float:
    """A finite number in [low, high); raise naming the argument otherwise."""
    value = finite_float(x, name)
    if not low <= value < high:
        raise ValueError(f"{name} must be in [{low}, {high}), got {x!r}")
    return value


def _write_data(params: list[Value], values: list[float]) -> None:
    """``p.data = x`` for each parameter, in one step no KeyboardInterrupt can split."""
    set_all(params, "data", values)


def _commit(optimizer: Optimizer, data: list[float], state: dict[str, object]) -> None:
    """Write the new parameter numbers and optimiser state of a step, all or nothing.

    On any exception (a KeyboardInterrupt at any line too) the parameters' numbers and the
    state are put back as they were before the step, and it propagates.
    """
    params = optimizer.params
    olds = [p.data for p in params]
    before = {name: getattr(optimizer, name) for name in state}
    try:
        for name, value in state.items():
            setattr(optimizer, name, value)
        _write_data(params, data)
    except BaseException:
        _write_data(params, olds)
        for name, value in before.items():
            setattr(optimizer, name, value)
        raise


class Optimizer(abc.ABC):
    """Base of the optimisers: holds the parameters and the learning rate ``lr``.

    ``lr`` is a plain attribute: a training loop (or a schedule) may set it before any step.

    Args:
        params: The parameters to update, e.g. ``model.parameters()``; each at most once.
        lr: The learning rate, > 0 (0 is allowed: it makes ``step`` a no-op).
    """

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: no parameters to optimise")
        seen: set[Value] = set()
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(
                    f"{type(self).__name__}: parameter {i} must be a Value, "
                    f"got {type(p).__name__}: {p!r}"
                )
            if p in seen:
                # Twice in the list would mean two updates per step from one gradient.
                raise ValueError(f"{type(self).__name__}: parameter {p!r} is given twice")
            seen.add(p)
        self.lr = _rate(lr, f"{type(self).__name__} lr")
        self.steps = 0

    @abc.abstractmethod
    def step(self) -> None:
        """Update every parameter's ``data`` from its ``grad``."""

    def step_arrays(self, data: Any, grads: Any) -> Any:
        """The update of :meth:`step` on arrays: the parameters' new numbers, bit for bit.

        For training loops that hold the parameters' numbers in numpy arrays (see
        :class:`nn.Trainer`): ``data`` and ``grads`` give each parameter's ``data`` and
        ``grad`` in the order of :attr:`params`; the optimiser's state (velocities, running
        means, step count) advances as :meth:`step` advances it, and no Value is read or
        written. An optimiser that does not define it is stepped through :meth:`step`.

        Args:
            data: The parameters' numbers (a numpy array, or any sequence).
            grads: Their gradients, a numpy array of float64.

        Returns:
            The new numbers, a numpy array: what :meth:`step` would write into ``data``.
        """
        raise NotImplementedError(f"{type(self).__name__} has no step_arrays")

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0.0 (backward adds into it)."""
        for p in self.params:
            p.grad = 0.0


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum (PyTorch's convention).

    With momentum mu, each parameter keeps a velocity v (0 at first) and a step is::

        v = mu * v + grad
        data -= lr * v

    With mu = 0 this is ``data -= lr * grad``, micrograd's update.

    Args:
        params: The parameters to update.
        lr: The learning rate.
        momentum: mu, in [0, 1).

    Examples:
        >>> from autograd import Value
        >>> from nn.optim import SGD
        >>> w = Value(1.0); w.grad = 0.5
        >>> SGD([w], lr=0.1).step()
        >>> w.data
        0.95
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = _rate(momentum, "SGD momentum", high=1.0)
        self.velocity = [0.0] * len(self.params)

    def step(self) -> None:
        """Update every parameter once: ``data -= lr * v`` with ``v = momentum * v + grad``.

        The new numbers are computed first and written in one step with the new velocities and
        step count: interrupted, the parameters and the optimiser are as before or as after.
        """
        pairs = [
            self._rule(p.data, p.grad, v) for p, v in zip(self.params, self.velocity, strict=True)
        ]
        data, velocity = [d for d, _ in pairs], [v for _, v in pairs]
        _commit(self, data, {"velocity": velocity, "steps": self.steps + 1})

    def _rule(self, data: _F, grad: _F, velocity: _F) -> tuple[_F, _F]:
        """The update of one parameter (floats) or of all (numpy arrays): new data, velocity.

        The same line on floats and on arrays: the same float operations, bit for bit.
        """
        if self.momentum:
            velocity = self.momentum * velocity + grad
            return data - self.lr * velocity, velocity
        return data - self.lr * grad, velocity

    def step_arrays(self, data: Any, grads: Any) -> Any:  # noqa: D102 (see Optimizer's)
        # Python's floats turn inf - inf into nan without a word; so does numpy, told to.
        import numpy as np

        with np.errstate(all="ignore"):
            new, velocity = self._rule(data, grads, _array(self.velocity))
        if self.momentum:
            self.velocity = velocity.tolist()
        self.steps += 1
        return new

    def __repr__(self) -> str:
        return f"SGD({len(self.params)} parameters, lr={self.lr!r}, momentum={self.momentum!r})"


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015) with bias correction, as in PyTorch.

    With gradient g at step t = 1, 2, ... each parameter keeps two running means::

        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        data -= lr * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps)

    so the first step moves each parameter by about ``lr`` against the sign of its gradient.

    Args:
        params: The parameters to update.
        lr: The learning rate.
        betas: (beta1, beta2), each in [0, 1).
        eps: Added to the denominator, > 0.

    Examples:
        >>> from autograd import Value
        >>> from nn.optim import Adam
        >>> w = Value(1.0); w.grad = 0.5
        >>> Adam([w], lr=0.1).step()
        >>> round(w.data, 6)  # 1 - 0.1 * 0.5 / (0.5 + 1e-8)
        0.9
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, tuple) or len(betas) != 2:
            raise TypeError(f"Adam betas must be a tuple of two numbers, got {betas!r}")
        self.betas = (
            _rate(betas[0], "Adam beta1", high=1.0),
            _rate(betas[1], "Adam beta2", high=1.0),
        )
        self.eps = _rate(eps, "Adam eps")
        if self.eps == 0.0:
            raise ValueError("Adam eps must be > 0 (it keeps the step finite where v is 0)")
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        """Update every parameter once by the bias-corrected Adam rule, all or nothing."""
        t = self.steps + 1
        rule = functools.partial(self._rule, corrections=self._corrections(t), sqrt=math.sqrt)
        triples = [
            rule(p.data, p.grad, m, v) for p, m, v in zip(self.params, self.m, self.v, strict=True)
        ]
        data, m, v = ([row[k] for row in triples] for k in range(3))
        # Written in one step with the running means and the step count (see SGD.step).
        _commit(self, data, {"m": m, "v": v, "steps": t})

    def _corrections(self, t: int) -> tuple[float, float]:
        """Step ``t``'s bias corrections: 1 - beta1**t and 1 - beta2**t."""
        beta1, beta2 = self.betas
        return 1.0 - beta1**t, 1.0 - beta2**t

    def _rule(
        self,
        data: _F,
        grad: _F,
        m: _F,
        v: _F,
        *,
        corrections: tuple[float, float],
        sqrt: Callable[[_F], _F],
    ) -> tuple[_F, _F, _F]:
        """One parameter's step (floats, ``math.sqrt``) or all of them (arrays, ``np.sqrt``).

        Returns the new data and running means. numpy's sqrt is correctly rounded, as
        math.sqrt is, so both give the same numbers bit for bit.
        """
        beta1, beta2 = self.betas
        correction1, correction2 = corrections
        m = beta1 * m + (1.0 - beta1) * grad
        v = beta2 * v + (1.0 - beta2) * grad * grad
        return data - self.lr * (m / correction1) / (sqrt(v / correction2) + self.eps), m, v

    def step_arrays(self, data: Any, grads: Any) -> Any:  # noqa: D102 (see Optimizer's)
        import numpy as np

        t = self.steps + 1
        with np.errstate(all="ignore"):  # silent, as Python's float arithmetic is
            new, m, v = self._rule(
                data,
                grads,
                _array(self.m),
                _array(self.v),
                corrections=self._corrections(t),
                sqrt=np.sqrt,
            )
        self.m, self.v = m.tolist(), v.tolist()
        self.steps = t
        return new

    def __repr__(self) -> str:
        return (
            f"Adam({len(self.params)} parameters, lr={self.lr!r}, betas={self.betas!r}, "
            f"eps={self.eps!r})"
        )


def _array(numbers: list[float]) -> Any:
    """A list of floats as a numpy array (numpy is imported only by the array steps)."""
    import numpy as np

    return np.array(numbers, dtype=np.float64)


def _finite(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not is_real(value) or not math.isfinite(value):
        raise ValueError(f"LinearDecay {attribute.name} must be a finite number, got {value!r}")


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    positive_int(value, f"LinearDecay {attribute.name}")


@attrs.frozen
class LinearDecay:
    """A learning rate going in a straight line from ``start`` to ``end`` over ``steps`` steps.

    ``schedule(k) = start + (end - start) * k / steps`` for k < steps, then ``end``.
    micrograd's demo uses ``lr = 1.0 - 0.9 * k / 100``, which is ``LinearDecay(1.0, 0.1, 100)``
    (bit for bit).

    Examples:
        >>> from nn.optim import LinearDecay
        >>> schedule = LinearDecay(1.0, 0.1, 100)
        >>> schedule(0), schedule(50), schedule(100), schedule(1000)
        (1.0, 0.55, 0.1, 0.1)
    """

    start: float = attrs.field(validator=_finite)
    end: float = attrs.field(validator=_finite)
    steps: int = attrs.field(validator=_positive)

    def __call__(self, step: int) -> float:
        """The learning rate for step ``step`` (0-based)."""
        if isinstance(step, bool) or not isinstance(step, int):
            raise TypeError(
                f"LinearDecay: step must be an int, got {type(step).__name__}: {step!r}"
            )
        if step < 0:
            raise ValueError(f"LinearDecay: step must be >= 0, got {step!r}")
        if step >= self.steps:
            return self.end  # exactly: the line's formula at k = steps can miss it by rounding
        return self.start + (self.end - self.start) * step / self.steps
