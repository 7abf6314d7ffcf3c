"""Replay backends: a graph compiled once and replayed, as ``GraphExecutor.compile`` returns it.

Each backend registers itself with the core (:func:`autograd.executor.register_backend`), so the
executor offers ``compile(root, backend=...)`` without importing this package.
"""

from autograd.executor import register_backend
from autograd.replay.plan import Plan

register_backend("python", Plan)
register_backend("auto", Plan)

__all__ = ["Plan"]
