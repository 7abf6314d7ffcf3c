"""End-to-end tests of ``opgrad play`` in a real browser: Debian's chromium, driven by Playwright.

``make test`` installs chromium (``make system-deps``) and Playwright's Python package (the dev
extra); Playwright's own browser downloads are never used. Screenshots go to
``out/test-screenshots/``; the ones the docs show are compared with ``docs/figures/play-*.png``
and rewritten there when ``OPGRAD_UPDATE_SCREENSHOTS=1`` is set.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from autograd import GraphExecutor, explain, parse_expression
from opgrad.play.expression import neuron_state
from opgrad.play.server import PlayServer

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
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="needs Debian's chromium (make system-deps installs it)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any, play_server: PlayServer) -> Iterator[Any]:
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
    opened.goto(play_server.url)
    opened.get_by_text("(7 nodes)").wait_for()
    yield opened
    context.close()
    assert problems == []  # no script error, no resource the page could not load


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
    rows = page.locator(f"#view-{view} .leaves tbody tr")
    result = {}
    for k in range(rows.count()):
        row = rows.nth(k)
        result[row.get_attribute("data-name")] = {
            "grad": row.locator(".grad").inner_text(),
            "nudge": row.locator(".nudge").inner_text(),
        }
    return result


def test_browser_formula_backward_shows_the_engines_gradients(page: Any) -> None:
    page.get_by_role("button", name="Backward").click()
    page.get_by_text("backward pass done").wait_for()
    shown = leaf_cells(page, "expression")
    assert {name: cells["grad"] for name, cells in shown.items()} == {
        "a": "6",
        "b": "-4",
        "c": "-2",
        "f": "4",
    }
    shoot(page, "play-expression", docs=True)
    formula = page.get_by_label("Formula")
    formula.fill("tanh(x*w + b) * x")
    formula.press("Enter")
    # b keeps its value from the formula before, (a*b + c) * f; new names start at 1.
    page.get_by_text("out = -0.964 (7 nodes)").wait_for()
    page.get_by_role("button", name="Backward").click()
    expect(page.locator("#view-expression .message")).to_have_text(re.compile("backward pass"))
    root, leaves = parse_expression("tanh(x*w + b) * x", {"x": 1.0, "w": 1.0, "b": -3.0})
    GraphExecutor().backward(root)
    shown = leaf_cells(page, "expression")
    assert {name: cells["grad"] for name, cells in shown.items()} == {
        name: f"{leaf.grad:.4g}" for name, leaf in leaves.items()
    }
    # The drawing is Graphviz's, with the data and grad of every node.
    order = GraphExecutor().topological_order(root)
    boxes = page.locator("#view-expression .drawing svg g.node").count()
    assert boxes == len(order) + sum(1 for node in order if node.op is not None)
    formula.fill("x.__class__")
    page.get_by_role("button", name="Forward").click()
    alert = page.locator("#view-expression [role=alert]")
    alert.get_by_text("attribute access is not allowed at column 1").wait_for()
    formula.fill("(a*b + c) * f")
    formula.press("Enter")
    page.get_by_text("out = -2 (7 nodes)").wait_for()  # a = c = f = 1 now, b is still -3
    assert alert.inner_text() == ""


def test_browser_steps_highlight_the_nodes_and_lines_of_explain(page: Any) -> None:
    page.get_by_role("tab", name="Neuron").click()
    view = page.locator("#view-neuron")
    view.get_by_text("o = 0.7071").wait_for()
    state = neuron_state("tanh")
    expected = [re.sub(r"^\s*\d+\. ", "", line) for line in explain(state.root).splitlines()[1:]]
    order = state.order
    nodes_in_steps = [i for i in reversed(range(len(order))) if order[i].op is not None]
    seen_lines: list[str] = []
    for number, index in enumerate(nodes_in_steps, start=1):
        view.get_by_role("button", name="Step", exact=True).click()
        view.get_by_text(f"Step {number} of {len(nodes_in_steps)}").wait_for()
        focus = view.locator("svg g.node.focus title").all_text_contents()
        assert sorted(focus) == [f"v{index}", f"v{index}_op"]
        touched = view.locator("svg g.node.touched title").all_text_contents()
        index_of = {node: i for i, node in enumerate(order)}
        assert sorted(touched) == sorted({f"v{index_of[p]}" for p in order[index].parents})
        assert view.locator("svg g.edge.active").count() == len(order[index].parents) + 1
        seen_lines += view.locator(".step-lines").inner_text().splitlines()
        if number == 3:
            shoot(page, "play-step", docs=True)
    assert seen_lines == expected
    view.get_by_text("(complete)").wait_for()
    GraphExecutor().backward(state.root)
    assert {name: cells["grad"] for name, cells in leaf_cells(page, "neuron").items()} == {
        name: f"{leaf.grad:.4g}" if leaf.grad else "0" for name, leaf in state.leaves.items()
    }
    view.get_by_role("button", name="Step back").click()
    view.get_by_text(f"Step {len(nodes_in_steps) - 1} of").wait_for()
    # The last step passed x1w1's gradient to x1 and w1: undone, they are 0 again.
    assert leaf_cells(page, "neuron")["x1"]["grad"] == "0"
    view.get_by_role("button", name="Reset").click()
    view.get_by_text("gradients set to 0").wait_for()


def test_browser_slider_nudge_is_close_to_the_gradient(page: Any) -> None:
    page.get_by_role("tab", name="Neuron").click()
    view = page.locator("#view-neuron")
    view.get_by_text("o = 0.7071").wait_for()
    view.get_by_role("button", name="Backward").click()
    view.get_by_text("backward pass done").wait_for()
    slider = view.get_by_label("nudge x1")
    slider.focus()
    for press in range(5):
        slider.press("ArrowRight")
        x1 = view.get_by_label("x1", exact=True)
        expect(x1).to_have_value(re.compile(rf"^{2 + 0.01 * (press + 1):.2f}"))
    cells = leaf_cells(page, "neuron")["x1"]
    grad, nudge = float(cells["grad"]), float(cells["nudge"])
    assert nudge == pytest.approx(grad, rel=0.02)
    moved = neuron_state("tanh", {"x1": 2.05})
    moved.backward()
    assert cells["grad"] == f"{moved.leaves['x1'].grad:.4g}"  # the gradient at 2.05, not at 2
    shoot(page, "play-nudge")


def plot_state(page: Any) -> tuple[list[str | None], int, str]:
    cells = page.locator("#plot .cells rect")
    fills = cells.evaluate_all(
        "rects => rects.map(r => r.getAttribute('fill') + r.getAttribute('fill-opacity'))"
    )
    assert cells.count() == 24 * 24
    points = page.locator("#plot circle.point").count()
    line = page.locator("#loss-curve polyline")
    curve = (line.get_attribute("points") or "") if line.count() else ""
    return fills, points, curve


def test_browser_trains_moons_live(page: Any) -> None:
    page.get_by_role("tab", name="Train").click()
    page.get_by_text("epoch 0").first.wait_for()
    fills_before, points, _ = plot_state(page)
    assert points == 100
    page.get_by_role("button", name="Step epoch").click()
    expect(page.locator("#epoch")).to_have_text("1")
    first_accuracy = float(page.locator("#accuracy").inner_text().rstrip("%"))
    page.get_by_role("button", name="Train").click()
    expect(page.locator("#epoch")).to_have_text(re.compile(r"^(1[2-9]|[2-9]\d|\d{3,})$"))
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Train")).to_have_attribute("aria-pressed", "false")
    fills_after, _, curve = plot_state(page)
    epochs = int(page.locator("#epoch").inner_text())
    assert len(curve.split()) == epochs
    assert fills_after != fills_before
    accuracy = float(page.locator("#accuracy").inner_text().rstrip("%"))
    assert accuracy > first_accuracy
    assert accuracy >= 85.0
    network = page.locator("#network svg g.node title").all_text_contents()
    assert len(network) == 2 + 16 + 16 + 1  # the inputs x0, x1 and a box per neuron
    assert "L1.N15: relu" in page.locator("#network svg").text_content()
    shoot(page, "play-train-live")


def test_browser_adds_a_point_by_clicking_and_removes_one(page: Any) -> None:
    page.get_by_role("tab", name="Train").click()
    page.get_by_text("epoch 0").first.wait_for()
    page.get_by_label("Class").select_option(label="inner moon")
    box = page.locator("#plot").bounding_box()
    page.mouse.click(box["x"] + 60, box["y"] + 60)  # the top left corner holds no point
    expect(page.locator("#plot circle.point")).to_have_count(101)
    new_point = page.locator("#plot circle.point").last
    assert new_point.get_attribute("fill") == "#ff7f0e"
    assert page.locator("#train-message").inner_text() == "added a point of class inner moon"
    new_point.click()
    expect(page.locator("#plot circle.point")).to_have_count(100)
    # The same from the keyboard: the form adds a point and removes the nearest one.
    page.get_by_label("x", exact=True).fill("0")
    page.get_by_label("y", exact=True).fill("1.4")
    page.get_by_role("button", name="Add point").press("Enter")
    expect(page.locator("#plot circle.point")).to_have_count(101)
    page.get_by_role("button", name="Remove nearest point").press("Enter")
    expect(page.locator("#plot circle.point")).to_have_count(100)
    assert page.locator("#train-message").inner_text() == "removed a point"
    for _ in range(25):
        page.get_by_role("button", name="Step epoch").click()
    expect(page.locator("#epoch")).to_have_text("25")
    shoot(page, "play-train", docs=True)


def test_browser_controls_have_their_names_and_work_from_the_keyboard(page: Any) -> None:
    for name in ["Forward", "Backward", "Step", "Step back", "Reset"]:
        assert page.get_by_role("button", name=name, exact=True).count() == 1
    page.get_by_role("tab", name="Expression").focus()
    page.keyboard.press("ArrowRight")
    assert page.get_by_role("tab", name="Neuron").get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowRight")
    for name in ["Train", "Pause", "Step epoch", "Reset"]:
        assert page.get_by_role("button", name=name, exact=True).count() == 1
    page.get_by_role("tab", name="Expression").click()
    page.get_by_label("Formula").focus()
    page.keyboard.press("Tab")  # from the formula to the buttons
    expect(page.get_by_role("button", name="Forward")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Backward
    page.get_by_text("backward pass done").wait_for()


def test_docs_screenshots_are_the_pages_size_and_shown() -> None:
    page = (ROOT / "docs" / "playground.md").read_text(encoding="utf-8")
    for name in ["play-expression", "play-step", "play-train"]:
        figure = FIGURES / f"{name}.png"
        assert png_size(figure) == (1280, 800)
        assert f"figures/{name}.png" in page


BIG = (
    "tanh(x1*w1 + x2*w2 + b) * tanh(x1*w3 + x2*w4 + c) + sigmoid(x1*w5 - x2*w6) * "
    "exp(-(x1 - w7)**2) + log(1 + w8**2) / (1 + b**2) + relu(x1*w9 + x2*w10 - c) * tanh(w1*w2*w3)"
)


def test_browser_a_big_graph_fits_the_page_or_shows_at_its_own_size(page: Any) -> None:
    formula = page.get_by_label("Formula")
    formula.fill(BIG)
    formula.press("Enter")
    page.get_by_text("(54 nodes)").wait_for()
    view = page.locator("#view-expression")
    box = view.locator("div.drawing")
    picture = box.locator("svg")

    def width() -> float:
        return float(picture.evaluate("svg => svg.getBoundingClientRect().width"))

    fitted = width()
    assert fitted <= float(box.evaluate("b => b.clientWidth"))
    zoom = view.get_by_role("button", name="Actual size")
    zoom.click()
    assert zoom.get_attribute("aria-pressed") == "true"
    assert width() > 2 * fitted  # a box's text at its own size, the drawing scrolls
    view.get_by_role("button", name="Backward").click()
    view.get_by_text("backward pass done").wait_for()
    assert width() > 2 * fitted  # and it stays so as the drawing is redone
    zoom.click()
    assert width() == fitted
