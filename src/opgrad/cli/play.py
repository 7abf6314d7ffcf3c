"""``opgrad play``: serve the interactive backprop playground on this machine and open it."""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import time

from opgrad.cli.common import CommandError, Subcommands
from opgrad.play import PlayServer, serve

__all__ = ["DEFAULT_PORT", "register"]

DEFAULT_PORT = 8765
"""The port ``opgrad play`` listens on unless told otherwise."""

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(commands: Subcommands) -> None:
    """Add ``opgrad play`` to the commands."""
    parser = commands.add_parser(
        "play",
        help="open the interactive backprop playground in a browser",
        description="Serve a web page where you type a formula, step its backward pass, "
        "nudge its leaves and train a network live, all computed by opgrad. It prints its "
        "address, opens it in your browser, and runs until Ctrl-C. Nothing is fetched from "
        "the network.",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, this machine only; any other "
        "lets other machines use it, with a warning)",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"the port (default: {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="print the address without opening a browser"
    )
    parser.set_defaults(run=_play_command)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return int(text)


def _play_command(args: argparse.Namespace) -> int:
    if args.host not in _LOOPBACK:
        print(
            f"opgrad play: warning: listening on {args.host}: anyone who can reach this "
            "machine there can use the playground and make it compute; use --host 127.0.0.1 "
            "unless you mean to share it on a network you trust",
            file=sys.stderr,
        )
    if shutil.which("dot") is None or importlib.util.find_spec("graphviz") is None:
        print(
            "opgrad play: warning: Graphviz is missing, so graphs cannot be drawn: "
            "pip install 'opgrad[viz]' and apt-get install graphviz (or brew install graphviz)",
            file=sys.stderr,
        )
    try:
        server = PlayServer(args.host, args.port)
    except OSError as error:
        raise CommandError(
            f"play: cannot listen on {args.host} port {args.port}: {error.strerror or error}",
            status=1,
        ) from None
    started = time.monotonic()
    try:
        print(f"opgrad play: serving on {server.url} (Ctrl-C stops it)", flush=True)
        serve(server, open_browser=not args.no_browser)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how the playground is meant to stop
    finally:
        server.server_close()  # closed already, unless Ctrl-C came before serving
        print(f"opgrad play: stopped after {time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0
