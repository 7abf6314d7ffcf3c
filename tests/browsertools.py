"""What the browser tests share: Debian's chromium through Playwright, pages, screenshots.

``make test`` installs chromium (``make system-deps``) and Playwright's Python package (the dev
extra); Playwright's own browser downloads are never used. Screenshots go to
``out/test-screenshots/``; the ones the docs show are compared with ``docs/figures/*.png`` and
rewritten there when ``OPGRAD_UPDATE_SCREENSHOTS=1`` is set.
"""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "out" / "test-screenshots"
FIGURES = ROOT / "docs" / "figures"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
UPDATE = os.environ.get("OPGRAD_UPDATE_SCREENSHOTS") == "1"
# The machine is shared: give the page time, rather than fail a slow moment.
expect.set_options(timeout=60_000)

# CI installs chromium (make system-deps): there a missing browser fails instead of skipping.
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="needs Debian's chromium (make system-deps installs it)",
)


def launch() -> Iterator[Any]:
    """One headless chromium, for a module's tests (a module-scoped fixture yields from it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def open_page(browser: Any, url: str, *, wait_for: str | None = "(7 nodes)") -> Iterator[Any]:
    """A 1280x800 page at ``url``; at the end, no script error and no failed resource."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    # Bad input is answered with status 400, which the browser logs; anything else is a fault.
    opened.on(
        "console",
        lambda m: (
            problems.append(m.text) if m.type == "error" and "(Bad Request)" not in m.text else None
        ),
    )
    opened.goto(url)
    if wait_for is not None:
        opened.get_by_text(wait_for).wait_for()
    yield opened
    context.close()
    assert problems == []


def shoot(page: Any, name: str, *, docs: bool = False) -> Path:
    """Screenshot the page into the tests' folder; for the docs, compare or update the figure."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    if docs:
        figure = FIGURES / f"{name}.png"
        if UPDATE:
            shutil.copyfile(path, figure)
        else:
            assert figure.exists(), f"{figure} is missing: OPGRAD_UPDATE_SCREENSHOTS=1 makes it"
            assert_looks_alike(path, figure)
    return path


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def assert_looks_alike(new: Path, committed: Path) -> None:
    """The same size, and at most 2% of the pixels clearly different (fonts may antialias)."""
    from PIL import Image, ImageChops

    assert png_size(new) == png_size(committed) == (1280, 800)
    a = Image.open(new).convert("L")
    b = Image.open(committed).convert("L")
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > 40 else 0)
    changed = 1.0 - diff.histogram()[0] / (a.width * a.height)
    assert changed < 0.02, (
        f"{committed.name} no longer shows the page ({changed:.1%} of pixels differ from "
        f"{new}); look at it, then rerun with OPGRAD_UPDATE_SCREENSHOTS=1"
    )


def leaf_cells(page: Any, view: str) -> dict[str, dict[str, str]]:
    """Each leaf row's grad and nudge cells, by the leaf's name."""
    rows = page.locator(f"#view-{view} .leaves tbody tr")
    result = {}
    for k in range(rows.count()):
        row = rows.nth(k)
        result[row.get_attribute("data-name")] = {
            "grad": row.locator(".grad").inner_text(),
            "nudge": row.locator(".nudge").inner_text(),
        }
    return result


def type_formula(page: Any, formula: str, values: dict[str, str], shows: str) -> None:
    """Type ``formula`` into the Expression view, then each leaf's value; wait for ``shows``."""
    box = page.get_by_label("Formula", exact=True)
    box.fill(formula)
    box.press("Enter")
    drawing = page.locator("#view-expression .drawing")
    expect(drawing).to_have_attribute("aria-label", f"the graph of {formula}")
    for name, value in values.items():
        leaf = page.locator(f"#view-expression .leaves tr[data-name='{name}'] input[type=number]")
        leaf.wait_for()
        leaf.fill(value)
        leaf.press("Enter")
    page.get_by_text(shows).wait_for()
