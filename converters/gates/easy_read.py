"""The "easy-read" gate: the page carries no script, has its language, the machine-draft note, the
glossary before the text, no empty line and no sentence over the limit; our own HTML auditor finds no
violation; numbers, dates and names are kept. Readability against its target is reported, and does
not decide the verdict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from access.conversion import GateCheck, GateResult, GateSpec
from converters.transforms.easy_read import EASY_READ

if TYPE_CHECKING:
    from access.context import Context
    from access.models import ArtifactOut, ConvertOptions


def html_checks(html: str) -> list[GateCheck]:
    from lxml import html as lxml_html

    from converters.transforms.easyread.text import words
    from converters.transforms.easyread.transform import NOTE, TARGETS

    tree = lxml_html.fromstring(html)
    ideas = [" ".join(el.text_content().split()) for el in tree.xpath("//p[@class='idea'] | //ul[@class='ideas']/li/p")]
    lengths = [len(words(t)) for t in ideas]
    return [
        GateCheck.of("no_script", not tree.xpath("//script | //*[@*[starts-with(name(), 'on')]]")),
        GateCheck.of("language_set", bool(tree.get("lang"))),
        GateCheck.of("machine_note", NOTE.split(".")[0] in html),
        GateCheck.of("glossary_before_text", _glossary_first(html)),
        GateCheck.of("has_text", bool(lengths), lines=len(lengths)),
        GateCheck.of("no_empty_line", all(lengths)),
        GateCheck.of("sentence_length", max(lengths, default=0) <= TARGETS["max_sentence_words"],
                     max_words=max(lengths, default=0)),
    ]


def _glossary_first(html: str) -> bool:
    glossary = html.find('id="words-to-know"')
    first_idea = html.find('class="idea"')
    return glossary == -1 or first_idea == -1 or glossary < first_idea


def figure_checks(figures: dict) -> list[GateCheck]:
    from converters.transforms.easyread.transform import TARGETS

    kept = figures["content_kept"]
    after = figures["after"]
    return [
        GateCheck.of("numbers_kept", kept["numbers_percent"] >= TARGETS["numbers_percent"],
                     percent=kept["numbers_percent"], missing=kept["missing_numbers"][:10]),
        GateCheck.of("dates_kept", kept["dates_percent"] >= TARGETS["dates_percent"],
                     percent=kept["dates_percent"], missing=kept["missing_dates"][:10]),
        GateCheck.of("entities_kept", kept["entities_percent"] >= TARGETS["entities_percent_min"],
                     percent=kept["entities_percent"], missing=kept["missing_entities"][:10]),
        GateCheck.of("readability", after["fk_grade"] <= TARGETS["fk_grade_max"], informational=True,
                     fk_grade_before=figures["before"]["fk_grade"], fk_grade_after=after["fk_grade"],
                     reading_ease_after=after["reading_ease"], target=TARGETS["fk_grade_max"]),
    ]


def check_easy_read(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> GateResult:
    from converters.gates.audit import audit_check

    html_art = next((a for a in artifacts if a.name.endswith(".html")), None)
    json_art = next((a for a in artifacts if a.name.endswith(".json")), None)
    if html_art is None or json_art is None:
        return GateResult.of(EASY_READ, [GateCheck.of("written", False, ["the easy-read HTML or figures are missing"])])
    checks = html_checks(Path(html_art.path).read_text(encoding="utf-8"))
    checks.append(audit_check(Path(html_art.path), "html", html_art.name, ctx, "html_audit")[0])
    checks += figure_checks(json.loads(Path(json_art.path).read_text(encoding="utf-8")))
    return GateResult.of(EASY_READ, checks)


GATE = GateSpec(EASY_READ, check_easy_read, "layout, our auditor, content kept; readability reported")
