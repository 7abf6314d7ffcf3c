from __future__ import annotations

import math
import random
from collections.abc import Sequence

import micrograd.nn
import pytest
from hypothesis import given
from hypothesis import strategies as st
from micrograd.engine import Value as MicroValue

from autograd import GraphExecutor, Value, gradcheck
from nn import (
    MLP,
    accuracy,
    binary_accuracy,
    binary_cross_entropy,
    l2,
    max_margin,
    mse,
    softmax_cross_entropy,
)


def _values(*xs: float) -> list[Value]:
    return [Value(x) for x in xs]


def _grads(loss: Value, leaves: Sequence[Value]) -> list[float]:
    loss.backward()
    return [v.grad for v in leaves]


def test_mse_hand_computed() -> None:
    p = _values(1.0, 3.0)
    loss = mse(p, [0.0, 1.0])
    assert loss.data == 2.5  # ((1-0)**2 + (3-1)**2) / 2
    assert _grads(loss, p) == [1.0, 2.0]  # 2 (p - t) / n


def test_max_margin_hand_computed() -> None:
    s = _values(2.0, 0.5, -0.5)
    loss = max_margin(s, [1, -1, -1])
    # relu(1 - 2) = 0, relu(1 + 0.5) = 1.5, relu(1 - 0.5) = 0.5; mean 2/3.
    assert loss.data == pytest.approx(2.0 / 3.0, rel=1e-15)
    # d/ds_i = -y_i / n where the margin is violated, else 0.
    assert _grads(loss, s) == pytest.approx([0.0, 1.0 / 3.0, 1.0 / 3.0], rel=1e-15)


def test_max_margin_reads_zero_labels_as_minus_one() -> None:
    scores = [0.3, -1.2, 2.0, 0.9]
    assert max_margin(scores, [1, 0, 0, 1]).data == max_margin(scores, [1, -1, -1, 1]).data


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([1, 0, -1], "mix 0 and -1"),
        ([1, 2, 0], "label 1 is 2; binary labels are -1/\\+1 or 0/1"),
        ([1, 0.5, 0], "label 1 is 0.5"),
    ],
)
def test_max_margin_rejects_other_labels(labels: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        max_margin([0.0, 0.0, 0.0], labels)


def test_max_margin_and_l2_match_micrograd_demo() -> None:
    random.seed(1337)
    theirs = micrograd.nn.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    rng = random.Random(5)
    xs = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(20)]
    ys = [rng.choice([-1, 1]) for _ in xs]
    their_scores = [theirs([MicroValue(a) for a in x]) for x in xs]
    our_scores = [ours.outputs(x)[0] for x in xs]
    # micrograd demo's loss, written its way and ours.
    their_data = sum((1 + -y * s).relu() for y, s in zip(ys, their_scores, strict=True))
    their_loss = their_data * (1.0 / len(xs)) + 1e-4 * sum(p * p for p in theirs.parameters())
    our_loss = max_margin(our_scores, ys) + l2(ours.parameters(), 1e-4)
    assert our_loss.data == their_loss.data
    their_loss.backward()
    our_loss.backward()
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert a.grad == pytest.approx(b.grad, rel=1e-12, abs=1e-15)


def _naive_bce(z: float, y: float) -> float:
    s = 1.0 / (1.0 + math.exp(-z))
    return -y * math.log(s) - (1.0 - y) * math.log(1.0 - s)


def test_binary_cross_entropy_hand_computed() -> None:
    z = _values(0.0, 2.0)
    loss = binary_cross_entropy(z, [1, 0])
    # (log 2 + log(1 + e**2)) / 2; gradient (sigmoid(z) - y) / n.
    assert loss.data == pytest.approx((math.log(2.0) + 2.1269280110429727) / 2, rel=1e-15)
    assert _grads(loss, z) == pytest.approx([(0.5 - 1.0) / 2, 0.8807970779778823 / 2], rel=1e-14)


@pytest.mark.parametrize("y", [0.0, 1.0, 0.25])
def test_binary_cross_entropy_gradient_at_zero_logit_is_exact(y: float) -> None:
    # softplus(z) = LogSumExp(0, z), whose softmax at (0, 0) is (1/2, 1/2) exactly: the
    # gradient sigmoid(0) - y, not a subgradient of max(z, 0).
    z = Value(0.0)
    loss = binary_cross_entropy([z], [y])
    loss.backward()
    assert loss.data == math.log(2.0)
    assert z.grad == 0.5 - y


@pytest.mark.parametrize("k", [1, 2, 4, 8])
def test_softmax_cross_entropy_gradient_at_equal_logits_is_exact(k: int) -> None:
    z = _values(*[0.0] * k)
    loss = softmax_cross_entropy([z], [k - 1])
    assert loss.data == math.log(k)
    assert _grads(loss, z) == [1.0 / k] * (k - 1) + [1.0 / k - 1.0]


