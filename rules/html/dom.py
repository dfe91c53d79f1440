"""A parsed HTML page and the small DOM questions the static HTML rules ask of it.

Parsing is lxml's HTML parser with no network access and no entity resolution: the input is
untrusted and is never executed. The helpers here answer what the rules need — is this element
hidden, what is its accessible name (a practical subset of W3C accname 1.2), what unique CSS
selector and short HTML snippet point a person at it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import lxml.html
from bs4.dammit import UnicodeDammit
from lxml import etree

from access.errors import InvalidDocument
from access.limits import MAX_DEPTH, MAX_NODES, check_markup, check_tree
from access.models import Location

SNIPPET_MAX = 250
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
CSS_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
NOT_RENDERED = {"head", "script", "style", "template", "noscript", "title", "meta", "link", "base"}


def _parser() -> etree.HTMLParser:
    # Plain etree elements (not lxml.html's HtmlElement classes): the class lookup costs ~30 % of a run.
    return etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, default_doctype=False)


def decode_html(data: bytes) -> str:
    """Decode HTML bytes using the BOM, the meta charset, then guessing (UTF-8, cp1252)."""
    dammit = UnicodeDammit(data, ["utf-8", "windows-1252"], is_html=True)
    if dammit.unicode_markup is None:
        raise InvalidDocument("The HTML file's text encoding could not be recognised.")
    return dammit.unicode_markup


@dataclass
class Page:
    """One parsed HTML page. ``name`` is the file name, zip member or URL it came from."""

    name: str
    root: etree._Element
    _ids: Counter[str] = field(default_factory=Counter, repr=False)
    _lines: dict[str, int] = field(default_factory=dict, repr=False)
    # keyed by element: lxml reuses one proxy per node while a reference to it is alive
    _hidden: dict[etree._Element, bool] = field(default_factory=dict, repr=False)
    # an element's place is asked for by several rules (a link by link-name and link-text): once each
    _places: dict[etree._Element, tuple[str, str]] = field(default_factory=dict, repr=False)

    @classmethod
    def parse(cls, data: bytes | str, name: str = "page.html", *, max_nodes: int = MAX_NODES,
              max_depth: int = MAX_DEPTH) -> Page:
        """Parse a page; ``limit_exceeded`` past ``max_nodes`` elements or ``max_depth`` levels
        (libxml2 itself keeps at most 256 levels and drops what is deeper)."""
        check_markup(data, max_nodes)
        text = decode_html(data) if isinstance(data, bytes) else data
        text = XML_DECLARATION.sub("", text, count=1)
        if not text.strip():
            raise InvalidDocument(f"{name}: the HTML file is empty.")
        try:
            root = etree.fromstring(text, parser=_parser())
        except (etree.ParserError, ValueError) as exc:
            raise InvalidDocument(f"{name}: the file could not be parsed as HTML: {exc}") from exc
        if root is None:
            raise InvalidDocument(f"{name}: the file holds no HTML.")
        check_tree(root, max_nodes=max_nodes, max_depth=max_depth)
        page = cls(name=name, root=root)
        page._ids = Counter(el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id"))
        return page

    # ------------------------------------------------------------------ lookup

    def elements(self, *tags: str) -> list[etree._Element]:
        """Elements with the given tag names, in document order."""
        return list(self.root.iter(*tags))      # the HTML parser lower-cases tag names

    def by_id(self, id_: str) -> etree._Element | None:
        found = self.root.xpath("//*[@id=$v]", v=id_)
        return found[0] if found else None

    def id_count(self, id_: str) -> int:
        return self._ids.get(id_, 0)

    @cached_property
    def body(self) -> etree._Element | None:
        found = self.root.find("body")
        return found

    @cached_property
    def title(self) -> str | None:
        el = self.root.find(".//title")
        return None if el is None else " ".join(text_of(el).split())

    # ------------------------------------------------------------------ state

    def is_hidden(self, el: etree._Element) -> bool:
        """Not rendered or removed from the accessibility tree (itself or an ancestor)."""
        cached = self._hidden.get(el)
        if cached is None:
            cached = self._hidden[el] = self._is_hidden(el)
        return cached

    def _is_hidden(self, el: etree._Element) -> bool:
        node: etree._Element | None = el
        while node is not None and isinstance(node.tag, str):
            tag = node.tag.lower()
            if tag in NOT_RENDERED and tag != "head":
                return True
            if node.get("hidden") is not None or (node.get("aria-hidden") or "").strip().lower() == "true":
                return True
            if HIDDEN_STYLE.search(node.get("style") or ""):
                return True
            if tag == "input" and (node.get("type") or "").lower() == "hidden":
                return True
            node = node.getparent()
        return False

    def role(self, el: etree._Element) -> str:
        return (el.get("role") or "").strip().split(" ")[0].lower()

    # ------------------------------------------------------------------ names

    def labelledby_text(self, el: etree._Element) -> str:
        ids = (el.get("aria-labelledby") or "").split()
        parts = []
        for id_ in ids:
            target = self.by_id(id_)
            if target is not None:
                parts.append(self.subtree_text(target, include_hidden=True))
        return _squash(" ".join(parts))

    def subtree_text(self, el: etree._Element, include_hidden: bool = False) -> str:
        """Name from content: text, image alternatives and aria-labels of descendants."""
        out: list[str] = []

        def walk(node: etree._Element) -> None:
            if not isinstance(node.tag, str):
                return
            tag = node.tag.lower()
            if tag in NOT_RENDERED:
                return
            if not include_hidden and node is not el and self_hidden(node):
                return
            label = (node.get("aria-label") or "").strip()
            if node is not el and label:
                out.append(label)
                return
            if tag in ("img", "area") or (tag == "input" and (node.get("type") or "").lower() == "image"):
                out.append(node.get("alt") or "")
            elif tag == "svg":
                title = node.find("title")
                if title is not None:
                    out.append(text_of(title))
            elif node.text:
                out.append(node.text)
            if tag not in ("svg",):
                for child in node:
                    walk(child)
                    if child.tail:
                        out.append(child.tail)

        walk(el)
        return _squash(" ".join(out))

    def accessible_name(self, el: etree._Element) -> str:
        """A practical subset of accname 1.2: labelledby, aria-label, native label, content, title."""
        name = self.labelledby_text(el)
        if name:
            return name
        name = _squash(el.get("aria-label") or "")
        if name:
            return name
        tag = el.tag.lower()
        kind = (el.get("type") or "text").lower()
        if tag in ("input", "select", "textarea", "meter", "progress", "output"):
            if tag == "input" and kind in ("submit", "reset", "button"):
                value = _squash(el.get("value") or "")
                if value or kind == "button":
                    return value or _squash(el.get("title") or "")
                return "Submit" if kind == "submit" else "Reset"
            if tag == "input" and kind == "image":
                name = _squash(el.get("alt") or "")
                return name or _squash(el.get("title") or "")
            name = self.label_text(el)
            if name:
                return name
            return _squash(el.get("title") or "") or _squash(el.get("placeholder") or "")
        if tag in ("img", "area"):
            name = _squash(el.get("alt") or "")
        elif tag == "iframe":
            name = ""
        elif tag == "fieldset":
            legend = el.find("legend")
            name = "" if legend is None else self.subtree_text(legend)
        elif tag == "table":
            caption = el.find("caption")
            name = "" if caption is None else self.subtree_text(caption)
        elif tag == "svg":
            title = el.find("title")
            name = "" if title is None else _squash(text_of(title))
        else:
            name = self.subtree_text(el)
        return name or _squash(el.get("title") or "")

    def label_text(self, el: etree._Element) -> str:
        """Text of the <label> elements that label a form control (for=id, or wrapping)."""
        parts = []
        id_ = el.get("id")
        if id_:
            for label in self.root.xpath("//label[@for=$v]", v=id_):
                parts.append(self._label_content(label, el))
        node = el.getparent()
        while node is not None:
            if isinstance(node.tag, str) and node.tag.lower() == "label" and node.get("for") in (None, id_):
                parts.append(self._label_content(node, el))
                break
            node = node.getparent()
        return _squash(" ".join(parts))

    def _label_content(self, label: etree._Element, control: etree._Element) -> str:
        """A label's text, leaving out the control's own value."""
        out: list[str] = []
        if label.text:
            out.append(label.text)
        for child in label:
            if child is not control and isinstance(child.tag, str) and child.tag.lower() not in (
                    "input", "select", "textarea"):
                out.append(self.subtree_text(child))
            if child.tail:
                out.append(child.tail)
        return _squash(" ".join(out))

    # ------------------------------------------------------------------ pointing

    def selector(self, el: etree._Element) -> str:
        """A CSS selector that matches exactly this element in the page."""
        steps: list[str] = []
        node: etree._Element | None = el
        while node is not None and isinstance(node.tag, str):
            tag = node.tag.lower()
            id_ = node.get("id")
            if id_ and CSS_IDENT.match(id_) and self.id_count(id_) == 1:
                steps.append(f"#{id_}")
                break
            parent = node.getparent()
            if parent is None:
                steps.append(tag)
                break
            before = sum(1 for _ in node.itersiblings(node.tag, preceding=True))
            after = next(node.itersiblings(node.tag), None) is not None
            steps.append(f"{tag}:nth-of-type({before + 1})" if before or after else tag)
            node = parent
        return " > ".join(reversed(steps))

    def snippet(self, el: etree._Element) -> str:
        """The element's HTML, or its opening tag when the whole would exceed 250 characters."""
        html = lxml.html.tostring(el, encoding="unicode", with_tail=False)
        html = " ".join(html.split())
        if len(html) <= SNIPPET_MAX:
            return html
        end = html.find(">") + 1
        opening = html[:end] if 0 < end <= SNIPPET_MAX - 1 else html[: SNIPPET_MAX - 1]
        return opening + "…"

    def start_tag(self, el: etree._Element) -> str:
        """Only the element's opening tag (for <html>, <body> and other large elements)."""
        html = lxml.html.tostring(el, encoding="unicode", with_tail=False)
        end = html.find(">") + 1
        return " ".join(html[:end].split())[:SNIPPET_MAX]

    def location(self, el: etree._Element) -> Location:
        place = self._places.get(el)
        if place is None:
            place = self._places[el] = (self.selector(el), self.snippet(el))
            if el.sourceline:  # lxml: 1-based line of the start tag
                self._lines[place[0]] = el.sourceline
        return Location(url=self.name, selector=place[0], html=place[1])

    def line_of(self, selector: str | None) -> int | None:
        """The source line of an element this page has located (for SARIF regions)."""
        return self._lines.get(selector or "")


def text_of(el: etree._Element) -> str:
    """All text inside an element (lxml.html's text_content for plain elements)."""
    return "".join(el.itertext())


def self_hidden(node: etree._Element) -> bool:
    return (node.get("hidden") is not None
            or (node.get("aria-hidden") or "").strip().lower() == "true"
            or bool(HIDDEN_STYLE.search(node.get("style") or "")))


def _squash(text: str) -> str:
    return " ".join(text.split())
