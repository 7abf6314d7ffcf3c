# opgrad exercise: momentum
"""Past the lecture: SGD with momentum.

Plain gradient descent steps by ``lr * grad``. With momentum each parameter keeps a velocity,
a running sum of its gradients that fades by ``beta`` each step: ``v = beta * v + grad``, then
``p.data -= lr * v``. Steps along a direction the gradients keep agreeing on grow; steps that
flip sign cancel. (opgrad's ``nn.SGD(params, lr, momentum=beta)`` is this.)

Write:
    Momentum.step(): update every parameter's velocity and then its data, from its grad.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value


class Momentum:
    """Gradient descent with momentum over a list of parameters."""

    def __init__(self, parameters: Sequence[Value], lr: float, beta: float = 0.9) -> None:
        self.parameters = list(parameters)
        self.lr = lr
        self.beta = beta
        self.velocity = [0.0] * len(self.parameters)

    def step(self) -> None:
        """V = beta * v + grad; p.data -= lr * v, for every parameter."""
        for i, p in enumerate(self.parameters):
            self.velocity[i] = self.beta * self.velocity[i] + p.grad
            p.data -= self.lr * self.velocity[i]
