"""``opgrad play``: a local web page to play with graphs, backprop and training, live."""

from opgrad.play.api import Playground
from opgrad.play.server import PlayServer, serve

__all__ = ["PlayServer", "Playground", "serve"]
