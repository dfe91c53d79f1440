"""Run axe-core in the loaded page and adapt its results into our Findings."""

from __future__ import annotations

import json
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
const trim = list => list.map(r => ({id: r.id, impact: r.impact, nodes: r.nodes.map(n => ({
  target: n.target, html: (n.html || "").slice(0, 500), impact: n.impact, summary: n.failureSummary}))}));
axe.run(context, options)
  .then(r => done({facts, version: axe.version, violations: trim(r.violations), incomplete: trim(r.incomplete)}))
  .catch(e => done({facts, error: String(e && e.message || e)}));
"""


def axe_options(standard: Standard) -> dict[str, Any]:
    return {"runOnly": {"type": "tag", "values": axe_tags(Standard(standard))},
            "resultTypes": ["violations", "incomplete"], "elementRef": False}


def cli_tags(standard: Standard) -> str:
    """The same tag list for ``@axe-core/cli --tags`` (the benchmark compares like with like)."""
    return ",".join(axe_tags(Standard(standard)))


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
                    outcome, "engine",
                    Location(url=url, selector=selector_of(node.get("target", [])), html=node.get("html")),
                    impact=impact or None, engine_message=message, engine="axe-core"))
    return findings


def decode(raw: Any) -> dict[str, Any]:
    return json.loads(raw) if isinstance(raw, str) else dict(raw or {})
