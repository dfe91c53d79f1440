"""PDF/UA font dictionaries: composite fonts' character collections and CMaps, TrueType encodings
(ISO 14289-1 7.21.3, 7.21.6; ISO 14289-2 8.4.5.3, 8.4.5.4, 8.4.5.7)."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import Matterhorn, PdfUA, PdfUA2
from rules.findings import closing
from rules.pdf.facts import PdfFacts
from rules.pdf.uafacts import UaFont, cmap_ordering

SIMPLE_ENCODINGS = ("MacRomanEncoding", "WinAnsiEncoding")


def where(f: UaFont) -> Location:
    return Location(page=f.page, excerpt=f.name)


def cid_problem(f: UaFont) -> str | None:
    """How a composite font's CIDFont and CMap disagree (7.21.3.1) or lack a CIDToGIDMap (7.21.3.2)."""
    if not f.cid_to_gid:
        return "its embedded TrueType CIDFont has no CIDToGIDMap (a stream or /Identity)"
    if f.encoding is None or f.encoding.startswith("Identity"):
        return None
    cid = f.cid_system
    if f.encoding == "stream":
        cmap = f.cmap_system
        if cid is None or cmap is None:
            return "a CIDSystemInfo is missing"
        if cid[0] != cmap[0] or cid[1] != cmap[1]:
            return f"the CIDFont is {cid[0]}-{cid[1]} but its CMap is {cmap[0]}-{cmap[1]}"
        if cid[2] > cmap[2]:
            return f"the CIDFont's Supplement {cid[2]} is above its CMap's {cmap[2]}"
        return None
    ordering = cmap_ordering(f.encoding)
    if cid is None:
        return "the CIDFont has no CIDSystemInfo"
    if ordering is not None and (cid[0] != "Adobe" or cid[1] != ordering):
        return f"the CIDFont is {cid[0]}-{cid[1]} but CMap {f.encoding} encodes Adobe-{ordering}"
    return None


@rule(id="pdf-font-cid", target="pdf", impact="serious",
      requirements=(Matterhorn("31-001"), Matterhorn("31-002"), Matterhorn("31-003"), Matterhorn("31-004"),
                    PdfUA("7.21.3.1"), PdfUA("7.21.3.2"), PdfUA2("8.4.5.3")),
      condition="A composite (Type 0) font whose CMap is not Identity-H/V has a CIDFont whose CIDSystemInfo "
                "Registry or Ordering differs from its CMap's, or a higher Supplement (31-001 to 31-003); an "
                "embedded CIDFontType2 font has no CIDToGIDMap that is a stream or /Identity (31-004).",
      messages={"none": "The PDF has no composite fonts.", "passed": "{checked} composite font(s) are consistent.",
                "problem": "Font {font!r}: {problem}."})
def pdf_font_cid(facts: PdfFacts) -> Iterator[Finding]:
    """Composite fonts agree with their CMaps

    A composite (Type 0) font maps character codes to glyphs through a CMap and a CIDFont; both must
    name the same character collection, and an embedded TrueType CIDFont needs its CID-to-glyph map.
    This is a PDF/UA condition with no WCAG success criterion of its own.

    **Why it matters**: when they disagree, viewers and screen readers pick the wrong glyphs or
    characters: Chinese, Japanese or Korean course text is shown or read as other characters.

    **How to fix**: re-export from the source application with embedded fonts (Word: "Embed fonts in
    the file"; LibreOffice: PDF/UA export); Acrobat Pro Preflight "Embed missing fonts" rebuilds them.
    """
    fonts = [f for f in facts.ua_fonts if f.subtype == "Type0"]
    failed = 0
    for f in fonts:
        problem = cid_problem(f)
        if problem:
            failed += 1
            yield pdf_font_cid.finding(Outcome.VIOLATION, "problem", where(f), font=f.name, problem=problem)
    yield from closing(pdf_font_cid, len(fonts), failed)


