"""The "document" gate: is the text the reader made fit to hand over, whatever the target?

It runs once per job, right after reading and before any writer (``GateSpec(consumes=DOCUMENT)``),
on the Document and what the reader measured about its source (``Metadata.quality``):

- ``unmapped glyphs``: the share of U+FFFD, private-use and other unmapped characters in the text,
  and pages whose glyphs had no Unicode and were not recognised by OCR instead;
- ``ocr confidence``: the mean word confidence of the pages OCR read;
- ``language``: the language the text is written in against the one the source declares (when the
  text contradicts the declaration with confidence and the document still carries the declaration);
- ``word recall``: how many of the words of the source's own text layer the Document kept;
- ``furniture headings``: the same heading text on many pages (a running header made a heading);
- ``numbers kept``: numbers of the source's text layer missing from the Document (a footnote mark
  glued into a number changes it: ``83,190,556`` + note 2 → ``83,190,5562``).

A failed check's problems are written for a reader: the conversion plan puts them at the top of every
output (``Document.quality_warnings``) and in the job's warnings, and with ``validation=abort`` a
failure stops the job before anything is written.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import TYPE_CHECKING, Any

from access import document as model
from access.conversion import DOCUMENT, DOCUMENT_GATE, GateCheck, GateResult, GateSpec

if TYPE_CHECKING:
    from access.context import Context
    from access.models import ConvertOptions

MAX_UNMAPPED_SHARE = 0.01          # more than 1 % of the characters unreadable: garbled
MIN_OCR_CONFIDENCE = 70.0          # Tesseract's mean word confidence, 0-100
MIN_LANGUAGE_CONFIDENCE = 0.9      # a detector this sure overrides a declaration
MIN_LANGUAGE_LETTERS = 400         # below this an undeclared-confidence guess is not trusted
MIN_WORD_RECALL = 0.9              # share of the source text layer's words the Document keeps
MIN_FURNITURE_PAGES = 3            # a heading text on this many pages ...
FURNITURE_PAGE_SHARE = 0.25        # ... and on at least this share of the pages is page furniture
MAX_MISSING_NUMBERS_SHARE = 0.01   # distinct numbers of the source missing from the Document

# U+FFFD, private-use characters (glyphs a font maps to nothing public) and unassigned code points
_UNMAPPED = re.compile("[\ufffd\ue000-\uf8ff\U000f0000-\U000ffffd]")
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f' ]\d+)*(?![\w])")
_THOUSANDS = re.compile(r"^\d{1,3}(?:([,.\u00a0\u202f' ])\d{3})+$")


# ----------------------------------------------------------------------------- text of the Document


def document_text(doc: model.Document) -> str:
    """Every piece of text a reader of the outputs meets: headings, paragraphs, list items, table
    cells and captions, figure descriptions and captions, maths, code, footnotes and page labels."""
    parts: list[str] = []
    blocks: list[Any] = list(doc.blocks)
    for note in doc.footnotes.values():
        blocks.extend(note)
    for block in model.walk_blocks(blocks):
        if isinstance(block, model.Heading | model.Paragraph):
            parts.append(block.text)
        elif isinstance(block, model.Figure):
            parts += [t for t in (block.alt, block.caption) if t]
        elif isinstance(block, model.Math | model.Code):
            parts.append(block.text)
        elif isinstance(block, model.Table) and block.caption:
            parts.append(block.caption)
        elif isinstance(block, model.PageBreak):
            parts.append(block.label)
    return "\n".join(parts)


def comparable_words(text: str) -> Counter[str]:
    """Words as compared across source and output: NFKC (ligatures ﬁ → fi), lower case, letters only."""
    return Counter(w.lower() for w in _WORD.findall(unicodedata.normalize("NFKC", text).replace("\u00ad", "")))


def comparable_numbers(text: str) -> set[str]:
    """Distinct numbers, thousands separators removed (``83,190,556`` = ``83 190 556`` = ``83190556``)."""
    found: set[str] = set()
    for m in _NUMBER.finditer(unicodedata.normalize("NFKC", text)):
        token = m.group().strip(" '")
        if _THOUSANDS.match(token):
            token = re.sub(r"[,.\u00a0\u202f' ]", "", token)
        else:
            token = re.sub(r"[\u00a0\u202f' ]", " ", token)
            found.update(token.split())
            continue
        found.add(token)
    return found


def _pages(numbers: list[int]) -> str:
    """``[3, 4, 5, 9]`` → ``3-5, 9``."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _base(tag: str | None) -> str:
    return (tag or "").replace("_", "-").split("-")[0].lower()


