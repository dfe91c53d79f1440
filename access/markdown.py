"""Markdown as the HTML page it renders to, with a map from every HTML line back to the Markdown
line it came from: what the Markdown audit needs to point findings at the author's own lines.

The interface is one function, :func:`render_markdown` (Markdown text → :class:`RenderedMarkdown`:
the page, the line map, the front matter). Rendering is markdown-it-py (CommonMark, tables,
strikethrough) with the mdit-py-plugins an author's Markdown uses: YAML front matter (``title``,
``lang``), attribute lists (``![leaf](leaf.png){alt="…"}``, ``{.note}``) and fenced divs
(``::: note``). Raw HTML in the Markdown is kept (it is the author's markup, and the audit must see
it; the page is parsed, never run).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from html import escape
from typing import Any

import yaml

LINE_ATTR = "data-md-line"
END_ATTR = "data-md-end"
MARK = re.compile(rf'\s{LINE_ATTR}="(\d+)"\s{END_ATTR}="(\d+)"')
PAGE = ('<!DOCTYPE html>\n<html{lang}>\n<head><meta charset="utf-8"><title>{title}</title></head>\n'
        "<body><main>\n{body}</main></body></html>\n")
HEAD_LINES = 3                  # the page's lines before the body's first line


@dataclass(frozen=True)
class RenderedMarkdown:
    html: str
    lines: list[int]                                    # lines[i]: the Markdown line of HTML line i + 1
    front_matter: dict[str, Any] = field(default_factory=dict)
    front_matter_lines: dict[str, int] = field(default_factory=dict)   # key → its Markdown line

    def source_line(self, html_line: int | None) -> int | None:
        """The Markdown line an HTML line (1-based) comes from."""
        if not html_line or html_line > len(self.lines):
            return None
        return self.lines[html_line - 1] or None


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
    from mdit_py_plugins.container import container_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(attrs_plugin).use(attrs_block_plugin)
    for name in ("note", "warning", "tip", "important", "caution", "example", "aside", "div"):
        md.use(container_plugin, name=name, validate=lambda params, *_: True)
    return md


def render_markdown(text: str) -> RenderedMarkdown:
    """The page a Markdown text renders to and its line map (see the module docstring)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    md = _parser()
    tokens = md.parse(text)
    front: dict[str, Any] = {}
    front_lines: dict[str, int] = {}
    for token in tokens:
        if token.type == "front_matter":
            front, front_lines = _front_matter(token.content, (token.map or [0, 0])[0] + 2)
        elif token.map and token.nesting >= 0 and token.block:
            start, end = token.map
            first = start + 2 if token.type == "fence" else start + 1     # a fence's code starts on its next line
            token.attrSet(LINE_ATTR, str(first))
            token.attrSet(END_ATTR, str(max(end, first)))
    body = md.renderer.render(tokens, md.options, {})
    lang = str(front.get("lang") or front.get("language") or "").strip()
    title = str(front.get("title") or "").strip() or _first_heading(tokens)
    page = PAGE.format(lang=f' lang="{escape(lang)}"' if lang else "", title=escape(title), body=body)
    lines = _line_map(page)
    for key, index in (("lang", 2), ("title", 3)):       # the page's own lines point at the front matter
        source = front_lines.get(key) or front_lines.get("language" if key == "lang" else key)
        lines[index - 1] = source or 1
    return RenderedMarkdown(html=MARK.sub("", page), lines=lines, front_matter=front, front_matter_lines=front_lines)


def _line_map(page: str) -> list[int]:
    """For each line of the page, the Markdown line: the innermost block opened at or before it,
    advanced by the lines since it opened (a paragraph's third line is the Markdown's third line
    of it), never past the block's end."""
    lines: list[int] = []
    stack: list[tuple[int, int, int]] = []               # (html line opened, md first line, md end)
    for number, line in enumerate(page.split("\n"), 1):
        marks = list(MARK.finditer(line))
        if marks:
            first, end = int(marks[-1].group(1)), int(marks[-1].group(2))
            stack = [s for s in stack if s[2] >= first]
            stack.append((number, first, end))
        if stack:
            opened, first, end = stack[-1]
            lines.append(min(first + number - opened, end))
        else:
            lines.append(1 if number <= HEAD_LINES else 0)
    return lines


def _front_matter(content: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        data = yaml.safe_load(content) or {}
    except yaml.YAMLError:
        return {}, {}
    if not isinstance(data, dict):
        return {}, {}
    where = {}
    for offset, line in enumerate(content.split("\n")):
        key = line.split(":", 1)[0].strip()
        if key in data and key not in where and ":" in line:
            where[str(key)] = first_line + offset
    return {str(k): v for k, v in data.items()}, where


def _first_heading(tokens: list[Any]) -> str:
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and i + 1 < len(tokens):
            return tokens[i + 1].content.strip()
    return ""
