"""The PDF fact gatherer's contrast sampling: text is judged against the rendered page where
something other than white lies behind it, and a page the renderer cannot draw is reported, not
crashed on. The PDFs are the pdf rules' own fixture cases, built and inspected as the catalogue
test does."""

from __future__ import annotations

from typing import Any

from access.models import Outcome
from rules.pdf import RULES


def fixture_facts(case_id: str) -> Any:
    (case,) = [c for c in RULES.cases() if c.id == case_id]
    assert RULES.case_facts is not None
    return RULES.case_facts(case)


def test_contrast_samples_rendered_background() -> None:
    """Text on a drawn dark panel is judged against the panel, not the white page."""
    facts = fixture_facts("pdf-contrast::light grey text on white, grey text on a dark panel (sampled from the "
                          "rendered page)")
    spans = [s for p in facts.pages for s in p.low_contrast]
    assert facts.pages[0].rendered
    assert any(s.text.startswith("Exam") and sum(s.bg) < 200 for s in spans)
    good = fixture_facts("pdf-contrast::dark text on white, white text on a dark panel")
    assert good.pages[0].rendered and not good.pages[0].low_contrast


def test_pdf_pages_without_backdrop_are_not_rendered() -> None:
    facts = fixture_facts("pdf-small-text::11 pt text")
    assert facts.pages[0].chars and not any(p.rendered for p in facts.pages)


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
    assert findings[0].message == ("Page 1 could not be rendered, so the contrast of its text over images or "
                                   "shading was not measured.")


def test_pdfua_findings_cite_the_part_the_file_claims() -> None:
    """A PDF/UA-1 file's findings cite ISO 14289-1 and Matterhorn, a PDF/UA-2 file's ISO 14289-2; a
    rule that cites nothing of the file's part keeps its references."""
    from rules.pdf.uafacts import cite_part

    refs = ["matterhorn:09-004", "ISO14289-1:7.2", "ISO14289-2:8.2.5.26"]
    assert cite_part(refs, 1) == ["matterhorn:09-004", "ISO14289-1:7.2"]
    assert cite_part(refs, 2) == ["ISO14289-2:8.2.5.26"]
    assert cite_part(["matterhorn:31-009", "ISO14289-1:7.21.4.1"], 2) == ["matterhorn:31-009", "ISO14289-1:7.21.4.1"]


def test_a_pdfua2_claim_switches_to_pdfua2_rules() -> None:
    """The XMP claim pdfuaid:part 2 is read, and PDF/UA-2's own rule (catalog /Lang) applies."""
    facts = fixture_facts("pdf-language::a PDF/UA-2 file must declare the language in its catalog")
    assert facts.ua_version == 2 and facts.lang is None
    ua1 = fixture_facts("pdf-language::the structure gives every text its language (no catalog /Lang, no bookmarks)")
    assert ua1.ua_version == 1 and all(p.content is not None and not p.content.text_without_lang for p in ua1.pages)
