"""Tests for nn.datasets: validation, the synthetic and packaged sets, splitting, standardising.

One file for the whole nn.datasets package (long on purpose): its modules share the checks and
the fixtures tested here.
"""

from __future__ import annotations

import importlib
import json
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
    Standardizer,
    check_dataset,
    check_features,
    iris,
    moons,
    tiny,
    train_test_split,
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
        (10**400, ValueError, "row 1, feature 0: 1000.* is not a finite number"),
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


# train_test_split


def _indexed(n: int, labels: list[int]) -> tuple[list[list[float]], list[int]]:
    """Rows [i, 10 * i] tagged with their index, so a split's rows can be traced back."""
    return [[float(i), 10.0 * i] for i in range(n)], labels


def test_train_test_split_sizes() -> None:
    X, y = iris()
    X_train, X_test, y_train, y_test = train_test_split(X, y)
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (120, 30, 120, 30)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=7)
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (143, 7, 143, 7)


def test_train_test_split_rounds_test_size_up() -> None:
    X, y = moons(101)
    assert len(train_test_split(X, y, test_size=0.25)[1]) == 26  # ceil(25.25)


def test_train_test_split_fraction_uses_the_written_decimal() -> None:
    # 0.07 * 100 is 7.000000000000001 in floats, whose ceiling would be 8.
    X, y = _indexed(100, [0, 1] * 50)
    assert len(train_test_split(X, y, test_size=0.07, stratify=False)[1]) == 7
    assert len(train_test_split(X, y, test_size=0.07)[1]) == 7


def test_train_test_split_stratified_iris_is_balanced() -> None:
    X, y = iris()
    _, _, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=5)
    assert Counter(y_test) == {0: 10, 1: 10, 2: 10}
    assert Counter(y_train) == {0: 40, 1: 40, 2: 40}


def test_train_test_split_stratified_uses_largest_remainders() -> None:
    # Exact shares of 25 test rows: 15, 7.5 and 2.5; the tie goes to the smaller label.
    X, y = _indexed(100, [0] * 60 + [1] * 30 + [2] * 10)
    _, _, _, y_test = train_test_split(X, y, test_size=0.25)
    assert Counter(y_test) == {0: 15, 1: 8, 2: 2}


@pytest.mark.parametrize("test_size", [0.1, 0.25, 0.3, 0.5, 0.77, 1, 13, 36])
def test_train_test_split_stratified_shares_are_exact_shares_rounded(test_size: float) -> None:
    y = [0] * 17 + [1] * 11 + [2] * 5 + [3] * 4
    X, _ = _indexed(len(y), y)
    _, X_test, _, y_test = train_test_split(X, y, test_size=test_size, seed=9)
    n_test = len(X_test)
    sizes = Counter(y)
    for label, size in sizes.items():
        share = n_test * size / len(y)
        assert math.floor(share) <= Counter(y_test)[label] <= math.ceil(share)


def test_train_test_split_unstratified_can_unbalance() -> None:
    X, y = _indexed(40, [0] * 20 + [1] * 20)
    counts = {
        Counter(train_test_split(X, y, test_size=0.5, seed=s, stratify=False)[3])[0]
        for s in range(10)
    }
    assert counts != {10}


def test_train_test_split_deterministic_from_seed() -> None:
    X, y = moons(60)
    assert train_test_split(X, y, seed=1) == train_test_split(X, y, seed=1)
    assert train_test_split(X, y, seed=1) != train_test_split(X, y, seed=2)
    assert train_test_split(X, y, seed=random.Random(1)) == train_test_split(X, y, seed=1)


@pytest.mark.parametrize("stratify", [True, False])
def test_train_test_split_disjoint_and_covering(stratify: bool) -> None:
    y = [i % 3 for i in range(50)]
    X, _ = _indexed(50, y)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=stratify)
    train = [int(row[0]) for row in X_train]
    test = [int(row[0]) for row in X_test]
    assert not set(train) & set(test)
    assert sorted(train + test) == list(range(50))
    # Rows keep their own labels and values.
    assert y_train == [y[i] for i in train]
    assert y_test == [y[i] for i in test]
    assert all(row == [float(i), 10.0 * i] for i, row in zip(train, X_train, strict=True))


