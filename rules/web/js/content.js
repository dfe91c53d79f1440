/* Content facts for the link, text and form rules: links (name, href, target, title, position among
   siblings), text blocks with their computed type style, presentational and empty elements,
   unexpanded abbreviations, fieldsets, fields marked in error with their text, hints beside
   fields, label gaps, and accesskeys. arguments[0]: the most items of each kind. */
const max = arguments[0];
const clean = s => (s || "").replace(/\s+/g, " ").trim();
const textOf = el => clean(el ? el.innerText || el.textContent : "");
const byIds = ids => (ids || "").split(/\s+/).filter(Boolean)
  .map(id => textOf(document.getElementById(id))).filter(Boolean).join(" ");
const nameOf = el => {
  const lb = byIds(el.getAttribute("aria-labelledby"));
  if (lb) return lb;
  const label = clean(el.getAttribute("aria-label"));
  if (label) return label;
  let text = "";
  for (const n of el.childNodes) {
    if (n.nodeType === 3) text += n.data;
    else if (n.nodeType === 1) text += n.matches("img, area, input[type=image]") ? (n.getAttribute("alt") || "") + " " :
      (n.getAttribute("aria-hidden") === "true" ? "" : " " + (nameOf(n) || "") + " ");
  }
  return clean(text) || clean(el.getAttribute("title"));
};
const body = document.body;
const all = sel => body ? Array.from(body.querySelectorAll(sel)) : [];
const shown = el => A11Y.visible(el);
const out = {links: [], blocks: [], presentational: [], empty_paragraphs: [], spacers: [], abbreviations: [],
             fieldsets: [], error_fields: [], hints: [], label_gaps: [], duplicate_labels: [], accesskeys: []};

// links, in document order, with whether only white space separates each from the previous one
let previous = null;
for (const a of all("a[href], area[href]")) {
  if (out.links.length >= max) break;
  if (!shown(a)) continue;
  let adjacent = false;
  if (previous && previous.parentNode === a.parentNode) {
    adjacent = true;
    for (let n = previous.nextSibling; n && n !== a; n = n.nextSibling) {
      if (n.nodeType === 1 || (n.nodeType === 3 && n.data.trim())) { adjacent = false; break; }
    }
  }
  const described = byIds(a.getAttribute("aria-describedby"));
  out.links.push({...A11Y.describe(a), name: nameOf(a), href: a.getAttribute("href") || "", url: a.href || "",
                  target: a.getAttribute("target") || "", title: clean(a.getAttribute("title")),
                  described, adjacent_same: adjacent && previous.href === a.href});
  previous = a;
}

// text blocks: elements with their own text, and how that text is set
const blocks = new Set();
const walker = body ? document.createTreeWalker(body, NodeFilter.SHOW_TEXT) : null;
for (let n = walker && walker.nextNode(); n && blocks.size < max * 4; n = walker.nextNode()) {
  if (n.data.trim().length < 2 || !n.parentElement) continue;
  const el = n.parentElement.closest("p, li, td, th, dd, dt, blockquote, figcaption, label, h1, h2, h3, h4, h5, h6, div, span, a, em, i, strong, b, center, font, pre") || n.parentElement;
  if (el.closest("script, style, noscript, svg")) continue;
  blocks.add(el);
}
for (const el of blocks) {
  if (out.blocks.length >= max || !shown(el)) continue;
  const cs = getComputedStyle(el), size = parseFloat(cs.fontSize);
  const own = clean(Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.data).join(" "));
  const text = textOf(el);
  const lh = cs.lineHeight === "normal" ? 1.2 * size : parseFloat(cs.lineHeight);
  out.blocks.push({...A11Y.describe(el), text: text.slice(0, 400), own: own.slice(0, 400), letters: (text.match(/\p{L}/gu) || []).length,
                   font_px: size, line_ratio: lh / size, lines: Math.round(el.getBoundingClientRect().height / lh),
                   align: cs.textAlign, transform: cs.textTransform, italic: cs.fontStyle === "italic" || cs.fontStyle.startsWith("oblique")});
}
for (const el of all("center, font, big, tt, strike, basefont, u")) {
  if (out.presentational.length < max) out.presentational.push({...A11Y.describe(el), tag: el.localName});
}
for (const el of all("p")) {
  if (out.empty_paragraphs.length < max && !textOf(el) && !el.querySelector("img, svg, canvas, input, video, audio, iframe, object"))
    out.empty_paragraphs.push(A11Y.describe(el));
}
for (const img of all("img")) {
  const w = img.width, h = img.height;
  if (out.spacers.length < max && (/(^|\/)(spacer|blank|pixel|clear|transparent)\.(gif|png)$/i.test(img.getAttribute("src") || "")
      || (img.getAttribute("alt") === "" && (w <= 2 || h <= 2))))
    out.spacers.push(A11Y.describe(img));
}
const expanded = new Set(all("abbr[title]").map(a => textOf(a)));
for (const el of all("abbr")) {
  const text = textOf(el);
  if (out.abbreviations.length < max && !clean(el.getAttribute("title")) && !expanded.has(text))
    out.abbreviations.push({...A11Y.describe(el), text});
}
for (const fs of all("fieldset")) {
  const legend = fs.querySelector(":scope > legend");
  if (out.fieldsets.length < max) out.fieldsets.push({...A11Y.describe(fs), legend: legend ? textOf(legend) : null});
}
const fields = all("input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=image]), select, textarea");
const labelText = f => clean([...(f.labels || [])].map(l => textOf(l)).join(" ") || f.getAttribute("aria-label") ||
  byIds(f.getAttribute("aria-labelledby")));
