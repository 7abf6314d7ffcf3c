# opgrad exercise: chain_rule
"""The chain rule by hand on the lecture's L.

L = d * f, where d = e + c and e = a * b (at the lecture's numbers a = 2, b = -3, c = 10,
f = -2, L = -8). Work backwards from dL/dL = 1: the local derivative of each node times the
gradient of the node it feeds (the chain rule). A + passes its gradient on unchanged; a *
passes on the gradient times the *other* input.

Write:
    lecture_grads(a, b, c, f): {"L": dL/dL, "d": dL/dd, "f": dL/df, "e": dL/de, "c": dL/dc,
    "a": dL/da, "b": dL/db} for any numbers a, b, c, f, as formulas (no autograd).

At the lecture's numbers: a 6, b -4, c -2, d -2, e -2, f 4.
"""

from __future__ import annotations


def lecture_grads(a: float, b: float, c: float, f: float) -> dict[str, float]:
    """The gradient of L = (a*b + c) * f with respect to each of its nodes."""
    e = a * b
    d = e + c
    dd = f  # L = d * f
    de = dd * 1.0  # d = e + c
    return {"L": 1.0, "d": dd, "f": d, "e": de, "c": dd * 1.0, "a": de * b, "b": de * a}
