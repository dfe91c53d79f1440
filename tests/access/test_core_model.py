"""The result model, settings and Document model that every package builds on."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from access.catalogue import documented, rule
from access.config import Settings
from access.document import (
    Cell,
    Document,
    Figure,
    Heading,
    ListBlock,
    ListItem,
    Metadata,
    NoteRef,
    PageBreak,
    Paragraph,
    Row,
    Section,
    Span,
    Table,
)
from access.models import Finding, Impact, Location, Outcome, Report, Standard, Summary, standard_covers
from access.requirements import ACT, WCAG, Axe, Matterhorn, Requirement


def test_standard_covers_levels_and_versions() -> None:
    assert standard_covers(Standard.WCAG22AA, "2.5.8")          # 2.2 AA
    assert not standard_covers(Standard.WCAG21AA, "2.5.8")      # not in 2.1
    assert standard_covers(Standard.WCAG21AA, "1.4.10")         # 2.1 AA
    assert not standard_covers(Standard.WCAG2AA, "1.4.10")      # not in 2.0
    assert not standard_covers(Standard.WCAG2A, "1.4.3")        # AA, not A
    assert not standard_covers(Standard.WCAG22AA, "3.1.5")      # AAA never counts at AA
    assert not standard_covers(Standard.WCAG22AA, "9.9.9")      # unknown criterion


def test_summary_counts_by_outcome_impact_and_principle() -> None:
    findings = [
        Finding(rule="a", outcome=Outcome.VIOLATION, impact=Impact.CRITICAL, wcag=["1.1.1"], message="m"),
        Finding(rule="a", outcome=Outcome.VIOLATION, impact=Impact.SERIOUS, wcag=["2.4.7"], message="m"),
        Finding(rule="b", outcome=Outcome.NEEDS_REVIEW, impact=Impact.MINOR, wcag=[], message="m"),
        Finding(rule="c", outcome=Outcome.PASS, message="m"),
    ]
    s = Summary.of(findings)
    assert s.violations == 2 and s.needs_review == 1
    assert s.by_outcome == {"violation": 2, "needs-review": 1, "pass": 1}
    assert s.by_impact == {"critical": 1, "serious": 1, "minor": 1}
    assert s.by_principle == {"perceivable": 1, "operable": 1, "other": 1}
    assert s.by_rule == {"a": 2, "b": 1}


def test_report_threshold_and_fingerprint() -> None:
    loc = Location(url="https://x.test/a", selector="img")
    report = Report(target="x", target_kind="web", findings=[
        Finding(rule="r1", outcome=Outcome.VIOLATION, impact=Impact.MODERATE, location=loc, message="m"),
        Finding(rule="r2", outcome=Outcome.NEEDS_REVIEW, impact=Impact.CRITICAL, message="m"),
    ]).finish()
    assert report.finished_at is not None and report.summary.violations == 1
    assert [f.rule for f in report.worst_at_or_above(Impact.MODERATE)] == ["r1"]
    assert report.worst_at_or_above(Impact.SERIOUS) == []      # needs-review never fails a build
    assert report.findings[0].fingerprint() == "r1@https://x.test/a|img|||||||"
    assert Report.model_validate_json(report.model_dump_json()) == report


def test_location_rejects_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        Location(column=3)  # type: ignore[call-arg]


def test_rule_metadata_and_finding() -> None:
    @rule(id="html-demo", target="html", impact="serious", requirements=(WCAG("1.1.1"), ACT("23a2a8")),
          messages={"missing": "The image {src} has no alt attribute.", "ok": "Fine."})
    def demo(doc: object) -> list[Finding]:
        """Images need a text alternative.

        **Why it matters**: a blind learner hears nothing.

        **How to fix**: add an alt attribute
        that says what the image shows.
        """
        return []

    assert demo.title == "Images need a text alternative."
    assert demo.help == "add an alt attribute that says what the image shows."
    assert demo.validate() == []
    assert demo.wcag == ("1.1.1",) and demo.standard_refs == ("act:23a2a8",) and demo.refs("act") == ("23a2a8",)
    f = demo.finding("violation", "missing", Location(selector="img"), src="a.png")
    assert f.message == "The image a.png has no alt attribute."
    assert f.impact is Impact.SERIOUS and f.wcag == ["1.1.1"] and f.standard_refs == ["act:23a2a8"]
    assert f.data == {"src": "a.png"} and f.help_url and f.help_url.endswith("html-demo")
    assert demo.finding("pass", "ok").impact is None
    narrowed = demo.finding("violation", "missing", src="b.png", requirements=[ACT("23a2a8")])
    assert narrowed.wcag == [] and narrowed.standard_refs == ["act:23a2a8"]
    with pytest.raises(KeyError):
        demo.finding("violation", "no-such-message")
    bad = documented(id="Bad_Id", target="axe", impact="minor", requirements=(Axe("x"),), doc="Title only")
    problems = bad.validate()
    assert any("id must be" in p for p in problems) and any("Why it matters" in p for p in problems)
    with pytest.raises(ValueError, match=r"7\.7\.7"):
        WCAG("7.7.7")


def test_requirements_parse_and_link() -> None:
    assert Requirement.parse("matterhorn:13-004") == Matterhorn("13-004")
    assert str(ACT("23a2a8")) == "act:23a2a8" and ACT("23a2a8").url.endswith("/23a2a8/")
    assert WCAG("1.4.3").url.endswith("contrast-minimum.html")
    with pytest.raises(ValueError):
        Requirement.parse("nonsense")


def test_settings_defaults_are_embedded(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ACCESS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ACCESS_ALLOW_PRIVATE_NETWORKS", "127.0.0.0/8, ::1/128")
    s = Settings(_env_file=None)
    assert s.resolved_database_url == f"sqlite:///{tmp_path / 'access.sqlite'}"
    assert s.embedded_broker and s.resolved_broker_url.startswith("sqla+sqlite:///")
    assert s.allow_private_networks == ["127.0.0.0/8", "::1/128"]
    monkeypatch.setenv("ACCESS_ALLOW_PRIVATE_NETWORKS", "not-a-network")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_document_round_trips_through_json() -> None:
    doc = Document(
        metadata=Metadata(title="Course", language="en", authors=["A. Teacher"], source_format="docx"),
        blocks=[
            PageBreak(label="1"),
            Heading(level=1, inlines=[Span(text="Week 1")]),
            Paragraph(inlines=[Span(text="Read "), Span(text="this", strong=True, href="https://x.test"),
                               NoteRef(id="n1", label="1"), Span(text=" bonjour", lang="fr")]),
            ListBlock(ordered=True, items=[ListItem(blocks=[Paragraph(inlines=[Span(text="one")]),
                                                            ListBlock(items=[ListItem(blocks=[])])])]),
            Table(caption="Timetable", header_rows=1, rows=[
                Row(cells=[Cell(header=True, scope="col", blocks=[Paragraph(inlines=[Span(text="Day")])])]),
                Row(cells=[Cell(blocks=[Paragraph(inlines=[Span(text="Monday")])])]),
            ]),
            Figure(image=b"\x89PNG\r\n\x1a\n\x00", media_type="image/png", alt=None, caption="A cell"),
            Section(kind="slide", label="Slide 2", blocks=[Heading(level=2, inlines=[Span(text="Slide")])]),
        ],
        footnotes={"n1": [Paragraph(inlines=[Span(text="A note.")])]},
    )
    again = Document.model_validate_json(doc.model_dump_json())
    assert again == doc
    assert [h.text for h in again.headings()] == ["Week 1", "Slide"]
    assert again.figures()[0].alt_missing and again.figures()[0].image == b"\x89PNG\r\n\x1a\n\x00"
    assert "Monday" in again.plain_text() and again.word_count() >= 8


def test_counts_toward_keeps_what_the_standard_includes() -> None:
    def finding(outcome: Outcome, *wcag: str) -> Finding:
        return Finding(rule="r", outcome=outcome, wcag=list(wcag), message="m")

    reflow = finding(Outcome.VIOLATION, "1.4.10")                 # WCAG 2.1 AA
    assert reflow.counts_toward(Standard.WCAG21AA) and not reflow.counts_toward(Standard.WCAG2AA)
    assert finding(Outcome.VIOLATION).counts_toward(Standard.WCAG2A)               # best practice
    assert finding(Outcome.VIOLATION, "1.4.3", "1.4.10").counts_toward(Standard.WCAG2AA)
    reading = finding(Outcome.NEEDS_REVIEW, "3.1.5")               # AAA advice is kept ...
    assert reading.counts_toward(Standard.WCAG2A) and reading.counts_toward(Standard.WCAG22AA)
    assert not finding(Outcome.VIOLATION, "3.1.5").counts_toward(Standard.WCAG22AA)  # ... never as a violation


def test_plugin_settings_follow_the_settings_they_come_from(tmp_path) -> None:
    """A plugin's settings come from the environment, overridden by values given to Settings by name;
    a copy with an update gets its own."""
    from access.config import PluginSettings, plugin_settings

    class DemoSettings(PluginSettings):
        demo_pool_size: int = 1

    base = Settings(_env_file=None, data_dir=tmp_path, demo_pool_size=3)
    assert plugin_settings(DemoSettings, base).demo_pool_size == 3
    assert plugin_settings(DemoSettings, base) is plugin_settings(DemoSettings, base)
    copy = base.model_copy(update={"demo_pool_size": 5})
    assert plugin_settings(DemoSettings, copy).demo_pool_size == 5
    assert plugin_settings(DemoSettings, base).demo_pool_size == 3
