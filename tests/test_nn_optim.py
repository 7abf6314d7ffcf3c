from __future__ import annotations

import struct
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from nn import SGD, Adam, LinearDecay
from nn.optim import Optimizer
from strategies import small_floats
from work import run_interrupted


def _param(data: float, grad: float) -> Value:
    p = Value(data)
    p.grad = grad
    return p


def test_sgd_step_is_data_minus_lr_grad() -> None:
    a, b = _param(1.0, 0.5), _param(-2.0, -4.0)
    SGD([a, b], lr=0.1).step()
    assert (a.data, b.data) == (0.95, -1.6)


def test_sgd_momentum_first_steps() -> None:
    p = _param(1.0, 1.0)
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.step()  # v = 1.0; p = 1 - 0.1
    assert p.data == pytest.approx(0.9, rel=1e-15)
    p.grad = 0.5
    opt.step()  # v = 0.9 * 1.0 + 0.5 = 1.4; p = 0.9 - 0.14
    assert p.data == pytest.approx(0.76, rel=1e-15)
    p.grad = 0.0
    opt.step()  # v = 1.26; p = 0.76 - 0.126
    assert p.data == pytest.approx(0.634, rel=1e-15)
    assert opt.steps == 3


def test_adam_first_two_steps() -> None:
    p = _param(1.0, 0.5)
    opt = Adam([p], lr=0.1)
    opt.step()
    # m = 0.05, v = 0.00025; m/(1-0.9) = 0.5, v/(1-0.999) = 0.25; step 0.1 * 0.5 / (0.5 + 1e-8).
    assert p.data == pytest.approx(0.900000002, rel=1e-15)
    p.grad = -0.25
    opt.step()
    # m = 0.9*0.05 - 0.1*0.25 = 0.02; v = 0.999*0.00025 + 0.001*0.0625 = 0.00031225;
    # corrected: 0.02 / 0.19 and 0.00031225 / 0.001999.
    expected = 0.900000002 - 0.1 * (0.02 / 0.19) / ((0.00031225 / 0.001999) ** 0.5 + 1e-8)
    assert p.data == pytest.approx(expected, rel=1e-12)
    assert p.data == pytest.approx(0.8733662987078463, rel=1e-12)


def test_adam_first_step_moves_by_about_lr_whatever_the_gradient_scale() -> None:
    params = [_param(0.0, g) for g in (1e-3, 1.0, -1e3)]
    Adam(params, lr=0.01).step()
    assert [p.data for p in params] == pytest.approx([-0.01, -0.01, 0.01], rel=1e-4)


def test_zero_grad_and_lr_is_settable() -> None:
    a, b = _param(1.0, 3.0), _param(2.0, -1.0)
    opt = SGD([a, b], lr=0.5)
    opt.lr = 0.0
    opt.step()
    assert (a.data, b.data) == (1.0, 2.0)
    opt.zero_grad()
    assert (a.grad, b.grad) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda p: SGD([p, p], lr=0.1), ValueError, "given twice"),
        (lambda p: SGD([p, 1.0], lr=0.1), TypeError, "parameter 1 must be a Value"),  # type: ignore[list-item]
        (lambda p: SGD([], lr=0.1), ValueError, "no parameters"),
        (lambda p: SGD([p], lr=-0.1), ValueError, "SGD lr must be in"),
        (lambda p: SGD([p], lr=float("nan")), ValueError, "SGD lr: nan is not a finite number"),
        (lambda p: SGD([p], lr=0.1, momentum=1.0), ValueError, "SGD momentum"),
        (lambda p: Adam([p], betas=(0.9, 1.0)), ValueError, "Adam beta2"),
        (lambda p: Adam([p], betas=[0.9, 0.99]), TypeError, "a tuple"),  # type: ignore[arg-type]
        (lambda p: Adam([p], eps=0.0), ValueError, "eps must be > 0"),
    ],
)
def test_bad_arguments_are_rejected(make: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        make(Value(1.0))  # type: ignore[operator]


def test_linear_decay_is_micrograds_schedule_bit_for_bit() -> None:
    schedule = LinearDecay(1.0, 0.1, 100)
    assert [schedule(k) for k in range(100)] == [1.0 - 0.9 * k / 100 for k in range(100)]
    assert schedule(100) == 0.1
    assert schedule(10_000) == 0.1


def test_linear_decay_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="steps must be a positive int"):
        LinearDecay(1.0, 0.1, 0)
    with pytest.raises(ValueError, match="end must be a finite number"):
        LinearDecay(1.0, float("inf"), 10)
    with pytest.raises(ValueError, match="step must be >= 0"):
        LinearDecay(1.0, 0.1, 10)(-1)
    for step in ("a", 1.5, True, None):
        with pytest.raises(TypeError, match="LinearDecay: step must be an int"):
            LinearDecay(1.0, 0.1, 10)(step)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.3),
        lambda ps: SGD(ps, lr=0.1, momentum=0.9),
        lambda ps: Adam(ps, lr=0.05),
    ],
    ids=["sgd", "momentum", "adam"],
)
@given(st.lists(st.tuples(small_floats, small_floats), min_size=1, max_size=8))
@settings(deadline=None)  # the first example imports numpy
def test_step_arrays_updates_as_step_does_bit_for_bit(
    make: Callable[[list[Value]], Optimizer], pairs: list[tuple[float, float]]
) -> None:
    np = pytest.importorskip("numpy")
    params = [Value(x) for x, _ in pairs]
    by_values, by_arrays = make(params), make([Value(x) for x, _ in pairs])
    data = np.array([x for x, _ in pairs])
    for k in range(3):
        grads = [g * (k + 1) - 0.5 * x for x, g in pairs]
        for p, g in zip(params, grads):
            p.grad = g
        by_values.step()
        data = by_arrays.step_arrays(data, np.array(grads))
        assert [struct.pack("<d", p.data) for p in params] == [
            struct.pack("<d", x) for x in data.tolist()
        ]
    assert by_arrays.steps == by_values.steps == 3


def _state(params: list[Value], optimizer: Optimizer) -> tuple[object, ...]:
    numbers = [p.data for p in params]
    kept = [getattr(optimizer, name) for name in ("velocity", "m", "v") if hasattr(optimizer, name)]
    return (numbers, [list(k) for k in kept], optimizer.steps)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.1),
        lambda ps: SGD(ps, lr=0.1, momentum=0.9),
        lambda ps: Adam(ps, lr=0.01),
    ],
    ids=["sgd", "momentum", "adam"],
)
def test_a_step_interrupted_anywhere_is_all_or_nothing(
    make: Callable[[list[Value]], Optimizer],
) -> None:
    # A Ctrl-C at every point of a step (injected by a trace function, deterministically): the
    # parameters and the optimiser's state are as before the step or as after it, never half.
    def setup() -> tuple[list[Value], Optimizer]:
        params = [Value(0.5 * i - 1.0, f"p{i}") for i in range(5)]
        optimizer = make(params)
        for i, p in enumerate(params):
            p.grad = 0.25 - 0.1 * i
        optimizer.step()  # a second step, so that velocities and means are not zero
        return params, optimizer

    params, optimizer = setup()
    before = _state(params, optimizer)
    optimizer.step()
    after = _state(params, optimizer)
    at = 0
    while True:
        params, optimizer = setup()
        interrupted = run_interrupted(optimizer.step, at)
        assert _state(params, optimizer) in (before, after), f"torn at event {at}"
        if not interrupted:
            break
        at += 1
    assert at > 20