@rule(id="pdf-font-cmap", target="pdf", impact="serious",
      requirements=(PdfUA("7.21.3.3"), PdfUA2("8.4.5.4")),
      condition="A composite font uses a CMap that is neither one of ISO 32000-1 Table 118's predefined CMaps "
                "nor embedded; an embedded CMap's WMode differs from its dictionary's, or it uses a CMap that "
                "is not predefined.",
      messages={"none": "The PDF has no composite fonts.", "passed": "{checked} composite font(s) have usable CMaps.",
                "not-embedded": "Font {font!r} uses CMap {cmap!r}, which is neither predefined nor embedded.",
                "wmode": "Font {font!r}: the embedded CMap's WMode differs from its dictionary's.",
                "uses": "Font {font!r}: the embedded CMap uses a CMap that is not predefined."})
def pdf_font_cmap(facts: PdfFacts) -> Iterator[Finding]:
    """CMaps are predefined or embedded

    A composite font's CMap is either one of the CMaps every PDF reader knows (Identity-H,
    UniJIS-UCS2-H …) or embedded in the file. This is a PDF/UA condition with no WCAG success
    criterion of its own.

    **Why it matters**: a reader without the CMap cannot turn the codes into characters, so the
    text is not shown or read at all.

    **How to fix**: re-export with fonts embedded, or let Acrobat Pro Preflight embed the CMaps.
    """
    fonts = [f for f in facts.ua_fonts if f.subtype == "Type0"]
    failed = 0
    for f in fonts:
        if not f.cmap_embedded:
            failed += 1
            yield pdf_font_cmap.finding(Outcome.VIOLATION, "not-embedded", where(f), font=f.name, cmap=f.encoding,
                                        requirements=(PdfUA("7.21.3.3"), PdfUA2("8.4.5.4")))
        elif f.cmap_wmode_mismatch:
            failed += 1
            yield pdf_font_cmap.finding(Outcome.VIOLATION, "wmode", where(f), font=f.name)
        elif f.cmap_uses_other:
            failed += 1
            yield pdf_font_cmap.finding(Outcome.VIOLATION, "uses", where(f), font=f.name)
    yield from closing(pdf_font_cmap, len(fonts), failed)


@rule(id="pdf-font-encoding", target="pdf", impact="moderate",
      requirements=(PdfUA("7.21.6"), PdfUA2("8.4.5.7")),
      condition="An embedded non-symbolic TrueType font has neither MacRomanEncoding nor WinAnsiEncoding as its "
                "Encoding or BaseEncoding; a symbolic TrueType font has an Encoding entry.",
      messages={"none": "The PDF has no embedded TrueType fonts.",
                "passed": "{checked} TrueType font(s) have a usable encoding.",
                "non-symbolic": "Non-symbolic TrueType font {font!r} has encoding {encoding}, not MacRoman or WinAnsi.",
                "symbolic": "Symbolic TrueType font {font!r} has an Encoding entry."})
def pdf_font_encoding(facts: PdfFacts) -> Iterator[Finding]:
    """TrueType fonts use an encoding readers can map

    A non-symbolic TrueType font must use the MacRoman or WinAnsi encoding; a symbolic one (a
    dingbat or symbol font) must not declare an encoding at all, so that character codes map to
    glyphs the same way in every reader. This is a PDF/UA condition with no WCAG success criterion
    of its own.

    **Why it matters**: with another encoding, readers may show or speak different characters from
    the ones the author typed, such as symbols in maths or science material.

    **How to fix**: re-export with a current Word, PowerPoint or LibreOffice and embedded fonts;
    avoid "print to PDF" drivers that re-encode fonts.
    """
    fonts = [f for f in facts.ua_fonts if f.subtype == "TrueType" and f.embedded and f.symbolic is not None]
    failed = 0
    for f in fonts:
        if f.symbolic and f.encoding is not None:
            failed += 1
            yield pdf_font_encoding.finding(Outcome.VIOLATION, "symbolic", where(f), font=f.name)
        elif not f.symbolic and f.encoding not in SIMPLE_ENCODINGS and f.base_encoding not in SIMPLE_ENCODINGS:
            failed += 1
            yield pdf_font_encoding.finding(Outcome.VIOLATION, "non-symbolic", where(f), font=f.name,
                                            encoding=f.base_encoding or f.encoding or "none")
    yield from closing(pdf_font_encoding, len(fonts), failed)
