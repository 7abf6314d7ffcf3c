// opgrad play: the page shows what the server computes. No arithmetic of the model happens
// here: the script sends what the learner did, and draws the numbers and pictures it gets back
// (the only arithmetic is placing those numbers on the screen).
"use strict";

let session = null;

async function call(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ session, ...body }),
  });
  let data;
  try {
    data = await response.json();
  } catch (error) {
    throw new Error(`the server answered ${response.status} without JSON`);
  }
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

// Runs one request at a time per view, in order. A job with a key replaces a waiting job of
// the same key: a dragged slider sends its newest position rather than a backlog, while every
// click of a button is sent.
function serial() {
  let running = false;
  const waiting = [];
  async function pump() {
    running = true;
    while (waiting.length > 0) {
      const { job } = waiting.shift();
      await job();
    }
    running = false;
  }
  return (job, key = null) => {
    const last = waiting[waiting.length - 1];
    if (key !== null && last && last.key === key) last.job = job;
    else waiting.push({ job, key });
    if (!running) pump();
  };
}

function svgElement(name, attributes = {}) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  return element;
}

function titled(svg, title) {
  for (const group of svg.querySelectorAll("g.node, g.edge")) {
    const text = group.querySelector("title");
    if (text && text.textContent === title) return group;
  }
  return null;
}

// Graphviz sizes its pictures in points: show them up to 1.6 times larger, never wider than
// their box, so a small graph is readable and a big one fits; or, asked for, at their own size
// (a big graph then scrolls).
function fit(svg, box, actual = false) {
  if (!svg) return;
  const natural = (parseFloat(svg.getAttribute("width")) * 4) / 3;
  const room = box.clientWidth - 16;
  svg.style.width = `${actual ? natural : Math.min(room, 1.6 * natural)}px`;
  svg.style.maxWidth = actual ? "none" : "100%";
  svg.style.height = "auto";
}

// ---------------------------------------------------------------- Expression and Neuron views

function graphView(section) {
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
  const queue = serial();
  zoom.addEventListener("click", () => {
    const actual = zoom.getAttribute("aria-pressed") !== "true";
    zoom.setAttribute("aria-pressed", String(actual));
    fit(graph.querySelector("svg"), graph, actual);
  });
  let state = null;

  function values() {
    const result = {};
    if (state) for (const leaf of state.leaves) result[leaf.name] = leaf.data;
    return result;
  }

  function activation() {
    const checked = section.querySelector("input[name=neuron-activation]:checked");
    return checked ? checked.value : "tanh";
  }

  function show(data) {
    state = data;
    error.textContent = "";
    message.textContent = data.message;
    q(".output").textContent =
      `${data.output.name} = ${data.output.text}  (${data.nodes} nodes)`;
    graph.innerHTML = data.svg;
    graph.setAttribute("aria-label", `the graph of ${data.text}`);
    const svg = graph.querySelector("svg");
    fit(svg, graph, zoom.getAttribute("aria-pressed") === "true");
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
      for (const [ids, name] of [[step.focus, "focus"], [step.inputs, "touched"], [step.edges, "active"]]) {
        for (const id of ids) {
          const group = svg && titled(svg, id);
          if (group) group.classList.add(name);
        }
      }
    } else {
      title.textContent = "Step through the backward pass with Step";
      lines.replaceChildren();
    }
    if (formula && document.activeElement !== formula) formula.value = data.text;
    showLeaves(data.leaves);
  }

  function showLeaves(leaves) {
    const body = q(".leaves tbody");
    const names = leaves.map((leaf) => leaf.name).join(" ");
    if (body.dataset.names !== names) {
      body.dataset.names = names;
      body.replaceChildren(...leaves.map(leafRow));
    }
    for (const leaf of leaves) {
      const row = body.querySelector(`tr[data-name="${CSS.escape(leaf.name)}"]`);
      const number = row.querySelector("input[type=number]");
      const slider = row.querySelector("input[type=range]");
      if (document.activeElement !== number) number.value = leaf.data;
      slider.min = leaf.range[0];
      slider.max = leaf.range[1];
      if (document.activeElement !== slider) slider.value = leaf.data;
      row.querySelector(".grad").textContent = leaf.grad_text;
      row.querySelector(".nudge").textContent = leaf.nudge_text;
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
    slider.addEventListener("input", () => set(leaf.name, Number(slider.value)));
    number.addEventListener("change", () => {
      if (number.value !== "") set(leaf.name, Number(number.value));
    });
    return row;
  }

  function run(body, key = null) {
    queue(async () => {
      try {
        show(await call("/api/expression", { view, ...body }));
      } catch (failure) {
        error.textContent = failure.message;
      }
    }, key);
  }

  function set(name, value) {
    run({ action: "set", name, value }, `set ${name}`);
  }

  function forward() {
    if (view === "neuron") run({ action: "load", activation: activation(), values: values() });
    else run({ action: "load", formula: formula.value, values: values() });
  }

  for (const button of section.querySelectorAll("button[data-action]")) {
    const action = button.dataset.action;
    button.addEventListener("click", () => (action === "forward" ? forward() : run({ action })));
  }
  const form = q(".formula-form");
  if (form) form.addEventListener("submit", (event) => { event.preventDefault(); forward(); });
  for (const radio of section.querySelectorAll("input[name=neuron-activation]")) {
    radio.addEventListener("change", forward);
  }
  return { start: () => run({ action: "show" }) };
}

