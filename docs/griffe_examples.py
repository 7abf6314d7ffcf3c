"""A Griffe extension for the API reference: read a Google-style ``Example:`` as ``Examples:``.

opgrad's docstrings head their doctests ``Example:``, which Google style (as Napoleon defines it)
allows. Griffe reads only ``Examples:`` as doctest examples and renders ``Example:`` as a
Markdown admonition, where ``>>>`` lines become nested quotes and ``[...]`` reads as a link.
mkdocs.yml loads this extension for mkdocstrings, so both spellings render as code.
"""

from __future__ import annotations

import re
from typing import Any

from griffe import Extension, Object

_EXAMPLE = re.compile(r"^(?P<indent>[ \t]*)Example:[ \t]*$", re.MULTILINE)


class ExampleSections(Extension):
    """Rename ``Example:`` section headings to ``Examples:`` before Griffe parses a docstring."""

    def on_instance(self, *, obj: Object, **kwargs: Any) -> None:
        """Rewrite the heading in ``obj``'s docstring, if it has one."""
        if obj.docstring is not None:
            obj.docstring.value = _EXAMPLE.sub(r"\g<indent>Examples:", obj.docstring.value)
