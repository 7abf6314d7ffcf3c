"""Markdown: text that prints as plain text and that Jupyter shows as Markdown."""

from __future__ import annotations

import re

__all__ = ["Markdown"]


class Markdown(str):
    """A ``str`` of plain text that Jupyter displays as Markdown.

    It is the plain text in every way a program sees (it prints, compares, splits and joins as
    that text), so callers that took a ``str`` keep working; a notebook cell ending in one shows
    its :attr:`markdown` form, through ``_repr_markdown_``, instead of an escaped string.

    Examples:
        >>> from autograd.markdown import Markdown
        >>> note = Markdown("a = 1", "**a** = 1")
        >>> note == "a = 1", note._repr_markdown_()
        (True, '**a** = 1')
        >>> print(Markdown.code("x = 1"))
        x = 1
        >>> print(Markdown.code("x = 1")._repr_markdown_())
        ```python
        x = 1
        ```
    """

    _markdown: str | None
    _language: str

    def __new__(cls, text: str, markdown: str) -> Markdown:
        """Plain ``text`` that displays as ``markdown``."""
        self = super().__new__(cls, text)
        self._markdown = markdown
        self._language = ""
        return self

    @classmethod
    def code(cls, text: str, language: str = "python") -> Markdown:
        """``text`` displayed as a fenced code block, whose fence outlasts any backticks in it.

        The block is written when it is displayed, not before: a plan's listing can be tens of
        megabytes.
        """
        self = cls(text, "")
        self._markdown = None
        self._language = language
        return self

    @property
    def markdown(self) -> str:
        """The Markdown to display."""
        if self._markdown is not None:
            return self._markdown
        longest = max((len(run) for run in re.findall("`+", self)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"{fence}{self._language}\n{self}\n{fence}"

    def _repr_markdown_(self) -> str:
        return self.markdown
