/* Text spacing: apply the WCAG 1.4.12 values (line height 1.5, paragraph spacing 2em, letter
   spacing 0.12em, word spacing 0.16em), then find text that gets cut off or spills out of a box
   with a fixed size; the styles are removed again before returning. */
const hasText = el => Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
const boxes = [];
for (const el of document.body ? document.body.querySelectorAll("*") : []) {
  if (!A11Y.visible(el)) continue;
  // text hidden on purpose for screen readers only (the 1 px "visually hidden" pattern) is never
  // read on screen, so spacing cannot cut it off for anyone
  if (el.offsetWidth <= 1 && el.offsetHeight <= 1) continue;
  if (!hasText(el) && !Array.from(el.children).some(hasText)) continue;
  if (getComputedStyle(el).display.startsWith("inline") && !getComputedStyle(el).display.includes("block")) continue;
  boxes.push({el, before: [el.scrollHeight - el.clientHeight, el.scrollWidth - el.clientWidth]});
  if (boxes.length >= 1500) break;
}
const style = document.createElement("style");
style.textContent = "*{line-height:1.5!important;letter-spacing:0.12em!important;word-spacing:0.16em!important}" +
  "p{margin-bottom:2em!important}";
document.documentElement.appendChild(style);
const clipped = [], spilled = [];
for (const b of boxes) {
  const el = b.el;
  const dy = el.scrollHeight - el.clientHeight, dx = el.scrollWidth - el.clientWidth;
  if (dy <= b.before[0] + 1 && dx <= b.before[1] + 1) continue;
  if (dy <= 1 && dx <= 1) continue;
  const cs = getComputedStyle(el);
  const clipsNow = [cs.overflowX, cs.overflowY].some(v => v === "hidden" || v === "clip");
  const scrollable = [cs.overflowX, cs.overflowY].some(v => v === "auto" || v === "scroll");
  if (scrollable) continue;                          // the learner can still scroll to the text
  const entry = {...A11Y.describe(el), lost: Math.round(Math.max(dy, dx))};
  (clipsNow ? clipped : spilled).push(entry);
  if (clipped.length + spilled.length >= 40) break;
}
style.remove();
return {checked: boxes.length, clipped, spilled};
