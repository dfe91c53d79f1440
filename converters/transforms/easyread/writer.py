"""The ``easy-read`` target: transform, then HTML + DOCX + the figures as JSON; and its gate."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from access.context import Context
from access.document import Document
from access.errors import AccessError, UnsupportedFormat
from access.models import ArtifactOut, AuditOptions, ConvertOptions
from converters.transforms.easyread.docx import write_docx
from converters.transforms.easyread.html import render_html
from converters.transforms.easyread.llm import rewriter_from_settings
from converters.transforms.easyread.text import words
from converters.transforms.easyread.transform import NOTE, TARGETS, easy_read_document

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def transform(doc: Document, options: ConvertOptions, ctx: Context) -> Document:
    """Registered transform: Document → easy-read Document (figures in metadata.extra).

    The rule-based rewriter and its lexicon are English; other languages need the LLM rewriter."""
    language = (options.language or doc.metadata.language or "en").split("-")[0].lower()
    rewriter = rewriter_from_settings(ctx.settings, language)
    if language != "en" and getattr(rewriter, "name", "") != "llm":
        raise UnsupportedFormat(
            f"Easy-read is available for English text (this document is {language!r}). For other "
            "languages set ACCESS_EASYREAD_LLM_URL and ACCESS_EASYREAD_LLM_MODEL to an OpenAI-compatible endpoint.")
    return easy_read_document(doc, rewriter, language)


def _stem(doc: Document) -> str:
    stem = Path(doc.metadata.source_name or "document").stem
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "document"


def write_easy_read(doc: Document, outdir: Path, options: ConvertOptions, ctx: Context) -> list[ArtifactOut]:
    ctx.progress(5, "simplifying text")
    easy = doc if "easy_read" in doc.metadata.extra else transform(doc, options, ctx)
    ctx.check_cancelled()
    figures = easy.metadata.extra["easy_read"]
    stem = f"{_stem(doc)}-easy-read"
    outdir.mkdir(parents=True, exist_ok=True)
    ctx.progress(60, "writing easy-read HTML")
    html_path = outdir / f"{stem}.html"
    html_path.write_text(render_html(easy), encoding="utf-8")
    ctx.progress(75, "writing easy-read DOCX")
    docx_path = write_docx(easy, outdir / f"{stem}.docx")
    json_path = outdir / f"{stem}.json"
    json_path.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    summary = {"fk_grade_before": figures["before"]["fk_grade"], "fk_grade_after": figures["after"]["fk_grade"],
               "max_sentence_words": figures["after"]["max_sentence_words"],
               "numbers_kept_percent": figures["content_kept"]["numbers_percent"],
               "entities_kept_percent": figures["content_kept"]["entities_percent"]}
    ctx.progress(100, "easy-read written")
    return [
        ArtifactOut(name=html_path.name, media_type="text/html; charset=utf-8", path=str(html_path),
                    metadata=summary),
        ArtifactOut(name=docx_path.name, media_type=DOCX_TYPE, path=str(docx_path), metadata=summary),
        ArtifactOut(name=json_path.name, media_type="application/json", path=str(json_path), metadata=summary),
    ]


def _html_checks(html: str) -> list[dict[str, Any]]:
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    ideas = [" ".join(el.text_content().split()) for el in tree.xpath("//p[@class='idea'] | //ul[@class='ideas']/li/p")]
    lengths = [len(words(t)) for t in ideas]
    return [
        {"check": "no_script", "passed": not tree.xpath("//script | //*[@*[starts-with(name(), 'on')]]")},
        {"check": "language_set", "passed": bool(tree.get("lang"))},
        {"check": "machine_note", "passed": NOTE.split(".")[0] in html},
        {"check": "glossary_before_text", "passed": _glossary_first(html)},
        {"check": "has_text", "passed": bool(lengths), "lines": len(lengths)},
        {"check": "no_empty_line", "passed": all(lengths)},
        {"check": "sentence_length", "passed": max(lengths, default=0) <= TARGETS["max_sentence_words"],
         "max_words": max(lengths, default=0)},
    ]


def _glossary_first(html: str) -> bool:
    glossary = html.find('id="words-to-know"')
    first_idea = html.find('class="idea"')
    return glossary == -1 or first_idea == -1 or glossary < first_idea


def _audit_html(path: Path, ctx: Context) -> dict[str, Any]:
    """Our own HTML auditor on the page, through the registry (zero violations required)."""
    from access.services import audit_file, source_file

    try:
        report = audit_file(source_file(path, settings=ctx.settings), AuditOptions(), ctx)
    except AccessError as exc:
        return {"check": "html_audit", "passed": False, "error": exc.code, "message": str(exc)}
    violations = [f for f in report.findings if f.outcome.value == "violation"]
    return {"check": "html_audit", "passed": not violations, "violations": len(violations),
            "rules": sorted({f.rule for f in violations})}


def gate_easy_read(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> dict[str, Any]:
    checks: list[dict[str, Any]] = []
    html_art = next((a for a in artifacts if a.name.endswith(".html")), None)
    json_art = next((a for a in artifacts if a.name.endswith(".json")), None)
    if html_art is None or json_art is None:
        return {"passed": False, "checks": [], "problems": ["the easy-read HTML or figures are missing"]}
    html = Path(html_art.path).read_text(encoding="utf-8")
    checks.extend(_html_checks(html))
    checks.append(_audit_html(Path(html_art.path), ctx))
    figures = json.loads(Path(json_art.path).read_text(encoding="utf-8"))
    kept = figures["content_kept"]
    checks.append({"check": "numbers_kept", "passed": kept["numbers_percent"] >= TARGETS["numbers_percent"],
                   "percent": kept["numbers_percent"], "missing": kept["missing_numbers"][:10]})
    checks.append({"check": "dates_kept", "passed": kept["dates_percent"] >= TARGETS["dates_percent"],
                   "percent": kept["dates_percent"], "missing": kept["missing_dates"][:10]})
    checks.append({"check": "entities_kept", "passed": kept["entities_percent"] >= TARGETS["entities_percent_min"],
                   "percent": kept["entities_percent"], "missing": kept["missing_entities"][:10]})
    readability = {"check": "readability", "informational": True,
                   "passed": figures["after"]["fk_grade"] <= TARGETS["fk_grade_max"],
                   "fk_grade_before": figures["before"]["fk_grade"], "fk_grade_after": figures["after"]["fk_grade"],
                   "reading_ease_after": figures["after"]["reading_ease"], "target": TARGETS["fk_grade_max"]}
    checks.append(readability)
    problems = [f"{c['check']} failed" for c in checks if not c["passed"] and not c.get("informational")]
    return {"passed": not problems, "checks": checks, "problems": problems}
