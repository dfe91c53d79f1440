/* Images and page title, for the rules that ask whether a name or title describes its content and
   whether an image is a picture of text: every rendered image-like element (img, input type=image,
   svg/canvas/[role=img] with a name, object, an element showing a background image and no text of
   its own) with its accessible name, whether it is decorative, and its box in page coordinates. */
const maxImages = arguments[0];
const text = el => (el ? (el.textContent || "").replace(/\s+/g, " ").trim() : "");
const byIds = ids => ids.split(/\s+/).map(id => text(document.getElementById(id))).filter(Boolean).join(" ");
const nameOf = el => {
  const labelledby = el.getAttribute("aria-labelledby");
  if (labelledby && byIds(labelledby)) return byIds(labelledby);
  const label = (el.getAttribute("aria-label") || "").trim();
  if (label) return label;
  if (el.matches("img, input[type=image], area") && el.hasAttribute("alt")) return el.getAttribute("alt").trim();
  if (el.localName === "svg") { const t = el.querySelector(":scope > title"); if (t && text(t)) return text(t); }
  if (el.matches("[role=img]") && !el.matches("img, svg")) { const t = text(el); if (t) return t; }
  return (el.getAttribute("title") || "").trim();
};
const hidden = el => !!el.closest('[aria-hidden="true"]');
const images = [];
const seen = new Set();
const add = (el, kind) => {
  if (seen.has(el) || images.length >= maxImages || !A11Y.visible(el)) return;
  const r = el.getBoundingClientRect();
  if (r.width < 8 || r.height < 8) return;
  if (el.localName === "img" && !(el.complete && el.naturalWidth > 0)) return;      // broken or not loaded
  seen.add(el);
  const role = (el.getAttribute("role") || "").trim();
  const name = nameOf(el);
  const decorative = hidden(el) || role === "presentation" || role === "none" ||
    (el.localName === "img" && el.getAttribute("alt") === "") || kind === "background";
  images.push({...A11Y.describe(el), kind, name, decorative, role: role || null,
               named_in_tree: !decorative && !!name});
};
if (document.body) {
  for (const el of document.body.querySelectorAll(
      'img, input[type="image"], object, svg[role="img"], svg[aria-label], svg[aria-labelledby], ' +
      'canvas[aria-label], canvas[aria-labelledby], canvas[role="img"], [role="img"]')) {
    if (el.localName === "object" && !/^image\//.test(el.type || "") && !/\.(png|jpe?g|gif|webp|svg|bmp)(\?|$)/i.test(el.data || "")) continue;
    add(el, el.localName === "input" ? "image-button" : el.localName);
  }
  for (const el of document.body.querySelectorAll("*")) {
    if (images.length >= maxImages) break;
    if (seen.has(el) || el.closest("svg")) continue;
    const bg = getComputedStyle(el).backgroundImage;
    if (!bg || !/url\(/.test(bg) || text(el)) continue;
    add(el, "background");
  }
}
const titles = document.head ? document.head.querySelectorAll("title") : [];
const h1 = document.querySelector("h1");
return {images, html_page: document.documentElement.namespaceURI === "http://www.w3.org/1999/xhtml" &&
          document.documentElement.localName === "html",
        title: titles.length ? text(titles[0]) : null, titles: titles.length, h1: text(h1).slice(0, 200)};
