# opgrad exercise: training_loop
"""The lecture's training loop.

Four samples with targets 1, -1, -1, 1 and a small network. Each step: the forward pass (the
predictions and the loss, the sum of squared errors), zero the gradients, the backward pass,
then nudge each parameter a little against its gradient: ``p.data -= lr * p.grad``.
The lecture's famous bug is forgetting to zero: the gradients of every earlier step add up.

Write:
    train(model, xs, ys, steps, lr): run ``steps`` steps, returning the list of the losses
    (loss.data, computed before each step's update).

The network here is opgrad's ``nn.MLP(3, [4, 4, 1], activation="tanh")``: ``model(x)`` is its
output Value, ``model.parameters()`` its parameters, ``model.zero_grad()`` zeroes their grads.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value
from nn import MLP

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def train(
    model: MLP, xs: Sequence[Sequence[float]], ys: Sequence[float], steps: int, lr: float
) -> list[float]:
    """Gradient descent on the sum of squared errors; the loss before each step."""
    losses = []
    for _ in range(steps):
        ypred = [model.outputs(x)[0] for x in xs]  # model(x) is the same Value, typed loosely
        loss = sum(((yout - ygt) ** 2 for yout, ygt in zip(ypred, ys)), Value(0.0))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
        losses.append(loss.data)
    return losses


if __name__ == "__main__":
    print(train(MLP(3, [4, 4, 1], activation="tanh", seed=0), XS, YS, steps=20, lr=0.05))
