"""The documentation runs: shell sessions, Python files, figures; every code block is one of those.

Python sessions (```pycon blocks) are doctested by pytest itself (``--doctest-glob=*.md``).
This module runs the rest:

* ```console blocks: each ``$ `` line is a command (``opgrad ...`` or ``python -m ...``), run in
  a fresh temporary directory holding the page's ```python files; the lines after it, up to the
  next ``$ ``, are its expected output (stdout and stderr together), where ``...`` matches
  anything, as in doctest. A last line ``[exit N]`` says the command must exit with status N
  (otherwise 0).
* ```python blocks: each must compile. One with a title (```python title="myops.py"``) is a file
  that the page's console blocks use. One without continues the page's Python session: it runs,
  in a temporary directory, after the page's earlier ```pycon examples.
* ```bash blocks may only hold installation commands (``pip install``, ``apt-get install``,
  ``brew install``, ``make <target>``), which must not run inside the test suite, or a command
  listed in ``RUN_ELSEWHERE`` with the test that runs it.
* A block right under the HTML comment ``<!-- no-run -->`` is not run (kept for the few commands
  that must not run here).
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [*sorted(DOCS.rglob("*.md")), ROOT / "README.md"]
BIN = Path(sys.executable).parent

RUNNABLE = {"pycon", "console", "python"}
INSTALL = {"bash", "sh", "shell"}
NO_RUN = "<!-- no-run -->"
# Commands shown in ```bash blocks that another test runs, and that test.
RUN_ELSEWHERE = {
    ".venv/bin/python benchmarks/run.py --quick": "tests/test_benchmarks.py",
}
_INSTALL_COMMAND = re.compile(
    r"^((python -m )?pip install|(sudo )?apt(-get)? install|brew install|make [\w-]+)\b"
)
_OPENING = re.compile(r"^(?P<fence>`{3,})(?P<lang>[\w+-]*)(?P<info>.*)$")
_TITLE = re.compile(r'title="(?P<title>[^"]+)"')
_EXIT = re.compile(r"^\[exit (?P<status>\d+)\]$")


@dataclass(frozen=True)
class Block:
    """A fenced code block of a Markdown page."""

    page: Path
    line: int
    lang: str
    title: str | None
    body: str
    no_run: bool

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def _blocks(page: Path) -> list[Block]:
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        opening = _OPENING.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence = opening["fence"]
        end = i + 1
        while end < len(lines) and lines[end].rstrip() != fence:
            end += 1
        previous = next((line for line in reversed(lines[:i]) if line.strip()), "")
        title = _TITLE.search(opening["info"])
        blocks.append(
            Block(
                page=page,
                line=i + 1,
                lang=opening["lang"],
                title=title["title"] if title else None,
                body="\n".join(lines[i + 1 : end]) + "\n",
                no_run=previous.strip() == NO_RUN,
            )
        )
        i = end + 1
    return blocks


BLOCKS = [block for page in PAGES for block in _blocks(page)]


def _of(lang: str) -> list[Block]:
    return [b for b in BLOCKS if b.lang == lang and not b.no_run]


def _ids(blocks: list[Block]) -> list[str]:
    return [b.where for b in blocks]


def _files(page: Path, where: Path) -> None:
    """Write the page's titled ```python blocks into ``where``."""
    for block in _blocks(page):
        if block.lang == "python" and block.title is not None:
            path = where / block.title
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block.body, encoding="utf-8")


