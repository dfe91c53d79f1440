"""Run axe-core in the loaded page and adapt its results into our Findings."""

from __future__ import annotations

import json
from typing import Any

from access.models import Finding, Location, Outcome, Standard
from rules.axe import axe_rule

STANDARD_TAGS: dict[Standard, list[str]] = {
    Standard.WCAG2A: ["wcag2a"],
    Standard.WCAG2AA: ["wcag2a", "wcag2aa"],
    Standard.WCAG21AA: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    Standard.WCAG22AA: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
}

# Reads the page's facts (title, HTTP status, links) and, unless the page is an error page, runs
# the preloaded axe in the same round trip; returns only what the adapter reads.
RUN_AXE = """
const done = arguments[arguments.length - 1];
const options = arguments[0];
const nav = performance.getEntriesByType("navigation")[0];
const links = Array.from(document.querySelectorAll("a[href], area[href]"), a => a.href);
for (const f of document.querySelectorAll("iframe[src]")) links.push(f.src);
const facts = {title: document.title, status: nav && nav.responseStatus ? nav.responseStatus : 0,
               url: location.href, links: links.slice(0, 5000)};
if (facts.status >= 400 || location.protocol === "chrome-error:") { done({facts}); return; }
if (!window.axe) { done({facts, error: "axe-missing"}); return; }
const trim = list => list.map(r => ({id: r.id, impact: r.impact, nodes: r.nodes.map(n => ({
  target: n.target, html: (n.html || "").slice(0, 500), impact: n.impact, summary: n.failureSummary}))}));
axe.run(document, options)
  .then(r => done({facts, version: axe.version, violations: trim(r.violations), incomplete: trim(r.incomplete)}))
  .catch(e => done({facts, error: String(e && e.message || e)}));
"""


def axe_options(standard: Standard) -> dict[str, Any]:
    return {"runOnly": {"type": "tag", "values": STANDARD_TAGS[Standard(standard)]},
            "resultTypes": ["violations", "incomplete"], "elementRef": False}


def cli_tags(standard: Standard) -> str:
    """The same tag list for ``@axe-core/cli --tags`` (the benchmark compares like with like)."""
    return ",".join(STANDARD_TAGS[Standard(standard)])


def selector_of(target: Any) -> str:
    """axe node targets: a list of selectors, one per frame; a nested list crosses shadow roots."""
    if isinstance(target, list):
        return " >>> ".join(selector_of(t) for t in target)
    return str(target)


def adapt(results: dict[str, Any], url: str) -> list[Finding]:
    """axe violations → violation findings, incomplete → needs-review: one finding per node."""
    findings: list[Finding] = []
    for kind, outcome in (("violations", Outcome.VIOLATION), ("incomplete", Outcome.NEEDS_REVIEW)):
        for result in results.get(kind, []):
            entry = axe_rule(result["id"])
            for node in result.get("nodes", []):
                impact = node.get("impact") or result.get("impact")
                summary = (node.get("summary") or "").strip()
                message = summary.replace("\n  ", " ").replace("\n", " ") if summary else entry.title
                findings.append(entry.finding(
                    outcome, message,
                    Location(url=url, selector=selector_of(node.get("target", [])), html=node.get("html")),
                    impact=impact or None, engine="axe-core"))
    return findings


def decode(raw: Any) -> dict[str, Any]:
    return json.loads(raw) if isinstance(raw, str) else dict(raw or {})
