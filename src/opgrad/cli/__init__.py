"""The ``opgrad`` command line: train, predict, graph, explain, check, demo, play, exercises.

``opgrad COMMAND --help`` describes each command. Exit status: 0 on success, 1 when the work
failed (an operation failed its check, Graphviz or matplotlib is missing), 2 for a usage error
(a bad option, expression, file or module), reported on one line ``opgrad: error: ...``.

One module per thing a user does: ``train`` (its data sets and default recipes in
``recipes``), ``predict``, ``formula`` (``graph`` and ``explain``), ``check``, ``demo``,
``play`` (serves :mod:`opgrad.play`) and ``exercises`` (grades with :mod:`opgrad.exercises`);
``app`` is the entry point (``main`` and the list of commands) and ``common`` what the commands
share (``CommandError``, the parser class, argument types, path checks).

To add a command ``opgrad NAME``: write ``opgrad/cli/NAME.py`` with a ``register(commands)`` that
calls ``commands.add_parser("NAME", ...)``, adds the options and sets ``run=`` (a function that
takes the parsed arguments and returns the exit status, raising ``CommandError`` for a one-line
error); then list ``NAME.register`` in ``COMMANDS`` in ``opgrad/cli/app.py``.
"""

from opgrad.cli.app import main
from opgrad.cli.common import CommandError
from opgrad.cli.recipes import RECIPES, Recipe

__all__ = ["RECIPES", "CommandError", "Recipe", "main"]
