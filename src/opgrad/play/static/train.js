// The Train view: settings, training runs, the data and decision regions, the curves and the
// network's drawing, all drawn from the numbers the server sends.
import { drawNetwork, neuronDetails } from "./network.js";
import { serial, short, svgElement, textSize } from "./page.js";

const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c"];
const RGB = [[31, 119, 180], [255, 127, 14], [44, 160, 44]];
const SIZE = 420;
const MARGIN = 46;

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

// The regions as an image of one pixel per grid cell, which the browser scales up smoothly
// (bilinear), so the boundary is a gradient, not a staircase. Each pixel is its class's colour
// over white, stronger where the model is sure.
function regionImage(plotData) {
  const n = plotData.grid;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = n;
  const context = canvas.getContext("2d");
  const image = context.createImageData(n, n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const k = j * n + i; // row j of the grid is j-th from the bottom; the image's from the top
      const alpha = 0.12 + 0.38 * plotData.strengths[k];
      const rgb = RGB[plotData.cells[k]];
      const at = 4 * ((n - 1 - j) * n + i);
      for (let c = 0; c < 3; c++) image.data[at + c] = Math.round(rgb[c] * alpha + 255 * (1 - alpha));
      image.data[at + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
  return canvas.toDataURL("image/png");
}

function drawCurve(svg, values, fixed) {
  svg.replaceChildren();
  const width = Number(svg.getAttribute("width"));
  const height = Number(svg.getAttribute("height"));
  const m = 16 + 2.4 * textSize();
  const numbers = values.map(Number).filter(Number.isFinite);
  svg.append(svgElement("rect", { class: "frame", x: m, y: 10, width: width - m - 8, height: height - 10 - 22 }));
  const caption = svgElement("text", { x: width - 8, y: height - 5, "text-anchor": "end" });
  svg.append(caption);
  if (numbers.length === 0) {
    caption.textContent = "no epoch yet: press Train or Step epoch";
    return;
  }
  caption.textContent = `epoch ${values.length}`;
  const low = fixed ? fixed[0] : 0;
  const high = fixed ? fixed[1] : Math.max(...numbers);
  for (const [y, value] of [[height - 22, low], [22, high]]) {
    const label = svgElement("text", { x: m - 5, y, "text-anchor": "end" });
    label.textContent = fixed ? `${Math.round(100 * value)}%` : short(value);
    svg.append(label);
  }
  const count = Math.max(values.length - 1, 1);
  const points = values.map((v, k) => {
    const x = m + ((width - m - 8) * k) / count;
    const y = 10 + (height - 32) * (1 - (Math.min(Number(v), high) - low) / (high - low || 1));
    return `${x.toFixed(1)},${(Number.isFinite(y) ? y : 10).toFixed(1)}`;
  });
  svg.append(svgElement("polyline", { class: "curve", points: points.join(" ") }));
}

export function trainView(section, call, page) {
  const $ = (id) => document.getElementById(id);
  const plot = $("plot");
  const error = $("train-error");
  const queue = serial();
  let state = null;
  let training = false;
  let edited = false; // the points are not the data set's own: Reset and links keep them

  function settings() {
    return {
      dataset: $("dataset").value,
      hidden: $("hidden").value,
      activation: $("activation").value,
      lr: Number($("lr").value),
      optimizer: $("optimizer").value,
      seed: $("seed").value === "" ? null : Number($("seed").value),
    };
  }

  function points() {
    return state && state.plot ? state.plot.points : null;
  }

  async function request(body) {
    try {
      show(await call("/api/train", body));
      if (["add", "remove", "remove_nearest"].includes(body.action)) edited = true;
      return true;
    } catch (failure) {
      $("train-message").textContent = "";
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
      $("seed").value = data.settings.seed;
      const classes = data.classes || [];
      $("point-class").replaceChildren(...classes.map((name, k) => new Option(name, k)));
    }
    drawPlot(data);
    drawCurve($("loss-curve"), data.loss, null);
    $("accuracy-box").hidden = data.classes === null; // a regression has no accuracy
    drawCurve($("accuracy-curve"), data.accuracy, [0, 1]);
    showNetwork(data);
  }

  function showNetwork(data) {
    const network = data.network;
    drawNetwork($("network"), network, (name) => { $("neuron").value = name; details(); });
    const shown = $("shown-point");
    shown.max = data.plot ? data.plot.points.length - 1 : data.predictions.length - 1;
    if (document.activeElement !== shown) shown.value = network.point;
    const names = network.layers.flatMap((layer) => layer.neurons.map((n) => n.name));
    const select = $("neuron");
    if (select.dataset.names !== names.join(" ")) {
      const keep = select.value;
      select.dataset.names = names.join(" ");
      select.replaceChildren(...names.map((name) => new Option(name, name)));
      if (names.includes(keep)) select.value = keep;
    }
    details();
  }

  function details() {
    if (!state) return;
    $("neuron-details").textContent = neuronDetails(state.network, $("neuron").value);
    for (const node of $("network").querySelectorAll("circle.neuron")) {
      node.classList.toggle("chosen", node.dataset.name === $("neuron").value);
    }
  }

  function drawPlot(data) {
    const box = plot;
    const table = $("predictions");
    box.replaceChildren();
    const plotData = data.plot;
    box.hidden = plotData === null;
    table.hidden = plotData !== null;
    $("plot-title").textContent = plotData === null ? "Targets and outputs" : "Data and decision regions";
    section.querySelector(".add-point").hidden = plotData === null || page.hidden("points");
    if (plotData === null) {
      table.tBodies[0].replaceChildren(...data.predictions.map((p, k) => {
        const row = document.createElement("tr");
        row.innerHTML = "<td></td><td></td>";
        row.cells[0].textContent = p.target;
        row.cells[1].textContent = Number(p.output).toPrecision(4);
        if (k === data.network.point) row.classList.add("shown");
        return row;
      }));
      return;
    }
    const { sx, sy } = scales(plotData);
    const [[x0, x1], [y0, y1]] = plotData.ranges;
    const inner = SIZE - 2 * MARGIN;
    box.append(svgElement("image", {
      class: "regions", x: MARGIN, y: MARGIN, width: inner, height: inner,
      preserveAspectRatio: "none", href: regionImage(plotData),
      "data-grid": plotData.grid,
    }));
    box.append(svgElement("rect", { class: "frame", x: MARGIN, y: MARGIN, width: inner, height: inner }));
    const font = textSize();
    const labels = [
      [SIZE / 2, SIZE - 4, data.features[0], "middle"],
      [MARGIN, SIZE - MARGIN + 4 + font, x0.toFixed(2), "start"],
      [SIZE - MARGIN, SIZE - MARGIN + 4 + font, x1.toFixed(2), "end"],
      [MARGIN - 4, SIZE - MARGIN, y0.toFixed(2), "end"],
      [MARGIN - 4, MARGIN + font, y1.toFixed(2), "end"],
    ];
    for (const [x, y, text, anchor] of labels) {
      const label = svgElement("text", { x, y, "text-anchor": anchor });
      label.textContent = text;
      box.append(label);
    }
    const yLabel = svgElement("text", {
      x: font, y: SIZE / 2, "text-anchor": "middle", transform: `rotate(-90 ${font} ${SIZE / 2})`,
    });
    yLabel.textContent = data.features[1];
    box.append(yLabel);
    let x = MARGIN;
    data.classes.forEach((name, k) => {
      box.append(svgElement("circle", { cx: x + 6, cy: 20, r: 6, fill: COLOURS[k], class: "key" }));
      const key = svgElement("text", { x: x + 16, y: 20 + 0.35 * font, class: "key-name" });
      key.textContent = name;
      box.append(key);
      x += 28 + 0.62 * font * name.length;
    });
    plotData.points.forEach(([px, py, label], index) => {
      const point = svgElement("circle", {
        cx: sx(px), cy: sy(py), r: 5, fill: COLOURS[label], class: "point", "data-index": index,
      });
      const tip = svgElement("title");
      tip.textContent = `point ${index}: ${data.classes[label]} (${px.toFixed(2)}, ${py.toFixed(2)}): click to remove`;
      point.append(tip);
      box.append(point);
    });
    const [px, py] = plotData.points[data.network.point];
    box.append(svgElement("circle", { class: "shown", cx: sx(px), cy: sy(py), r: 9 }));
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

  function setup(body) {
    training = false;
    run({ action: "setup", ...body });
  }

  $("train").addEventListener("click", trainLoop);
  $("pause").addEventListener("click", () => { training = false; });
  $("step-epoch").addEventListener("click", () => { training = false; run({ action: "run", epochs: 1 }); });
  $("train-reset").addEventListener("click", () => {
    const body = settings();
    if (edited && points() && body.dataset === state.dataset) body.points = points();
    setup(body);
  });
  $("dataset").addEventListener("change", () => {
    state = null;
    edited = false;
    setup({ dataset: $("dataset").value });
  });
  $("shown-point").addEventListener("change", () => {
    const index = Number($("shown-point").value);
    if ($("shown-point").value !== "" && Number.isInteger(index)) run({ action: "show_point", index });
  });
  $("neuron").addEventListener("change", details);
  plot.addEventListener("click", (event) => {
    if (!state || !state.plot || page.locked("points")) return;
    const target = event.target;
    if (target.classList.contains("point")) {
      run({ action: "remove", index: Number(target.dataset.index) });
      return;
    }
    const bounds = plot.getBoundingClientRect();
    const { fx, fy } = scales(state.plot);
    const x = fx(((event.clientX - bounds.left) * SIZE) / bounds.width);
    const y = fy(((event.clientY - bounds.top) * SIZE) / bounds.height);
    run({ action: "add", x, y, label: Number($("point-class").value) });
  });
  // An empty box is no number (Number("") would be 0, a point nobody asked for): say so
  // rather than send it.
  function typedPoint() {
    const [x, y] = ["point-x", "point-y"].map((id) => $(id).value.trim());
    if (x === "" || y === "") {
      $("train-message").textContent = "";
      error.textContent = "type both x and y first: an empty box is no number";
      return null;
    }
    return { x: Number(x), y: Number(y) };
  }
  $("remove-nearest").addEventListener("click", () => {
    const point = typedPoint();
    if (point) run({ action: "remove_nearest", ...point });
  });
  section.querySelector(".add-point").addEventListener("submit", (event) => {
    event.preventDefault();
    const point = typedPoint();
    if (point) run({ action: "add", ...point, label: Number($("point-class").value) });
  });

  function shared() {
    if (!state) return null;
    const part = { dataset: state.dataset, ...state.settings };
    if (edited && points()) part.points = points();
    return part;
  }

  function start(restore) {
    if (!restore) {
      run({ action: "state" });
      return;
    }
    edited = Boolean(restore.points);
    queue(async () => {
      if (await request({ action: "setup", ...restore })) return;
      edited = false;
      page.linkError(`the link's training set-up was not restored: ${error.textContent}`);
      await request({ action: "state" });
    });
  }

  return { start, shared, refit: () => { if (state) show(state); } };
}
