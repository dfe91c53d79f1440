"""Generated pass/fail example PDFs for every PDF rule (test data, built at test time).

Tagged examples start from one lecture-like HTML page printed to a tagged PDF by headless Chromium;
each variant then changes exactly the thing a rule checks with pikepdf (drop a figure's /Alt,
rename H2 to H4, turn TH into TD ...). Untagged examples are drawn with pymupdf. ``Examples(dir)``
builds a file on first request and reuses it afterwards, so a test session prints with Chromium
once.

``CASES[rule_id] = {"pass": [example names], "fail": [example names]}``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pymupdf

from access.config import get_settings
from access.errors import EngineFailed

SIMPLE_TEXT = (
    "Plants make food from light. They take in water through their roots. They take in air through "
    "their leaves. The green parts of the leaf catch the light. The plant uses the light to join "
    "water and air. This makes sugar. The plant uses the sugar to grow. It also gives out oxygen. "
    "We need oxygen to breathe. So plants help us live. In this lesson you will grow a bean. You "
    "will put it by a window. You will give it water each day. You will draw it each week. Then you "
    "will see how light helps it grow. Ask your teacher if you need help. Have fun with your plant. ")
COMPLEX_TEXT = (
    "Photosynthetic carbon assimilation, notwithstanding considerable interspecific physiological "
    "variability, fundamentally constitutes the thermodynamically unfavourable reduction of "
    "atmospheric carbon dioxide, energetically subsidised by photochemically generated "
    "adenosine triphosphate and nicotinamide adenine dinucleotide phosphate, whose regeneration "
    "necessitates continuous photosystem-mediated electron transport across thylakoid membranes "
    "characterised by extraordinarily sophisticated supramolecular organisational hierarchies. ")

LECTURE_HTML = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Week 3: Photosynthesis</title>
<style>body{{font-family:serif;font-size:12pt}} .pb{{break-before:page}}</style></head><body>
<h1>Photosynthesis</h1>
<p>{SIMPLE_TEXT}</p>
<img alt="Diagram of a leaf taking in light, water and air" width="120" height="80"
 src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAEhQHfQ2Ci8AAAAABJRU5ErkJggg==">
<h2 class="pb">What plants need</h2>
<table><tr><th>Need</th><th>Where from</th></tr><tr><td>Water</td><td>Roots</td></tr>
<tr><td>Light</td><td>Sun</td></tr></table>
<ul><li>Water</li><li>Light</li><li>Air</li></ul>
<h2 class="pb">Read more</h2>
<p>See the <a href="https://example.org/plants">course reading list</a> for this week.</p>
</body></html>
"""


def chromium_print(html: str, out: Path) -> Path:
    """Print HTML to a tagged PDF with headless Chromium (outline and tags on)."""
    settings = get_settings()
    with tempfile.TemporaryDirectory(prefix="access-pdf-") as tmp:
        src = Path(tmp) / "page.html"
        src.write_text(html, encoding="utf-8")
        cmd = [settings.chromium_path, "--headless=new", "--no-sandbox", "--disable-gpu",
               "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp}/profile",
               "--no-pdf-header-footer", "--generate-pdf-document-outline", f"--print-to-pdf={out}",
               src.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, timeout=60, check=False)
    if not out.exists() or out.stat().st_size == 0:
        raise EngineFailed(f"Chromium did not print the PDF: {proc.stderr[-400:]!r}")
    return out


def _edit(src: Path, out: Path, fn: Callable[[pikepdf.Pdf], None]) -> Path:
    with pikepdf.open(src) as pdf:
        fn(pdf)
        pdf.save(out)
    return out


def _elements(pdf: pikepdf.Pdf, typ: str) -> list[pikepdf.Dictionary]:
    found = []
    stack = [pdf.Root.StructTreeRoot.get("/K")]
    while stack:
        k = stack.pop()
        items = list(k) if isinstance(k, pikepdf.Array) else [k]
        for kid in items:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                if pikepdf.Name("/" + typ) == kid.S:
                    found.append(kid)
                stack.append(kid.get("/K"))
    return found


