"""Easy-read HTML: large sans-serif text, left aligned, generous spacing, one idea per line with
room for a picture beside it, key words bold, glossary first, a summary box per section, and the
note that a machine made the draft. Everything is escaped; the page carries no script."""

from __future__ import annotations

from html import escape
from typing import Any

from access import document as model
from converters.writers.markup import quality_notice

CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #ffffff; color: #1a1a1a;
  font-family: Arial, Verdana, "Helvetica Neue", Helvetica, sans-serif; font-size: 1.375rem;
  line-height: 1.6; text-align: left; }
main { max-width: 50rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
h1 { font-size: 2.25rem; line-height: 1.25; margin: 0.5rem 0 1.5rem; }
h2 { font-size: 1.75rem; line-height: 1.3; margin: 3rem 0 1rem; }
h3, h4, h5, h6 { font-size: 1.5rem; line-height: 1.3; margin: 2.5rem 0 1rem; }
p { margin: 0 0 1.25rem; }
strong { font-weight: 700; }
.note { border: 3px solid #8a5a00; background: #fff4d6; padding: 1rem 1.25rem; margin: 0 0 2rem;
  border-radius: 0.5rem; }
.summary { border: 3px solid #1f5fa8; background: #eaf2fb; padding: 1rem 1.25rem; margin: 0 0 2rem;
  border-radius: 0.5rem; }
.summary p, .note p { margin: 0; }
.quality-warning { border: 3px solid #a4262c; background: #fdecea; padding: 1rem 1.25rem; margin: 0 0 2rem;
  border-radius: 0.5rem; }
.words dl { margin: 0 0 2rem; }
.words dt { font-weight: 700; margin-top: 1rem; }
.words dd { margin: 0 0 0.5rem 0; }
.idea, .ideas > li { position: relative; min-height: 4.5rem; padding-left: 7rem; margin: 0 0 1.5rem; }
.idea::before, .ideas > li::before { content: ""; position: absolute; left: 0; top: 0.2rem;
  width: 5.5rem; height: 4rem; border: 2px dashed #767676; border-radius: 0.5rem; }
.ideas { list-style: none; padding: 0; margin: 0 0 1.5rem; }
.ideas .ideas { margin-top: 1rem; }
.ideas > li > p { margin: 0 0 0.5rem; }
table { border-collapse: collapse; margin: 0 0 2rem; }
th, td { border: 1px solid #595959; padding: 0.5rem 0.75rem; text-align: left; vertical-align: top; }
figure { margin: 0 0 2rem; }
figure img { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; font-size: 1.125rem; }
"""


def _inlines(spans: list[Any]) -> str:
    out = []
    for span in spans:
        if not isinstance(span, model.Span):
            continue
        text = escape(span.text)
        if span.strong:
            text = f"<strong>{text}</strong>"
        out.append(text)
    return "".join(out)


class _Levels:
    """Heading levels without jumps (h2 → h4 becomes h2 → h3), for a clean outline."""

    def __init__(self) -> None:
        self.last = 1

    def __call__(self, level: int) -> int:
        level = max(2, min(level, self.last + 1, 6))
        self.last = level
        return level


def _list(block: model.ListBlock) -> str:
    items = []
    for item in block.items:
        parts = []
        for sub in item.blocks:
            if isinstance(sub, model.ListBlock):
                parts.append(_list(sub))
            elif isinstance(sub, model.Paragraph):
                parts.append(_inlines(sub.inlines))
        items.append("<li>" + "".join(p if p.startswith("<ul") else f"<p>{p}</p>" for p in parts) + "</li>")
    return f'<ul class="ideas">{"".join(items)}</ul>'


def _table(table: model.Table) -> str:
    rows = []
    for r, row in enumerate(table.rows):
        cells = []
        for c, cell in enumerate(row.cells):
            header = cell.header or r < table.header_rows or c < table.header_cols
            tag = "th" if header else "td"
            scope = ' scope="col"' if r < table.header_rows else (' scope="row"' if header else "")
            cells.append(f"<{tag}{scope}>{escape(cell.text)}</{tag}>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    return f"<table>{caption}{''.join(rows)}</table>"


def _figure(fig: model.Figure) -> str:
    text = fig.caption or fig.alt or ""
    return f"<figure><figcaption>{escape(text)}</figcaption></figure>" if text else ""


def _blocks(blocks: list[Any], levels: _Levels) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, model.Paragraph):
            out.append(f'<p class="idea">{_inlines(block.inlines)}</p>')
        elif isinstance(block, model.ListBlock):
            out.append(_list(block))
        elif isinstance(block, model.Table):
            out.append(_table(block))
        elif isinstance(block, model.Figure):
            out.append(_figure(block))
        elif isinstance(block, model.Code | model.Math):
            out.append(f"<pre>{escape(model.block_text(block))}</pre>")
        elif isinstance(block, model.Heading):
            level = levels(block.level)
            out.append(f"<h{level}>{_inlines(block.inlines)}</h{level}>")
    return "\n".join(out)


def render_html(doc: model.Document) -> str:
    lang = escape(doc.metadata.language or "en", quote=True)
    title = doc.metadata.title or "Easy read"
    levels = _Levels()
    body: list[str] = []
    for block in doc.blocks:
        if isinstance(block, model.Heading):
            if block.level == 1:
                body.append(f"<h1>{_inlines(block.inlines)}</h1>")
                levels.last = 1
            else:
                level = levels(block.level)
                body.append(f"<h{level}>{_inlines(block.inlines)}</h{level}>")
        elif isinstance(block, model.Section) and block.label == "note":
            body.append(f'<div class="note" role="note"><p><strong>Please note:</strong> '
                        f"{escape(model.block_text(block))}</p></div>")
        elif isinstance(block, model.Section) and block.label == "glossary":
            level = levels(2)
            items = []
            for lst in block.blocks:
                if isinstance(lst, model.ListBlock):
                    for item in lst.items:
                        spans = [s for b in item.blocks if isinstance(b, model.Paragraph) for s in b.inlines
                                 if isinstance(s, model.Span)]
                        term = spans[0].text if spans else ""
                        rest = "".join(s.text for s in spans[1:]).lstrip(": ")
                        items.append(f"<dt>{escape(term)}</dt><dd>{escape(rest)}</dd>")
            body.append(f'<section class="words" aria-labelledby="words-to-know">'
                        f'<h{level} id="words-to-know">Words to know</h{level}><dl>{"".join(items)}</dl></section>')
        elif isinstance(block, model.Section) and block.label == "summary":
            inner = "".join(_inlines(p.inlines) for p in block.blocks if isinstance(p, model.Paragraph))
            body.append(f'<div class="summary" role="note"><p>{inner}</p></div>')
        elif isinstance(block, model.Section):
            body.append(_blocks(block.blocks, levels))
        else:
            body.append(_blocks([block], levels))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Easy read: {escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + quality_notice(doc.quality_warnings)
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )
