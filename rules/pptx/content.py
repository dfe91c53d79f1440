"""PowerPoint content rules: alt text, tables, links, language, media, contrast."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import WCAG, MsChecker
from access.textquality import is_generic_link_text, is_poor_alt, is_raw_url
from rules.findings import CONTRAST, closing
from rules.pptx.facts import PptxFacts
from rules.textmetrics import contrast_ratio, required_contrast, rgb_hex

NEEDS_ALT = {"picture", "chart", "group", "smartart", "object"}
DEFAULT_PT = 18.0


@rule(id="pptx-alt-text", target="pptx", impact="critical",
      requirements=(WCAG("1.1.1"), MsChecker("missing-alt-text")),
      messages={"missing": "{label} {name!r} on slide {slide} has no alt text.",
                "poor": "{label} alt text {alt!r} is only a file name or a generic word.",
                "passed": "{checked} pictures/charts/groups have alt text.", "none": "No pictures, charts or groups."})
def pptx_alt_text(facts: PptxFacts) -> Iterator[Finding]:
    """Pictures, charts, SmartArt and groups have alternative text

    Every picture, chart, SmartArt graphic and group needs alt text describing it, or must be
    marked as decorative. A file name or "Picture 3" does not count.

    **Why it matters**: slides are mostly visual; without alt text a blind learner hears "picture"
    for the graph or diagram the teacher is talking about, and misses the point of the slide.

    **How to fix**: PowerPoint: right-click the object › View Alt Text, describe it, or tick "Mark
    as decorative". LibreOffice Impress: right-click › Description… › Title and Description.
    """
    total = bad = 0
    for s in facts.slides:
        for sh in s.shapes:
            if sh.kind not in NEEDS_ALT or sh.decorative:
                continue
            total += 1
            if not sh.alt:
                bad += 1
                yield pptx_alt_text.finding(Outcome.VIOLATION, "missing", sh.where(s.number), kind=sh.kind,
                                            label=sh.kind.capitalize(), name=sh.name, slide=s.number)
            elif is_poor_alt(sh.alt):
                bad += 1
                yield pptx_alt_text.finding(Outcome.VIOLATION, "poor", sh.where(s.number), kind=sh.kind,
                                            label=sh.kind.capitalize(), alt=sh.alt)
    yield from closing(pptx_alt_text, total, bad)


@rule(id="pptx-table-header", target="pptx", impact="serious",
      requirements=(WCAG("1.3.1"), MsChecker("table-header")),
      messages={"missing": "Table {name!r} on slide {slide} has no header row.",
                "passed": "{checked} tables have header rows.", "none": "No tables."})
def pptx_table_header(facts: PptxFacts) -> Iterator[Finding]:
    """Tables have a header row

    Tables on slides need "Header Row" turned on so the first row is marked as headers.

    **Why it matters**: screen readers announce the column header with each cell only when the
    header row is marked; otherwise a table of dates and tasks is a list of unrelated words.

    **How to fix**: PowerPoint: click the table › Table Design › tick "Header Row", and make the first
    row hold the column names. LibreOffice Impress: Table Design › Header.
    """
    tables = [(s.number, sh) for s in facts.slides for sh in s.shapes if sh.kind == "table"]
    missing = [(n, sh) for n, sh in tables if not sh.table_header]
    for n, sh in missing:
        yield pptx_table_header.finding(Outcome.VIOLATION, "missing", sh.where(n), name=sh.name, slide=n)
    yield from closing(pptx_table_header, len(tables), len(missing))


@rule(id="pptx-link-text", target="pptx", impact="serious",
      requirements=(WCAG("2.4.4"), MsChecker("hyperlink-text")),
      messages={"undescriptive": "Link text {text!r} does not describe the destination.",
                "passed": "{checked} links have descriptive text.", "none": "No links."})
def pptx_link_text(facts: PptxFacts) -> Iterator[Finding]:
    """Link text describes the destination

    Link text must say where it goes, not show a raw web address or say "click here".

    **Why it matters**: screen readers read raw addresses character by character, and "click here"
    out of context tells a learner nothing about the resource.

    **How to fix**: PowerPoint: right-click the link › Edit Link › "Text to display". LibreOffice
    Impress: Insert › Hyperlink › Text.
    """
    total = bad = 0
    for s in facts.slides:
        for sh in s.shapes:
            for text, address in sh.links:
                total += 1
                if is_raw_url(text) or is_generic_link_text(text):
                    bad += 1
                    yield pptx_link_text.finding(Outcome.VIOLATION, "undescriptive", sh.where(s.number),
                                                 target=address, text=text.strip())
    yield from closing(pptx_link_text, total, bad)


@rule(id="pptx-language", target="pptx", impact="serious", requirements=(WCAG("3.1.1"), MsChecker("language")),
      messages={"declared": "Language declared: {languages}.",
                "missing": "No text in the presentation declares a language."})
def pptx_language(facts: PptxFacts) -> Iterator[Finding]:
    """The presentation declares its language

    Text needs a language (``lang`` on the text, or in the presentation's default text style).

    **Why it matters**: screen readers and read-aloud choose their voice and pronunciation from the
    language; without it a learner hears the text spoken with the wrong language's rules.

    **How to fix**: PowerPoint: select all text (in the Outline view) › Review › Language › choose the
    language; set the default with File › Options › Language. LibreOffice: Tools › Language › For
    All Text.
    """
    if facts.languages:
        yield pptx_language.finding(Outcome.PASS, "declared", languages=", ".join(sorted(facts.languages)))
    else:
        yield pptx_language.finding(Outcome.VIOLATION, "missing", Location(path="ppt/presentation.xml"))


@rule(id="pptx-media-captions", target="pptx", impact="critical",
      requirements=(WCAG("1.2.2"), WCAG("1.2.1"), MsChecker("video-captions")),
      messages={"no-captions": "{label} {name!r} on slide {slide} has no caption file.",
                "transcript-in-notes": "{label} {name!r} on slide {slide} has no caption file (the notes mention a "
                                       "transcript).",
                "passed": "{checked} media clips have caption files.", "none": "No video or audio."})
def pptx_media_captions(facts: PptxFacts) -> Iterator[Finding]:
    """Video and audio have captions or a transcript

    Each video needs captions and each audio clip a transcript. A slide with media but no caption
    file (.vtt, .srt) attached is listed for review: captions may be burnt into the video, or a
    transcript may be in the speaker notes.

    **Why it matters**: deaf and hard-of-hearing learners, and anyone in a noisy or silent place,
    miss everything said in an uncaptioned clip.

    **How to fix**: PowerPoint (Microsoft 365): select the video › Playback › Insert Captions and
    choose a WebVTT file. Put a transcript of audio in the speaker notes or on a following slide.
    """
    found = 0
    media = [(s, sh) for s in facts.slides for sh in s.shapes if sh.kind == "media"]
    for s, sh in media:
        if s.caption_files:
            continue
        found += 1
        transcript = "transcript" in s.notes.lower()
        yield pptx_media_captions.finding(
            Outcome.NEEDS_REVIEW, "transcript-in-notes" if transcript else "no-captions", sh.where(s.number),
            media=sh.media, notes_transcript=transcript, label=(sh.media or "media").capitalize(), name=sh.name,
            slide=s.number)
    yield from closing(pptx_media_captions, len(media), found)


@rule(id="pptx-contrast", target="pptx", impact="serious",
      requirements=(WCAG("1.4.3"), MsChecker("text-contrast")),
      messages={"low": CONTRAST, "passed": "{checked} coloured text runs have sufficient contrast."})
def pptx_contrast(facts: PptxFacts) -> Iterator[Finding]:
    """Text has enough contrast with its background

    Text with an explicit colour is compared with the shape's fill, else the plain background colour
    of the slide, its layout or its master (theme colours resolved). 4.5:1 is needed, 3:1 for large
    text (18 pt, or 14 pt bold). Text in theme colours, and text over picture or gradient
    backgrounds, is not judged.

    **Why it matters**: projected slides lose contrast in bright rooms; pale text on coloured
    backgrounds is unreadable for learners with low vision or colour-vision differences.

    **How to fix**: PowerPoint: choose a darker font colour or lighter fill (Home › Font Color;
    Shape Format › Shape Fill); Review › Check Accessibility flags hard-to-read text. Prefer a
    high-contrast design theme. LibreOffice Impress: Format › Character › Font Effects.
    """
    checked = bad = 0
    for s in facts.slides:
        for sh in s.shapes:
            if sh.fill is None and not s.background_known:
                continue                    # text over a picture or gradient background: not judged
            bg = sh.fill or s.background
            for r in sh.runs:
                if r.color is None:
                    continue
                checked += 1
                ratio = round(contrast_ratio(r.color, bg), 2)
                need = required_contrast(r.size or DEFAULT_PT, r.bold)
                if ratio < need:
                    bad += 1
                    yield pptx_contrast.finding(
                        Outcome.VIOLATION, "low", sh.where(s.number).model_copy(update={"excerpt": r.text[:80]}),
                        ratio=ratio, required=need, foreground=rgb_hex(r.color), background=rgb_hex(bg))
    if not bad:
        yield pptx_contrast.finding(Outcome.PASS, "passed", checked=checked)