@given(
    st.lists(st.floats(-1000.0, 1000.0), min_size=3, max_size=3),
    st.lists(st.floats(-1000.0, 1000.0), min_size=3, max_size=3),
    st.integers(0, 2),
    st.sampled_from([0.0, 1.0, 0.25]),
)
def test_cross_entropy_graphs_replay_at_any_logits(
    built_at: list[float], replayed_at: list[float], label: int, y: float
) -> None:
    # No formula is picked from the numbers, so a graph built at some logits and replayed at
    # others computes what a graph built at the others computes, with no overflow on the way:
    # bit for bit, loss and gradients.
    def build(zs: list[float]) -> tuple[Value, list[Value]]:
        leaves = [Value(z) for z in zs]
        loss = softmax_cross_entropy([leaves], [label]) + binary_cross_entropy(leaves, [y] * 3)
        return loss, leaves

    loss, leaves = build(built_at)
    plan = GraphExecutor().compile(loss)
    for leaf, z in zip(leaves, replayed_at, strict=True):
        leaf.data = z
    replayed = plan.forward()
    plan.backward()
    rebuilt, rebuilt_leaves = build(replayed_at)
    rebuilt.backward()
    assert repr(replayed) == repr(rebuilt.data)
    assert math.isfinite(replayed)
    assert [repr(v.grad) for v in leaves] == [repr(v.grad) for v in rebuilt_leaves]
    assert all(math.isfinite(v.grad) for v in leaves)


@pytest.mark.parametrize(
    ("z", "y", "loss", "grad"),
    [
        (1000.0, 1.0, 0.0, 0.0),
        (1000.0, 0.0, 1000.0, 1.0),
        (-1000.0, 1.0, 1000.0, -1.0),
        (-1000.0, 0.0, 0.0, 0.0),
    ],
)
def test_binary_cross_entropy_is_stable_at_1000(
    z: float, y: float, loss: float, grad: float
) -> None:
    logit = Value(z)
    out = binary_cross_entropy([logit], [y])
    assert out.data == loss
    out.backward()
    assert logit.grad == grad


# The textbook formula loses digits in log(1 - s) once s rounds near 1, hence |z| <= 10.
@given(st.floats(-10.0, 10.0), st.sampled_from([0.0, 1.0, 0.25]))
def test_binary_cross_entropy_matches_the_textbook_formula(z: float, y: float) -> None:
    assert binary_cross_entropy([z], [y]).data == pytest.approx(
        _naive_bce(z, y), rel=1e-9, abs=1e-12
    )


def test_binary_cross_entropy_rejects_targets_outside_0_1() -> None:
    with pytest.raises(ValueError, match=r"target 1 is -1, not in \[0, 1\]"):
        binary_cross_entropy([0.0, 0.0], [1, -1])


def test_softmax_cross_entropy_hand_computed() -> None:
    z = _values(1.0, 2.0, 3.0)
    loss = softmax_cross_entropy([z], [2])
    assert loss.data == pytest.approx(0.40760596444438013, rel=1e-15)  # log(e + e**2 + e**3) - 3
    softmax = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219]
    assert _grads(loss, z) == pytest.approx([softmax[0], softmax[1], softmax[2] - 1.0], rel=1e-14)


def test_softmax_cross_entropy_averages_over_samples() -> None:
    one = softmax_cross_entropy([[1.0, 2.0, 3.0]], [2]).data
    other = softmax_cross_entropy([[0.0, 0.0, 0.0]], [1]).data
    both = softmax_cross_entropy([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], [2, 1]).data
    assert both == pytest.approx((one + other) / 2, rel=1e-15)
    assert other == pytest.approx(math.log(3.0), rel=1e-15)


@pytest.mark.parametrize(
    ("logits", "target", "loss", "grads"),
    [
        ([1000.0, -1000.0], 0, 0.0, [0.0, 0.0]),
        ([1000.0, -1000.0], 1, 2000.0, [1.0, -1.0]),
        ([-1000.0, -1000.0], 0, math.log(2.0), [-0.5, 0.5]),
        ([1000.0, 1000.0, -1000.0], 2, 2000.0 + math.log(2.0), [0.5, 0.5, -1.0]),
    ],
)
def test_softmax_cross_entropy_is_stable_at_1000(
    logits: list[float], target: int, loss: float, grads: list[float]
) -> None:
    z = _values(*logits)
    out = softmax_cross_entropy([z], [target])
    assert out.data == pytest.approx(loss, rel=1e-15)
    assert _grads(out, z) == pytest.approx(grads, rel=1e-15)