def _text_pdf(out: Path, pages: list[list[tuple[str, float, tuple[float, float, float]]]],
              toc: bool = False, fontname: str = "helv") -> Path:
    """An untagged PDF: each page a list of (text, size, colour) paragraphs drawn with pymupdf."""
    doc = pymupdf.open()
    for i, paras in enumerate(pages):
        page = doc.new_page()
        y = 72.0
        for text, size, colour in paras:
            rect = pymupdf.Rect(72, y, 540, 760)
            page.insert_textbox(rect, text, fontsize=size, color=colour, fontname=fontname)
            y += size * 1.4 * (1 + len(text) // 80) + 12
        if toc:
            doc.set_toc([[1, "Page", 1]] if i == 0 else [*doc.get_toc(), [1, f"Page {i + 1}", i + 1]])
    doc.set_metadata({"title": "Example"})
    doc.save(out)
    doc.close()
    return out


class Examples:
    """Builds example files into ``workdir`` on demand and caches them."""

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        out = self.dir / f"{name}.pdf"
        if not out.exists():
            tmp = self.dir / f".{name}.tmp.pdf"
            BUILDERS[name](self, tmp)
            shutil.move(tmp, out)
        return out

    # tagged, from Chromium -----------------------------------------------------------------

    def lecture(self, out: Path) -> Path:
        return chromium_print(LECTURE_HTML, out)

    def variant(self, out: Path, fn: Callable[[pikepdf.Pdf], None]) -> Path:
        return _edit(self.path("lecture"), out, fn)


def _set_xmp(pdf: pikepdf.Pdf, *, title: bool = True, pdfua: bool = False) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        if title:
            meta["dc:title"] = "Week 3: Photosynthesis"
        if pdfua:
            meta.register_xml_namespace("http://www.aiim.org/pdfua/ns/id/", "pdfuaid")
            meta["pdfuaid:part"] = "1"


def _no_title(pdf: pikepdf.Pdf) -> None:
    if "/Title" in pdf.docinfo:
        del pdf.docinfo["/Title"]
    del pdf.Root.ViewerPreferences["/DisplayDocTitle"]


def _no_lang(pdf: pikepdf.Pdf) -> None:
    del pdf.Root["/Lang"]
    for el in _elements(pdf, "Document"):
        if "/Lang" in el:
            del el["/Lang"]


def _passage_lang(value: str) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        _elements(pdf, "P")[0].Lang = pikepdf.String(value)
    return edit


def _figure_no_alt(pdf: pikepdf.Pdf) -> None:
    for el in _elements(pdf, "Figure"):
        del el["/Alt"]


def _skip_heading(pdf: pikepdf.Pdf) -> None:
    _elements(pdf, "H2")[0].S = pikepdf.Name("/H4")


def _no_headings(pdf: pikepdf.Pdf) -> None:
    for typ in ("H1", "H2"):
        for el in _elements(pdf, typ):
            el.S = pikepdf.Name("/P")


def _th_to_td(pdf: pikepdf.Pdf) -> None:
    for el in _elements(pdf, "TH"):
        el.S = pikepdf.Name("/TD")


def _list_bodies(pdf: pikepdf.Pdf) -> None:
    for li in _elements(pdf, "LI"):
        k = li.K
        for kid in (list(k) if isinstance(k, pikepdf.Array) else [k]):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == pikepdf.Name("/NonStruct"):
                kid.S = pikepdf.Name("/LBody")


def _link_contents(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        for a in page.obj.get("/Annots", []):
            if a.get("/Subtype") == pikepdf.Name("/Link"):
                a.Contents = pikepdf.String("Course reading list")


def _no_tabs(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        if "/Tabs" in page.obj:
            del page.obj["/Tabs"]


def _no_tounicode(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        fonts = page.obj.Resources.get("/Font", {})
        for _name, font in fonts.items():
            if "/ToUnicode" in font:
                del font["/ToUnicode"]


def _untagged_stamp(ex: Examples, out: Path) -> Path:
    doc = pymupdf.open(ex.path("lecture"))
    doc[0].insert_text((72, 780), "DRAFT - not for distribution", fontsize=10, fontname="tiro")
    doc.save(out)
    doc.close()
    return out


def _encrypted(ex: Examples, out: Path, accessible: bool) -> Path:
    doc = pymupdf.open(ex.path("untagged"))
    perm = pymupdf.PDF_PERM_PRINT | (pymupdf.PDF_PERM_ACCESSIBILITY if accessible else 0)
    doc.save(out, encryption=pymupdf.PDF_ENCRYPT_AES_128, owner_pw="owner", user_pw="", permissions=perm)
    doc.close()
    return out


def _long(out: Path, toc: bool) -> Path:
    return _text_pdf(out, [[(f"Chapter {i + 1}. " + SIMPLE_TEXT[:200], 11, (0, 0, 0))] for i in range(22)],
                     toc=toc)


def _form(out: Path, tooltip: bool) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 90), "Student number:", fontsize=12)
    w = pymupdf.Widget()
    w.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    w.field_name = "student_number"
    w.rect = pymupdf.Rect(180, 75, 400, 95)
    if tooltip:
        w.field_label = "Student number"
    page.add_widget(w)
    doc.save(out)
    doc.close()
    return out


def _note(out: Path, text: str) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 90), "Answer the questions below.", fontsize=12)
    page.add_text_annot((300, 80), text)
    doc.save(out)
    doc.close()
    return out


