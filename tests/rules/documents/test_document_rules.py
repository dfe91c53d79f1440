"""Every PDF, Word and PowerPoint rule on its generated passing and failing examples.

The examples are real files made by the real engines (Chromium print-to-PDF, pymupdf, pikepdf,
python-docx, python-pptx) and read back by the auditors' fact gatherers; nothing is mocked.
"""

from __future__ import annotations

from typing import Any

import pytest

from access.catalogue import Rule
from access.models import Outcome
from rules.docx import RULES as DOCX_RULES
from rules.docx.examples import CASES as DOCX_CASES
from rules.pdf import RULES as PDF_RULES
from rules.pdf.examples import CASES as PDF_CASES
from rules.pptx import RULES as PPTX_RULES
from rules.pptx.examples import CASES as PPTX_CASES

RULES: dict[str, list[Rule]] = {"pdf": PDF_RULES.rules(), "docx": DOCX_RULES.rules(), "pptx": PPTX_RULES.rules()}
CASES: dict[str, dict[str, dict[str, list[str]]]] = {"pdf": PDF_CASES, "docx": DOCX_CASES, "pptx": PPTX_CASES}
BY_ID = {r.id: r for rules in RULES.values() for r in rules}
PARAMS = [(fmt, rule_id, kind, name)
          for fmt, cases in CASES.items() for rule_id, kinds in cases.items()
          for kind, names in kinds.items() for name in names]
FLAGGED = (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)


@pytest.mark.parametrize(("fmt", "rule_id", "kind", "name"), PARAMS,
                         ids=[f"{r}::{k}::{n}" for _, r, k, n in PARAMS])
def test_rule_on_example(facts_of: Any, fmt: str, rule_id: str, kind: str, name: str) -> None:
    rule = BY_ID[rule_id]
    findings = list(rule.check(facts_of(fmt, name)))
    assert all(f.rule == rule_id for f in findings)
    flagged = [f for f in findings if f.outcome in FLAGGED]
    if kind == "pass":
        assert not flagged, [f.message for f in flagged]
        assert any(f.outcome is Outcome.PASS for f in findings), [f.message for f in findings]
    else:
        assert flagged, [f"{f.outcome.value}: {f.message}" for f in findings]
        for f in flagged:
            assert f.help and f.help_url.endswith("#" + rule_id)
            loc = f.location
            assert any(v is not None for v in (loc.page, loc.slide, loc.paragraph, loc.table, loc.image,
                                               loc.path)), f"{rule_id}: finding has no place: {f.message}"


@pytest.mark.parametrize("fmt", sorted(RULES))
def test_every_rule_has_passing_and_failing_examples(fmt: str) -> None:
    for rule in RULES[fmt]:
        cases = CASES[fmt].get(rule.id, {})
        assert cases.get("pass") and cases.get("fail"), f"{rule.id} needs pass and fail examples"
    assert set(CASES[fmt]) == {r.id for r in RULES[fmt]}


@pytest.mark.parametrize("rule", [r for rules in RULES.values() for r in rules], ids=lambda r: r.id)
def test_rule_metadata(rule: Rule) -> None:
    assert [p for p in rule.validate() if "messages" not in p] == []    # TRANSITION: messages come next
    assert rule.id.startswith(rule.target + "-")
    assert rule.check is not None
    if rule.target == "pdf":       # PDF rules state the failure condition they check
        assert rule.condition


def test_contrast_samples_rendered_background(facts_of: Any) -> None:
    """Text on a drawn dark panel is judged against the panel, not the white page."""
    facts = facts_of("pdf", "contrast-bad")
    spans = [s for p in facts.pages for s in p.low_contrast]
    assert facts.pages[0].rendered
    assert any(s.text.startswith("Exam") and sum(s.bg) < 200 for s in spans)
    good = facts_of("pdf", "contrast-good")
    assert good.pages[0].rendered and not good.pages[0].low_contrast


def test_pdf_pages_without_backdrop_are_not_rendered(facts_of: Any) -> None:
    facts = facts_of("pdf", "simple-text")
    assert not any(p.rendered for p in facts.pages)


def test_a_page_the_renderer_cannot_draw_is_reported_not_crashed(tmp_path) -> None:
    """The renderer runs in a child process (MuPDF can abort on damaged files); when it produces no
    image, the page's contrast is reported as not measured."""
    from rules.pdf.facts import PageFacts, PdfFacts, Span, flush_rendering
    from rules.pdf.text import pdf_contrast

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really a pdf\n%%EOF\n")
    page = PageFacts(number=1, width=612, height=792, chars=5,
                     pending=[Span(text="Exam", size=12, bold=False, bbox=(80, 320, 200, 340), fg=(80, 80, 90))])
    flush_rendering(broken, [page])
    assert page.render_failed and not page.rendered and not page.pending
    findings = list(pdf_contrast.check(PdfFacts(path=str(broken), page_count=1, pages=[page])))
    assert [f.outcome for f in findings] == [Outcome.NEEDS_REVIEW] and findings[0].location.page == 1
