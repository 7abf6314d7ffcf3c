"""Higher-order derivatives on top of GraphExecutor.grad: Hessians, their products, d^n/dx^n."""

from __future__ import annotations

from collections.abc import Sequence

from autograd.checks import is_real
from autograd.executor import DEFAULT_EXECUTOR, GraphExecutor
from autograd.value import Value

__all__ = ["derivative", "hessian", "hvp"]


def _nodes(wrt: Sequence[Value], what: str) -> list[Value]:
    if isinstance(wrt, Value) or not isinstance(wrt, Sequence):
        raise TypeError(f"{what}: wrt must be a sequence of Values, got {type(wrt).__name__}")
    nodes = list(wrt)
    for i, x in enumerate(nodes):
        if not isinstance(x, Value):
            raise TypeError(
                f"{what}: wrt must hold Values, got {type(x).__name__} at position {i}: {x!r}"
            )
    return nodes


def hessian(
    root: Value, wrt: Sequence[Value], *, executor: GraphExecutor | None = None
) -> list[list[float]]:
    """The matrix of second derivatives ``H[i][j] = d2(root) / (d wrt[j] d wrt[i])``.

    One backward pass with ``create_graph=True`` gives the gradient as n nodes; one more pass
    per node differentiates it: n + 1 passes in all. Symmetric up to rounding wherever the
    second derivatives are continuous.

    Args:
        root: The node to differentiate.
        wrt: The nodes to differentiate by (leaves or inner nodes).
        executor: Runs the passes (one with ``check_finite=True`` checks them); the default
            executor if None.

    Returns:
        n rows of n floats, in the order of ``wrt``.

    Examples:
        >>> from autograd import Value
        >>> from autograd.higher import hessian
        >>> x, y = Value(1.0), Value(2.0)
        >>> hessian(x * x * y + y**3, [x, y])
        [[4.0, 2.0], [2.0, 12.0]]
    """
    ex = executor or DEFAULT_EXECUTOR
    nodes = _nodes(wrt, "hessian")
    return [ex.grad(g, nodes) for g in ex.grad(root, nodes, create_graph=True)]


def hvp(
    root: Value,
    wrt: Sequence[Value],
    v: Sequence[float],
    *,
    executor: GraphExecutor | None = None,
) -> list[float]:
    """The Hessian-vector product H v, without building the Hessian.

    Reverse over reverse: the gradient g is built as a graph (one pass with
    ``create_graph=True``), then one more pass differentiates the number sum_i g_i * v_i, whose
    gradient is H v (H is symmetric where it is continuous). Two passes whatever n is, where
    :func:`hessian` takes n + 1.

    Args:
        root: The node to differentiate.
        wrt: The nodes to differentiate by.
        v: One number per node of ``wrt``.
        executor: Runs the passes; the default executor if None.

    Returns:
        H v, one float per node of ``wrt``.

    Raises:
        ValueError: ``v`` and ``wrt`` differ in length.
        TypeError: ``v`` holds something other than real numbers.

    Examples:
        >>> from autograd import Value
        >>> from autograd.higher import hvp
        >>> x, y = Value(1.0), Value(2.0)
        >>> hvp(x * x * y + y**3, [x, y], [1.0, -1.0])
        [2.0, -10.0]
    """
    ex = executor or DEFAULT_EXECUTOR
    nodes = _nodes(wrt, "hvp")
    if isinstance(v, (str, bytes)) or not isinstance(v, Sequence):
        raise TypeError(f"hvp: v must be a sequence of numbers, got {type(v).__name__}")
    if len(v) != len(nodes):
        raise ValueError(f"hvp: v has {len(v)} numbers for {len(nodes)} nodes in wrt")
    for i, x in enumerate(v):
        if not is_real(x):
            raise TypeError(
                f"hvp: v must hold real numbers, got {type(x).__name__} at position {i}: {x!r}"
            )
    grads = ex.grad(root, nodes, create_graph=True)
    if not grads:
        return []
    total = grads[0] * v[0]
    for g, x in zip(grads[1:], v[1:]):
        total = total + g * x
    return ex.grad(total, nodes)


def derivative(
    root: Value, x: Value, order: int = 1, *, executor: GraphExecutor | None = None
) -> float:
    """The n-th derivative d^n(root)/dx^n, ``order`` = n, by n backward passes.

    Each pass but the last builds the derivative as a graph (``create_graph=True``) for the
    next to differentiate. Order 0 is ``root.data``.

    Args:
        root: The node to differentiate, a function of ``x`` (and perhaps of other nodes,
            held fixed).
        x: The node to differentiate by.
        order: How many times, an int >= 0.
        executor: Runs the passes; the default executor if None.

    Examples:
        >>> from autograd import Value
        >>> from autograd.higher import derivative
        >>> x = Value(2.0)
        >>> [derivative(x**4, x, n) for n in range(6)]
        [16.0, 32.0, 48.0, 48.0, 24.0, 0.0]
    """
    if type(order) is not int or order < 0:
        raise ValueError(f"derivative: order must be an int >= 0, got {order!r}")
    if not isinstance(x, Value):
        raise TypeError(f"derivative: x must be a Value, got {type(x).__name__}: {x!r}")
    if not isinstance(root, Value):
        raise TypeError(f"derivative: root must be a Value, got {type(root).__name__}: {root!r}")
    if order == 0:
        return root.data
    ex = executor or DEFAULT_EXECUTOR
    node = root
    for _ in range(order - 1):
        node = ex.grad(node, x, create_graph=True)
    return ex.grad(node, x)