def _environment(where: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(where)
    env["COLUMNS"] = "80"  # pytest and friends size their output to the terminal
    env["NO_COLOR"] = "1"
    return env


@dataclass(frozen=True)
class Command:
    """One ``$ `` line of a console block and the output shown under it."""

    line: str
    expected: str
    status: int


def _commands(block: Block) -> list[Command]:
    commands: list[Command] = []
    current: str | None = None
    output: list[str] = []

    def flush() -> None:
        if current is None:
            return
        status = 0
        if output and (match := _EXIT.match(output[-1].strip())):
            status = int(match["status"])
            output.pop()
        commands.append(Command(current, "".join(f"{line}\n" for line in output), status))

    for line in block.body.splitlines():
        if line.startswith("$ "):
            flush()
            current, output = line[2:], []
        elif current is None:
            if line.strip():
                raise AssertionError(f"{block.where}: output before the first `$ ` command")
        else:
            output.append(line)
    flush()
    return commands


def _normalise(text: str) -> str:
    return "".join(f"{line.rstrip()}\n" for line in text.strip("\n").splitlines())


def _is_install_block(block: Block) -> bool:
    commands = [line.split("#")[0].strip() for line in block.body.splitlines()]
    return all(_INSTALL_COMMAND.match(c) or c in RUN_ELSEWHERE for c in commands if c)


def test_docs_commands_run_elsewhere_are_run_there() -> None:
    for command, test in RUN_ELSEWHERE.items():
        _, script, *arguments = command.split()
        text = (ROOT / test).read_text(encoding="utf-8")
        for word in [Path(script).name, *arguments]:
            assert word in text, f"{test} no longer runs `{command}` ({word!r} is missing)"


def test_docs_every_block_is_run() -> None:
    """Every block is a pycon, console or python block, an install block, or marked no-run."""
    stray = [
        f"{b.where}: ```{b.lang or '(no language)'}"
        for b in BLOCKS
        if not b.no_run
        and b.lang not in RUNNABLE
        and not (b.lang in INSTALL and _is_install_block(b))
    ]
    assert not stray, (
        "these blocks would not be run; write them as ```pycon (doctest), ```console "
        f"or ```python, keep ```bash for installation commands, or mark them {NO_RUN}:\n"
        + "\n".join(stray)
    )


def test_docs_pycon_blocks_are_sessions() -> None:
    """A ```pycon block is doctested only if it has prompts and ends with a blank line."""
    bad = [
        b.where
        for b in _of("pycon")
        if not b.body.lstrip().startswith(">>> ") or not b.body.endswith("\n\n")
    ]
    assert not bad, "a pycon block must start with `>>> ` and end with a blank line: " + ", ".join(
        bad
    )


@pytest.mark.parametrize("block", _of("console"), ids=_ids(_of("console")))
def test_docs_console_block(block: Block, tmp_path: Path) -> None:
    commands = _commands(block)
    assert commands, f"{block.where}: a console block with no `$ ` command"
    _files(block.page, tmp_path)
    checker = doctest.OutputChecker()
    for command in commands:
        argv = shlex.split(command.line)
        if not (argv[0] == "opgrad" or argv[:2] == ["python", "-m"]):
            pytest.fail(
                f"{block.where}: only `opgrad ...` and `python -m ...` commands are run, got "
                f"`{command.line}`; mark the block {NO_RUN} if it must not run"
            )
        executable = shutil.which(argv[0], path=str(BIN)) or shutil.which(argv[0])
        assert executable is not None, f"{block.where}: {argv[0]} is not installed"
        result = subprocess.run(
            [executable, *argv[1:]],
            cwd=tmp_path,
            env=_environment(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
        )
        got = _normalise(result.stdout)
        want = _normalise(command.expected)
        assert result.returncode == command.status, (
            f"{block.where}: `{command.line}` exited with {result.returncode}, "
            f"expected {command.status}; output:\n{result.stdout}"
        )
        assert checker.check_output(want, got, doctest.ELLIPSIS), (
            f"{block.where}: `{command.line}` printed\n{got}\nbut the page shows\n{want}"
        )


def _session_source(block: Block) -> str:
    """The page's Python session up to and including ``block``: pycon examples, then it."""
    parser = doctest.DocTestParser()
    parts = []
    for earlier in _blocks(block.page):
        if earlier.line >= block.line:
            break
        if earlier.lang == "pycon" and not earlier.no_run:
            for example in parser.get_examples(earlier.body):
                if example.exc_msg is None:
                    parts.append(example.source)
                else:  # the page shows this example raising; so must the session
                    body = textwrap.indent(example.source, "    ")
                    parts.append(f"try:\n{body}except Exception:\n    pass\n")
        elif earlier.lang == "python" and earlier.title is None and not earlier.no_run:
            parts.append(earlier.body)
    parts.append(block.body)
    return "\n".join(parts)


@pytest.mark.parametrize("block", _of("python"), ids=_ids(_of("python")))
def test_docs_python_block(block: Block, tmp_path: Path) -> None:
    compile(block.body, block.where, "exec")
    if block.title is not None:
        return  # a file for the page's console blocks, which run it
    _files(block.page, tmp_path)
    script = tmp_path / "_session.py"
    script.write_text(_session_source(block), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{block.where} failed:\n{result.stdout}{result.stderr}"


def test_docs_figures_match_the_code_that_draws_them() -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed (make test installs it)")
    result = subprocess.run(
        [sys.executable, str(DOCS / "gen_figures.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_docs_block_parser_reads_commands_outputs_and_exit_status() -> None:
    block = Block(
        page=DOCS / "index.md",
        line=1,
        lang="console",
        title=None,
        body="$ opgrad one\nout 1\n...\n$ python -m two\n[exit 2]\n",
        no_run=False,
    )
    assert _commands(block) == [
        Command("opgrad one", "out 1\n...\n", 0),
        Command("python -m two", "", 2),
    ]


_AUTOREF = re.compile(r"\]\[(?:autograd|nn)\.[\w.]*\]")


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_docs_pages_link_to_the_api_with_relative_links(page: Path) -> None:
    # mkdocs-autorefs links ([`Exp`][autograd.Exp]) show as raw brackets on GitHub, where the
    # README sends readers; a relative link (api/autograd.md#autograd.Exp) works in both.
    if page.parent.name == "api":
        return
    found = _AUTOREF.findall(page.read_text(encoding="utf-8"))
    assert not found, f"{page.name}: use relative links to the API pages, not {found[:3]}"
