"""Tests for nn.datasets: validation, the synthetic and packaged sets, splitting, standardising."""

# X is the feature matrix, capitalised as in the maths and in scikit-learn.
# ruff: noqa: N806

from __future__ import annotations

import importlib
import math
import random
import re
import statistics
from collections import Counter
from fractions import Fraction
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import pytest

from nn.datasets import (
    IRIS_CLASSES,
    IRIS_FEATURES,
    check_dataset,
    check_features,
    iris,
    moons,
    tiny,
    xor,
)

# check_dataset / check_features


def test_check_dataset_returns_float_copies() -> None:
    X = [[1, 2], [3, 4]]
    y = [0, 1]
    rows, labels = check_dataset(X, y)
    assert rows == [[1.0, 2.0], [3.0, 4.0]]
    assert all(type(v) is float for row in rows for v in row)
    rows[0][0] = 99.0
    labels[0] = 5
    assert X[0][0] == 1
    assert y[0] == 0


def test_check_dataset_accepts_any_real_number_type() -> None:
    rows, _ = check_dataset([[Fraction(1, 2), 3]], [0])  # type: ignore[list-item]
    assert rows == [[0.5, 3.0]]


def test_check_dataset_keeps_int_labels_and_float_targets() -> None:
    _, classes = check_dataset([[0.0], [1.0]], [0, 1])
    _, targets = check_dataset([[0.0], [1.0]], [1.0, -1.0])
    assert classes == [0, 1]
    assert all(type(v) is int for v in classes)
    assert targets == [1.0, -1.0]
    assert all(type(v) is float for v in targets)


def test_check_dataset_ragged_row_names_row() -> None:
    X = [[1.0, 2.0, 3.0, 4.0]] * 3 + [[1.0, 2.0]]
    with pytest.raises(ValueError, match=r"^row 3 has 2 features, expected 4$"):
        check_dataset(X, [0, 0, 0, 0])


def test_check_dataset_non_numeric_entry_names_row_and_feature() -> None:
    X: list[list[object]] = [[1.0, 2.0] for _ in range(6)]
    X[5][1] = "abc"
    with pytest.raises(TypeError, match=r"^row 5, feature 1: 'abc' is not a number$"):
        check_dataset(X, [0] * 6)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry", "error", "message"),
    [
        (None, TypeError, "row 1, feature 0: None is not a number"),
        (True, TypeError, "row 1, feature 0: True is not a number"),
        ("1.5", TypeError, "row 1, feature 0: '1.5' is not a number"),
        (math.nan, ValueError, "row 1, feature 0: nan is not a finite number"),
        (-math.inf, ValueError, "row 1, feature 0: -inf is not a finite number"),
    ],
)
def test_check_dataset_rejects_bad_entry(
    entry: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}$"):
        check_dataset([[0.0, 1.0], [entry, 1.0]], [0, 1])  # type: ignore[list-item]


def test_check_dataset_row_not_a_sequence() -> None:
    with pytest.raises(TypeError, match=r"^row 1 must be a sequence of numbers, got int: 7$"):
        check_dataset([[1.0], 7], [0, 1])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"^row 0 must be a sequence of numbers, got str: '12'$"):
        check_dataset(["12"], [0])  # type: ignore[list-item]


def test_check_dataset_x_not_a_sequence() -> None:
    with pytest.raises(TypeError, match=r"^X must be a sequence of rows, got int$"):
        check_dataset(5, [0])  # type: ignore[arg-type]


def test_check_dataset_empty_data() -> None:
    with pytest.raises(ValueError, match=r"^X is empty: there are no rows$"):
        check_dataset([], [])
    with pytest.raises(ValueError, match=r"^row 0 has no features$"):
        check_dataset([[]], [0])


def test_check_dataset_length_mismatch() -> None:
    with pytest.raises(ValueError, match=r"^len\(X\) = 3 but len\(y\) = 2: one label per row"):
        check_dataset([[0.0], [1.0], [2.0]], [0, 1])


