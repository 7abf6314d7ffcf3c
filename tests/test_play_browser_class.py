"""Browser tests of what a class uses (issue 21): Share links, Predict, the network's drawing,
the projector, and the lecture's path without traps. Each test is one flow a teacher or a
learner follows in ``opgrad play``; the screenshots of docs/teaching.md are taken here.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from playwright.sync_api import expect

from browsertools import ROOT, leaf_cells, needs_chromium, open_page, shoot, type_formula
from opgrad.play.expression import ExpressionState, neuron_state
from opgrad.play.server import PlayServer
from opgrad.play.training import GRID, TrainState

pytestmark = needs_chromium


def link(url: str, state: object) -> str:
    text = json.dumps(state).encode()
    return f"{url}#share=" + base64.urlsafe_b64encode(text).decode().rstrip("=")


def test_browser_share_link_restores_the_whole_set_up_and_locks_what_the_teacher_chose(
    browser: Any, page: Any, play_server: PlayServer
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    type_formula(page, "x*x + y", {"x": "3"}, "out = 10 (4 nodes)")
    page.get_by_role("tab", name="Neuron").click()
    page.get_by_role("radio", name="ReLU").check()
    page.locator("#view-neuron").get_by_text("o = 0.8814").wait_for()
    page.get_by_role("tab", name="Train").click()
    page.get_by_text("no epoch yet").first.wait_for()
    page.locator("#view-train").get_by_label("Data set", exact=True).select_option("xor")
    expect(page.locator("#plot circle.point")).to_have_count(4)
    page.locator("#view-train").get_by_label("Hidden layers", exact=True).fill("4, 3")
    page.locator("#view-train").get_by_label("Activation", exact=True).select_option("sigmoid")
    page.locator("#view-train").get_by_label("Learning rate", exact=True).fill("0.5")
    page.locator("#view-train").get_by_label("Optimiser", exact=True).select_option("adam")
    page.locator("#view-train").get_by_label("Seed", exact=True).fill("7")
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("MLP(2, [4, 3, 1], activation='sigmoid')").wait_for()
    page.locator("#view-train").get_by_label("x", exact=True).fill("0.5")
    page.locator("#view-train").get_by_label("y", exact=True).fill("0.25")
    page.get_by_role("button", name="Add point").click()
    expect(page.locator("#plot circle.point")).to_have_count(5)
    page.get_by_role("button", name="Reset").click()  # a new model, on the points shown
    page.get_by_text("no epoch yet").first.wait_for()
    expect(page.locator("#plot circle.point")).to_have_count(5)
    page.get_by_role("button", name="Predict").click()
    page.get_by_role("button", name="Projector").click()
    page.get_by_role("button", name="Share").click()
    box = page.get_by_label("Link to this set-up")
    expect(box).to_have_value(re.compile(r"#share="))
    unlocked = box.input_value()
    page.get_by_text("For a class: lock or hide controls in the link").click()
    page.get_by_label("lock the formula").check()
    page.get_by_label("hide the seed").check()
    shared = box.input_value()
    assert shared != unlocked  # the link changes as the teacher ticks
    assert shared.startswith(play_server.url)
    page.get_by_role("button", name="Share").click()
    page.get_by_role("button", name="Share").click()  # opened again: the link is copied
    expect(page.get_by_text("the link is copied to the clipboard")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == box.input_value()
    shoot(page, "play-share", docs=True)

    for other in open_page(browser, box.input_value(), wait_for=None):
        other.locator("#network circle").first.wait_for()
        assert other.get_by_role("tab", name="Train").get_attribute("aria-selected") == "true"
        train = other.locator("#view-train")
        for label, value in [
            ("Data set", "xor"),
            ("Hidden layers", "4, 3"),
            ("Activation", "sigmoid"),
            ("Learning rate", "0.5"),
            ("Optimiser", "adam"),
            ("Seed", "7"),
        ]:
            expect(train.get_by_label(label, exact=True)).to_have_value(value)
        expect(other.locator("#plot circle.point")).to_have_count(5)
        state = TrainState("xor", hidden=(4, 3), activation="sigmoid", seed=7)
        count = len(state.model.parameters())
        model = f"MLP(2, [4, 3, 1], activation='sigmoid'), {count} parameters"
        expect(other.locator("#model")).to_have_text(model)  # hidden on a projector
        first = state.model.layers[0].neurons[0].w[0].data
        details = other.locator("#neuron-details").inner_text()
        assert f"w0 from x1 = {float(f'{first:.3g}'):g}" in details
        assert other.locator("#seed").is_hidden()
        assert other.get_by_role("button", name="Predict").get_attribute("aria-pressed") == "true"
        assert other.evaluate("document.documentElement.classList.contains('projector')")
        other.get_by_role("tab", name="Expression").click()
        other.get_by_text("out = 10 (4 nodes)").wait_for()
        assert other.get_by_label("Formula", exact=True).is_disabled()
        other.get_by_role("tab", name="Neuron").click()
        other.locator("#view-neuron").get_by_text("o = 0.8814").wait_for()
        assert other.get_by_role("radio", name="ReLU").is_checked()
        assert other.locator("#link-error").is_hidden()


HOSTILE = [
    ("#share=%%%", "it is not base64url text"),
    ("#share=" + base64.urlsafe_b64encode(b"{not json").decode().rstrip("="), "it is not JSON"),
    ("#share=" + "A" * 50_000, "it has 50000 characters; the page reads at most 40000"),
    (
        "#share=" + base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("="),
        "it is not UTF-8 text",
    ),
]


READ_LINK = """async (hash) => {
    const share = await import(new URL("static/share.js", location.href).href);
    try {
        share.readLink(hash);
        return "read";
    } catch (error) {
        return `${error.constructor.name}: ${error.message}`;
    }
}"""


def test_browser_hostile_links_say_what_is_wrong_and_the_page_works_on(
    browser: Any, page: Any, play_server: PlayServer
) -> None:
    url = play_server.url
    cases = [
        *HOSTILE,
        (link(url, [1, 2])[len(url) :], "the set-up must be an object"),
        (
            link(url, {"version": 1, "evil": 1})[len(url) :],
            'a field this page does not know: "evil"',
        ),
        (
            link(url, {"version": 1, "train": {"lr": "fast"}})[len(url) :],
            "train.lr must be a number",
        ),
        (
            link(url, {"version": 1, "lock": ["__proto__"]})[len(url) :],
            "a control this page does not know",
        ),
        (
            link(url, {"version": 1, "view": "train", "hide": ["train"]})[len(url) :],
            "hides its own view",
        ),
        (link(url, {"version": 2})[len(url) :], "of a version this page does not know"),
    ]
    # The page's own reader, on each link: a LinkError naming what is wrong, never another error.
    for fragment, message in cases:
        said = page.evaluate(READ_LINK, fragment)
        assert said.startswith("LinkError: ")
        assert message in said
    # Whole pages (few: the server keeps 8 sessions in use): the banner, and the page works.
    for fragment, message in [cases[0], cases[7]]:
        for opened in open_page(browser, url + fragment):
            banner = opened.get_by_role("alert").filter(has_text="This link's set-up was not used")
            expect(banner).to_contain_text(message)
            opened.get_by_role("button", name="Backward").click()
            opened.get_by_text("backward pass done").wait_for()
    # Values the server refuses are said in the banner, and the view opens as it would.
    refused = {"version": 1, "view": "train", "train": {"dataset": "moons", "lr": 100}}
    for opened in open_page(browser, link(url, refused), wait_for=None):
        expect(opened.locator("#link-error")).to_contain_text(
            "the link's training set-up was not restored: "
            "Learning rate must be above 0 and at most 10"
        )
        expect(opened.locator("#plot circle.point")).to_have_count(100)


def test_browser_predict_asks_for_the_next_gradient_then_shows_the_chain_rule(page: Any) -> None:
    page.get_by_role("tab", name="Neuron").click()
    view = page.locator("#view-neuron")
    view.get_by_text("o = 0.7071").wait_for()
    page.get_by_role("button", name="Predict").click()
    view.get_by_role("button", name="Step", exact=True).click()
    answer = view.get_by_label("Your answer")
    expect(answer).to_be_focused()
    view.get_by_text("o passes its gradient back. What is n.grad after this step?").wait_for()
    assert view.locator(".step-lines li").count() == 0  # nothing is given away before
    assert view.locator("svg g.node.focus").count() == 2  # the node about to pass is marked
    answer.fill("1")
    answer.press("Enter")
    verdict = view.locator(".verdict")
    hint = r"^not yet: n\.grad \+= o\.grad \* d\(o\)/d\(n\), and o\.grad is 1: work out"
    expect(verdict).to_have_text(re.compile(hint))
    shoot(page, "play-predict", docs=True)
    answer.fill("0.5")
    view.get_by_role("button", name="Check").click()
    state = neuron_state("tanh")
    state.step()
    expect(view.locator(".step-lines li")).to_have_text(list(state.steps[0].lines))
    assert view.locator(".message").inner_text() == "Right: n.grad = 0.5."
    # Show me reveals without an answer; Predict off steps straight through.
    view.get_by_role("button", name="Step", exact=True).click()
    view.get_by_role("button", name="Show me").click()
    view.get_by_text("Step 2 of 5").wait_for()
    page.get_by_role("button", name="Predict").click()
    view.get_by_role("button", name="Step", exact=True).click()
    view.get_by_text("Step 3 of 5").wait_for()
    assert view.get_by_label("Your answer").is_hidden()


def test_browser_lesson_x_times_x_at_3_shows_the_local_derivative_twice(page: Any) -> None:
    # Issue 21: the lesson plan's x*x at x = 1 showed "1 * 1 = 1", which hides d(x*x)/dx = x.
    type_formula(page, "x*x", {"x": "3"}, "out = 9 (2 nodes)")
    # A typed value jumps from 1 to 3: its "nudge" would be the slope of the whole jump (4).
    assert leaf_cells(page, "expression")["x"]["nudge"] == "-"
    page.get_by_role("button", name="Predict").click()
    view = page.locator("#view-expression")
    view.get_by_role("button", name="Step", exact=True).click()
    answer = view.get_by_label("Your answer")
    answer.fill("3")
    answer.press("Enter")
    expect(view.locator(".verdict")).to_contain_text("x is 2 of out's inputs, so it gets 2 shares")
    answer.fill("6")
    answer.press("Enter")
    state = ExpressionState.from_formula("x*x", {"x": 3.0})
    state.step()
    lines = list(state.steps[0].lines)
    assert lines == [
        "x.grad += out.grad * d(out)/d(x) = 1 * 3 = 3 -> 3",
        "x.grad += out.grad * d(out)/d(x) = 1 * 3 = 3 -> 6",
    ]
    expect(view.locator(".step-lines li")).to_have_text(lines)
    # Both edges from x to * are drawn as active, and out's edge: x is used twice.
    assert view.locator("svg g.edge.active").count() == 3
    shoot(page, "play-fanout", docs=True)


def test_browser_network_is_drawn_as_a_teacher_draws_it_and_fits_the_screen(page: Any) -> None:
    page.get_by_role("tab", name="Train").click()
    network = page.get_by_role("img", name=re.compile("^Network 2-16-16-1"))
    network.locator("circle").first.wait_for()
    box = network.bounding_box()
    assert box["x"] >= 0
    assert box["y"] >= 0
    assert box["x"] + box["width"] <= 1280
    assert box["y"] + box["height"] <= 800
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # Inputs and neurons in order, top to bottom, and one edge per weight.
    inputs = network.locator("circle.input")
    assert inputs.evaluate_all("cs => cs.map(c => c.dataset.name)") == ["x1", "x2"]
    ys = inputs.evaluate_all("cs => cs.map(c => Number(c.getAttribute('cy')))")
    assert ys == sorted(ys)
    layer = network.locator("circle.neuron[data-name^='L0.']")
    assert layer.evaluate_all("cs => cs.map(c => c.dataset.name)") == [
        f"L0.N{i}" for i in range(16)
    ]
    ys = layer.evaluate_all("cs => cs.map(c => Number(c.getAttribute('cy')))")
    assert ys == sorted(ys)
    edges = network.locator("line")
    assert edges.count() == 2 * 16 + 16 * 16 + 16
    # Thicker for a larger weight: the widths of L0's edges follow |w|.
    state = TrainState("moons")
    weights = [abs(w.data) for n in state.model.layers[0].neurons for w in n.w]
    script = "ls => ls.slice(0, 32).map(l => Number(l.getAttribute('stroke-width')))"
    widths = edges.evaluate_all(script)
    ranks = sorted(range(32), key=lambda k: weights[k])
    assert [widths[k] for k in ranks] == sorted(widths)
    # Click a neuron: its weights and gradients, as the model has them.
    page.get_by_role("button", name="Step epoch").click()
    expect(page.locator("#epoch")).to_have_text("1")
    state.run(epochs=1)
    network.locator("circle[data-name='L1.N5']").click()
    neuron = state.model.layers[1].neurons[5]
    details = page.locator("#neuron-details")
    expect(details).to_contain_text("L1.N5 (relu): output")
    expect(details).to_contain_text(f"w0 from L0.N0 = {float(f'{neuron.w[0].data:.3g}'):g} (grad ")
    assert f"(grad {float(f'{neuron.w[0].grad:.3g}'):g})" in details.inner_text()
    # Another point: the colours are the outputs there.
    page.locator("#view-train").get_by_label("Activations at point", exact=True).fill("42")
    page.locator("#view-train").get_by_label("Activations at point", exact=True).press("Enter")
    expect(network).to_have_attribute("aria-label", re.compile("output at point 42"))
    # Smooth regions: one pixel per grid cell, scaled up by the browser with interpolation.
    regions = page.locator("#plot image.regions")
    assert int(regions.get_attribute("data-grid") or 0) == GRID >= 40
    assert regions.evaluate("r => getComputedStyle(r).imageRendering") == "auto"
    assert regions.bounding_box()["width"] > 8 * GRID


def test_browser_projector_mode_and_the_tiny_set_and_a_diverging_run(page: Any) -> None:
    def size(selector: str) -> float:
        script = "e => parseFloat(getComputedStyle(e).fontSize)"
        return float(page.locator(selector).first.evaluate(script))

    page.get_by_role("tab", name="Train").click()
    page.get_by_text("no epoch yet").first.wait_for()
    # Issue 21: the loss chart's labels read "0e-9" before any training.
    assert "e-" not in page.locator("#loss-curve").text_content()
    # Issue 21: an empty x added a point at 0.
    page.locator("#view-train").get_by_label("y", exact=True).fill("0.5")
    page.get_by_role("button", name="Add point").click()
    expect(page.locator("#train-error")).to_have_text(
        "type both x and y first: an empty box is no number"
    )
    expect(page.locator("#plot circle.point")).to_have_count(100)
    # Issue 21: at learning rate 10 the loss reached 7.7e8 with no message, its top label cut.
    page.locator("#view-train").get_by_label("Learning rate", exact=True).fill("10")
    page.get_by_role("button", name="Reset").click()
    for _ in range(6):
        page.get_by_role("button", name="Step epoch").click()
    expect(page.locator("#epoch")).to_have_text("6")
    expect(page.locator("#train-message")).to_contain_text("training diverges: the loss grew from")
    top = page.locator("#loss-curve text").nth(2)  # the caption, the lowest label, the top one
    assert "e+" not in (top.text_content() or "")
    curve = page.locator("#loss-curve").bounding_box()
    assert top.bounding_box()["x"] >= curve["x"]
    # Issue 21: the tiny set left a large empty plot and an accuracy chart stuck at epoch 0.
    page.locator("#view-train").get_by_label("Data set", exact=True).select_option("tiny")
    page.get_by_text("Targets and outputs").wait_for()
    assert page.locator("#accuracy-curve").is_hidden()
    assert page.locator("#predictions").is_visible()
    network = page.get_by_role("img", name=re.compile("^Network 3-4-4-1"))
    assert network.locator("circle").count() == 3 + 4 + 4 + 1
    # Issue 21: small text on a projector. Projector mode: at least 20 px everywhere it counts.
    before = size("#view-train .settings label")
    assert page.locator("#view-train .sidebar .hint").first.is_visible()
    page.get_by_role("button", name="Projector").click()
    assert page.locator("#view-train .sidebar .hint").first.is_hidden()  # for a reader alone
    assert size("#view-train .settings label") >= 20 > before
    assert size("#network text") >= 16
    page.locator("#view-train").get_by_label("Data set", exact=True).select_option("moons")
    expect(page.locator("#plot circle.point")).to_have_count(100)
    for _ in range(25):
        page.get_by_role("button", name="Step epoch").click()
    expect(page.locator("#epoch")).to_have_text("25")
    shoot(page, "play-projector", docs=True)
    page.get_by_role("tab", name="Neuron").click()
    page.locator("#view-neuron").get_by_text("o = 0.7071").wait_for()
    assert size("#view-neuron .step-title") >= 20


def test_teaching_lesson_plan_quotes_the_lines_the_engine_gives_for_x_times_x() -> None:
    plan = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    state = ExpressionState.from_formula("x*x", {"x": 3.0})
    state.step()
    block = "```text\n" + "\n".join(state.steps[0].lines) + "\n```"
    assert block in plan
    assert "set `x` to 3" in plan
