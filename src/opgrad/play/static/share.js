// Shared set-ups: the page's whole state in a link, in the URL's fragment (#share=...), which
// never reaches a server, so the link works on `opgrad play` and on a static site under any
// path. A teacher's link can lock or hide controls. A link is read with suspicion: whatever it
// holds, the page says in one line what it could not use, and opens as it would without it.

const PREFIX = "#share=";
export const MAX_LINK = 40000; // characters of the fragment: the points of a full data set fit

// The controls a link can lock (disable) or hide, and the elements each stands for.
export const CONTROLS = {
  expression: { label: "the Expression view", elements: ["#tab-expression"] },
  neuron: { label: "the Neuron view", elements: ["#tab-neuron"] },
  train: { label: "the Train view", elements: ["#tab-train"] },
  formula: { label: "the formula", elements: ["#formula", "#view-expression [data-action=forward]"] },
  values: { label: "the leaves' values and sliders", elements: [] },
  backward: { label: "Backward", elements: ["[data-action=backward]"] },
  predict: { label: "Predict", elements: ["#predict"] },
  activation: { label: "the activations", elements: ["#view-neuron .activation", "#activation"] },
  dataset: { label: "the data set", elements: ["#dataset"] },
  hidden: { label: "the hidden layers", elements: ["#hidden"] },
  lr: { label: "the learning rate", elements: ["#lr"] },
  optimizer: { label: "the optimiser", elements: ["#optimizer"] },
  seed: { label: "the seed", elements: ["#seed"] },
  points: { label: "adding and removing points", elements: [".add-point"] },
  share: { label: "Share", elements: ["#share"] },
};

const VIEWS = ["expression", "neuron", "train"];

export class LinkError extends Error {}

function fail(text) {
  throw new LinkError(text);
}

function object(value, where, keys) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail(`${where} must be an object`);
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) fail(`${where} has a field this page does not know: ${JSON.stringify(key).slice(0, 40)}`);
  }
  return value;
}

function check(value, test, where, what) {
  if (value !== undefined && !test(value)) fail(`${where} must be ${what}`);
}

const isString = (limit) => (v) => typeof v === "string" && v.length <= limit;
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const isBoolean = (v) => typeof v === "boolean";

function numbers(value, where) {
  if (value === undefined) return;
  object(value, where, Object.keys(value));
  const names = Object.keys(value);
  if (names.length > 20) fail(`${where} has ${names.length} names; the page takes at most 20`);
  for (const name of names) check(value[name], isNumber, `${where}.${name.slice(0, 20)}`, "a finite number");
}

function names(value, where) {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail(`${where} must be a list of control names`);
  for (const name of value) {
    if (typeof name !== "string" || !Object.hasOwn(CONTROLS, name)) {
      fail(`${where} names a control this page does not know: ${JSON.stringify(name).slice(0, 40)}`);
    }
  }
}

// The set-up in a link, checked field by field (the server then checks the values as it
// checks anything typed into the page).
export function validate(state) {
  object(state, "the set-up", ["version", "view", "projector", "predict", "expression", "neuron", "train", "lock", "hide"]);
  if (state.version !== 1) fail("the set-up is of a version this page does not know (it reads version 1)");
  check(state.view, (v) => VIEWS.includes(v), "view", `one of ${VIEWS.join(", ")}`);
  check(state.projector, isBoolean, "projector", "true or false");
  check(state.predict, isBoolean, "predict", "true or false");
  if (state.expression !== undefined) {
    const part = object(state.expression, "expression", ["formula", "values"]);
    if (!isString(300)(part.formula)) fail("expression.formula must be a formula of at most 300 characters");
    numbers(part.values, "expression.values");
  }
  if (state.neuron !== undefined) {
    const part = object(state.neuron, "neuron", ["activation", "values"]);
    check(part.activation, isString(20), "neuron.activation", "an activation's name");
    numbers(part.values, "neuron.values");
  }
  if (state.train !== undefined) {
    const part = object(state.train, "train", ["dataset", "hidden", "activation", "lr", "optimizer", "seed", "points"]);
    for (const key of ["dataset", "hidden", "activation", "optimizer"]) check(part[key], isString(40), `train.${key}`, "a short text");
    check(part.lr, isNumber, "train.lr", "a number");
    check(part.seed, Number.isSafeInteger, "train.seed", "a whole number");
    if (part.points !== undefined) {
      if (!Array.isArray(part.points) || part.points.length > 400) fail("train.points must be a list of at most 400 points");
      for (const point of part.points) {
        if (!Array.isArray(point) || point.length !== 3 || !point.every(isNumber)) {
          fail("train.points must hold [x, y, class] lists of numbers");
        }
      }
    }
  }
  names(state.lock, "lock");
  names(state.hide, "hide");
  if (state.view && (state.hide || []).includes(state.view)) fail(`the link hides its own view, ${state.view}`);
  return state;
}

