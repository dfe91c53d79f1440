"""Conversion fidelity on real documents: access's readers against pandoc and pymupdf4llm.

    .venv/bin/python bench/fidelity.py            # every document present in the corpus
    .venv/bin/python bench/fidelity.py tracemonkey-en scan-ru

Writes bench/results/fidelity.json and prints the README table. The corpus and its truth files are
described in bench/corpus.py and tests/corpus/SOURCES.md. Each tool's output is reduced to the same
shape — the text (superscripts as ``^{x}``, subscripts as ``_{x}``, notes included), the headings,
the image descriptions, the tables and the language — and every truth check is asked of it:

- ``language``: the primary language subtag the output declares;
- ``must`` / ``must_not``: strings that must (must not) appear in the text (running headers, numbers
  with a footnote mark glued on, ligature characters, mojibake);
- ``headings``: each is (part of) a heading; ``alts``: each is an image's description;
- ``tables``: rows (cell texts in order) that some table has, ``header: true`` when they must be
  header cells; ``order``: pairs of strings that must come in this order (columns, asides).

Anchors: pandoc 3.9 (pypandoc-binary) for Word, PowerPoint, Markdown and HTML; pymupdf4llm for PDF
(pandoc does not read PDF). The bench extra installs both (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import json
import platform
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Entry, document, entries

RESULTS = Path(__file__).parent / "results" / "fidelity.json"
PANDOC_FORMATS = {"docx": "docx", "pptx": "pptx", "markdown": "markdown", "html": "html"}


@dataclass
class Rendered:
    text: str = ""
    headings: list[str] = field(default_factory=list)
    alts: list[str] = field(default_factory=list)
    tables: list[list[tuple[list[str], bool]]] = field(default_factory=list)   # rows: (cells, all header)
    language: str | None = None


def squash(text: str) -> str:
    return " ".join(text.split())


# ----------------------------------------------------------------------------- access


def render_access(path: Path, fmt: str) -> Rendered:
    from access.document import Document, Figure, Heading, ListBlock, NoteRef, Paragraph, Span, Table, block_text
    from access.models import ConvertOptions, SourceFile
    from access.registry import get_registry
    from access.services import make_context

    doc: Document = get_registry().readers[fmt].read(SourceFile(path=str(path), format=fmt), ConvertOptions(),
                                                      make_context())
    out = Rendered(language=doc.metadata.language)

    def inline_text(inlines: list[Any]) -> str:
        parts = []
        for i in inlines:
            if isinstance(i, NoteRef):
                parts.append(f"^{{{i.label}}}")
            elif isinstance(i, Span) and i.position == "super":
                parts.append(f"^{{{i.text}}}")
            elif isinstance(i, Span) and i.position == "sub":
                parts.append(f"_{{{i.text}}}")
            else:
                parts.append(i.text)
        return "".join(parts)

    texts: list[str] = []

    def walk(blocks: list[Any]) -> None:
        for b in blocks:
            if isinstance(b, Heading):
                out.headings.append(squash(inline_text(b.inlines)))
                texts.append(inline_text(b.inlines))
            elif isinstance(b, Paragraph):
                texts.append(inline_text(b.inlines))
            elif isinstance(b, Figure):
                if b.alt:
                    out.alts.append(squash(b.alt))
                texts.append(b.caption or "")
            elif isinstance(b, Table):
                rows = []
                for row in b.rows:
                    cells = [squash(" ".join(inline_text(x.inlines) for x in c.blocks if isinstance(x, Paragraph))
                                    or c.text) for c in row.cells]
                    rows.append((cells, bool(row.cells) and all(c.header for c in row.cells)))
                    texts.append(" ".join(cells))
                out.tables.append(rows)
                if b.caption:
                    texts.append(b.caption)
            elif isinstance(b, ListBlock):
                for item in b.items:
                    walk(item.blocks)
            elif hasattr(b, "blocks"):
                walk(b.blocks)
            else:
                texts.append(block_text(b))

    walk(doc.blocks)
    for note in doc.footnotes.values():
        walk(note)
    out.text = squash(" \n ".join(t for t in texts if t))
    return out


# ----------------------------------------------------------------------------- anchors


def render_html(html_text: str, language: str | None = None) -> Rendered:
    from lxml import html

    root = html.document_fromstring(html_text or "<p></p>")
    for tag, sign in (("sup", "^"), ("sub", "_")):
        for el in root.iter(tag):
            el.text = sign + "{" + (el.text or "")
            el.tail = "}" + (el.tail or "")
    out = Rendered(language=language or root.get("lang"))
    out.headings = [squash(h.text_content()) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    out.alts = [squash(i.get("alt")) for i in root.iter("img") if (i.get("alt") or "").strip()]
    for table in root.iter("table"):
        rows = []
        for tr in table.iter("tr"):
            cells = [c for c in tr if getattr(c, "tag", "") in ("td", "th")]
            rows.append(([squash(c.text_content()) for c in cells], bool(cells) and all(c.tag == "th" for c in cells)))
        out.tables.append(rows)
    body = root.find(".//body")
    out.text = squash((body if body is not None else root).text_content())
    return out


def render_pandoc(path: Path, fmt: str) -> Rendered:
    import pypandoc

    html_text = pypandoc.convert_file(str(path), "html", format=PANDOC_FORMATS[fmt], extra_args=["--standalone",
                                                                                                "--wrap=none"])
    return render_html(html_text)


def render_pymupdf4llm(path: Path, fmt: str) -> Rendered:
    import pymupdf4llm
    from markdown_it import MarkdownIt

    text = pymupdf4llm.to_markdown(str(path), show_progress=False)
    return render_html(MarkdownIt("commonmark", {"html": True}).enable("table").render(text))


TOOLS = {"access": render_access, "pandoc": render_pandoc, "pymupdf4llm": render_pymupdf4llm}


def anchors_for(fmt: str) -> list[str]:
    return ["pymupdf4llm"] if fmt == "pdf" else ["pandoc"]


# ----------------------------------------------------------------------------- checks


def checks(truth: dict[str, Any], out: Rendered) -> list[tuple[str, bool]]:
    results: list[tuple[str, bool]] = []
    text = out.text
    if truth.get("language"):
        got = (out.language or "").split("-")[0].lower()
        results.append((f"language {truth['language']}", got == truth["language"]))
    for s in truth.get("must", []):
        results.append((f"has {s!r}", squash(s) in text))
    for s in truth.get("must_not", []):
        results.append((f"lacks {s!r}", squash(s) not in text))
    for h in truth.get("headings", []):
        results.append((f"heading {h!r}", any(squash(h).lower() in x.lower() for x in out.headings)))
    for a in truth.get("alts", []):
        results.append((f"alt {a[:40]!r}", any(squash(a) in x for x in out.alts)))
    for t in truth.get("tables", []):
        want = [squash(c) for c in t["row"]]
        found = any((cells == want or cells[:len(want)] == want) and (row_header or not t.get("header"))
                    for table in out.tables for cells, row_header in table)
        results.append((f"table row {want}{' (header)' if t.get('header') else ''}", found))
    for a, b in truth.get("order", []):
        ia, ib = text.find(squash(a)), text.find(squash(b))
        results.append((f"{a[:25]!r} before {b[:25]!r}", 0 <= ia < ib))
    return results


def score(entry: Entry, tool: str, path: Path) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        out = TOOLS[tool](path, entry.format)
    except Exception as exc:
        return {"crashed": f"{type(exc).__name__}: {str(exc)[:200]}", "passed": 0,
                "total": len(checks(entry.truth, Rendered())), "seconds": round(time.perf_counter() - start, 2),
                "trace": traceback.format_exc()[-600:]}
    results = checks(entry.truth, out)
    return {"passed": sum(ok for _, ok in results), "total": len(results),
            "failed": [name for name, ok in results if not ok], "seconds": round(time.perf_counter() - start, 2)}


def main() -> None:
    wanted = set(sys.argv[1:])
    report: dict[str, Any] = {
        "machine": f"{platform.node()}: {platform.machine()}, Python {platform.python_version()}",
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "documents": {}, "missing": []}
    for entry in entries():
        if wanted and entry.id not in wanted:
            continue
        path = document(entry)
        if path is None:
            report["missing"].append(entry.id)
            continue
        row: dict[str, Any] = {"format": entry.format, "title": entry.title}
        for tool in ["access", *anchors_for(entry.format)]:
            row[tool] = score(entry, tool, path)
            print(f"{entry.id:30} {tool:12} {row[tool]['passed']}/{row[tool]['total']}"
                  f"{'  CRASH ' + row[tool]['crashed'] if 'crashed' in row[tool] else ''}", file=sys.stderr)
        report["documents"][entry.id] = row
    totals = {tool: [0, 0] for tool in TOOLS}
    for row in report["documents"].values():
        for tool in TOOLS:
            if tool in row:
                totals[tool][0] += row[tool]["passed"]
                totals[tool][1] += row[tool]["total"]
    report["totals"] = {tool: {"passed": p, "total": t, "share": round(p / t, 3) if t else None}
                        for tool, (p, t) in totals.items()}
    docs = report["documents"].values()
    report["behind_best_anchor"] = [doc_id for doc_id, row in report["documents"].items()
                                    if any(row[a]["passed"] > row["access"]["passed"]
                                           for a in anchors_for(row["format"]))]
    report["crashes"] = {tool: sum(1 for row in docs if tool in row and "crashed" in row[tool]) for tool in TOOLS}
    if not wanted:
        RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(report))


def table(report: dict[str, Any]) -> str:
    lines = ["| document | format | access | pandoc | pymupdf4llm |", "|---|---|---|---|---|"]

    def cell(result: dict[str, Any] | None) -> str:
        if result is None:
            return "—"
        if "crashed" in result:
            return "crashed"
        return f"{result['passed']}/{result['total']}"

    for doc_id, row in report["documents"].items():
        lines.append(f"| {doc_id} | {row['format']} | {cell(row.get('access'))} | {cell(row.get('pandoc'))} | "
                     f"{cell(row.get('pymupdf4llm'))} |")
    t = report["totals"]

    def share(tool: str) -> str:
        return f"{t[tool]['passed']}/{t[tool]['total']} ({100 * t[tool]['share']:.1f} %)" if t[tool]["total"] else "—"

    lines.append(f"| **all** | | **{share('access')}** | {share('pandoc')} | {share('pymupdf4llm')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