const summary = all('[role="alert"], .error-summary, .validation-summary').map(textOf).join(" ");
for (const f of fields) {
  const marked = f.getAttribute("aria-invalid") === "true" || /(^|[-_ ])(error|errors|invalid)([-_ ]|$)/i.test(f.className) ||
    !!(f.closest("[class]") && /(^|[-_ ])(has-)?errors?([-_ ]|$)/i.test((f.parentElement && f.parentElement.className) || ""));
  const inSummaryForm = !!summary && !!f.form && !!f.form.querySelector('[role="alert"], .error-summary, .validation-summary');
  if ((marked || inSummaryForm) && out.error_fields.length < max)
    out.error_fields.push({...A11Y.describe(f), marked, label: labelText(f), described: byIds(f.getAttribute("aria-describedby")),
                           pattern: f.getAttribute("pattern") || "", type: f.type || "", summary: summary.slice(0, 200)});
  for (const l of f.labels || []) {
    const a = l.getBoundingClientRect(), b = f.getBoundingClientRect();
    const gap = b.left >= a.right ? b.left - a.right : (a.left >= b.right ? a.left - b.right : 0);
    if (gap > 150 && Math.abs(a.top - b.top) < 40 && out.label_gaps.length < max)
      out.label_gaps.push({...A11Y.describe(l), gap: Math.round(gap)});
  }
  // a hint beside the field (same parent) that the field does not point at
  const described = (f.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  for (const sib of f.parentElement ? f.parentElement.children : []) {
    if (sib === f || sib.matches("label, input, select, textarea, button") || described.includes(sib.id)) continue;
    const t = textOf(sib);
    if (t && (/(^|[-_ ])(hint|help|description)([-_ ]|$)/i.test(sib.className) || /^(for example|e\.g\.)/i.test(t) || /\bfor example\b/i.test(t))
        && out.hints.length < max)
      out.hints.push({...A11Y.describe(sib), text: t.slice(0, 120), field: A11Y.selector(f)});
  }
}
const byLabel = new Map();
for (const f of fields) {
  const l = labelText(f).toLowerCase();
  if (l && !["radio", "checkbox"].includes(f.type)) byLabel.set(l, [...(byLabel.get(l) || []), f]);
}
for (const [label, same] of byLabel) {
  if (same.length > 1 && out.duplicate_labels.length < max)
    out.duplicate_labels.push({...A11Y.describe(same[1]), label, count: same.length});
}
for (const el of all("[accesskey]")) {
  if (out.accesskeys.length < max) out.accesskeys.push({...A11Y.describe(el), key: el.getAttribute("accesskey")});
}
return out;
