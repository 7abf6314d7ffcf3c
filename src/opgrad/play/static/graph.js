// The Expression and Neuron views: a graph drawn by the server, its leaves, its steps, and
// Predict, which asks for a step's gradient before showing it.
import { fit, serial, titled } from "./page.js";

// A guess is right when it agrees with the engine's number to about three digits.
function agrees(guess, answer) {
  return Math.abs(guess - answer) <= 0.005 * Math.max(1, Math.abs(answer));
}

function hint(question) {
  const { name, node, upstream_text: upstream, before_text: before, uses } = question;
  let text = `${name}.grad += ${node}.grad * d(${node})/d(${name}), and ${node}.grad is ${upstream}: ` +
    `work out the local derivative d(${node})/d(${name}) at these values`;
  if (uses > 1) text += `; ${name} is ${uses} of ${node}'s inputs, so it gets ${uses} shares`;
  if (before !== "0") text += `; ${name}.grad holds ${before} already, and the share is added`;
  return text;
}

export function graphView(section, call, page) {
  const view = section.dataset.view;
  const sidebar = section.querySelector(".sidebar");
  sidebar.append(document.getElementById("graph-controls").content.cloneNode(true));
  section.append(document.getElementById("graph-main").content.cloneNode(true));
  const q = (selector) => section.querySelector(selector);
  const error = q(".error");
  const message = q(".message");
  const graph = q(".drawing");
  const formula = q("#formula");
  const zoom = q(".zoom");
  const predict = q("form.predict");
  const answer = predict.querySelector("input");
  const verdict = predict.querySelector(".verdict");
  answer.id = `${view}-answer`;
  const queue = serial();
  let state = null;
  let pending = null; // a step's answer, held back until the learner has predicted it
  const typed = new Set(); // leaves moved by typing: their nudge would be over the whole jump

  zoom.addEventListener("click", () => {
    const actual = zoom.getAttribute("aria-pressed") !== "true";
    zoom.setAttribute("aria-pressed", String(actual));
    refit();
  });

  function refit() {
    fit(graph.querySelector("svg"), graph, zoom.getAttribute("aria-pressed") === "true");
  }

  function values() {
    const result = {};
    if (state) for (const leaf of state.leaves) result[leaf.name] = leaf.data;
    return result;
  }

  function activation() {
    const checked = section.querySelector("input[name=neuron-activation]:checked");
    return checked ? checked.value : "tanh";
  }

  function highlight(svg, step) {
    for (const [ids, name] of [[step.focus, "focus"], [step.inputs, "touched"], [step.edges, "active"]]) {
      for (const id of ids) {
        for (const group of svg ? titled(svg, id) : []) group.classList.add(name);
      }
    }
  }

  function show(data) {
    state = data;
    pending = null;
    message.classList.remove("right");
    predict.hidden = true;
    error.textContent = "";
    message.textContent = data.message;
    q(".output").textContent =
      `${data.output.name} = ${data.output.text}  (${data.nodes} nodes)`;
    graph.innerHTML = data.svg;
    graph.setAttribute("aria-label", `the graph of ${data.text}`);
    const svg = graph.querySelector("svg");
    refit();
    const step = data.step;
    const title = q(".step-title");
    const lines = q(".step-lines");
    if (step) {
      title.textContent = `Step ${step.number} of ${step.total}` + (data.done ? " (complete)" : "");
      lines.replaceChildren(...step.lines.map((line) => {
        const item = document.createElement("li");
        item.textContent = line;
        return item;
      }));
      highlight(svg, step);
    } else {
      title.textContent = "Step through the backward pass with Step";
      lines.replaceChildren();
    }
    if (formula && document.activeElement !== formula) formula.value = data.text;
    showLeaves(data.leaves);
  }

  // Predict: the step is taken, but the page keeps showing the graph before it, with the node
  // about to pass its gradient highlighted, and asks for the gradient its first input gets.
  function ask(data) {
    const question = data.step.question;
    pending = data;
    error.textContent = "";
    message.textContent = "";
    highlight(graph.querySelector("svg"), data.step);
    q(".step-title").textContent = `Step ${data.step.number} of ${data.step.total}: predict it first`;
    q(".step-lines").replaceChildren();
    predict.querySelector(".question").textContent =
      `${question.node} passes its gradient back. What is ${question.name}.grad after this step?`;
    verdict.textContent = "";
    answer.value = "";
    predict.hidden = false;
    answer.focus();
  }

  function check() {
    if (!pending) return;
    const question = pending.step.question;
    const text = answer.value.trim();
    const guess = Number(text);
    if (text === "" || !Number.isFinite(guess)) {
      verdict.textContent = "type a number, such as 0.5 or -1.5";
      return;
    }
    if (!agrees(guess, Number(question.answer))) {
      verdict.textContent = `not yet: ${hint(question)}.`;
      answer.select();
      return;
    }
    const right = `Right: ${question.name}.grad = ${question.answer_text}.`;
    show(pending);
    message.textContent = right;
    message.classList.add("right");
  }

  predict.addEventListener("submit", (event) => { event.preventDefault(); check(); });
  predict.querySelector(".reveal").addEventListener("click", () => {
    if (!pending) return;
    const question = pending.step.question;
    show(pending);
    message.textContent = `${question.name}.grad = ${question.answer_text}: read the line below`;
  });

  function showLeaves(leaves) {
    const body = q(".leaves tbody");
    const names = leaves.map((leaf) => leaf.name).join(" ");
    if (body.dataset.names !== names) {
      body.dataset.names = names;
      body.replaceChildren(...leaves.map(leafRow));
    }
    const locked = page.locked("values");
    for (const leaf of leaves) {
      const row = body.querySelector(`tr[data-name="${CSS.escape(leaf.name)}"]`);
      const number = row.querySelector("input[type=number]");
      const slider = row.querySelector("input[type=range]");
      number.disabled = slider.disabled = locked;
      if (document.activeElement !== number) number.value = leaf.data;
      slider.min = leaf.range[0];
      slider.max = leaf.range[1];
      if (document.activeElement !== slider) slider.value = leaf.data;
      row.querySelector(".grad").textContent = leaf.grad_text;
      const nudge = row.querySelector(".nudge");
      nudge.textContent = typed.has(leaf.name) && leaf.nudge_text ? "-" : leaf.nudge_text;
      nudge.title = typed.has(leaf.name) ? "a typed value jumps: nudge with the slider to measure the slope" : "";
    }
  }

  function leafRow(leaf) {
    const row = document.createElement("tr");
    row.dataset.name = leaf.name;
    const id = `${view}-leaf-${leaf.name}`;
    row.innerHTML =
      '<th scope="row"><label></label></th><td><input type="number" step="any"></td>' +
      '<td><input type="range" step="0.01"></td><td class="grad"></td><td class="nudge"></td>';
    const label = row.querySelector("label");
    label.textContent = leaf.name;
    label.htmlFor = id;
    const number = row.querySelector("input[type=number]");
    number.id = id;
    const slider = row.querySelector("input[type=range]");
    slider.setAttribute("aria-label", `nudge ${leaf.name}`);
    slider.addEventListener("input", () => {
      typed.delete(leaf.name);
      set(leaf.name, Number(slider.value));
    });
    number.addEventListener("change", () => {
      if (number.value === "") return;
      typed.add(leaf.name);
      set(leaf.name, Number(number.value));
    });
    return row;
  }

  function run(body, key = null, then = null) {
    queue(async () => {
      try {
        const data = await call("/api/expression", { view, ...body });
        if (body.action === "step" && page.predicting() && data.step && data.step.question) ask(data);
        else show(data);
      } catch (failure) {
        // Whatever the page said before belongs to the state before: only the error stands.
        message.textContent = "";
        error.textContent = failure.message;
        if (then) then(failure);
      }
    }, key);
  }

  function set(name, value) {
    run({ action: "set", name, value }, `set ${name}`);
  }

  function forward() {
    typed.clear();
    if (view === "neuron") run({ action: "load", activation: activation(), values: values() });
    else run({ action: "load", formula: formula.value, values: values() });
  }

  for (const button of section.querySelectorAll("button[data-action]")) {
    const action = button.dataset.action;
    button.addEventListener("click", () => {
      if (action === "forward") forward();
      else if (action === "step" && pending) answer.focus(); // answer the open question first
      else run({ action });
    });
  }
  const form = q(".formula-form");
  if (form) form.addEventListener("submit", (event) => { event.preventDefault(); forward(); });
  for (const radio of section.querySelectorAll("input[name=neuron-activation]")) {
    radio.addEventListener("change", forward);
  }

  // What a shared link needs to bring this view back.
  function shared() {
    if (!state) return null;
    const part = { values: values() };
    if (view === "neuron") part.activation = activation();
    else part.formula = state.text;
    return part;
  }

  function start(restore) {
    if (!restore) {
      run({ action: "show" });
      return;
    }
    if (view === "neuron") {
      const radio = section.querySelector(`input[name=neuron-activation][value="${restore.activation || "tanh"}"]`);
      if (radio) radio.checked = true;
    }
    const body = view === "neuron"
      ? { action: "load", activation: restore.activation || "tanh", values: restore.values || {} }
      : { action: "load", formula: restore.formula, values: restore.values || {} };
    run(body, null, (failure) => {
      page.linkError(`the link's ${view} was not restored: ${failure.message}`);
      run({ action: "show" });
    });
  }

  return { start, shared, refit };
}
