"""The Trainer's epochs, rebuilt and replayed: the "Training replays" table of docs/performance.md.

micrograd's demo recipe (100 moons points, ``MLP(2, [16, 16, 1])``, max-margin loss plus 1e-4
L2, full-batch SGD with a linear decay), trained with ``Trainer(..., replay=False)`` (a new graph
every step) and with the python and (when numpy is installed) numpy plans (built and compiled
once, then replayed), the modes interleaved over several rounds; medians of the rounds,
collector on.

    python benchmarks/trainer.py            # the table of docs/performance.md (about a minute)
    python benchmarks/trainer.py --quick    # tiny sizes: checks that it runs, in seconds
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Iterator
from typing import Any

from nn import MLP, SGD, LinearDecay, Trainer
from nn.datasets import moons

MODES: dict[str, dict[str, Any]] = {
    "Trainer(..., replay=False): build every step": {"replay": False},
    'Trainer(..., backend="python"): compile once, replay': {"backend": "python"},
}
try:
    import numpy  # noqa: F401
except ImportError:  # the numpy plan's row is left out
    pass
else:
    MODES['Trainer(..., backend="numpy"): compile once, replay'] = {"backend": "numpy"}


def measure(points: int, epochs: int, rounds: int) -> dict[str, dict[str, float]]:
    """Seconds of the first epoch, the median later epoch and all epochs, per mode."""
    X, y = moons(points, noise=0.1, seed=0)
    found: dict[str, dict[str, list[float]]] = {name: {} for name in MODES}
    losses: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, options in MODES.items():
            model = MLP(2, [16, 16, 1], seed=0)
            lr = 1.0
            trainer = Trainer(
                model,
                SGD(model.parameters(), lr=lr),
                "max_margin",
                l2=1e-4,
                schedule=LinearDecay(lr, lr / 10, epochs),
                **options,
            )
            history = trainer.fit(X, y, epochs)
            seconds = history.seconds
            row = found[name]
            row.setdefault("first", []).append(seconds[0])
            row.setdefault("later", []).append(statistics.median(seconds[1:] or seconds))
            row.setdefault("total", []).append(sum(seconds))
            losses[name] = history.loss
    first, *others = losses.values()
    if any(other != first for other in others):  # replay promises the same numbers, bit for bit
        raise AssertionError("a replayed run's losses differ from the rebuilt run's")
    return {
        name: {key: statistics.median(values) for key, values in row.items()}
        for name, row in found.items()
    }


def table(results: dict[str, dict[str, float]], epochs: int) -> Iterator[str]:
    """The results as the Markdown table of docs/performance.md."""
    yield f"| trainer | first epoch | each later epoch | {epochs} epochs |"
    yield "|---|---:|---:|---:|"
    for name, row in results.items():
        yield (
            f"| `{name}` | {row['first'] * 1e3:,.0f} ms | {row['later'] * 1e3:,.1f} ms "
            f"| {row['total']:,.1f} s |"
        )
    rebuilt, *replayed = (row["later"] for row in results.values())
    yield ""
    for name, later in zip(list(results)[1:], replayed):
        yield f"{name.split(':')[0]}: later epoch / rebuilt epoch {later / rebuilt:.3f}"


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that it runs")
    args = parser.parse_args(argv)
    points, epochs, rounds = (8, 3, 1) if args.quick else (100, 100, 5)
    settings: dict[str, Any] = {"points": points, "epochs": epochs, "rounds": rounds}
    print(f"micrograd's demo recipe, {settings}, collector on; medians of the rounds")
    for line in table(measure(points, epochs, rounds), epochs):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
