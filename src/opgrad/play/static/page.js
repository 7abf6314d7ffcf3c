// Helpers every view of the page uses: a request queue, SVG elements, fitting a drawing.

// Runs one request at a time per view, in order. A job with a key replaces a waiting job of
// the same key: a dragged slider sends its newest position rather than a backlog, while every
// click of a button is sent.
export function serial() {
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

export function svgElement(name, attributes = {}) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  return element;
}

// Every node or edge of a Graphviz drawing with this title (x*x draws two edges x -> *).
export function titled(svg, title) {
  return [...svg.querySelectorAll("g.node, g.edge")].filter((group) => {
    const text = group.querySelector("title");
    return text && text.textContent === title;
  });
}

// Graphviz sizes its pictures in points: show them up to 1.6 times larger (2.4 on a
// projector), never wider than their box, so a small graph is readable and a big one fits;
// or, asked for, at their own size (a big graph then scrolls).
export function projecting() {
  return document.documentElement.classList.contains("projector");
}

// The size of the text the page draws into its SVG pictures, in their own units.
export function textSize() {
  return projecting() ? 17 : 12;
}

export function fit(svg, box, actual = false) {
  if (!svg) return;
  const natural = (parseFloat(svg.getAttribute("width")) * 4) / 3;
  const room = box.clientWidth - 16;
  const most = projecting() ? 2.4 : 1.6;
  svg.style.width = `${actual ? natural : Math.min(room, most * natural)}px`;
  svg.style.maxWidth = actual ? "none" : "100%";
  svg.style.height = "auto";
}

// A number for an axis or a label: short, and never "1.0e-9" or "7.7e+8" with a sign to cut.
export function short(value) {
  const x = Number(value);
  if (!Number.isFinite(x)) return String(value);
  if (x === 0) return "0";
  const size = Math.abs(x);
  if (size >= 1e4 || size < 1e-3) return x.toExponential(1).replace("e+", "e").replace(".0e", "e");
  return String(Number(x.toPrecision(3)));
}
