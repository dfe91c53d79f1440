"""Markdown → Document, as authors write it: CommonMark plus the extensions course material uses,
parsed by markdown-it-py with the mdit-py-plugins (not by hand):

- YAML front matter (``---`` … ``---``) → metadata (title, lang/language, author/authors, description);
- attribute lists on images, links and spans (``![](fig.png){alt="…"}``, ``{.class #id}``) and on
  blocks (``{.callout}`` on the line before);
- fenced divs (``::: callout`` … ``:::``, any number of colons, as the Carpentries and pandoc write
  them) → ``<div class="callout">``, read like any other div;
- tables, footnotes (``[^1]``), definition lists.

Raw HTML is switched off: markup in the input is shown as text, never passed through.

:func:`render_markdown` is the reusable part (the Markdown auditor uses it too): the rendered HTML,
every block element carrying ``data-source-line`` (its first line in the source, 1-based), and the
front matter as data. :func:`parse_markdown` reads that HTML with the HTML reader.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from access.context import Context
from access.conversion import ReaderSpec
from access.document import Document
from access.limits import MAX_DEPTH, MAX_NODES, tree_limits
from access.models import ConvertOptions, SourceFile
from converters.readers.common import clean_language, finish, read_bytes
from converters.readers.html import parse_html
from converters.readers.text import decode

SOURCE_LINE = "data-source-line"


@dataclass
class RenderedMarkdown:
    html: str                                            # the body's HTML, block elements with data-source-line
    front_matter: dict[str, Any] = field(default_factory=dict)
    front_matter_error: str | None = None                # the YAML could not be read


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
    from mdit_py_plugins.container import container_plugin
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = (MarkdownIt("commonmark", {"html": False}).enable("table")
          .use(front_matter_plugin).use(attrs_plugin).use(attrs_block_plugin)
          .use(footnote_plugin).use(deflist_plugin))
    md.use(container_plugin, name="div", validate=lambda params, *_: True, render=_render_div)
    md.add_render_rule("image", _render_image)
    md.core.ruler.push("source_lines", _source_lines)
    return md


def _render_div(self: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    """A fenced div: ``::: callout`` or ``::: {.callout}`` → ``<div class="callout">``."""
    token = tokens[idx]
    if token.nesting != 1:
        return "</div>\n"
    info = token.info.strip().strip("{}").strip()
    classes = " ".join(w.lstrip(".") for w in info.split() if not w.startswith("#") and "=" not in w)
    line = token.attrGet(SOURCE_LINE)
    attrs = f' class="{html.escape(classes)}"' if classes else ""
    attrs += f' {SOURCE_LINE}="{line}"' if line else ""
    return f"<div{attrs}>\n"


def _render_image(self: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    """An image keeps an ``{alt=…}`` attribute when the author gave one; else the bracket text."""
    token = tokens[idx]
    explicit = token.attrGet("alt")
    token.attrSet("alt", explicit if explicit else self.renderInlineAsText(token.children, options, env))
    return self.renderToken(tokens, idx, options, env)


def _source_lines(state: Any) -> None:
    for token in state.tokens:
        if token.map and token.nesting >= 0 and token.type != "inline":
            token.attrSet(SOURCE_LINE, str(token.map[0] + 1))


def render_markdown(text: str) -> RenderedMarkdown:
    """Markdown source → HTML with source line numbers, and its front matter (see the module docstring)."""
    md = _parser()
    tokens = md.parse(text)
    out = RenderedMarkdown(html=md.renderer.render(tokens, md.options, {}))
    matter = next((t for t in tokens if t.type == "front_matter"), None)
    if matter is not None:
        try:
            data = yaml.safe_load(matter.content)
        except yaml.YAMLError as exc:
            out.front_matter_error = str(exc).split("\n")[0]
        else:
            out.front_matter = data if isinstance(data, dict) else {}
    return out


def parse_markdown(text: str, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> Document:
    rendered = render_markdown(text)
    doc = parse_html(f"<html><body><main>{rendered.html}</main></body></html>", max_nodes=max_nodes,
                     max_depth=max_depth)
    meta = rendered.front_matter
    title = meta.get("title")
    if isinstance(title, str) and title.strip():
        doc.metadata.title = title.strip()
    lang = meta.get("lang") or meta.get("language")
    if isinstance(lang, str) and clean_language(lang):
        doc.metadata.language = clean_language(lang)
    authors = meta.get("authors") or meta.get("author")
    if isinstance(authors, str):
        doc.metadata.authors = [authors]
    elif isinstance(authors, list):
        doc.metadata.authors = [a if isinstance(a, str) else str(a.get("name", "")) if isinstance(a, dict) else str(a)
                                for a in authors]
    description = meta.get("description") or meta.get("subject")
    if isinstance(description, str):
        doc.metadata.subject = description
    if rendered.front_matter_error:
        doc.warnings.append(f"The front matter is not valid YAML and was ignored: {rendered.front_matter_error}")
    return doc


def read_markdown(source: SourceFile, options: ConvertOptions, ctx: Context) -> Document:
    doc = parse_markdown(decode(read_bytes(source)), **tree_limits(ctx.settings))
    return finish(doc, source, options, "markdown")


READER = ReaderSpec("markdown", read_markdown, "Markdown (front matter, attribute lists, fenced divs, tables, "
                                               "footnotes)")
