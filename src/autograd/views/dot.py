"""DOT syntax: escaping labels and writing attribute lists, shared by every drawing."""

from __future__ import annotations

import re

__all__: list[str] = []

_RECORD_SPECIAL = re.compile(r'([\\{}|<>"])')
_TEXT_SPECIAL = re.compile(r'([\\"])')


def _escape_record(text: str) -> str:
    r"""Escape a field of a DOT record label: ``\ { } | < > "`` are backslashed."""
    text = _RECORD_SPECIAL.sub(r"\\\1", text)
    return text.replace("\r", " ").replace("\t", " ").replace("\n", r"\n")


def _escape_text(text: str, newline: str = r"\n") -> str:
    r"""Escape a plain DOT label: ``\`` and ``"`` are backslashed, newlines become ``newline``."""
    text = _TEXT_SPECIAL.sub(r"\\\1", text)
    return text.replace("\r", " ").replace("\t", " ").replace("\n", newline)


def _attributes(**attributes: str) -> str:
    return ", ".join(f'{key}="{value}"' for key, value in attributes.items())


def _header(rankdir: str, **graph: str) -> list[str]:
    """The opening lines of every drawing: the digraph and its default styles."""
    attributes = {
        "rankdir": rankdir,
        "fontname": "Helvetica",
        "fontsize": "12",
        "nodesep": "0.25",
        **graph,
    }
    return [
        "digraph opgrad {",
        f"  graph [{_attributes(**attributes)}];",
        f"  node [{_attributes(fontname='Helvetica', fontsize='11')}];",
        f"  edge [{_attributes(arrowsize='0.6', color='#555555')}];",
    ]