def test_train_test_split_shuffles() -> None:
    X, y = _indexed(50, [0] * 50)
    X_train, X_test, _, _ = train_test_split(X, y)
    assert [int(row[0]) for row in X_train + X_test] != list(range(50))


def test_train_test_split_regression_targets() -> None:
    X, y = tiny()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, stratify=False)
    assert (len(X_train), len(X_test)) == (2, 2)
    assert sorted(y_train + y_test) == [-1.0, -1.0, 1.0, 1.0]
    assert all(type(v) is float for v in y_train + y_test)


def test_train_test_split_does_not_alias_input() -> None:
    X, y = xor()
    X_train, _, _, _ = train_test_split(X, y, test_size=0.5)
    X_train[0][0] = 42.0
    assert xor()[0] == X


def test_train_test_split_stratified_rejects_single_row_class() -> None:
    X, y = _indexed(5, [0, 0, 1, 1, 2])
    with pytest.raises(ValueError, match=r"^train_test_split: class 2 has only 1 row; .*stratify"):
        train_test_split(X, y)


@pytest.mark.parametrize(
    ("test_size", "error", "message"),
    [
        (0.0, ValueError, r"train_test_split: test_size must be in \(0, 1\), got 0.0"),
        (1.0, ValueError, r"train_test_split: test_size must be in \(0, 1\), got 1.0"),
        (-0.2, ValueError, r"train_test_split: test_size must be in \(0, 1\), got -0.2"),
        (math.nan, ValueError, r"train_test_split: test_size must be in \(0, 1\), got nan"),
        (0.95, ValueError, "train_test_split: test_size=0.95 of 10 rows leaves no training rows"),
        (0, ValueError, "train_test_split: test_size=0 rows must be between 1 and 9"),
        (10, ValueError, "train_test_split: test_size=10 rows must be between 1 and 9"),
        (True, TypeError, "train_test_split: test_size must be a fraction in .* got bool: True"),
        ("0.2", TypeError, "train_test_split: test_size must be a fraction in .* got str: '0.2'"),
    ],
)
def test_train_test_split_rejects_bad_test_size(
    test_size: object, error: type[Exception], message: str
) -> None:
    X, y = _indexed(10, [0, 1] * 5)
    with pytest.raises(error, match=f"^{message}"):
        train_test_split(X, y, test_size=test_size)  # type: ignore[arg-type]


def test_train_test_split_rejects_bad_seed_and_stratify() -> None:
    X, y = _indexed(10, [0, 1] * 5)
    with pytest.raises(TypeError, match=r"^train_test_split: seed must be an int or a random"):
        train_test_split(X, y, seed="0")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^train_test_split: stratify must be a bool, got 'yes'"):
        train_test_split(X, y, stratify="yes")  # type: ignore[arg-type]


def test_train_test_split_rejects_bad_data() -> None:
    with pytest.raises(ValueError, match=r"^row 1 has 1 features, expected 2$"):
        train_test_split([[0.0, 1.0], [2.0], [3.0, 4.0]], [0, 1, 0])
    with pytest.raises(ValueError, match=r"^train_test_split: test_size=0.5 of 1 rows leaves no"):
        train_test_split([[0.0]], [0], test_size=0.5)


# Standardizer


def test_standardizer_gives_mean_0_and_std_1() -> None:
    X, _ = iris()
    Z = Standardizer().fit_transform(X)
    for column in zip(*Z, strict=True):
        assert statistics.fmean(column) == pytest.approx(0.0, abs=1e-12)
        assert statistics.pstdev(column) == pytest.approx(1.0, rel=1e-12)


def test_standardizer_learns_population_mean_and_std() -> None:
    scaler = Standardizer().fit([[1.0, -2.0], [2.0, 0.0], [6.0, 2.0]])
    assert scaler.mean == (3.0, 0.0)
    assert scaler.std == pytest.approx((math.sqrt(14 / 3), math.sqrt(8 / 3)), rel=1e-15)
    assert scaler.n_features == 2


def test_standardizer_fit_returns_self() -> None:
    scaler = Standardizer()
    assert scaler.fit([[1.0], [2.0]]) is scaler


