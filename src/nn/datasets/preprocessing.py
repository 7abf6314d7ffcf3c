"""Preparing a data set for training: a seeded, stratified train/test split and standardisation."""

from __future__ import annotations

import math
import numbers
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs

from autograd.checks import is_real
from nn.datasets._validate import (
    Label,
    check_dataset,
    check_features,
    finite_float,
    resolve_rng,
)

__all__ = ["Standardizer", "train_test_split"]


def _test_count(test_size: float, n: int) -> int:
    """How many of ``n`` rows go to the test set for a fraction or a count ``test_size``."""
    if not is_real(test_size):
        raise TypeError(
            "train_test_split: test_size must be a fraction in (0, 1) or an int count, "
            f"got {type(test_size).__name__}: {test_size!r}"
        )
    if isinstance(test_size, numbers.Integral):
        count = int(test_size)
        if not 1 <= count <= n - 1:
            raise ValueError(
                f"train_test_split: test_size={count} rows must be between 1 and {n - 1} "
                f"(to leave at least one training row of {n})"
            )
        return count
    fraction = float(test_size)
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"train_test_split: test_size must be in (0, 1), got {fraction!r}")
    # The decimal the user wrote, exactly: ceil(0.07 * 100) is 8 in floats but 7 here.
    count = math.ceil(Fraction(str(fraction)) * n)
    if count >= n:
        raise ValueError(
            f"train_test_split: test_size={fraction!r} of {n} rows leaves no training rows"
        )
    return count


