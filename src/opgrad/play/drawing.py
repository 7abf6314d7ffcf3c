"""Graphviz drawings for the playground's page: DOT source from autograd, laid out by ``dot``."""

from __future__ import annotations

from autograd import GraphvizNotFoundError

__all__ = ["svg"]

_INSTALL = (
    "the playground draws graphs with Graphviz: pip install 'opgrad[viz]' and install its dot "
    "program (apt-get install graphviz, brew install graphviz)"
)


def svg(dot_source: str) -> str:
    """Lay out DOT source with Graphviz's ``dot``; the ``<svg>`` element, to put in a page.

    Raises:
        GraphvizNotFoundError: The ``graphviz`` package or the ``dot`` program is missing.
    """
    try:
        import graphviz
    except ImportError as error:
        raise GraphvizNotFoundError(_INSTALL) from error
    try:
        image = graphviz.Source(dot_source).pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFoundError(_INSTALL) from error
    assert isinstance(image, str)  # pipe() decodes when given an encoding
    # The XML prolog and doctype mean nothing inside an HTML page.
    return image[image.index("<svg") :]
