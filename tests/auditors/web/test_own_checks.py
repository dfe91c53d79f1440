"""Our own browser checks inside a page audit: the collectors gather the facts, ``run_rules`` runs
the web rules on them (same crash guard, cap and summary as every other family), and a collector
that fails is reported on the page's part while the rules that read its fact are skipped."""

from __future__ import annotations

import pytest

from access.models import AuditOptions, Outcome
from auditors.web.browser import get_pool
from auditors.web.fixture_runner import RULES, serve_page
from auditors.web.page_audit import audit_page

pytestmark = pytest.mark.browser

PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lesson</title>{head}</head><body>'
        '<main><h1>Lesson</h1><p><a href="#notes">Notes</a></p>{body}</main></body></html>')
VIDEO = '<video controls width="160" height="90"><track kind="captions" src="data:text/vtt,WEBVTT"></video>'
MEDIA_RULES = {r.id for r in RULES.rules() if r.reads == "media"}


def audit(web_settings, head: str = "", body: str = ""):
    url = serve_page(PAGE.format(head=head, body=body))
    with get_pool(web_settings).session(guarded=False) as session:
        return url, audit_page(session, url, AuditOptions(allow_private=True))


def test_every_web_rule_gives_one_summarised_result_per_page(web_settings) -> None:
    url, result = audit(web_settings, body=VIDEO + VIDEO)
    assert result.part.status == "audited" and result.part.error is None
    own = [f for f in result.findings if f.rule.startswith("web-")]
    assert {f.rule for f in own} == {r.id for r in RULES.rules()}
    (captions,) = [f for f in own if f.rule == "web-video-captions"]
    assert captions.outcome is Outcome.PASS and captions.message == "2 element(s) checked; none failed."
    (transcript,) = [f for f in own if f.rule == "web-audio-transcript"]
    assert transcript.outcome is Outcome.INAPPLICABLE and transcript.location.url == url     # no <audio>
    assert "own_checks" in result.part.timings


def test_a_failing_collector_is_reported_and_only_its_rules_are_skipped(web_settings) -> None:
    sabotage = ('<script>Object.defineProperty(HTMLMediaElement.prototype, "muted", '
                '{get() { throw new Error("sabotaged"); }});</script>')
    _, result = audit(web_settings, head=sabotage, body=VIDEO)
    assert result.part.status == "audited"
    assert result.part.error is not None and result.part.error["code"] == "engine_failed"
    assert result.part.error["message"].startswith("media: JavascriptException") and "sabotaged" in \
        result.part.error["message"]
    assert "rule web-" not in result.part.error["message"]          # skipped, not crashed
    rules = {f.rule for f in result.findings if f.rule.startswith("web-")}
    assert not rules & MEDIA_RULES
    assert rules == {r.id for r in RULES.rules()} - MEDIA_RULES
