"""The roll-up: a report's problems grouped by rule, outcome and element, across pages.

A barrier in a site's template (the logo without a text alternative, the menu button without a
name) is found once on every page; a trainer needs it once, "on 40 of 40 pages", with the page
list, not 40 copies. :func:`roll_up` groups the violations and needs-review findings of a report by
rule, outcome and the element's *fingerprint*: its location with the page taken out (the URL, PDF
page, slide, source line, viewport and state) and the selector and snippet normalised, so that the
same template element has the same fingerprint on every page:

- selectors: ``:nth-child(3)``/``:nth-of-type(2)`` indexes become ``*``, digits and random-looking
  tokens in ids and classes become ``#`` (``#yui_3_17_2_1_42`` → ``#yui_#_#_#_#_#``);
- snippets: digits and random tokens in id-like attributes (``id``, ``for``, ``name``, ``aria-*``,
  ``data-*`` …) become ``#``; query values in links are dropped (``view.php?id=42&sesskey=x1y2`` →
  ``view.php?id=&sesskey=``); state that changes from page to page (``aria-current``,
  ``aria-expanded``, an ``active``/``current``/``open`` class …) is left out; random-looking
  tokens (CSRF values, hashes) become ``#``; whitespace is collapsed. Text and paths are kept:
  ``photo1.jpg`` and ``photo2.jpg`` stay two images.

Findings without an element (a page-level finding, a PDF finding placed only by page) group by
rule and outcome, so "page has no language" is one problem on N pages too. One-page and document
reports get groups of one where nothing repeats.

Groups are sorted violations first, then by impact × pages affected (most first), then by how
often they occur; equal ones stay in report order. Every report
format and the web app read ``Report.groups``; :meth:`access.models.Report.finish` fills it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache

from access.models import Finding, FindingGroup, Location, Outcome, Report

# location fields that say *where in the report* (which page, which rendering), not *which element*
PLACE_FIELDS = frozenset({"url", "page", "slide", "line", "viewport", "state"})

NTH = re.compile(r":(nth-child|nth-last-child|nth-of-type|nth-last-of-type)\([^)]*\)")
DIGITS = re.compile(r"\d+")
# a random-looking token: 12+ word characters mixing letters and digits (CSRF tokens, session
# keys), or 8+ hex digits with a digit among them (hashes, timestamps)
RANDOM = re.compile(r"\b(?=\w*\d)(?=\w*[A-Za-z])\w{12,}\b|\b(?=[A-Fa-f]*\d)[0-9A-Fa-f]{8,}\b", re.ASCII)
MIXED = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{5,}(?![A-Za-z0-9])")
SELECTOR_NAME = re.compile(r"([#.])(-?[A-Za-z_][\w-]*)")
ATTRIBUTE = re.compile(r"""\s([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
TAG = re.compile(r"<([A-Za-z][\w:-]*)((?:\s+[^<>]*?)?)(/?)>")
ID_LIKE = frozenset({"id", "for", "name", "headers", "form", "list", "aria-labelledby", "aria-describedby",
                     "aria-controls", "aria-owns", "aria-activedescendant", "aria-details", "aria-errormessage"})
LINK_LIKE = frozenset({"href", "src", "action", "formaction", "poster", "data", "cite"})
STATE_ATTRIBUTES = frozenset({"aria-current", "aria-expanded", "aria-selected", "aria-pressed", "aria-checked",
                              "nonce", "tabindex", "autofocus", "checked", "selected"})
STATE_CLASS = re.compile(r"^(is-|has-)?(active|current|selected|open|opened|show|shown|expanded|collapsed|"
                         r"focus|focused|visited|hover|in)$", re.I)


def _unrandom(text: str) -> str:
    return RANDOM.sub("#", text)


def _name(text: str) -> str:
    """An id or class name with its digits and generated parts (``css-1q2w3e``) taken out."""
    return DIGITS.sub("#", MIXED.sub("#", _unrandom(text)))


def _selector_name(match: re.Match[str]) -> str:
    if match.group(1) == "." and STATE_CLASS.match(match.group(2)):
        return ""
    return match.group(1) + _name(match.group(2))


@lru_cache(maxsize=65536)
def normalise_selector(selector: str) -> str:
    """The selector with element indexes, volatile ids/classes and state classes taken out."""
    text = NTH.sub(lambda m: f":{m.group(1)}(*)", " ".join(selector.split()))
    return SELECTOR_NAME.sub(_selector_name, text)


def _link(value: str) -> str:
    """A URL with its query values and fragment dropped (the keys stay)."""
    value = value.split("#", 1)[0]
    if "?" not in value:
        return value
    path, query = value.split("?", 1)
    keys = [pair.split("=", 1)[0] for pair in re.split(r"&(?:amp;)?", query) if pair]
    return path + "?" + "&".join(f"{k}=" for k in keys)


def _attribute(name: str, value: str | None) -> str | None:
    low = name.lower()
    if low in STATE_ATTRIBUTES:
        return None
    if value is None:
        return low
    quoted = value[0] in "\"'"
    text = value[1:-1] if quoted else value
    if low == "class":
        text = " ".join(_name(c) for c in text.split() if not STATE_CLASS.match(c))
    elif low in ID_LIKE or low.startswith(("data-", "aria-")):
        text = _name(text)
    elif low in LINK_LIKE:
        text = _unrandom(_link(text))
    else:
        text = _unrandom(text)
    return f'{low}="{" ".join(text.split())}"'


def _tag(match: re.Match[str]) -> str:
    attributes = [_attribute(m.group(1), m.group(2)) for m in ATTRIBUTE.finditer(match.group(2))]
    kept = [a for a in attributes if a]
    return "<" + match.group(1).lower() + "".join(" " + a for a in kept) + match.group(3) + ">"


@lru_cache(maxsize=65536)
def normalise_snippet(html: str) -> str:
    """The snippet with volatile attribute values and page state taken out; text kept."""
    text = " ".join(html.split()).rstrip("…").removesuffix("...")
    return TAG.sub(_tag, text)


ELEMENT_FIELDS = tuple(sorted(set(Location.model_fields) - PLACE_FIELDS))
NORMALISE = {"selector": normalise_selector, "html": normalise_snippet,
             "excerpt": lambda text: " ".join(text.split())}


def element_fingerprint(location: Location) -> str:
    """The fingerprint of the element a finding points at: the same template element on any page
    (any viewport, any state) has the same one. 16 hex digits."""
    parts = []
    for name in ELEMENT_FIELDS:
        value = getattr(location, name)
        if value is None:
            continue
        if name in NORMALISE:
            value = NORMALISE[name](value)
        elif name == "bbox":
            value = [round(v, 1) for v in (value.x0, value.y0, value.x1, value.y1)]
        parts.append(f"{name}={value}")
    return _digest("\x1f".join(parts))


@lru_cache(maxsize=65536)
def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# ----------------------------------------------------------------------------- parts


class PartIndex:
    """Which part of a report each finding belongs to (the report's part ids looked up once)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.ids = dict.fromkeys(p.id for p in report.parts)

    def of(self, finding: Finding) -> str:
        loc = finding.location
        candidates = [loc.url,
                      f"page {loc.page}" if loc.page is not None else None,
                      f"slide {loc.slide}" if loc.slide is not None else None]
        for c in candidates:
            if c and c in self.ids:
                return c
        if loc.url:
            return loc.url
        if len(self.ids) == 1:
            return next(iter(self.ids))
        if loc.page is not None:
            return f"page {loc.page}"
        if loc.slide is not None:
            return f"slide {loc.slide}"
        return self.report.target


def part_of(finding: Finding, report: Report) -> str:
    """The id of the page/slide/part a finding belongs to (a part id of the report when one fits)."""
    return PartIndex(report).of(finding)


def part_order(report: Report) -> list[str]:
    """Part ids in report order, then any part a finding names that the report does not list."""
    index = PartIndex(report)
    order = dict(index.ids)
    for f in report.findings:
        order.setdefault(index.of(f), None)
    return list(order)


def pages_total(report: Report) -> int:
    """The pages (parts) a report audited: a site audit's audited pages, else its audited parts."""
    if report.crawl is not None:
        return report.crawl.count("audited") or len({p.id for p in report.parts if p.status == "audited"})
    return len({p.id for p in report.parts if p.status == "audited"}) or 1


# ----------------------------------------------------------------------------- groups


def group_key(finding: Finding) -> str:
    """The key of the group a problem finding belongs to (:meth:`FindingGroup.key`)."""
    return f"{finding.rule}/{finding.outcome.value}/{element_fingerprint(finding.location)}"


def is_problem(finding: Finding) -> bool:
    return finding.outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)


def members(report: Report) -> dict[str, list[Finding]]:
    """The problem findings of a report by group key, in report order."""
    out: dict[str, list[Finding]] = {}
    for f in report.findings:
        if is_problem(f):
            out.setdefault(group_key(f), []).append(f)
    return out


def roll_up(report: Report) -> list[FindingGroup]:
    """The report's problems as groups, violations first, then by impact × pages affected."""
    total = pages_total(report)
    index = PartIndex(report)
    groups: list[FindingGroup] = []
    for key, findings in members(report).items():
        first = findings[0]
        worst = max((f.impact for f in findings if f.impact), key=lambda i: i.rank, default=None)
        pages = list(dict.fromkeys(index.of(f) for f in findings))
        groups.append(FindingGroup(
            rule=first.rule, fingerprint=key.rsplit("/", 1)[1], outcome=first.outcome, impact=worst,
            wcag=list(dict.fromkeys(sc for f in findings for sc in f.wcag)), message=first.message,
            selector=first.location.selector, html=first.location.html, pages=pages, count=len(findings),
            screenshot=next((f.screenshot for f in findings if f.screenshot), None),
            pages_total=max(total, len(pages)),
            viewports=_named(f.location.viewport for f in findings),
            states=_named(f.location.state for f in findings)))
    groups.sort(key=lambda g: (g.outcome is not Outcome.VIOLATION, -g.weight, -g.count))   # ties: report order
    return groups


def _named(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def grouped(report: Report) -> list[tuple[FindingGroup, list[Finding]]]:
    """Each group of the report with its findings, in roll-up order. A report whose groups do not
    match its findings (made before groups existed, or changed since :meth:`Report.finish`) is
    rolled up again here."""
    found = members(report)
    groups = report.groups
    if {k: len(v) for k, v in found.items()} != {g.key(): g.count for g in groups}:
        groups = roll_up(report)
    return [(g, found[g.key()]) for g in groups]