def _class_quotas(labels: Sequence[Label], n_test: int) -> dict[Label, int]:
    """Test rows per class, proportional to the class sizes and summing to ``n_test``.

    Each class gets ``floor(n_test * size / n)``; the rows still missing go one each to the
    classes with the largest remainders (ties to the smaller label): the largest remainder
    method, exact in integers and deterministic.
    """
    sizes = Counter(labels)
    for label, size in sizes.items():
        if size < 2:
            raise ValueError(
                f"train_test_split: class {label!r} has only {size} row; a stratified split "
                "needs at least 2 per class (pass stratify=False for regression targets)"
            )
    n = len(labels)
    quotas = {label: n_test * size // n for label, size in sizes.items()}
    missing = n_test - sum(quotas.values())
    by_remainder = sorted(sizes, key=lambda label: (-(n_test * sizes[label] % n), label))
    for label in by_remainder[:missing]:
        quotas[label] += 1
    return quotas


def train_test_split(
    X: Sequence[Sequence[float]],
    y: Sequence[Label],
    test_size: float = 0.2,
    seed: int | random.Random = 0,
    stratify: bool = True,
) -> tuple[list[list[float]], list[list[float]], list[Label], list[Label]]:
    """Split a data set at random into a training and a test part.

    The data are checked with :func:`~nn.datasets.check_dataset` and the row indices shuffled
    with ``random.Random(seed)``. The test set has ``ceil(test_size * n)`` rows for a fraction
    (computed on the decimal written, so 0.07 of 100 is 7) or ``test_size`` rows for an int.

    Stratified (the default), every class is split in the same proportion: class ``c`` of
    ``n_c`` rows gives ``n_test * n_c / n`` test rows, rounded by the largest remainder method
    so the counts sum to ``n_test`` (each is the exact share rounded down or up). The test rows
    of a class are its first ones in the shuffled order. Unstratified, the test set is the
    first ``n_test`` shuffled rows. Both parts keep the shuffled order.

    Args:
        X: The feature rows.
        y: One label per row.
        test_size: The test set's share, a float in (0, 1), or its number of rows, an int.
        seed: An int seed, or a ``random.Random`` to draw from (it is advanced).
        stratify: Split each class in the same proportion (classification); pass False for
            regression targets, whose values are not classes.

    Returns:
        ``(X_train, X_test, y_train, y_test)``, new lists; the two parts are disjoint and
        together hold every row once.

    Raises:
        ValueError: Bad data (see :func:`~nn.datasets.check_dataset`), a ``test_size`` that
            leaves either part empty, or, stratified, a class of a single row.
        TypeError: Bad data, or a ``test_size``, ``seed`` or ``stratify`` of the wrong type.

    Examples:
        >>> X = [[float(i)] for i in range(10)]
        >>> y = [0] * 5 + [1] * 5
        >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4)
        >>> len(X_train), len(X_test), sorted(y_test)
        (6, 4, [0, 0, 1, 1])
    """
    rows, labels = check_dataset(X, y)
    n_test = _test_count(test_size, len(rows))
    if not isinstance(stratify, bool):
        raise TypeError(f"train_test_split: stratify must be a bool, got {stratify!r}")
    order = list(range(len(rows)))
    resolve_rng(seed, "train_test_split").shuffle(order)

    if stratify:
        quotas = _class_quotas(labels, n_test)
        test: set[int] = set()
        for i in order:
            if quotas[labels[i]] > 0:
                quotas[labels[i]] -= 1
                test.add(i)
    else:
        test = set(order[:n_test])
    train_rows = [i for i in order if i not in test]
    test_rows = [i for i in order if i in test]
    return (
        [rows[i] for i in train_rows],
        [rows[i] for i in test_rows],
        [labels[i] for i in train_rows],
        [labels[i] for i in test_rows],
    )


def _finite_floats(values: object, where: str) -> tuple[float, ...]:
    """``values`` as a tuple of finite floats, or a ValueError/TypeError naming ``where``."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{where} must be a list of numbers, got {type(values).__name__}")
    return tuple(finite_float(value, f"{where}[{j}]") for j, value in enumerate(values))


@attrs.define
class Standardizer:
    """Rescales every feature to mean 0 and standard deviation 1: ``z = (x - mean) / std``.

    :meth:`fit` learns ``mean`` and ``std`` per feature on the training rows (``std`` is the
    population standard deviation, dividing by ``n``); :meth:`transform` applies the same
    rescaling to any rows, e.g. the test set and later a model's inputs. A feature with zero
    variance has ``std`` 0 and is only centred (divided by 1): on the training rows it becomes
    all zeros instead of a division by zero.

    The parameters go to and come back from a plain JSON-able dict (:meth:`to_dict`,
    :meth:`from_dict`), so a trained model can save them with itself.

    Attributes:
        mean: The mean of each feature; empty until fitted.
        std: The standard deviation of each feature (>= 0); empty until fitted.

    Examples:
        >>> scaler = Standardizer().fit([[1.0, 5.0], [3.0, 5.0]])
        >>> scaler.mean, scaler.std
        ((2.0, 5.0), (1.0, 0.0))
        >>> scaler.transform([[2.0, 5.0], [5.0, 6.0]])
        [[0.0, 0.0], [3.0, 1.0]]
    """

    mean: tuple[float, ...] = ()
    std: tuple[float, ...] = ()

    def __attrs_post_init__(self) -> None:
        self.mean = _finite_floats(self.mean, "Standardizer mean")
        self.std = _finite_floats(self.std, "Standardizer std")
        if len(self.mean) != len(self.std):
            raise ValueError(
                f"Standardizer: mean has {len(self.mean)} features but std has {len(self.std)}"
            )
        for j, s in enumerate(self.std):
            if s < 0:
                raise ValueError(f"Standardizer std[{j}]: {s!r} is negative")

    @property
    def n_features(self) -> int:
        """The number of features fitted; 0 before :meth:`fit`."""
        return len(self.mean)

    def fit(self, X: Sequence[Sequence[float]]) -> Standardizer:
        """Learn each feature's mean and standard deviation from the rows ``X``; return self.

        ``mean = sum(x) / n`` and ``std = sqrt(sum((x - mean)**2) / n)``, summed with
        :func:`math.fsum`. A feature whose values are all equal gets exactly that value as
        mean and ``std`` 0.

        Raises:
            ValueError, TypeError: ``X`` is not valid data (see
                :func:`~nn.datasets.check_features`).
        """
        rows = check_features(X)
        n = len(rows)
        means: list[float] = []
        stds: list[float] = []
        for column in zip(*rows, strict=True):
            if min(column) == max(column):
                # Exact: fsum(column) / n may be an ulp off a repeated value like 0.1, which
                # would leave a tiny spurious std and blow rounding noise up to +-1.
                means.append(column[0])
                stds.append(0.0)
                continue
            mean = math.fsum(column) / n
            means.append(mean)
            stds.append(math.sqrt(math.fsum((x - mean) ** 2 for x in column) / n))
        self.mean = tuple(means)
        self.std = tuple(stds)
        return self

    def transform(self, X: Sequence[Sequence[float]]) -> list[list[float]]:
        """Return new rows ``(x - mean) / std`` per feature (``x - mean`` where std is 0).

        Raises:
            RuntimeError: The standardizer has not been fitted.
            ValueError, TypeError: ``X`` is not valid data, or its rows do not have
                :attr:`n_features` features.
        """
        if not self.mean:
            raise RuntimeError("Standardizer is not fitted: call fit(X_train) first")
        rows = check_features(X, n_features=len(self.mean))
        scales = [s if s > 0.0 else 1.0 for s in self.std]
        return [
            [(x - m) / s for x, m, s in zip(row, self.mean, scales, strict=True)] for row in rows
        ]

    def fit_transform(self, X: Sequence[Sequence[float]]) -> list[list[float]]:
        """Fit on ``X`` and return ``X`` transformed."""
        return self.fit(X).transform(X)

    def to_dict(self) -> dict[str, list[float]]:
        """The parameters as a plain dict ``{"mean": [...], "std": [...]}``, ready for JSON."""
        return {"mean": list(self.mean), "std": list(self.std)}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Standardizer:
        """Rebuild a standardizer from :meth:`to_dict`'s output (e.g. after ``json.loads``).

        Raises:
            ValueError: A key is missing or unknown, the lists differ in length, a value is
                not finite or a std is negative.
            TypeError: ``data`` is not a mapping, or a value is not a list of numbers.
        """
        if not isinstance(data, Mapping):
            raise TypeError(
                f"Standardizer.from_dict needs a mapping, got {type(data).__name__}: {data!r}"
            )
        keys = set(data)
        if keys != {"mean", "std"}:
            raise ValueError(
                "Standardizer.from_dict: expected the keys 'mean' and 'std', "
                f"got {sorted(map(str, keys))}"
            )
        return cls(
            mean=_finite_floats(data["mean"], "Standardizer mean"),
            std=_finite_floats(data["std"], "Standardizer std"),
        )
