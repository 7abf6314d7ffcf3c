"""``python -m opgrad``: the opgrad command line, the same as the ``opgrad`` command."""

from opgrad.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
