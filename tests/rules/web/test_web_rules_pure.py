"""Our browser rules' logic on recorded data (the browser runs are in the shared catalogue test,
``test_fixture_case[web-…]``, and in tests/auditors/web)."""

from __future__ import annotations

import pytest

from access.models import Location, Outcome
from access.readability import measure_text as measure
from access.readability import syllables
from access.rulerun import run_rules
from rules.web import COLLECTORS
from rules.web.keyboard import KeyboardLog, focus_order, focus_visible, keyboard_trap, trapped_at
from rules.web.layout import reflow, text_spacing
from rules.web.page import Probe
from rules.web.reading_level import reading_level

URL = "http://example.org/lesson"


def element(selector: str, **kw) -> dict:
    return {"selector": selector, "html": f"<a id='{selector}'>", "tag": "a", "tabindex": 0, "modal": False, **kw}


def log_of(tabbables: int, keys: list[int], focus: list[int], active: int, **kw) -> KeyboardLog:
    elements = [element(f"e{i}") for i in range(tabbables)]
    for i, extra in kw.pop("elements", {}).items():
        elements[i].update(extra)
    return KeyboardLog(url=URL, tabbables=list(range(tabbables)), unfocused={i: f"look{i}" for i in range(tabbables)},
                       keys=keys, focus=[{"i": i, "look": f"focused{i}", "x": 0, "y": 30 * i, "w": 10, "h": 10}
                                         for i in focus],
                       elements=elements, active=active, presses=len(keys))


def test_tabbing_through_and_out_is_no_trap() -> None:
    log = log_of(3, keys=[-1, 0, 1, 2, -1, 0], focus=[0, 1, 2, 0], active=0)
    assert trapped_at(log) is None
    assert [f.outcome for f in keyboard_trap.check(log)] == [Outcome.PASS]


def test_focus_that_stops_moving_is_a_trap() -> None:
    log = log_of(4, keys=[-1, 0, 1, 1, 1, 1, 1], focus=[0, 1], active=1)
    assert trapped_at(log) == ("stuck", [1])
    (finding,) = keyboard_trap.check(log)
    assert finding.outcome is Outcome.VIOLATION and finding.location.selector == "e1"
    assert finding.wcag == ["2.1.2"] and "act:80af7b" in finding.standard_refs


def test_focus_circling_a_group_is_a_trap_unless_modal() -> None:
    log = log_of(5, keys=[-1, 0, 1, 2, 1, 2, 1, 2], focus=[0, 1, 2, 1, 2, 1, 2], active=1)
    kind, loop = trapped_at(log)
    assert kind == "cycle" and set(loop) == {1, 2}
    modal = log_of(5, keys=[-1, 0, 1, 2, 1, 2, 1, 2], focus=[0, 1, 2, 1, 2, 1, 2], active=1,
                   elements={0: {"modal": True}, 1: {"modal": True}, 2: {"modal": True}})
    assert trapped_at(modal) is None


def test_focus_visible_compares_looks() -> None:
    log = log_of(2, keys=[-1, 0, 1], focus=[0, 1], active=1)
    log.focus[1]["look"] = "look1"                    # element 1 looks the same focused
    outcomes = [(f.outcome, f.location.selector) for f in focus_visible.check(log)]
    assert outcomes == [(Outcome.VIOLATION, "e1")]


def test_focus_order_flags_positive_tabindex_and_backward_jumps() -> None:
    natural = log_of(3, keys=[-1, 0, 1, 2], focus=[0, 1, 2], active=2)
    assert [f.outcome for f in focus_order.check(natural)] == [Outcome.PASS]
    jumpy = log_of(3, keys=[-1, 0, 1, 2], focus=[0, 2, 1], active=1)
    jumpy.focus[1]["y"], jumpy.focus[2]["y"] = 500, 100
    (finding,) = focus_order.check(jumpy)
    assert finding.outcome is Outcome.NEEDS_REVIEW and finding.data["jumps"] == [["e2", "e1"]]