@pytest.mark.parametrize(
    ("label", "error", "message"),
    [
        ("a", TypeError, "label 2: 'a' is not a number"),
        (None, TypeError, "label 2: None is not a number"),
        (False, TypeError, "label 2: False is not a number"),
        (math.nan, ValueError, "label 2: nan is not a finite number"),
    ],
)
def test_check_dataset_rejects_bad_label(
    label: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}$"):
        check_dataset([[0.0], [1.0], [2.0]], [0, 1, label])  # type: ignore[type-var]


def test_check_dataset_y_not_a_sequence() -> None:
    with pytest.raises(TypeError, match=r"^y must be a sequence of labels, got int$"):
        check_dataset([[0.0]], 0)  # type: ignore[arg-type]


def test_check_features_expected_width() -> None:
    assert check_features([[1, 2]], n_features=2) == [[1.0, 2.0]]
    with pytest.raises(ValueError, match=r"^row 0 has 3 features, expected 2$"):
        check_features([[1.0, 2.0, 3.0]], n_features=2)


# moons, xor, tiny


def test_moons_shape_and_labels() -> None:
    X, y = moons(101)
    assert len(X) == len(y) == 101
    assert all(len(row) == 2 and all(type(v) is float for v in row) for row in X)
    assert Counter(y) == {0: 50, 1: 51}
    assert all(type(label) is int for label in y)


def test_moons_is_shuffled() -> None:
    _, y = moons(100)
    assert y != [0] * 50 + [1] * 50


def test_moons_reproducible_from_seed() -> None:
    assert moons(50, seed=3) == moons(50, seed=3)
    assert moons(50, seed=3) != moons(50, seed=4)


def test_moons_accepts_and_advances_random_instance() -> None:
    assert moons(50, seed=random.Random(3)) == moons(50, seed=3)
    rng = random.Random(3)
    assert moons(50, seed=rng) != moons(50, seed=rng)


def test_moons_noise_zero_points_lie_on_half_circles() -> None:
    X, y = moons(200, noise=0.0, seed=1)
    for (x1, x2), label in zip(X, y, strict=True):
        if label == 0:  # upper half of the unit circle around (0, 0)
            assert math.hypot(x1, x2) == pytest.approx(1.0, abs=1e-12)
            assert x2 >= -1e-12
        else:  # lower half of the unit circle around (1, 0.5)
            assert math.hypot(x1 - 1.0, x2 - 0.5) == pytest.approx(1.0, abs=1e-12)
            assert x2 <= 0.5 + 1e-12


def test_moons_noise_zero_angles_are_linspace_0_pi() -> None:
    X, y = moons(11, noise=0.0)
    outer = sorted(math.atan2(x2, x1) for (x1, x2), label in zip(X, y, strict=True) if label == 0)
    inner = sorted(
        math.atan2(0.5 - x2, 1.0 - x1) for (x1, x2), label in zip(X, y, strict=True) if label == 1
    )
    assert outer == pytest.approx([math.pi * k / 4 for k in range(5)], abs=1e-12)
    assert inner == pytest.approx([math.pi * k / 5 for k in range(6)], abs=1e-12)


def test_moons_noise_has_requested_std() -> None:
    noise = 0.05
    X, y = moons(4000, noise=noise, seed=2)
    # For small noise, the distance to a point's own circle minus 1 is ~ N(0, noise**2).
    radial = [
        math.hypot(x1, x2) - 1.0 if label == 0 else math.hypot(x1 - 1.0, x2 - 0.5) - 1.0
        for (x1, x2), label in zip(X, y, strict=True)
    ]
    assert statistics.pstdev(radial) == pytest.approx(noise, rel=0.05)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 1}, ValueError, r"moons: n must be at least 2 \(one point per moon\), got 1"),
        ({"n": 2.5}, TypeError, "moons: n must be an int, got float: 2.5"),
        ({"n": True}, TypeError, "moons: n must be an int, got bool: True"),
        ({"noise": -0.1}, ValueError, "moons: noise must be a finite number >= 0, got -0.1"),
        ({"noise": math.inf}, ValueError, "moons: noise must be a finite number >= 0, got inf"),
        ({"noise": "0.1"}, TypeError, "moons: noise must be a number, got str: '0.1'"),
        ({"seed": 1.5}, TypeError, r"moons: seed must be an int or a random.Random, got float"),
    ],
)
def test_moons_rejects_bad_arguments(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}"):
        moons(**kwargs)  # type: ignore[arg-type]