// ---------------------------------------------------------------- Train view

const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c"];

function trainView(section) {
  const $ = (id) => document.getElementById(id);
  const plot = $("plot");
  const error = $("train-error");
  const queue = serial();
  let state = null;
  let training = false;

  function settings() {
    return {
      dataset: $("dataset").value,
      hidden: $("hidden").value,
      activation: $("activation").value,
      lr: Number($("lr").value),
      optimizer: $("optimizer").value,
    };
  }

  async function request(body) {
    try {
      show(await call("/api/train", body));
      return true;
    } catch (failure) {
      error.textContent = failure.message;
      return false;
    }
  }

  function run(body) {
    queue(() => request(body));
  }

  function show(data) {
    const first = state === null || state.dataset !== data.dataset;
    state = data;
    error.textContent = "";
    $("train-message").textContent = data.message;
    $("epoch").textContent = data.epoch;
    const loss = data.loss[data.loss.length - 1];
    const accuracy = data.accuracy[data.accuracy.length - 1];
    $("loss").textContent = loss === undefined ? "-" : Number(loss).toPrecision(4);
    $("accuracy").textContent = accuracy === undefined ? "-" : `${(100 * accuracy).toFixed(1)}%`;
    $("epoch-time").textContent =
      data.epoch_seconds === null ? "-" : `${(1000 * data.epoch_seconds).toFixed(0)} ms`;
    $("model").textContent = `${data.model}, ${data.parameters} parameters`;
    $("about").textContent = data.about;
    if (first) {
      $("dataset").value = data.dataset;
      $("hidden").value = data.settings.hidden;
      $("activation").value = data.settings.activation;
      $("lr").value = data.settings.lr;
      $("optimizer").value = data.settings.optimizer;
      const classes = data.classes || [];
      $("point-class").replaceChildren(...classes.map((name, k) => new Option(name, k)));
    }
    // The network at its own size, however wide: scroll it rather than shrink its numbers.
    $("network").innerHTML = data.network_svg;
    const network = $("network").querySelector("svg");
    if (network) {
      network.style.width = `${(parseFloat(network.getAttribute("width")) * 4) / 3}px`;
      network.style.maxWidth = "none";
      network.style.height = "auto";
    }
    drawPlot(data);
    drawCurve($("loss-curve"), data.loss, null);
    drawCurve($("accuracy-curve"), data.accuracy, [0, 1]);
  }

  const SIZE = 420;
  const MARGIN = 36;

  function scales(plotData) {
    const [[x0, x1], [y0, y1]] = plotData.ranges;
    const inner = SIZE - 2 * MARGIN;
    return {
      sx: (x) => MARGIN + ((x - x0) / (x1 - x0)) * inner,
      sy: (y) => SIZE - MARGIN - ((y - y0) / (y1 - y0)) * inner,
      fx: (px) => x0 + ((px - MARGIN) / inner) * (x1 - x0),
      fy: (py) => y0 + ((SIZE - MARGIN - py) / inner) * (y1 - y0),
    };
  }

  function drawPlot(data) {
    const box = plot;
    const table = $("predictions");
    box.replaceChildren();
    const plotData = data.plot;
    box.hidden = plotData === null;
    table.hidden = plotData !== null;
    section.querySelector(".add-point").hidden = plotData === null;
    if (plotData === null) {
      table.tBodies[0].replaceChildren(...data.predictions.map((p) => {
        const row = document.createElement("tr");
        row.innerHTML = "<td></td><td></td>";
        row.cells[0].textContent = p.target;
        row.cells[1].textContent = Number(p.output).toPrecision(4);
        return row;
      }));
      return;
    }
    const { sx, sy } = scales(plotData);
    const [[x0, x1], [y0, y1]] = plotData.ranges;
    const n = plotData.grid;
    const cells = svgElement("g", { class: "cells", "shape-rendering": "crispEdges" });
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const k = j * n + i;
        // Whole pixels, so that neighbouring cells meet without a seam or an overlap.
        const left = Math.round(sx(x0 + ((x1 - x0) * i) / n));
        const right = Math.round(sx(x0 + ((x1 - x0) * (i + 1)) / n));
        const top = Math.round(sy(y0 + ((y1 - y0) * (j + 1)) / n));
        const bottom = Math.round(sy(y0 + ((y1 - y0) * j) / n));
        cells.append(svgElement("rect", {
          x: left, y: top, width: right - left, height: bottom - top,
          fill: COLOURS[plotData.cells[k]], "fill-opacity": 0.12 + 0.38 * plotData.strengths[k],
        }));
      }
    }
    box.append(cells);
    box.append(svgElement("rect", {
      class: "frame", x: MARGIN, y: MARGIN, width: SIZE - 2 * MARGIN, height: SIZE - 2 * MARGIN,
    }));
    const labels = [
      [SIZE / 2, SIZE - 6, data.features[0], "middle"],
      [MARGIN, SIZE - MARGIN + 14, x0.toFixed(2), "start"],
      [SIZE - MARGIN, SIZE - MARGIN + 14, x1.toFixed(2), "end"],
      [MARGIN - 4, SIZE - MARGIN, y0.toFixed(2), "end"],
      [MARGIN - 4, MARGIN + 10, y1.toFixed(2), "end"],
    ];
    for (const [x, y, text, anchor] of labels) {
      const label = svgElement("text", { x, y, "text-anchor": anchor });
      label.textContent = text;
      box.append(label);
    }
    const yLabel = svgElement("text", {
      x: 12, y: SIZE / 2, "text-anchor": "middle", transform: `rotate(-90 12 ${SIZE / 2})`,
    });
    yLabel.textContent = data.features[1];
    box.append(yLabel);
    let x = MARGIN;
    data.classes.forEach((name, k) => {
      box.append(svgElement("circle", { cx: x + 5, cy: 18, r: 5, fill: COLOURS[k], class: "key" }));
      const key = svgElement("text", { x: x + 14, y: 22 });
      key.textContent = name;
      box.append(key);
      x += 24 + 7 * name.length;
    });
    plotData.points.forEach(([x, y, label], index) => {
      const point = svgElement("circle", {
        cx: sx(x), cy: sy(y), r: 5, fill: COLOURS[label], class: "point", "data-index": index,
      });
      const tip = svgElement("title");
      tip.textContent = `${data.classes[label]} (${x.toFixed(2)}, ${y.toFixed(2)}): click to remove`;
      point.append(tip);
      box.append(point);
    });
  }

  function drawCurve(svg, values, fixed) {
    svg.replaceChildren();
    const width = Number(svg.getAttribute("width"));
    const height = Number(svg.getAttribute("height"));
    const m = 30;
    const numbers = values.map(Number).filter(Number.isFinite);
    const low = fixed ? fixed[0] : 0;
    const high = fixed ? fixed[1] : Math.max(1e-9, ...numbers);
    svg.append(svgElement("rect", { class: "frame", x: m, y: 8, width: width - m - 8, height: height - 8 - 20 }));
    for (const [y, text] of [[height - 20, low], [14, high]]) {
      const label = svgElement("text", { x: m - 4, y, "text-anchor": "end" });
      label.textContent = Number(text).toPrecision(2);
      svg.append(label);
    }
    const caption = svgElement("text", { x: width - 8, y: height - 4, "text-anchor": "end" });
    caption.textContent = `epoch ${values.length}`;
    svg.append(caption);
    if (values.length === 0) return;
    const count = Math.max(values.length - 1, 1);
    const points = values.map((v, k) => {
      const x = m + ((width - m - 8) * k) / count;
      const y = 8 + (height - 28) * (1 - (Math.min(Number(v), high) - low) / (high - low || 1));
      return `${x.toFixed(1)},${(Number.isFinite(y) ? y : 8).toFixed(1)}`;
    });
    svg.append(svgElement("polyline", { class: "curve", points: points.join(" ") }));
  }

  async function trainLoop() {
    if (training) return;
    training = true;
    $("train").setAttribute("aria-pressed", "true");
    while (training) {
      const ok = await request({ action: "run", seconds: 0.25 });
      if (!ok) break;
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    training = false;
    $("train").setAttribute("aria-pressed", "false");
  }

  $("train").addEventListener("click", trainLoop);
  $("pause").addEventListener("click", () => { training = false; });
  $("step-epoch").addEventListener("click", () => { training = false; run({ action: "run", epochs: 1 }); });
  $("train-reset").addEventListener("click", () => {
    training = false;
    run({ action: "setup", ...settings() });
  });
  $("dataset").addEventListener("change", () => {
    training = false;
    state = null;
    run({ action: "setup", dataset: $("dataset").value });
  });
  plot.addEventListener("click", (event) => {
    if (!state || !state.plot) return;
    const target = event.target;
    if (target.classList.contains("point")) {
      run({ action: "remove", index: Number(target.dataset.index) });
      return;
    }
    const bounds = plot.getBoundingClientRect();
    const { fx, fy } = scales(state.plot);
    const x = fx(event.clientX - bounds.left);
    const y = fy(event.clientY - bounds.top);
    run({ action: "add", x, y, label: Number($("point-class").value) });
  });
  $("remove-nearest").addEventListener("click", () => {
    run({ action: "remove_nearest", x: Number($("point-x").value), y: Number($("point-y").value) });
  });
  section.querySelector(".add-point").addEventListener("submit", (event) => {
    event.preventDefault();
    run({
      action: "add", x: Number($("point-x").value), y: Number($("point-y").value),
      label: Number($("point-class").value),
    });
  });
  return { start: () => run({ action: "state" }) };
}

// ---------------------------------------------------------------- tabs and start

function tabs(views) {
  const list = [...document.querySelectorAll("[role=tab]")];
  const started = new Set();
  function select(tab) {
    for (const other of list) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    const name = tab.id.replace("tab-", "");
    if (!started.has(name)) {
      started.add(name);
      views[name].start();
    }
  }
  list.forEach((tab, k) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) {
        const next = list[(k + step + list.length) % list.length];
        next.focus();
        select(next);
      }
    });
  });
  select(list[0]);
}

async function start() {
  try {
    session = (await call("/api/session", {})).session;
  } catch (failure) {
    document.querySelector("main").textContent = `Cannot reach the playground's server: ${failure.message}`;
    return;
  }
  tabs({
    expression: graphView(document.getElementById("view-expression")),
    neuron: graphView(document.getElementById("view-neuron")),
    train: trainView(document.getElementById("view-train")),
  });
}

start();
