"""Run axe-core in the loaded page and adapt its results into our Findings."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from access.models import Finding, Location, Outcome, Standard
from rules.axe import axe_metadata, axe_rule


@cache
def axe_tags(standard: Standard) -> list[str]:
    """The level tags of the standard that axe-core's rules carry (axe has no ``wcag22a`` tag)."""
    known = {tag for meta in axe_metadata()["rules"] for tag in meta["tags"]}
    return [tag for tag in Standard(standard).tags if tag in known]


# Reads the page's facts (title, HTTP status, links) and, unless the page is an error page, runs
# the preloaded axe in the same round trip (on the whole document, or the context given as the
# second argument); returns only what the adapter reads.
RUN_AXE = """
const done = arguments[arguments.length - 1];
const options = arguments[0];
const context = arguments.length > 2 && arguments[1] ? arguments[1] : document;   // {include: [[root]]}
const nav = performance.getEntriesByType("navigation")[0];
const links = Array.from(document.querySelectorAll("a[href], area[href]"), a => a.href);
for (const f of document.querySelectorAll("iframe[src]")) links.push(f.src);
const facts = {title: document.title, status: nav && nav.responseStatus ? nav.responseStatus : 0,
               url: location.href, links: links.slice(0, 5000)};
if (facts.status >= 400 || location.protocol === "chrome-error:") { done({facts}); return; }
if (!window.axe) { done({facts, error: "axe-missing"}); return; }
// the node's element in this document (for a node inside a frame: the frame element; none in a shadow root)
const element = t => {
  if (!Array.isArray(t) || typeof t[0] !== "string") return null;
  try { return document.querySelector(t[0]); } catch (e) { return null; }
};
let modal = null;
try { modal = document.querySelector(":modal"); } catch (e) { /* no :modal support */ }
// text spacing set !important in a style attribute: whether the rendered text it governs is spaced at least
// as WCAG 1.4.12 asks (ACT 24afc2, 9e45ec, 78fd32); "inherit"/"unset" set nothing of the attribute's own
const SPACING = {"letter-spacing": 0.12, "word-spacing": 0.16, "line-height": 1.5};
const wideEnough = el => {
  for (const [prop, min] of Object.entries(SPACING)) {
    if (el.style.getPropertyPriority(prop) !== "important") continue;
    if (/^(inherit|unset|revert)/.test(el.style.getPropertyValue(prop).trim())) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const p = n.parentElement;
      if (!n.data.trim() || !p) continue;
      let owner = p;
      while (owner && owner !== el && !owner.style.getPropertyValue(prop)) owner = owner.parentElement;
      if (owner !== el) continue;                          // a nearer element sets its own value
      const r = p.getBoundingClientRect();
      if (!p.getClientRects().length || r.bottom <= 0 || r.right <= 0) continue;   // not rendered, or off-screen
      const cs = getComputedStyle(p), size = parseFloat(cs.fontSize), raw = cs.getPropertyValue(prop);
      const value = raw === "normal" ? (prop === "line-height" ? 1.2 * size : 0) : parseFloat(raw);
      if (!(value >= min * size - 0.01)) return false;
    }
  }
  return true;
};
// what the adapter's overrides read (OVERRIDES): whether the node is inert (inside [inert] or behind a
// modal dialog opened with showModal()), a contrast node's own text, inline spacing wide enough
// (an XML file Chrome shows in its tree viewer has an <html> root too: the content type tells)
const root = document.documentElement;
const htmlDocument = ["text/html", "application/xhtml+xml"].includes(document.contentType) &&
  root.namespaceURI === "http://www.w3.org/1999/xhtml" && root.localName === "html";
const facts_of = (id, t) => {
  if (id.startsWith("html-") && !htmlDocument) return {not_html_page: true};
  const el = element(t);
  if (!el) return {};
  return {inert: !!el.closest("[inert]") || (!!modal && !modal.contains(el)),
          ...(id === "avoid-inline-spacing" && t.length === 1 ? {spacing_ok: wideEnough(el)} : {}),
          ...(id.startsWith("color-contrast") && t.length === 1
            ? {text: (el.textContent || "").trim().slice(0, 300)} : {})};
};
const trim = list => list.map(r => ({id: r.id, impact: r.impact, nodes: r.nodes.map(n => ({
  target: n.target, html: (n.html || "").slice(0, 500), impact: n.impact, summary: n.failureSummary,
  ...facts_of(r.id, n.target)}))}));
axe.run(context, options)
  .then(r => done({facts, version: axe.version, violations: trim(r.violations), incomplete: trim(r.incomplete)}))
  .catch(e => done({facts, error: String(e && e.message || e)}));
"""


def run_tags(standard: Standard, best_practice: bool = False) -> list[str]:
    """The axe-core tags an audit runs: the standard's level tags, and ``best-practice`` on request."""
    return [*axe_tags(Standard(standard)), *(["best-practice"] if best_practice else [])]


def enabled_on_request(standard: Standard) -> list[str]:
    """axe-core leaves some rules off by default (its level-AAA rules, ``target-size`` of WCAG 2.2,
    ``audio-caption``, ``aria-roledescription``); a standard whose level tags they carry turns them on,
    since the audit claims to test that standard."""
    tags = set(axe_tags(Standard(standard)))
    return [meta["id"] for meta in axe_metadata()["rules"]
            if not meta.get("enabled", True) and tags & set(meta["tags"])]


