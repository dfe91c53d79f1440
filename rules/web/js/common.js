/* Helpers shared by our browser rules (prefixed to each rule script). */
const A11Y = {
  FOCUSABLE: 'a[href], area[href], button, input:not([type="hidden"]), select, textarea, iframe, ' +
    'summary, audio[controls], video[controls], [tabindex], [contenteditable=""], [contenteditable="true"]',
  selector(el) {
    if (!(el instanceof Element)) return "";
    const parts = [];
    while (el && el.nodeType === 1 && el !== document.documentElement) {
      if (el.id && /^[A-Za-z][\w-]*$/.test(el.id) && document.querySelectorAll("#" + el.id).length === 1) {
        parts.unshift("#" + el.id);
        break;
      }
      let part = el.localName;
      const parent = el.parentElement;
      if (parent) {
        const same = Array.from(parent.children).filter(c => c.localName === el.localName);
        if (same.length > 1) part += ":nth-of-type(" + (same.indexOf(el) + 1) + ")";
      }
      parts.unshift(part);
      el = parent;
    }
    return parts.join(" > ") || "html";
  },
  snippet(el) {
    const html = el.outerHTML || "";
    return html.length > 300 ? html.slice(0, 300) + "…" : html;
  },
  visible(el) {
    if (!el.getClientRects().length) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== "hidden" && cs.visibility !== "collapse";
  },
  describe(el) {
    const r = el.getBoundingClientRect();
    return {selector: A11Y.selector(el), html: A11Y.snippet(el),
            x: Math.round(r.left + scrollX), y: Math.round(r.top + scrollY),
            w: Math.round(r.width), h: Math.round(r.height)};
  },
};