def test_xor_points_and_labels() -> None:
    X, y = xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert y == [int(a) ^ int(b) for a, b in X] == [0, 1, 1, 0]


def test_tiny_is_the_lecture_set() -> None:
    X, y = tiny()
    assert X == [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    assert y == [1.0, -1.0, -1.0, 1.0]
    assert all(type(v) is float for v in [*y, *(v for row in X for v in row)])


def test_tiny_returns_fresh_lists() -> None:
    X, y = tiny()
    X[0][0] = 0.0
    y[0] = 0.0
    assert tiny() == (
        [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]],
        [1.0, -1.0, -1.0, 1.0],
    )


# iris


def test_iris_has_150_rows_of_4_floats() -> None:
    X, y = iris()
    assert len(X) == len(y) == 150
    assert all(len(row) == 4 and all(type(v) is float for v in row) for row in X)


def test_iris_has_50_per_class_in_order() -> None:
    _, y = iris()
    assert y == [0] * 50 + [1] * 50 + [2] * 50


def test_iris_first_and_last_rows() -> None:
    X, y = iris()
    assert (X[0], y[0]) == ([5.1, 3.5, 1.4, 0.2], 0)
    assert (X[-1], y[-1]) == ([5.9, 3.0, 5.1, 1.8], 2)


def test_iris_samples_35_and_38_follow_fisher() -> None:
    # The UCI file has 4.9,3.1,1.5,0.1 for both; Fisher's paper (and scikit-learn) have these.
    X, _ = iris()
    assert X[34] == [4.9, 3.1, 1.5, 0.2]
    assert X[37] == [4.9, 3.6, 1.4, 0.1]


def test_iris_column_means() -> None:
    X, _ = iris()
    means = [math.fsum(column) / 150 for column in zip(*X, strict=True)]
    assert means == pytest.approx([876.5 / 150, 458.6 / 150, 563.7 / 150, 179.9 / 150], rel=1e-12)
    assert means[0] == pytest.approx(5.843333333333334, rel=1e-12)


def test_iris_class_means_of_petal_length() -> None:
    X, y = iris()
    petal = {
        k: statistics.fmean(row[2] for row, label in zip(X, y, strict=True) if label == k)
        for k in range(3)
    }
    assert petal == pytest.approx({0: 1.462, 1: 4.26, 2: 5.552}, rel=1e-12)


def test_iris_names() -> None:
    assert IRIS_FEATURES == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert IRIS_CLASSES == ("setosa", "versicolor", "virginica")


def test_iris_csv_header_names_the_columns() -> None:
    text = resources.files("nn.datasets").joinpath("iris.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == ",".join([*IRIS_FEATURES, "species"])
    assert lines[1] == "5.1,3.5,1.4,0.2,setosa"
    assert len(lines) == 151


def test_iris_returns_fresh_lists() -> None:
    X, y = iris()
    X[0][0] = 0.0
    y[0] = 7
    assert iris()[0][0][0] == 5.1
    assert iris()[1][0] == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,c,d,e\n", "iris.csv line 1: header ['a', 'b', 'c', 'd', 'e'], expected"),
        ("", "iris.csv line 1: header None, expected"),
        (f"{','.join(IRIS_FEATURES)},species\n1,2,3,setosa\n", "iris.csv line 2: 4 fields"),
        (f"{','.join(IRIS_FEATURES)},species\n1,2,3,4,rosa\n", "iris.csv line 2: unknown species"),
        (f"{','.join(IRIS_FEATURES)},species\n1,2,x,4,setosa\n", "iris.csv line 2: could not"),
    ],
)
def test_iris_damaged_file_names_the_line(
    text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "iris.csv").write_text(text, encoding="utf-8")
    packaged = importlib.import_module("nn.datasets.packaged")
    monkeypatch.setattr(packaged, "resources", SimpleNamespace(files=lambda package: tmp_path))
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        iris()