def axe_options(standard: Standard, best_practice: bool = False,
                disabled: frozenset[str] = frozenset()) -> dict[str, Any]:
    """axe-core's run options: exactly the rules :func:`rules_run` names, less the ``disabled`` axe ids."""
    values = [r for r in rules_run(standard, best_practice) if r not in disabled]
    return {"runOnly": {"type": "rule", "values": values}, "resultTypes": ["violations", "incomplete"],
            "elementRef": False}


@cache
def rules_run(standard: Standard, best_practice: bool = False) -> tuple[str, ...]:
    """The axe rule ids an audit runs: those carrying one of the standard's tags (``best-practice`` on
    request), enabled by default or turned on by the standard (AAA), never an experimental one, except
    that best practice on request also runs the experimental rules that implement a W3C ACT rule
    (``css-orientation-lock``, ACT b33eff)."""
    tags, on = set(run_tags(standard, best_practice)), set(enabled_on_request(standard))

    def runs(meta: dict[str, Any]) -> bool:
        if "experimental" in meta["tags"]:
            return best_practice and bool(meta["act_ids"])
        return bool(tags & set(meta["tags"])) and (meta.get("enabled", True) or meta["id"] in on)

    return tuple(meta["id"] for meta in axe_metadata()["rules"] if runs(meta))


def cli_rules(standard: Standard, best_practice: bool = False) -> str:
    """The same rule list for ``@axe-core/cli --rules`` (the benchmark compares like with like)."""
    return ",".join(rules_run(standard, best_practice))


def selector_of(target: Any) -> str:
    """axe node targets: a list of selectors, one per frame; a nested list crosses shadow roots."""
    if isinstance(target, list):
        return " >>> ".join(selector_of(t) for t in target)
    return str(target)


def _inert(node: dict[str, Any]) -> bool:
    return bool(node.get("inert"))


def _no_letters_or_digits(node: dict[str, Any]) -> bool:
    text = node.get("text")
    return isinstance(text, str) and bool(text.strip()) and not any(
        unicodedata.category(ch)[0] in "LN" for ch in text)


@dataclass(frozen=True)
class Override:
    """Where axe-core is wrong by the W3C ACT rule it implements, our adapter corrects it: a violation
    of ``rule`` on a node where ``applies`` holds becomes ``outcome`` (None: no finding at all) with
    ``reason``. ``act`` names the ACT rule and example that show it; each has a test page of ours
    (tests/auditors/web/test_axe_overrides.py)."""

    rule: str
    act: str
    applies: Callable[[dict[str, Any]], bool]
    outcome: Outcome | None
    reason: str


OVERRIDES: tuple[Override, ...] = (
    Override("frame-focusable-content", "akn7bn, inapplicable example 6", _inert, None,
             "inert content (behind a modal dialog or inside [inert]) is neither focusable nor exposed"),
    *(Override(rule, "b5c3f8, inapplicable example 2 (and bf051a)", lambda node: node.get("not_html_page") is True,
               None, "a document whose root is not an HTML <html> element (SVG, MathML, other XML) is no HTML page")
      for rule in ("html-has-lang", "html-lang-valid", "html-xml-lang-mismatch")),
    Override("avoid-inline-spacing", "24afc2, 9e45ec, 78fd32: passed examples 1-6",
             lambda node: node.get("spacing_ok") is True, None,
             "spacing set !important in a style attribute that is already as wide as WCAG 1.4.12 asks (letter "
             "0.12, word 0.16, line height 1.5 times the font size) does not stop anyone widening it"),
    Override("color-contrast", "afw4f7, passed example 7", _no_letters_or_digits, Outcome.NEEDS_REVIEW,
             "Text without letters or digits (symbols only) is not text in a human language, so WCAG's contrast "
             "minimum does not apply to it; check that it conveys nothing a learner needs. axe-core: {engine}"),
    Override("color-contrast-enhanced", "09o5cg, passed example 6", _no_letters_or_digits, Outcome.NEEDS_REVIEW,
             "Text without letters or digits (symbols only) is not text in a human language, so WCAG's enhanced "
             "contrast does not apply to it; check that it conveys nothing a learner needs. axe-core: {engine}"),
)
_OVERRIDES_BY_RULE = {o.rule: o for o in OVERRIDES}


def adapt(results: dict[str, Any], url: str) -> list[Finding]:
    """axe violations → violation findings, incomplete → needs-review: one finding per node (a
    violation an override corrects takes the override's outcome, or is left out)."""
    findings: list[Finding] = []
    for kind, outcome in (("violations", Outcome.VIOLATION), ("incomplete", Outcome.NEEDS_REVIEW)):
        for result in results.get(kind, []):
            entry = axe_rule(result["id"])
            override = _OVERRIDES_BY_RULE.get(result["id"]) if kind == "violations" else None
            for node in result.get("nodes", []):
                impact = node.get("impact") or result.get("impact")
                summary = (node.get("summary") or "").strip()
                message = summary.replace("\n  ", " ").replace("\n", " ") if summary else entry.title
                node_outcome, extra = outcome, {}
                if override is not None and override.applies(node):
                    if override.outcome is None:
                        continue
                    node_outcome, extra = override.outcome, {"override": override.act}
                    message = override.reason.format(engine=message)
                findings.append(entry.finding(
                    node_outcome, "engine",
                    Location(url=url, selector=selector_of(node.get("target", [])), html=node.get("html")),
                    impact=impact or None, engine_message=message, engine="axe-core", **extra))
    return findings


def decode(raw: Any) -> dict[str, Any]:
    return json.loads(raw) if isinstance(raw, str) else dict(raw or {})
