"""The shared checks: what is a real number, a finite float, a positive int; reworded errors."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from autograd.checks import (
    BrokenContractError,
    finite_float,
    four_digits,
    is_real,
    non_negative_int,
    positive_int,
    real_float,
    reworded,
    set_all,
    short_repr,
    to_float,
)


@pytest.mark.parametrize("x", [0, -3, 2.5, Fraction(1, 3), np.float64(1.5), np.int64(2), math.nan])
def test_checks_is_real_accepts_real_numbers(x: object) -> None:
    assert is_real(x)


@pytest.mark.parametrize("x", [True, False, "2.5", None, 1j, [1.0], np.array([1.0])])
def test_checks_is_real_refuses_bools_strings_and_the_rest(x: object) -> None:
    assert not is_real(x)


def test_checks_real_float_converts_and_names_what_was_wrong() -> None:
    assert real_float(3, "seed") == 3.0
    assert type(real_float(Fraction(1, 2), "seed")) is float
    with pytest.raises(TypeError, match=r"^seed must be an int or a float, got str: 'x'$"):
        real_float("x", "seed")
    with pytest.raises(TypeError, match=r"^seed must be an int or a float, got bool: True$"):
        real_float(True, "seed")
    with pytest.raises(ValueError, match=r"^seed \(an int of 401 digits\) is too large"):
        real_float(10**400, "seed")


def test_checks_to_float_gives_the_size_of_an_int_too_long_to_print() -> None:
    with pytest.raises(ValueError, match=r"^data \(an int of about 5001 digits\) is too large"):
        to_float(10**5000, "data")
    with pytest.raises(ValueError, match=r"^data \(a Fraction\) is too large"):
        to_float(Fraction(10**400, 3), "data")


def test_checks_finite_float_refuses_nan_inf_and_non_numbers() -> None:
    assert finite_float(2, "row 1") == 2.0
    with pytest.raises(TypeError, match=r"^row 1: 'a' is not a number$"):
        finite_float("a", "row 1")
    with pytest.raises(ValueError, match=r"^row 1: nan is not a finite number$"):
        finite_float(math.nan, "row 1")
    with pytest.raises(ValueError, match=r"^row 1: 1000.*\.\.\. is not a finite number$"):
        finite_float(10**400, "row 1")


def test_checks_positive_and_non_negative_ints() -> None:
    assert positive_int(3, "n") == 3
    assert non_negative_int(0, "n") == 0
    for bad in (0, -1, True, 2.0, "3"):
        with pytest.raises(ValueError, match=r"^n must be a positive int, got "):
            positive_int(bad, "n")
    for bad in (-1, False, 0.0):
        with pytest.raises(ValueError, match=r"^n must be an int >= 0, got "):
            non_negative_int(bad, "n")


def test_checks_short_repr_cuts_long_values_and_describes_huge_ints() -> None:
    assert short_repr("ab") == "'ab'"
    long = short_repr("a" * 100)
    assert len(long) == 60
    assert long.endswith("...")
    assert short_repr(10**5000) == "<an int of about 5001 digits>"


class _TwoArgumentError(ValueError):
    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code}: {text}")


def test_checks_reworded_keeps_the_type_or_the_nearest_base_that_takes_a_message() -> None:
    again = reworded(ZeroDivisionError("x"), "at node 'n': x")
    assert type(again) is ZeroDivisionError
    assert str(again) == "at node 'n': x"
    base = reworded(_TwoArgumentError(1, "x"), "said again")
    assert type(base) is ValueError
    assert str(base) == "said again"


def test_checks_four_digits() -> None:
    assert [four_digits(x) for x in (0.5, -1.5, 6.88137, 1e-8, -0.0, 3.0)] == [
        "0.5",
        "-1.5",
        "6.881",
        "1e-08",
        "0",
        "3",
    ]


def test_checks_broken_contract_is_a_type_error_naming_the_method() -> None:
    error = BrokenContractError("local_grads")
    assert isinstance(error, TypeError)
    assert str(error) == "local_grads broke its contract"


class _Slot:
    __slots__ = ("x",)

    def __init__(self) -> None:
        self.x = 0.0


def test_checks_set_all_writes_every_attribute() -> None:
    objects = [_Slot() for _ in range(3)]
    set_all(objects, "x", [1.0, 2.0, 3.0])
    assert [o.x for o in objects] == [1.0, 2.0, 3.0]
