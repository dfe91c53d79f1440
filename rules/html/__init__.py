"""The static HTML rules: checks that need only the markup, not a browser.

Each rule reads a parsed :class:`~rules.html.dom.Page`; ``RULES`` collects them from this
package's modules, and its fixtures are the YAML examples in ``fixtures/`` (HTML fragments).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from access.catalogue import Rule
from access.models import Finding, Outcome
from access.rulefixtures import FixtureCase
from access.ruleset import RuleSet

if TYPE_CHECKING:
    from lxml import etree

    from rules.html.dom import Page

FIXTURE_PAGE = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Fixture</title></head>'
                "<body>{html}</body></html>")


def fixture_page(html: str) -> str:
    """A fixture's HTML as a page: fragments are wrapped in a minimal valid document."""
    head = html.lstrip()[:15].lower()
    return html if head.startswith(("<!doctype", "<html")) else FIXTURE_PAGE.format(html=html)


def name_finding(r: Rule, page: Page, el: etree._Element, name: str, **data: Any) -> Finding:
    """The finding of a rule that checks an element has an accessible name: its message "named"
    (a pass, quoting the name) or "unnamed" (a violation)."""
    if name:
        return r.finding(Outcome.PASS, "named", page.location(el), name=name, **data)
    return r.finding(Outcome.VIOLATION, "unnamed", page.location(el), **data)


def case_page(case: FixtureCase) -> Any:
    from rules.html.dom import Page

    return Page.parse(fixture_page(case.inputs["html"]), name="fixture.html")


RULES = RuleSet(target="html", package=__name__, description="HTML files (static checks, no browser)",
                case_facts=case_page)
