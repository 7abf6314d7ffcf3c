"""Regenerate the pictures of docs/visualisation.md: python docs/images/generate.py."""

from __future__ import annotations

from pathlib import Path

from autograd import Value, animate_backward, render

HERE = Path(__file__).parent


def lecture_neuron() -> Value:
    """The tanh neuron of the classic backprop lecture."""
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1w1x2w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def main() -> None:
    """Draw the neuron after backward, and animate its backward pass."""
    o = lecture_neuron()
    animate_backward(o, HERE / "neuron-backward.gif", seconds_per_frame=1.5)
    o.backward()
    svg = render(o, HERE / "neuron.svg")
    svg.with_suffix(".dot").unlink()  # the picture is what the docs show
    print(f"wrote {svg} and {HERE / 'neuron-backward.gif'}")


if __name__ == "__main__":
    main()
