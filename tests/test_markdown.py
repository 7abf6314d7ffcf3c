from __future__ import annotations

from autograd.markdown import Markdown


def test_markdown_is_its_plain_text_to_a_program() -> None:
    note = Markdown("a = 1\nb = 2", "| a | b |")
    assert isinstance(note, str)
    assert note == "a = 1\nb = 2"
    assert note.splitlines() == ["a = 1", "b = 2"]
    assert str(note) == "a = 1\nb = 2"
    assert f"{note}" == "a = 1\nb = 2"
    assert (note.markdown, note._repr_markdown_()) == ("| a | b |", "| a | b |")


def test_markdown_code_fence_outlasts_backticks_in_the_text() -> None:
    assert Markdown.code("x = 1").markdown == "```python\nx = 1\n```"
    tricky = Markdown.code("s = '````'", "text")
    assert tricky == "s = '````'"
    assert tricky.markdown == "`````text\ns = '````'\n`````"
