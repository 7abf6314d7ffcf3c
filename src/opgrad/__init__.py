"""opgrad, the application: the ``opgrad`` command line and the playground, on top of the libraries.

The engine is :mod:`autograd` and the network library :mod:`nn`; this package holds what a user
runs rather than imports: :mod:`opgrad.cli` (``opgrad COMMAND``, also ``python -m opgrad``) and
:mod:`opgrad.play` (the browser playground's server and page). Imports run one way:
``opgrad`` -> ``nn`` -> ``autograd``.
"""

from opgrad.cli import main

__all__ = ["main"]
