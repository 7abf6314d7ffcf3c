"""``python -m nn``: the opgrad command line, the same as the ``opgrad`` command."""

from nn.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
