"""The classic backprop lecture's worked examples, built as labelled graphs.

Drawings, the explainer, the command line's demo, the docs and the tests all start from these
two graphs, so they are built in one place.
"""

from __future__ import annotations

from autograd.value import Value

__all__ = ["lecture_expression", "lecture_neuron"]


def _labelled(node: Value, label: str) -> Value:
    node.label = label
    return node


def lecture_expression() -> Value:
    """L = (a*b + c) * f with a = 2, b = -3, c = 10, f = -2; every node labelled.

    After ``backward``: dL/da = 6, dL/db = -4, dL/dc = -2, dL/df = 4.

    Examples:
        >>> from autograd.views.examples import lecture_expression
        >>> L = lecture_expression()
        >>> L.backward()
        >>> L.data, [p.label for p in L.parents], L.parents[1].grad
        (-8.0, ['d', 'f'], 4.0)
    """
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    e = _labelled(a * b, "e")
    d = _labelled(e + c, "d")
    return _labelled(d * f, "L")


def lecture_neuron() -> Value:
    """The tanh neuron o = tanh(x1*w1 + x2*w2 + b), every node labelled as in the lecture.

    x1 = 2, x2 = 0, w1 = -3, w2 = 1 and b = 6.8813735870195432, chosen so that n = 0.8814 and
    o = 1/sqrt(2). After ``backward``: n.grad = 1 - o**2 = 0.5, w1.grad = 1.0, x1.grad = -1.5,
    w2.grad = 0, x2.grad = 0.5.

    Examples:
        >>> from autograd.views.examples import lecture_neuron
        >>> o = lecture_neuron()
        >>> round(o.data, 4), o.label, o.parents[0].label
        (0.7071, 'o', 'n')
    """
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = _labelled(x1 * w1, "x1w1")
    x2w2 = _labelled(x2 * w2, "x2w2")
    x1w1x2w2 = _labelled(x1w1 + x2w2, "x1w1x2w2")
    n = _labelled(x1w1x2w2 + b, "n")
    return _labelled(n.tanh(), "o")
