# opgrad exercise: value
"""A Value with add and mul, which remembers its parents.

The lecture's Value wraps a number and records how it was made: ``c = a + b`` is a new Value
whose data is a.data + b.data, whose parents are (a, b) and whose op is "+". (The lecture calls
these ``_prev`` and ``_op``; opgrad calls them ``parents`` and ``op``, and keeps the parents in
order, in a tuple: for a - b or a / b the order matters.)

Write ``__add__`` and ``__mul__`` (a Value or a plain number on the right) and ``__radd__`` and
``__rmul__`` (a plain number on the left: ``2 * a``). A plain number becomes a Value first.
"""

from __future__ import annotations


class Value:
    """A number that remembers the operation and the inputs that made it."""

    def __init__(
        self, data: float, parents: tuple[Value, ...] = (), op: str = "", label: str = ""
    ) -> None:
        self.data = data
        self.grad = 0.0
        self.parents = parents
        self.op = op
        self.label = label

    def __repr__(self) -> str:
        return f"Value(data={self.data})"

    def __add__(self, other: Value | float) -> Value:
        """Self + other: parents (self, other), op "+"."""
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), "+")

    def __mul__(self, other: Value | float) -> Value:
        """Self * other: parents (self, other), op "*"."""
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), "*")

    def __radd__(self, other: float) -> Value:
        """Other + self, for a plain number on the left."""
        return Value(other) + self

    def __rmul__(self, other: float) -> Value:
        """Other * self, for a plain number on the left."""
        return Value(other) * self