function toBase64Url(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) fail("it is not base64url text");
  let binary;
  try {
    binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  } catch (error) {
    fail("it is not base64url text");
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    fail("it is not UTF-8 text");
  }
}

// The set-up of a fragment, null if the fragment holds none; a LinkError says what is wrong.
export function readLink(hash) {
  if (!hash.startsWith(PREFIX)) return null;
  const body = hash.slice(PREFIX.length);
  if (body.length > MAX_LINK) fail(`it has ${body.length} characters; the page reads at most ${MAX_LINK}`);
  const text = fromBase64Url(body);
  let state;
  try {
    state = JSON.parse(text);
  } catch (error) {
    fail(`it is not JSON (${error.message.slice(0, 80)})`);
  }
  return validate(state);
}

export function makeLink(state) {
  const base = `${location.origin}${location.pathname}${location.search}`;
  return `${base}${PREFIX}${toBase64Url(JSON.stringify(state))}`;
}

// What the link locks and hides, applied to the page.
export function applyPolicy(policy) {
  for (const [kind, names] of [["lock", policy.lock], ["hide", policy.hide]]) {
    for (const name of names) {
      for (const selector of CONTROLS[name].elements) {
        for (const element of document.querySelectorAll(selector)) {
          if (kind === "hide") element.hidden = true;
          else {
            element.disabled = true;
            element.setAttribute("aria-disabled", "true");
          }
        }
      }
    }
  }
}

// The Share panel: the link in a text box, copied to the clipboard, and the teacher's choice
// of controls to lock or hide, which remakes the link.
export function sharePanel(currentState) {
  const button = document.getElementById("share");
  const panel = document.getElementById("share-panel");
  const box = document.getElementById("share-link");
  const status = document.getElementById("share-message");
  const rows = panel.querySelector(".policy");
  for (const [name, { label }] of Object.entries(CONTROLS)) {
    const row = document.createElement("li");
    row.innerHTML = "<span></span><label><input type='checkbox' data-kind='lock'> lock</label>" +
      "<label><input type='checkbox' data-kind='hide'> hide</label>";
    row.querySelector("span").textContent = label;
    for (const input of row.querySelectorAll("input")) {
      input.dataset.name = name;
      input.setAttribute("aria-label", `${input.dataset.kind} ${label}`);
      input.addEventListener("change", () => refresh(false));
    }
    rows.append(row);
  }

  function chosen(kind) {
    return [...rows.querySelectorAll(`input[data-kind=${kind}]:checked`)].map((input) => input.dataset.name);
  }

  async function refresh(copy) {
    const state = currentState();
    const lock = chosen("lock");
    const hide = chosen("hide");
    if (lock.length) state.lock = lock;
    if (hide.length) state.hide = hide;
    box.value = makeLink(state);
    if (!copy) {
      status.textContent = "the link changed: copy it from the box";
      return;
    }
    box.select();
    try {
      await navigator.clipboard.writeText(box.value);
      status.textContent = "the link is copied to the clipboard, and in the box";
    } catch (error) {
      status.textContent = "the browser did not let the page copy: copy the link from the box";
    }
  }

  button.addEventListener("click", () => {
    const open = panel.hidden;
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) refresh(true);
  });
}
