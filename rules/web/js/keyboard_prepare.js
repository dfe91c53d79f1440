/* Keyboard rules, step 1: list tabbable elements with their unfocused look, list click-only
   elements, and start logging Tab key presses and focus moves. arguments[0]: max candidates. */
const maxCandidates = arguments[0];
if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
const noMotion = document.createElement("style");
noMotion.textContent = "*,*::before,*::after{transition:none!important;animation:none!important}";
document.documentElement.appendChild(noMotion);

const look = el => {
  const c = getComputedStyle(el), b = getComputedStyle(el, "::before"), a = getComputedStyle(el, "::after");
  const p = el.parentElement ? getComputedStyle(el.parentElement) : null;
  return [c.outlineStyle, c.outlineWidth, c.outlineColor, c.boxShadow, c.borderTopColor, c.borderRightColor,
    c.borderBottomColor, c.borderLeftColor, c.borderTopWidth, c.borderRightWidth, c.borderBottomWidth,
    c.borderLeftWidth, c.backgroundColor, c.backgroundImage, c.color, c.textDecorationLine,
    c.textDecorationThickness, c.fontWeight, c.transform, c.filter, c.opacity, c.position, c.left, c.top,
    c.clip, c.clipPath, c.width, c.height,
    b.content, b.outlineStyle, b.boxShadow, b.backgroundColor, b.borderBottomColor, b.width, b.height,
    a.content, a.outlineStyle, a.boxShadow, a.backgroundColor, a.borderBottomColor, a.width, a.height,
    p ? [p.outlineStyle, p.boxShadow, p.backgroundColor, p.borderBottomColor, p.outlineColor].join(",") : ""
  ].join("|");
};
const ids = new Map();
const elements = [];
const nodes = [];
const register = el => {
  if (!(el instanceof Element) || el === document.body || el === document.documentElement) return -1;
  if (ids.has(el)) return ids.get(el);
  const i = elements.length;
  ids.set(el, i);
  nodes.push(el);
  elements.push({...A11Y.describe(el), tag: el.localName, tabindex: el.tabIndex,
                 modal: !!el.closest('[aria-modal="true"], dialog[open]')});
  return i;
};
const tabbables = [];
const unfocused = {};
for (const el of document.querySelectorAll(A11Y.FOCUSABLE)) {
  if (el.disabled || el.tabIndex < 0 || el.closest("[inert]") || !A11Y.visible(el)) continue;
  const i = register(el);
  tabbables.push(i);
  unfocused[i] = look(el);
}
const clickOnly = [];
const listeners = window.__accessClickTargets;
const insideControl = 'a[href], button, label, summary, select, input, textarea, [tabindex]:not([tabindex^="-"])';
for (const el of document.body ? document.body.querySelectorAll("*") : []) {
  if (clickOnly.length >= maxCandidates) break;
  const handler = el.hasAttribute("onclick") || (listeners && listeners.has(el));
  let pointer = false;
  if (!handler) {
    if (getComputedStyle(el).cursor !== "pointer") continue;
    pointer = !el.parentElement || getComputedStyle(el.parentElement).cursor !== "pointer";
    if (!pointer) continue;
  }
  if (el.tabIndex >= 0 || el.isContentEditable || el.disabled) continue;
  if (el.parentElement && el.parentElement.closest(insideControl)) continue;
  if (el.querySelector(A11Y.FOCUSABLE) || el.matches("label, option, optgroup, svg *")) continue;
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1 || !A11Y.visible(el)) continue;
  clickOnly.push({...A11Y.describe(el), why: handler ? "click handler" : "pointer cursor",
                  text: (el.innerText || "").trim().slice(0, 80)});
}
const log = {keys: [], focus: []};
const onKey = e => { if (e.key === "Tab") log.keys.push(register(document.activeElement)); };
const onFocus = e => {
  const el = e.target;
  if (!(el instanceof Element)) return;
  const r = el.getBoundingClientRect();
  log.focus.push({i: register(el), look: look(el), x: Math.round(r.left + scrollX), y: Math.round(r.top + scrollY),
                  w: Math.round(r.width), h: Math.round(r.height)});
};
window.addEventListener("keydown", onKey, true);
document.addEventListener("focusin", onFocus, true);
window.__accessKeyboard = {log, elements, nodes, register,
  stop() {
    window.removeEventListener("keydown", onKey, true);
    document.removeEventListener("focusin", onFocus, true);
    noMotion.remove();
  }};
return {tabbables, unfocused, clickOnly};