def test_reflow_and_text_spacing_outcomes() -> None:
    (fits,) = reflow.check(Probe(URL, {"width": 320, "overflow": 0, "culprits": []}))
    assert fits.outcome is Outcome.PASS and fits.message == "At 320 CSS px wide the page does not scroll sideways."
    wide = {"width": 320, "overflow": 600, "culprits": [
        {"selector": "div", "html": "<div>", "right": 920, "exempt": False}]}
    (stuck_out,) = reflow.check(Probe(URL, wide))
    assert stuck_out.outcome is Outcome.VIOLATION and stuck_out.location == Location(url=URL, selector="div",
                                                                                      html="<div>")
    table = {"width": 320, "overflow": 300, "culprits": [
        {"selector": "table", "html": "<table>", "right": 620, "exempt": True}]}
    (exempt,) = reflow.check(Probe(URL, table))
    assert exempt.outcome is Outcome.NEEDS_REVIEW and "two-dimensional layout" in exempt.message
    spacing = {"checked": 3, "clipped": [{"selector": "p", "html": "<p>", "lost": 12}], "spilled": []}
    (clipped,) = text_spacing.check(Probe(URL, spacing))
    assert clipped.outcome is Outcome.VIOLATION and clipped.data == {"lost_px": 12} and "12 px" in clipped.message


@pytest.mark.parametrize(("word", "count"), [("cat", 1), ("water", 2), ("photosynthesis", 5),
                                             ("education", 4), ("zorblatt", 2)])
def test_syllables(word: str, count: int) -> None:
    assert syllables(word) == count


def test_reading_level_grades_and_is_never_a_violation() -> None:
    easy = " ".join(["The cat sat on the mat."] * 30)
    hard = " ".join(["Institutional accountability necessitates comprehensive organisational "
                     "documentation of pedagogical methodologies."] * 15)
    assert measure(easy).grade < 3 < 14 < measure(hard).grade
    assert [f.outcome for f in reading_level.check(Probe(URL, {"text": easy, "lang": "en"}))] == [Outcome.PASS]
    (review,) = reading_level.check(Probe(URL, {"text": hard, "lang": "en-GB", "selector": "main"}))
    assert review.outcome is Outcome.NEEDS_REVIEW and review.data["grade"] > 9 and review.wcag == ["3.1.5"]
    assert review.location == Location(url=URL, selector="main")
    assert list(reading_level.check(Probe(URL, {"text": hard, "lang": "fr"}))) == []      # English only
    assert list(reading_level.check(Probe(URL, {"text": "Too short.", "lang": "en"}))) == []


def web_rules() -> list:
    from auditors.web.fixture_runner import RULES

    return RULES.rules()


def test_every_web_rule_reads_a_fact_that_a_collector_gathers() -> None:
    rules = web_rules()
    assert len(rules) == 26
    assert all(r.target == "web" and r.check is not None and r.validate() == [] for r in rules)
    assert {r.reads for r in rules} == set(COLLECTORS)
    order = list(COLLECTORS)
    assert order[0] == "keyboard"                               # it moves focus: before the others
    assert order[-2:] == ["reflow", "text_spacing"]             # they change the layout: last


def test_rules_whose_fact_was_not_gathered_are_skipped_not_crashed() -> None:
    log = log_of(3, keys=[-1, 0, 1, 2], focus=[0, 1, 2], active=2)
    run = run_rules(web_rules(), {"keyboard": log}, where=Location(url=URL))    # every other collector failed
    assert run.errors == {}
    assert sorted(run.skipped) == sorted(r.id for r in web_rules() if r.reads != "keyboard")
    assert {f.rule for f in run.findings} == {r.id for r in web_rules() if r.reads == "keyboard"}


def test_image_words_missing_from_the_name_allow_one_misread_letter() -> None:
    from rules.web.images import PLACEHOLDER_TITLE, missing_from_name, shown_words

    logo = {"name": "ERCIM logo", "ocr": [("W3C", 92.0), ("®", 40.0)]}
    assert missing_from_name(logo) == ["W3C"]
    assert missing_from_name({**logo, "name": "W3C logo"}) == []
    assert missing_from_name({"name": "Physics department", "ocr": [("PHYSlCS", 88.0)]}) == []   # l for I
    assert shown_words({"ocr": [("a", 99.0), ("12", 95.0), ("Week", 55.0), ("Quiz", 90.0)]}, 60) == ["Quiz"]
    assert PLACEHOLDER_TITLE.match("Untitled Document") and PLACEHOLDER_TITLE.match("lesson3.html")
    assert not PLACEHOLDER_TITLE.match("Week 3: Photosynthesis")
