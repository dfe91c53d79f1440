"""The style sheet of our HTML and EPUB outputs.

Readable by default (line length ≤ 70ch, 1.6 line height, system fonts), responsive, and it honours
the reader's own settings: ``prefers-reduced-motion``, ``prefers-contrast: more``, ``forced-colors``
(Windows high contrast) and ``prefers-color-scheme: dark``. The HTML page adds display options
(larger text, high contrast, dyslexia-friendly spacing) as radio buttons that CSS alone applies
through ``:has()``; no script.
"""

from __future__ import annotations

BASE_CSS = """
:root { --fg: #1b1b1b; --bg: #ffffff; --muted: #4a4a4a; --link: #0b4fa8; --accent: #f3f6fa;
  --border: #6b6b6b; --mark: #fff3b0; --focus: #b35900; color-scheme: light; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; color: var(--fg); background: var(--bg); overflow-wrap: break-word;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  line-height: 1.6; }
main, header, nav.toc, footer { max-width: 70ch; margin: 0 auto; padding: 0 1rem; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 1.6em 0 0.5em; }
p, li, dd { max-width: 70ch; }
a { color: var(--link); text-underline-offset: 0.15em; overflow-wrap: anywhere; }
a:focus-visible, summary:focus-visible, input:focus-visible + label {
  outline: 3px solid var(--focus); outline-offset: 2px; }
img { max-width: 100%; height: auto; }
figure { margin: 1.5em 0; }
figcaption { color: var(--muted); font-size: 0.95em; }
table { border-collapse: collapse; margin: 1em 0; display: block; overflow-x: auto; max-width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0.25em 0; }
th, td { border: 1px solid var(--border); padding: 0.35em 0.6em; text-align: left; vertical-align: top; }
th { background: var(--accent); }
blockquote { border-left: 4px solid var(--border); margin: 1em 0; padding: 0 1em; }
pre { overflow-x: auto; background: var(--accent); padding: 0.75em; }
.pagebreak { border: 0; border-top: 1px dashed var(--border); margin: 1.5em 0 0; }
.pagenum { text-align: right; color: var(--muted); font-size: 0.85em; margin: 0.1em 0 0.5em; }
.speaker-notes { border-left: 4px solid var(--border); padding-left: 1em; margin: 1em 0; }
.review-note { background: var(--mark); color: #1b1b1b; border: 2px solid #8a6d00; padding: 0.5em 0.75em; }
.quality-warning { background: #fdecea; color: #1b1b1b; border: 3px solid #a4262c; padding: 0.5em 1em;
  margin: 0.75em 0 1em; }
.quality-warning ul { margin: 0.25em 0; padding-left: 1.25em; }
.backlinks { font-size: 0.9em; margin: 0.25em 0 0.75em; }
sup, sub { line-height: 0; }
.slide { border-top: 2px solid var(--border); margin-top: 2em; }
.math { font-family: "DejaVu Serif", "STIX Two Math", serif; }
"""

PAGE_CSS = """
.skip-link { position: absolute; left: 0.5rem; top: -10rem; background: var(--bg); color: var(--link);
  padding: 0.5rem 0.75rem; border: 2px solid var(--focus); z-index: 10; }
.skip-link:focus { top: 0.5rem; }
header { padding-top: 1rem; }
.doc-source { color: var(--muted); margin: 0; }
details.display-options, details.page-list { margin: 0.75rem 0; }
summary { cursor: pointer; min-height: 24px; padding: 0.25em 0; }
fieldset { border: 1px solid var(--border); margin: 0.5em 0; padding: 0.4em 0.75em; }
fieldset label { display: inline-block; min-height: 24px; min-width: 24px; padding: 0.2em 0.6em 0.2em 0.2em; }
input[type="radio"] { width: 1.2em; height: 1.2em; vertical-align: middle; }
nav.toc ol { list-style-type: disc; padding-left: 1.25em; }   /* not "none": Safari would drop list semantics */
nav.toc li { margin: 0.2em 0; }
nav.page-list ol { padding-left: 1.25em; }
nav.page-list ol { display: flex; flex-wrap: wrap; gap: 0.25em 0.9em; list-style: none; padding: 0; }
nav.page-list a { display: inline-block; min-width: 24px; min-height: 24px; }
footer { color: var(--muted); border-top: 1px solid var(--border); margin-top: 3rem; padding-bottom: 2rem; }

/* display options chosen on the page (no script: :has() on the checked radio button) */
html:has(#size-large:checked) { font-size: 125%; }
html:has(#size-larger:checked) { font-size: 160%; }
html:has(#contrast-high:checked) body { --fg: #000000; --bg: #ffffff; --muted: #000000; --link: #00008b;
  --accent: #e6e6e6; --border: #000000; }
html:has(#contrast-dark:checked) body { --fg: #ffffff; --bg: #000000; --muted: #ffffff; --link: #ffff66;
  --accent: #1a1a1a; --border: #ffffff; --focus: #ffbf47; color-scheme: dark; }
html:has(#spacing-wide:checked) body { letter-spacing: 0.12em; word-spacing: 0.16em; line-height: 2; }
html:has(#spacing-wide:checked) p, html:has(#spacing-wide:checked) li { margin-bottom: 2em; }
html:has(#spacing-wide:checked) em { font-style: normal; font-weight: 600; }
"""

PREFERENCES_CSS = """
@media (prefers-reduced-motion: no-preference) { html { scroll-behavior: smooth; } }
@media (prefers-reduced-motion: reduce) { *, *::before, *::after { animation: none !important;
  transition: none !important; scroll-behavior: auto !important; } }
@media (prefers-color-scheme: dark) {
  :root { --fg: #f2f2f2; --bg: #121212; --muted: #d0d0d0; --link: #9cc3ff; --accent: #262626;
    --border: #a0a0a0; --focus: #ffbf47; color-scheme: dark; } }
@media (prefers-contrast: more) {
  :root { --fg: #000000; --bg: #ffffff; --muted: #000000; --link: #00008b; --border: #000000; } }
@media (prefers-contrast: more) and (prefers-color-scheme: dark) {
  :root { --fg: #ffffff; --bg: #000000; --muted: #ffffff; --link: #ffff66; --border: #ffffff; } }
@media (forced-colors: active) {
  .review-note, .quality-warning, th, pre { forced-color-adjust: auto; border: 1px solid CanvasText; }
  a:focus-visible, summary:focus-visible { outline: 3px solid Highlight; } }
@media print { .skip-link, details.display-options, nav.toc { display: none; } }
"""


def html_css() -> str:
    return BASE_CSS + PAGE_CSS + PREFERENCES_CSS


def epub_css() -> str:
    return BASE_CSS + PREFERENCES_CSS
