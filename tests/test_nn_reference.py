"""The reference results of issue 3: the classic demos, trained end to end with nn."""

from __future__ import annotations

import random

import micrograd.nn
import pytest
from micrograd.engine import Value as MicroValue

from nn import MLP, SGD, Adam, LinearDecay, Trainer, fit
from nn.datasets import Standardizer, iris, moons, tiny, train_test_split, xor


def _micrograd_demo_trainer(model: MLP) -> Trainer:
    return Trainer(
        model,
        SGD(model.parameters(), lr=1.0),
        "max_margin",
        l2=1e-4,
        schedule=LinearDecay(1.0, 0.1, 100),
    )


def test_trainer_follows_micrograds_demo_loop() -> None:
    # micrograd's demo loop, verbatim but for the data size, against the Trainer: same weights
    # (random.seed(1337)), same loss at every step; gradients differ in the last bits at most
    # (sums in another order), so the trajectories agree to ~1e-12, not bit for bit.
    X, y = moons(20, noise=0.1, seed=0)
    signs = [2 * label - 1 for label in y]
    random.seed(1337)
    theirs = micrograd.nn.MLP(2, [16, 16, 1])
    their_losses = []
    for k in range(5):
        scores = [theirs([MicroValue(v) for v in row]) for row in X]
        losses = [(1 + -yi * si).relu() for yi, si in zip(signs, scores, strict=True)]
        total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in theirs.parameters())
        theirs.zero_grad()
        total.backward()
        for p in theirs.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        their_losses.append(total.data)

    ours = MLP(2, [16, 16, 1], seed=1337)
    history = _micrograd_demo_trainer(ours).fit(X, y, epochs=5)
    assert history.loss[0] == their_losses[0]
    assert history.loss == pytest.approx(their_losses, rel=1e-12)
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert a.data == pytest.approx(b.data, rel=1e-10, abs=1e-12)


@pytest.mark.slow
def test_micrograd_demo_two_moons() -> None:
    # 100 moons points, MLP(2, [16, 16, 1]), max-margin + 1e-4 L2, 100 full-batch SGD steps with
    # lr = 1.0 - 0.9 k/100. On this data set micrograd itself ends at 99 % too (one point on the
    # wrong side, the same final loss to 15 digits), hence one miss allowed.
    X, y = moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=1337)
    trainer = _micrograd_demo_trainer(model)
    history = trainer.fit(X, y, epochs=100)
    result = trainer.evaluate(X, y)
    assert result.accuracy is not None
    assert result.accuracy >= 0.99
    assert result.loss < 0.03
    assert history.loss[-1] < 0.1 * history.loss[0]


@pytest.mark.parametrize("seed", range(3))
def test_iris_test_accuracy(seed: int) -> None:
    # 30 test flowers, so >= 95 % allows one miss; one versicolor of this split sits among the
    # virginica and every recipe tried misses it. Mini-batches of 8 reach 29/30 for seeds 0-7.
    X, y = iris()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0, stratify=True)
    scaler = Standardizer().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    model = MLP(4, [16, 3], activation="tanh", seed=seed)
    trainer = Trainer(model, Adam(model.parameters(), lr=0.005), "softmax", batch_size=8, seed=seed)
    history = trainer.fit(X_train, y_train, epochs=50, test=(X_test, y_test))
    assert history.test_accuracy[-1] >= 0.95
    assert history.train_accuracy[-1] >= 0.95


def test_lecture_tiny_set_mse() -> None:
    X, y = tiny()
    model = MLP(3, [4, 4, 1], activation="tanh", seed=0)
    history = fit(model, SGD(model.parameters(), lr=0.05), X, y, loss="mse", epochs=100)
    assert history.loss[-1] < 0.01
    assert Trainer(model, SGD(model.parameters(), lr=0.05), "mse").evaluate(X, y).loss < 0.01


@pytest.mark.parametrize("seed", range(5))
def test_xor_with_a_small_tanh_mlp(seed: int) -> None:
    X, y = xor()
    model = MLP(2, [8, 1], activation="tanh", seed=seed)
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    trainer = Trainer(model, optimizer, "bce")
    trainer.fit(X, y, epochs=100)
    assert trainer.evaluate(X, y).accuracy == 1.0
