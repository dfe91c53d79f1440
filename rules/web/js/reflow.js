/* Reflow: run at a 320 CSS px wide viewport. Does the page scroll sideways, and which outermost
   elements stick out? Content that needs two dimensions (tables, images, media, code) is exempt. */
const width = window.innerWidth;
const root = document.scrollingElement || document.documentElement;
const overflow = root.scrollWidth - width;
if (overflow <= 1) return {width, overflow: Math.max(overflow, 0), culprits: []};
const exempt = "table, img, picture, video, canvas, svg, pre, code, iframe, map, object, embed, math, [role=img]";
const scrolls = el => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX;
    if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") return true;
  }
  return false;
};
const culprits = [];
for (const el of document.body.querySelectorAll("*")) {
  const r = el.getBoundingClientRect();
  if (r.right <= width + 1 || r.width === 0 || !A11Y.visible(el)) continue;
  const parent = el.parentElement;
  const pr = parent ? parent.getBoundingClientRect() : null;
  if (pr && pr.right > width + 1 && parent !== document.body) continue;   // report the outermost only
  if (getComputedStyle(el).position === "fixed" || scrolls(el)) continue;
  culprits.push({...A11Y.describe(el), right: Math.round(r.right), exempt: !!el.closest(exempt)});
  if (culprits.length >= 20) break;
}
return {width, overflow, culprits};