# ----------------------------------------------------------------------------- the checks


def unmapped_check(doc: model.Document, text: str) -> GateCheck:
    quality = doc.metadata.quality
    found = len(_UNMAPPED.findall(text))
    unmapped = max(found, quality.replacement_chars)
    total = max(len(text), quality.text_chars, 1)
    share = unmapped / total
    left = sorted(set(quality.unmapped_pages) - set(quality.ocr_pages))
    problems = []
    if share > MAX_UNMAPPED_SHARE or left:
        where = f" (pages {_pages(left)})" if left else ""
        problems.append(f"About {max(share * 100, 0.1):.1f} % of the characters could not be read from the "
                        f"source{where}: their font maps glyphs to no Unicode text. Those parts of this "
                        "version are garbled; check them against the original.")
    return GateCheck.of("unmapped glyphs", not problems, problems, unmapped_characters=unmapped,
                        characters=total, share_percent=round(share * 100, 3),
                        threshold_percent=MAX_UNMAPPED_SHARE * 100, pages_left_unmapped=left)


def ocr_check(doc: model.Document) -> GateCheck:
    quality = doc.metadata.quality
    confidence = quality.ocr_confidence
    low = bool(quality.ocr_pages) and confidence is not None and confidence < MIN_OCR_CONFIDENCE
    problems = []
    if low:
        models = "+".join(quality.ocr_languages) or "an unknown model"
        problems.append(f"{len(quality.ocr_pages)} page(s) were read by text recognition (OCR, {models}) with a "
                        f"mean confidence of only {confidence:.0f} %: expect wrong words; check the text against "
                        "the original.")
    return GateCheck.of("ocr confidence", not low, problems, informational=not quality.ocr_pages,
                        ocr_pages=len(quality.ocr_pages), mean_confidence=confidence,
                        threshold=MIN_OCR_CONFIDENCE, models=quality.ocr_languages)


def language_check(doc: model.Document, text: str) -> GateCheck:
    """Fails when the text is, with confidence, in another language than the one the document still
    carries (the voice, the braille table and the easy-read rules would follow the wrong language)."""
    quality = doc.metadata.quality
    declared = quality.declared_language or (doc.metadata.language if not doc.metadata.language_detected else None)
    detected, confidence = quality.detected_language, quality.detected_confidence
    letters = sum(ch.isalpha() for ch in text)
    if detected is None and declared:
        from converters.readers.language import detect_language

        detected = detect_language(text)
        confidence = None
    carried = doc.metadata.language
    sure = (confidence is not None and confidence >= MIN_LANGUAGE_CONFIDENCE) or (
        confidence is None and letters >= MIN_LANGUAGE_LETTERS)
    wrong = bool(declared and detected and sure and _base(declared) != _base(detected)
                 and _base(carried) != _base(detected))
    problems = []
    if wrong:
        problems.append(f"The document declares its language as {declared!r}, but its text reads as {detected!r}"
                        f"{f' ({confidence:.0%} sure)' if confidence is not None else ''}. Speech, braille and "
                        f"easy-read follow {carried!r}; convert again with the right language (option language).")
    return GateCheck.of("language", not wrong, problems, informational=not (declared and detected),
                        declared=declared, detected=detected, confidence=confidence, used=carried,
                        followed_text=bool(declared and detected and _base(declared) != _base(detected)
                                           and _base(carried) == _base(detected)))


