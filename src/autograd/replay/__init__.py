"""Replay backends: a graph compiled once and replayed, as ``GraphExecutor.compile`` returns it.

Each backend registers itself with the core (:func:`autograd.executor.register_backend`), so the
executor offers ``compile(root, backend=...)`` without importing this package. "python" is
:class:`Plan`; "numpy" the vectorised :class:`~autograd.replay.vectorized.VectorPlan`, imported
when first used, since numpy is an optional extra (``pip install 'opgrad[fast]'``); "auto", the
default, the fastest of them for the graph (see :func:`autograd.replay.vectorized.compile_fastest`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from autograd.executor import register_backend
from autograd.replay.plan import Plan

if TYPE_CHECKING:
    from autograd.executor import GraphExecutor
    from autograd.replay.vectorized import VectorPlan
    from autograd.value import Value

__all__ = ["Plan"]


def _numpy(root: Value, executor: GraphExecutor) -> VectorPlan:
    try:
        from autograd.replay.vectorized import VectorPlan
    except ModuleNotFoundError as error:
        if error.name != "numpy":
            raise
        raise ModuleNotFoundError(
            "the numpy replay backend needs numpy: pip install 'opgrad[fast]'", name="numpy"
        ) from None
    return VectorPlan(root, executor)


def _auto(root: Value, executor: GraphExecutor) -> Plan | VectorPlan:
    try:
        from autograd.replay.vectorized import compile_fastest
    except ModuleNotFoundError as error:
        if error.name != "numpy":
            raise
        return Plan(root, executor)  # numpy is not installed: the python plan it is
    return compile_fastest(root, executor)


register_backend("python", Plan)
register_backend("numpy", _numpy)
register_backend("auto", _auto)