def test_standardizer_zero_variance_column() -> None:
    # 0.1 repeated: fsum / n is an ulp off 0.1, so only an exact check gives std 0.
    X = [[0.1, 1.0], [0.1, 2.0], [0.1, 3.0]]
    scaler = Standardizer().fit(X)
    assert scaler.mean[0] == 0.1
    assert scaler.std[0] == 0.0
    Z = scaler.transform(X)
    assert [row[0] for row in Z] == [0.0, 0.0, 0.0]
    assert [row[1] for row in Z] == pytest.approx([-math.sqrt(1.5), 0.0, math.sqrt(1.5)])
    assert scaler.transform([[0.6, 2.0]]) == [[0.5, 0.0]]  # only centred


def test_standardizer_transform_uses_training_parameters() -> None:
    X, y = iris()
    X_train, X_test, _, _ = train_test_split(X, y)
    scaler = Standardizer().fit(X_train)
    Z = scaler.transform(X_test)
    for row, z in zip(X_test, Z, strict=True):
        expected = [(x - m) / s for x, m, s in zip(row, scaler.mean, scaler.std, strict=True)]
        assert z == expected


def test_standardizer_round_trips_through_json() -> None:
    X, _ = iris()
    scaler = Standardizer().fit(X)
    data = json.loads(json.dumps(scaler.to_dict()))
    restored = Standardizer.from_dict(data)
    assert restored == scaler
    assert restored.transform(X) == scaler.transform(X)


def test_standardizer_to_dict_is_plain_data() -> None:
    scaler = Standardizer().fit([[1.0, 5.0], [3.0, 5.0]])
    assert scaler.to_dict() == {"mean": [2.0, 5.0], "std": [1.0, 0.0]}
    assert type(scaler.to_dict()["mean"]) is list


def test_standardizer_unfitted_transform_raises() -> None:
    with pytest.raises(RuntimeError, match=r"^Standardizer is not fitted: call fit\(X_train\)"):
        Standardizer().transform([[1.0]])


def test_standardizer_transform_checks_width() -> None:
    scaler = Standardizer().fit([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match=r"^row 1 has 3 features, expected 2$"):
        scaler.transform([[1.0, 2.0], [1.0, 2.0, 3.0]])


def test_standardizer_fit_checks_data() -> None:
    with pytest.raises(TypeError, match=r"^row 0, feature 1: 'x' is not a number$"):
        Standardizer().fit([[1.0, "x"]])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"^X is empty"):
        Standardizer().fit([])


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        ({"mean": [0.0]}, ValueError, "Standardizer.from_dict: expected the keys 'mean' and 'std'"),
        (
            {"mean": [0.0], "std": [1.0], "scale": [1.0]},
            ValueError,
            "Standardizer.from_dict: expected the keys 'mean' and 'std', "
            "got ['mean', 'scale', 'std']",
        ),
        ([0.0, 1.0], TypeError, "Standardizer.from_dict needs a mapping, got list"),
        ({"mean": 0.0, "std": [1.0]}, TypeError, "Standardizer mean must be a list of numbers"),
        ({"mean": [0.0], "std": ["1"]}, TypeError, "Standardizer std[0]: '1' is not a number"),
        ({"mean": [0.0, None], "std": [1.0, 1.0]}, TypeError, "Standardizer mean[1]: None is"),
        (
            {"mean": [math.inf], "std": [1.0]},
            ValueError,
            "Standardizer mean[0]: inf is not a finite",
        ),
        ({"mean": [0.0], "std": [-1.0]}, ValueError, "Standardizer std[0]: -1.0 is negative"),
        (
            {"mean": [0.0, 1.0], "std": [1.0]},
            ValueError,
            "Standardizer: mean has 2 features but std has 1",
        ),
    ],
)
def test_standardizer_from_dict_rejects_bad_data(
    data: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match="^" + re.escape(message)):
        Standardizer.from_dict(data)  # type: ignore[arg-type]


def test_standardizer_constructor_validates() -> None:
    assert Standardizer(mean=(1.0,), std=(2.0,)).transform([[5.0]]) == [[2.0]]
    with pytest.raises(ValueError, match=r"^Standardizer std\[0\]: -2.0 is negative$"):
        Standardizer(mean=(1.0,), std=(-2.0,))