def word_recall_check(doc: model.Document, text: str) -> GateCheck:
    source = doc.metadata.quality.source_text
    if not source:
        return GateCheck.of("word recall", True, informational=True, source_text=False)
    src, out = comparable_words(source), comparable_words(text)
    total = sum(src.values())
    kept = sum(min(n, out[w]) for w, n in src.items())
    recall = kept / total if total else 1.0
    missing = [w for w, _ in (src - out).most_common(10)]
    problems = []
    if recall < MIN_WORD_RECALL:
        problems.append(f"Only {recall:.0%} of the words of the original's own text were kept in this version "
                        f"(for example: {', '.join(missing[:6])}): some text was lost in the conversion.")
    return GateCheck.of("word recall", recall >= MIN_WORD_RECALL, problems, recall=round(recall, 4),
                        threshold=MIN_WORD_RECALL, source_words=total, missing_examples=missing)


def heading_pages(doc: model.Document) -> tuple[dict[str, set[int]], int]:
    """For each heading text (case and digits ignored), the print pages it stands on; and the number of
    print pages."""
    page = 0
    seen: dict[str, set[int]] = {}
    for block in doc.walk():
        if isinstance(block, model.PageBreak) and block.kind == "page":
            page += 1
        elif isinstance(block, model.Heading):
            key = " ".join(re.sub(r"\d+", "#", block.text.lower()).split())
            if key.strip("# "):
                seen.setdefault(key, set()).add(page)
    return seen, page


def furniture_check(doc: model.Document) -> GateCheck:
    seen, pages = heading_pages(doc)
    repeated = {text: len(on) for text, on in seen.items()
                if len(on) >= MIN_FURNITURE_PAGES and pages and len(on) >= FURNITURE_PAGE_SHARE * pages}
    problems = []
    if repeated:
        worst = sorted(repeated.items(), key=lambda kv: -kv[1])[:3]
        listed = "; ".join(f"“{text}” on {n} pages" for text, n in worst)
        problems.append(f"Headings that repeat on many pages look like running headers or footers, not "
                        f"sections ({listed}): heading navigation in this version is unreliable.")
    return GateCheck.of("furniture headings", not repeated, problems, informational=pages < MIN_FURNITURE_PAGES,
                        pages=pages, repeated_headings=dict(sorted(repeated.items())[:10]))


def numbers_check(doc: model.Document, text: str) -> GateCheck:
    source = doc.metadata.quality.source_text
    if not source:
        return GateCheck.of("numbers kept", True, informational=True, source_text=False)
    src, out = comparable_numbers(source), comparable_numbers(text)
    missing = sorted(src - out, key=lambda n: (len(n), n))
    share = len(missing) / len(src) if src else 0.0
    ok = share <= MAX_MISSING_NUMBERS_SHARE
    problems = []
    if not ok:
        problems.append(f"{len(missing)} number(s) of the original are missing or changed in this version "
                        f"(for example: {', '.join(missing[:6])}): check figures against the original.")
    return GateCheck.of("numbers kept", ok, problems, source_numbers=len(src), missing=len(missing),
                        missing_examples=missing[:20], threshold_percent=MAX_MISSING_NUMBERS_SHARE * 100)


def check_document(doc: model.Document, options: ConvertOptions, ctx: Context) -> GateResult:
    ctx.progress(10, "checking the text")
    text = document_text(doc)
    checks = [unmapped_check(doc, text), ocr_check(doc), language_check(doc, text), word_recall_check(doc, text),
              furniture_check(doc), numbers_check(doc, text)]
    quality = doc.metadata.quality
    checks.append(GateCheck.of("source", True, informational=True, characters=len(text),
                               furniture_removed=quality.furniture_removed, ocr_pages=quality.ocr_pages))
    ctx.progress(100, "text checked")
    return GateResult.of(DOCUMENT_GATE, checks)


GATE = GateSpec(DOCUMENT_GATE, check_document, "the text as read: unmapped glyphs, OCR confidence, language, "
                                               "word and number recall against the source, furniture headings",
                consumes=DOCUMENT)