@pytest.mark.parametrize(
    ("logits", "targets", "error", "message"),
    [
        ([[1.0, 2.0]], [2], ValueError, r"target 0 is class 2, but there are 2 logits"),
        ([[1.0, 2.0]], [-1], ValueError, "target 0 is class -1"),
        ([[1.0, 2.0]], [1.0], TypeError, r"target 0 must be a class index \(int\)"),
        ([[1.0, 2.0]], [True], TypeError, "must be a class index"),
        ([[1.0, 2.0], [1.0]], [0, 0], ValueError, "sample 1 has 1 logits, sample 0 has 2"),
        ([[]], [0], TypeError, "logits 0 must be a non-empty list"),
        ([1.0], [0], TypeError, "logits 0 must be a non-empty list"),
    ],
)
def test_softmax_cross_entropy_rejects_bad_targets(
    logits: list[list[float]], targets: list[int], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        softmax_cross_entropy(logits, targets)


@pytest.mark.parametrize(
    ("loss", "targets"),
    [
        (lambda p, t: mse(p, t), [0.5, -1.0, 2.0, 0.0]),
        (lambda p, t: max_margin(p, t), [1, -1, -1, 1]),
        (lambda p, t: binary_cross_entropy(p, t), [1, 0, 0.3, 1]),
    ],
)
def test_scalar_losses_pass_gradcheck(loss: object, targets: list[float]) -> None:
    # Points away from max_margin's kinks at y*s = 1.
    point = [0.3, -1.7, 2.4, -0.2]
    assert gradcheck(lambda *p: loss(list(p), targets), point)  # type: ignore[operator]


def test_softmax_cross_entropy_passes_gradcheck() -> None:
    point = [0.3, -1.7, 2.4, -0.2, 5.0, 0.0]
    assert gradcheck(
        lambda a, b, c, d, e, f: softmax_cross_entropy([[a, b, c], [d, e, f]], [1, 0]), point
    )


@given(st.lists(st.floats(-20.0, 20.0), min_size=2, max_size=5), st.data())
def test_softmax_cross_entropy_gradient_matches_finite_differences(
    logits: list[float], data: st.DataObject
) -> None:
    target = data.draw(st.integers(0, len(logits) - 1))
    assert gradcheck(lambda *z: softmax_cross_entropy([list(z)], [target]), logits, atol=1e-5)


@pytest.mark.parametrize("loss", [mse, max_margin, binary_cross_entropy])
def test_scalar_losses_check_lengths(loss: object) -> None:
    with pytest.raises(ValueError, match="2 predictions but 3 targets"):
        loss([0.0, 0.0], [1, 1, 1])  # type: ignore[operator]
    with pytest.raises(ValueError, match="no samples"):
        loss([], [])  # type: ignore[operator]


def test_softmax_cross_entropy_checks_lengths() -> None:
    with pytest.raises(ValueError, match="1 predictions but 2 targets"):
        softmax_cross_entropy([[0.0, 1.0]], [0, 1])


def test_losses_name_a_bad_prediction() -> None:
    with pytest.raises(TypeError, match="mse: prediction 1 must be a Value or a number, got str"):
        mse([0.0, "1"], [0.0, 1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="mse: target 0: None is not a number"):
        mse([0.0], [None])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="mse: target 0: nan is not a finite number"):
        mse([0.0], [math.nan])


def test_l2_hand_computed() -> None:
    p = _values(1.0, -2.0, 0.5)
    penalty = l2(p, 0.1)
    assert penalty.data == pytest.approx(0.1 * (1.0 + 4.0 + 0.25), rel=1e-15)
    assert _grads(penalty, p) == pytest.approx([0.2, -0.4, 0.1], rel=1e-15)  # 2 alpha p


def test_l2_edge_cases() -> None:
    assert l2([], 0.5).data == 0.0
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        l2(_values(1.0), -1e-4)
    with pytest.raises(TypeError, match="parameter 1 must be a Value"):
        l2([Value(1.0), 2.0], 1e-4)  # type: ignore[list-item]


def test_binary_accuracy() -> None:
    assert binary_accuracy(_values(0.3, -2.0, 0.1, -0.5), [1, -1, -1, -1]) == 0.75
    assert binary_accuracy([0.3, -2.0, 0.1, -0.5], [1, 0, 0, 0]) == 0.75
    assert binary_accuracy([0.0], [0]) == 1.0  # a score of exactly 0 is the negative class


def test_accuracy_takes_the_largest_logit_first_on_ties() -> None:
    assert accuracy([[0.1, 2.0, -1.0], [3.0, 0.0, 0.0]], [1, 2]) == 0.5
    assert accuracy([[1.0, 1.0]], [0]) == 1.0
    assert accuracy([[1.0, 1.0]], [1]) == 0.0
    assert accuracy([_values(-1.0, 0.5)], [1]) == 1.0


def test_accuracy_needs_class_indices() -> None:
    with pytest.raises(TypeError, match=r"label 1 must be a class index \(int\), got 1.0"):
        accuracy([[1.0, 0.0], [0.0, 1.0]], [0, 1.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="1 predictions but 2 targets"):
        accuracy([[1.0, 0.0]], [0, 1])