def _scanned(out: Path) -> Path:
    """A page that is only a picture of text (rendered from a text page, as a scanner would)."""
    src = pymupdf.open()
    page = src.new_page()
    page.insert_textbox(pymupdf.Rect(72, 72, 540, 700), SIMPLE_TEXT * 2, fontsize=12)
    pix = page.get_pixmap(dpi=100)
    doc = pymupdf.open()
    doc.new_page().insert_image(doc[0].rect, pixmap=pix)
    doc.save(out)
    doc.close()
    src.close()
    return out


def _contrast(out: Path, good: bool) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    grey = (0.1, 0.1, 0.1) if good else (0.72, 0.72, 0.72)
    page.insert_textbox(pymupdf.Rect(72, 72, 540, 200), "Assignment due Friday. " * 4, fontsize=12,
                        color=grey)
    # a dark panel with light (good) or mid-grey (bad) text: needs the rendered background
    page.draw_rect(pymupdf.Rect(72, 300, 540, 400), color=None, fill=(0.15, 0.15, 0.3))
    page.insert_textbox(pymupdf.Rect(80, 320, 530, 390), "Exam in room 4B.", fontsize=12,
                        color=(1, 1, 1) if good else (0.3, 0.3, 0.4))
    doc.save(out)
    doc.close()
    return out


