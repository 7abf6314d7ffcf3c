"""The playground's responsiveness: the figures of docs/playground.md.

A server is started on 127.0.0.1 and a free port, and driven through its JSON API as the page
drives it: a slider move on a formula of about fifty nodes (replay, gradients, nudge derivative
and the Graphviz drawing of the answer), and training on two moons as the Train view asks for it
(epochs, curves, decision regions and the network drawing). Medians over the repeats; the
browser's own drawing of the answer comes on top (docs/playground.md says by how much).

    python benchmarks/playground.py            # the figures of docs/playground.md (seconds)
    python benchmarks/playground.py --quick    # few repeats: checks that it runs
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import urllib.request
from typing import Any

from autograd import GraphExecutor, parse_expression
from opgrad.play.server import PlayServer

FORMULA = (
    "tanh(a*x + b*y + c) * tanh(d*x + e*y + f) + sigmoid(g*x + h*y + k) * relu(m*x + n*y + p)"
    " + exp(-(x*x + y*y)) + a*b*x"
)
VALUES = {
    name: 0.5 for name in ["a", "b", "c", "d", "e", "f", "g", "h", "k", "m", "n", "p", "x", "y"]
}


def _post(url: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url + path.lstrip("/"),
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def measure(moves: int, requests: int) -> dict[str, float]:
    """Milliseconds per slider move (median, max) and epochs per second of training."""
    server = PlayServer("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        url = server.url
        key = _post(url, "/api/session", {})["session"]
        _post(
            url,
            "/api/expression",
            {"session": key, "action": "load", "formula": FORMULA, "values": VALUES},
        )
        _post(url, "/api/expression", {"session": key, "action": "backward"})
        moved = []
        for i in range(moves):
            start = time.perf_counter()
            _post(
                url,
                "/api/expression",
                {"session": key, "action": "set", "name": "x", "value": 0.5 + 0.01 * (i + 1)},
            )
            moved.append(1000 * (time.perf_counter() - start))
        _post(url, "/api/train", {"session": key, "action": "setup", "dataset": "moons"})
        epochs = 0
        start = time.perf_counter()
        for _ in range(requests):
            state = _post(url, "/api/train", {"session": key, "action": "run", "seconds": 0.25})
            epochs = int(state["epoch"])
        seconds = time.perf_counter() - start
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    return {
        "median_ms": statistics.median(moved),
        "max_ms": max(moved),
        "epochs_per_second": epochs / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats, to check it runs")
    quick = parser.parse_args().quick
    root, _ = parse_expression(FORMULA, VALUES)
    nodes = len(GraphExecutor().topological_order(root))
    found = measure(moves=3 if quick else 30, requests=2 if quick else 12)
    print(
        f"slider move on a {nodes}-node formula, server round trip with the drawing: "
        f"median {found['median_ms']:.0f} ms, max {found['max_ms']:.0f} ms"
    )
    print(f"training two moons as the Train view does: {found['epochs_per_second']:.0f} epochs/s")


if __name__ == "__main__":
    main()
