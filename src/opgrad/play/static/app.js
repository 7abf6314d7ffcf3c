// opgrad play: the page shows what the server computes. No arithmetic of the model happens
// here: the script sends what the learner did, and draws the numbers and pictures it gets back
// (the only arithmetic is placing those numbers on the screen, and comparing a prediction with
// the engine's number). Every request goes through call(), the page's one way to the engine.
import { graphView } from "./graph.js";
import { applyPolicy, LinkError, readLink, sharePanel } from "./share.js";
import { trainView } from "./train.js";

let session = null;

async function call(path, body) {
  const response = await fetch(path.replace(/^\//, ""), {
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

// The page's own settings, which the views read: Predict, the projector, what a link locks.
const page = {
  policy: { lock: [], hide: [] },
  predict: false,
  predicting: () => page.predict,
  locked: (name) => page.policy.lock.includes(name),
  hidden: (name) => page.policy.hide.includes(name),
  linkError(text) {
    const banner = document.getElementById("link-error");
    banner.textContent = banner.hidden ? `This link's set-up was not used: ${text}` : `${banner.textContent}; ${text}`;
    banner.hidden = false;
  },
};

function toggle(id, on, apply) {
  const button = document.getElementById(id);
  button.setAttribute("aria-pressed", String(on));
  apply(on);
  button.addEventListener("click", () => {
    const now = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", String(now));
    apply(now);
  });
}

function tabs(views, first) {
  const list = [...document.querySelectorAll("[role=tab]")];
  const started = new Set();
  let current = first;
  function select(tab) {
    for (const other of list) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    current = tab.id.replace("tab-", "");
    if (!started.has(current)) {
      started.add(current);
      views[current].start();
    }
  }
  list.forEach((tab, k) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      let next = tab;
      for (let n = 0; n < list.length; n++) {
        next = list[(list.indexOf(next) + step + list.length) % list.length];
        if (!next.hidden && !next.disabled) break;
      }
      next.focus();
      select(next);
    });
  });
  select(document.getElementById(`tab-${first}`));
  return () => current;
}

function linked() {
  try {
    return readLink(location.hash);
  } catch (failure) {
    if (!(failure instanceof LinkError)) throw failure;
    page.linkError(failure.message);
    return null;
  }
}

async function start() {
  const shared = linked();
  try {
    session = (await call("/api/session", {})).session;
  } catch (failure) {
    document.querySelector("main").textContent = `Cannot reach the playground's server: ${failure.message}`;
    return;
  }
  const views = {
    expression: graphView(document.getElementById("view-expression"), call, page),
    neuron: graphView(document.getElementById("view-neuron"), call, page),
    train: trainView(document.getElementById("view-train"), call, page),
  };
  const restore = shared || {};
  for (const [name, view] of Object.entries(views)) {
    const { start, shared: current } = view;
    view.start = () => start(restore[name] || null);
    // A view not opened yet still holds what the link gave it.
    view.shared = () => current() || restore[name] || null;
  }
  page.policy = { lock: restore.lock || [], hide: restore.hide || [] };
  toggle("predict", Boolean(restore.predict), (on) => { page.predict = on; });
  toggle("projector", Boolean(restore.projector), (on) => {
    document.documentElement.classList.toggle("projector", on);
    for (const view of Object.values(views)) if (view.refit) view.refit();
  });
  applyPolicy(page.policy);
  const current = tabs(views, restore.view || "expression");
  sharePanel(() => {
    const state = { version: 1, view: current() };
    if (page.predict) state.predict = true;
    if (document.documentElement.classList.contains("projector")) state.projector = true;
    for (const [name, view] of Object.entries(views)) {
      const part = view.shared();
      if (part) state[name] = part;
    }
    return state;
  });
}

// A link pasted into the address bar of an open page changes only its fragment: open it anew.
window.addEventListener("hashchange", () => location.reload());

start();