BUILDERS: dict[str, Callable[[Examples, Path], Path]] = {
    "lecture": Examples.lecture,
    "untagged": lambda ex, out: _text_pdf(out, [[(SIMPLE_TEXT, 12, (0, 0, 0))]], fontname="tiro"),
    "xmp-title": lambda ex, out: ex.variant(out, lambda p: _set_xmp(p, title=True)),
    "no-title": lambda ex, out: ex.variant(out, _no_title),
    "no-lang": lambda ex, out: ex.variant(out, _no_lang),
    "passage-fr": lambda ex, out: ex.variant(out, _passage_lang("fr-CA")),
    "passage-french": lambda ex, out: ex.variant(out, _passage_lang("French")),
    "pdfua": lambda ex, out: ex.variant(out, lambda p: _set_xmp(p, title=True, pdfua=True)),
    "encrypted-accessible": lambda ex, out: _encrypted(ex, out, True),
    "encrypted-blocked": lambda ex, out: _encrypted(ex, out, False),
    "long-bookmarks": lambda ex, out: _long(out, True),
    "long-no-bookmarks": lambda ex, out: _long(out, False),
    "figure-no-alt": lambda ex, out: ex.variant(out, _figure_no_alt),
    "heading-skip": lambda ex, out: ex.variant(out, _skip_heading),
    "no-headings": lambda ex, out: ex.variant(out, _no_headings),
    "table-no-th": lambda ex, out: ex.variant(out, _th_to_td),
    "list-lbody": lambda ex, out: ex.variant(out, _list_bodies),
    "untagged-stamp": _untagged_stamp,
    "link-contents": lambda ex, out: ex.variant(out, _link_contents),
    "no-tabs": lambda ex, out: ex.variant(out, _no_tabs),
    "no-tounicode": lambda ex, out: ex.variant(out, _no_tounicode),
    "form-tooltip": lambda ex, out: _form(out, True),
    "form-no-tooltip": lambda ex, out: _form(out, False),
    "note-text": lambda ex, out: _note(out, "Check your units in question 2."),
    "note-empty": lambda ex, out: _note(out, ""),
    "scanned": lambda ex, out: _scanned(out),
    "contrast-good": lambda ex, out: _contrast(out, True),
    "contrast-bad": lambda ex, out: _contrast(out, False),
    "small-text": lambda ex, out: _text_pdf(out, [[("Terms and conditions of the course apply.", 5, (0, 0, 0))]]),
    "simple-text": lambda ex, out: _text_pdf(out, [[(SIMPLE_TEXT, 11, (0, 0, 0))]]),
    "complex-text": lambda ex, out: _text_pdf(out, [[(COMPLEX_TEXT * 3, 10, (0, 0, 0))]]),
}

CASES: dict[str, dict[str, list[str]]] = {
    "pdf-tagged": {"pass": ["lecture"], "fail": ["untagged"]},
    "pdf-title": {"pass": ["xmp-title"], "fail": ["no-title", "lecture"]},
    "pdf-language": {"pass": ["lecture"], "fail": ["no-lang", "untagged"]},
    "pdf-language-valid": {"pass": ["passage-fr"], "fail": ["passage-french"]},
    "pdf-ua-identifier": {"pass": ["pdfua"], "fail": ["lecture"]},
    "pdf-security-at": {"pass": ["encrypted-accessible"], "fail": ["encrypted-blocked"]},
    "pdf-bookmarks": {"pass": ["long-bookmarks"], "fail": ["long-no-bookmarks"]},
    "pdf-figure-alt": {"pass": ["lecture"], "fail": ["figure-no-alt"]},
    "pdf-heading-order": {"pass": ["lecture"], "fail": ["heading-skip"]},
    "pdf-headings-present": {"pass": ["lecture"], "fail": ["no-headings"]},
    "pdf-table-headers": {"pass": ["lecture"], "fail": ["table-no-th"]},
    "pdf-list-structure": {"pass": ["list-lbody"], "fail": ["lecture"]},
    "pdf-content-tagged": {"pass": ["lecture"], "fail": ["untagged-stamp"]},
    "pdf-link-alt": {"pass": ["link-contents"], "fail": ["lecture"]},
    "pdf-form-field-name": {"pass": ["form-tooltip"], "fail": ["form-no-tooltip"]},
    "pdf-annotation-alt": {"pass": ["note-text"], "fail": ["note-empty"]},
    "pdf-tab-order": {"pass": ["lecture"], "fail": ["no-tabs"]},
    "pdf-fonts-embedded": {"pass": ["lecture"], "fail": ["untagged-stamp", "small-text"]},
    "pdf-text-unicode": {"pass": ["lecture"], "fail": ["no-tounicode"]},
    "pdf-image-only-page": {"pass": ["lecture"], "fail": ["scanned"]},
    "pdf-contrast": {"pass": ["contrast-good"], "fail": ["contrast-bad"]},
    "pdf-small-text": {"pass": ["simple-text"], "fail": ["small-text"]},
    "pdf-reading-level": {"pass": ["simple-text"], "fail": ["complex-text"]},
}
