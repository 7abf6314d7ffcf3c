// The network drawn as a teacher draws it: a column of small nodes per layer, inputs on the
// left, every edge coloured by its weight's sign and thickened by its size, every neuron
// coloured by its output at the point shown. Hover a neuron for its numbers; click it (or
// choose it in the list) for its weights and their gradients.
import { short, svgElement, textSize } from "./page.js";

// The colours of the plot's classes: a positive output votes for class 1 (orange), a negative
// one for class 0 (blue), so a node's colour and a region's colour say the same thing.
const POSITIVE = [230, 100, 10];
const NEGATIVE = [31, 100, 170];

function tint(rgb, strength) {
  const s = Math.max(0, Math.min(1, strength));
  return `rgb(${rgb.map((c) => Math.round(255 + (c - 255) * s)).join(",")})`;
}

function shape(network) {
  return [network.inputs.length, ...network.layers.map((layer) => layer.neurons.length)].join("-");
}

export function neuronDetails(network, name) {
  const layers = network.layers;
  for (let i = 0; i < layers.length; i++) {
    const neuron = layers[i].neurons.find((n) => n.name === name);
    if (!neuron) continue;
    const sources = i === 0 ? network.inputs.map((x) => x.name) : layers[i - 1].neurons.map((n) => n.name);
    const weights = neuron.weights.map((w, k) =>
      `w${k} from ${sources[k]} = ${short(w)} (grad ${short(neuron.weight_grads[k])})`);
    return `${name} (${layers[i].activation}): output ${short(neuron.output)} at point ${network.point}; ` +
      `bias ${short(neuron.bias)} (grad ${short(neuron.bias_grad)}); ${weights.join(", ")}`;
  }
  return "";
}

export function drawNetwork(svg, network, choose) {
  svg.replaceChildren();
  const width = Number(svg.getAttribute("width"));
  const height = Number(svg.getAttribute("height"));
  const columns = [network.inputs.map((x) => ({ name: x.name, output: x.value })), ...network.layers.map((l) => l.neurons)];
  const font = textSize();
  const top = 2.2 * font + 8;
  const bottom = height - 14;
  const longest = Math.max(...network.inputs.map((x) => x.name.length));
  const left = 16 + 0.62 * font * longest;
  const right = width - 12 - 0.62 * font * 3;
  const tallest = Math.max(...columns.map((c) => c.length));
  const radius = Math.max(3, Math.min(10, (bottom - top) / (2.6 * tallest)));
  const where = columns.map((column, i) => column.map((_, j) => ({
    x: left + ((right - left) * i) / Math.max(1, columns.length - 1),
    y: top + ((bottom - top) * (j + 0.5)) / column.length,
  })));
  svg.setAttribute("aria-label",
    `Network ${shape(network)}: inputs on the left, then each layer; edges orange for a positive ` +
    `weight and blue for a negative one, thicker for a larger one; neurons coloured by their ` +
    `output at point ${network.point}`);
  const edges = svgElement("g", { class: "edges" });
  network.layers.forEach((layer, i) => {
    const biggest = Math.max(1e-12, ...layer.neurons.flatMap((n) => n.weights.map((w) => Math.abs(Number(w)))));
    layer.neurons.forEach((neuron, j) => {
      neuron.weights.forEach((w, k) => {
        const size = Math.abs(Number(w)) / biggest;
        const from = where[i][k];
        const to = where[i + 1][j];
        edges.append(svgElement("line", {
          x1: from.x, y1: from.y, x2: to.x, y2: to.y,
          stroke: `rgb(${(Number(w) >= 0 ? POSITIVE : NEGATIVE).join(",")})`,
          "stroke-width": (0.3 + 3.2 * size).toFixed(2),
          "stroke-opacity": (0.15 + 0.7 * size).toFixed(2),
        }));
      });
    });
  });
  svg.append(edges);
  const headings = ["inputs", ...network.layers.map((l) => `${l.name} ${l.activation}`)];
  columns.forEach((column, i) => {
    // The first and last headings keep inside the picture, whatever the text's size.
    const last = i === columns.length - 1;
    const heading = svgElement("text", {
      x: i === 0 ? 4 : last ? width - 4 : where[i][0].x, y: font + 6,
      "text-anchor": i === 0 ? "start" : last ? "end" : "middle", class: "heading",
    });
    heading.textContent = headings[i];
    svg.append(heading);
    const scale = Math.max(1, ...column.map((n) => Math.abs(Number(n.output)) || 0));
    column.forEach((node, j) => {
      const { x, y } = where[i][j];
      const value = Number(node.output);
      const circle = svgElement("circle", {
        cx: x, cy: y, r: radius, class: i === 0 ? "input" : "neuron", "data-name": node.name,
        fill: Number.isFinite(value) ? tint(value >= 0 ? POSITIVE : NEGATIVE, Math.abs(value) / scale) : "#888",
      });
      const tip = svgElement("title");
      tip.textContent = i === 0 ? `${node.name} = ${short(node.output)}` : neuronDetails(network, node.name);
      circle.append(tip);
      if (i > 0) circle.addEventListener("click", () => choose(node.name));
      svg.append(circle);
      if (i === 0 || i === columns.length - 1) {
        const label = svgElement("text", {
          x: i === 0 ? x - radius - 4 : x + radius + 4, y: y + 0.35 * font,
          "text-anchor": i === 0 ? "end" : "start", class: "node-name",
        });
        label.textContent = i === 0 ? node.name : node.name.replace(/^L\d+\./, "");
        svg.append(label);
      }
    });
  });
}
