"""The "daisy" gate, on both talking books:

- DAISY 2.02: every file is well-formed XML; the NCC lists every heading and every page of the text;
  every NCC link, SMIL text reference and audio file resolves; clips are ordered and inside their
  audio; our auditor on the text (``content.html``).
- EPUB 3 with media overlays: epubcheck with zero errors, DAISY Ace with no failed assertion, our
  auditor on the content documents, and SMIL clip times monotonic and inside the duration of the
  audio file they play.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from access.conversion import GateCheck, GateResult, GateSpec

if TYPE_CHECKING:
    from access.context import Context
    from access.models import ArtifactOut, ConvertOptions

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


# ----------------------------------------------------------------------------- SMIL clips

CLIP_RE = re.compile(r"^(?:npt=)?([\d.]+)s?$")


def clip_seconds(value: str | None) -> float:
    """SMIL clock value → seconds ("npt=1.5s", "1.500s", "0:00:01.500", "1500ms")."""
    value = (value or "").strip()
    if value.endswith("ms"):
        return float(value[:-2]) / 1000
    match = CLIP_RE.match(value)
    if match:
        return float(match.group(1))
    parts = [float(p) for p in value.split(":")]
    seconds = 0.0
    for p in parts:
        seconds = seconds * 60 + p
    return seconds


def check_clips(smil_name: str, root: Any, audio_durations: dict[str, float], resolve: Any,
                begin_attr: str, end_attr: str) -> GateCheck:
    """Clips play forward (each starts where or after the previous ended, per audio file) and stay inside
    their audio; every audio file exists."""
    last_end: dict[str, float] = {}
    missing, backwards, outside, clips = set(), 0, 0, 0
    for audio in root.iter("{*}audio", "audio"):
        src = resolve(smil_name, audio.get("src", ""))
        begin, end = clip_seconds(audio.get(begin_attr)), clip_seconds(audio.get(end_attr))
        clips += 1
        if src not in audio_durations:
            missing.add(src)
            continue
        if begin >= end or begin < last_end.get(src, 0.0) - 0.001:
            backwards += 1
        if end > audio_durations[src] + 0.001:
            outside += 1
        last_end[src] = end
    return GateCheck.of(f"clips of {smil_name}", clips > 0 and not missing and not backwards and not outside,
                        clips=clips, missing_audio=sorted(missing), not_monotonic=backwards, outside_audio=outside)


def _unresolved(references: list[Any]) -> list[str]:
    return [f"does not resolve: {r}" for r in references[:10]]


def _ids(data: bytes) -> set[str]:
    root = etree.fromstring(data, _PARSER)
    return {el.get("id") for el in root.iter() if el.get("id")}


# ----------------------------------------------------------------------------- DAISY 2.02


def check_daisy202(path: Path, meta: dict[str, Any]) -> list[GateCheck]:
    from converters.speech.audiofile import mp3_info_bytes

    checks: list[GateCheck] = []
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        xml_names = [n for n in names if n.endswith((".html", ".smil"))]
        parsed: dict[str, Any] = {}
        malformed = []
        for name in xml_names:
            try:
                parsed[name] = etree.fromstring(zf.read(name), _PARSER)
            except etree.XMLSyntaxError as exc:
                malformed.append(f"{name}: {exc}")
        checks.append(GateCheck.of("well-formed XML", not malformed and "ncc.html" in parsed, malformed[:5],
                                   files=len(xml_names)))
        if "ncc.html" not in parsed or "content.html" not in parsed:
            return checks
        ncc, content = parsed["ncc.html"], parsed["content.html"]
        heading_tags = {f"{{http://www.w3.org/1999/xhtml}}h{i}" for i in range(1, 7)}
        ncc_heads = [el for el in ncc.iter() if el.tag in heading_tags and el.get("id") != "ncc_title"]
        text_heads = [el for el in content.iter() if el.tag in heading_tags]
        ncc_pages = [el for el in ncc.iter() if (el.get("class") or "").startswith("page-")]
        text_pages = [el for el in content.iter() if (el.get("class") or "").startswith("page-")]
        first = next((el for el in ncc.iter() if el.tag in heading_tags), None)
        checks.append(GateCheck.of("NCC lists every heading and page",
                                   len(ncc_heads) == len(text_heads) == meta.get("headings", len(text_heads))
                                   and len(ncc_pages) == len(text_pages) == meta.get("pages", len(text_pages))
                                   and first is not None and first.get("class") == "title",
                                   ncc_headings=len(ncc_heads), text_headings=len(text_heads),
                                   ncc_pages=len(ncc_pages), text_pages=len(text_pages)))
        smil_ids = {n: {el.get("id") for el in root.iter() if el.get("id")}
                    for n, root in parsed.items() if n.endswith(".smil")}
        content_ids = {el.get("id") for el in content.iter() if el.get("id")}
        unresolved = []
        for a in ncc.iter("{http://www.w3.org/1999/xhtml}a"):
            file, _, frag = (a.get("href") or "").partition("#")
            if frag not in smil_ids.get(file, set()):
                unresolved.append(a.get("href"))
        for name, root in parsed.items():
            if not name.endswith(".smil"):
                continue
            for text in root.iter("text"):
                file, _, frag = (text.get("src") or "").partition("#")
                if file != "content.html" or frag not in content_ids:
                    unresolved.append(f"{name}: {text.get('src')}")
        checks.append(GateCheck.of("references resolve", not unresolved, _unresolved(unresolved)))
        durations = {n: mp3_info_bytes(zf.read(n)).duration for n in names if n.endswith(".mp3")}
        for name, root in parsed.items():
            if name.endswith(".smil"):
                checks.append(check_clips(name, root, durations, lambda _s, src: src, "clip-begin", "clip-end"))
    return checks


# ----------------------------------------------------------------------------- EPUB 3 media overlays


def check_overlays(path: Path) -> list[GateCheck]:
    from converters.speech.audiofile import mp3_info_bytes

    checks: list[GateCheck] = []
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        durations = {n: mp3_info_bytes(zf.read(n)).duration for n in names if n.endswith(".mp3")}
        ids: dict[str, set[str]] = {}

        def resolve(base: str, src: str) -> str:
            return posixpath.normpath(posixpath.join(posixpath.dirname(base), src.partition("#")[0]))

        unresolved = []
        smils = [n for n in names if n.endswith(".smil")]
        for name in smils:
            root = etree.fromstring(zf.read(name), _PARSER)
            for text in root.iter("{*}text"):
                target, frag = resolve(name, text.get("src", "")), text.get("src", "").partition("#")[2]
                if target not in ids:
                    ids[target] = _ids(zf.read(target)) if target in names else set()
                if frag not in ids[target]:
                    unresolved.append(f"{name}: {text.get('src')}")
            checks.append(check_clips(name, root, durations, resolve, "clipBegin", "clipEnd"))
        checks.append(GateCheck.of("overlay text references resolve", bool(smils) and not unresolved,
                                   _unresolved(unresolved), overlays=len(smils)))
    return checks


def check_daisy(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> GateResult:
    from converters.gates.ace import ace_check
    from converters.gates.audit import audit_check
    from converters.gates.epubcheck import epubcheck

    checks: list[GateCheck] = []
    review: list[str] = []
    for art in artifacts:
        kind = art.metadata.get("kind")
        if kind == "daisy202":
            checks += check_daisy202(Path(art.path), art.metadata)
            with tempfile.TemporaryDirectory(prefix="daisy-audit-") as tmp, zipfile.ZipFile(art.path) as zf:
                page = Path(tmp) / "content.html"
                page.write_bytes(zf.read("content.html"))
                check, flagged = audit_check(page, "html", "content.html", ctx, "auditor (DAISY text)")
            checks.append(check)
            review += flagged
        elif kind == "epub3-media-overlays":
            checks.append(epubcheck(Path(art.path)))
            checks.append(ace_check(Path(art.path), ctx))
            checks += check_overlays(Path(art.path))
            check, flagged = audit_check(Path(art.path), "zip", art.name, ctx, "auditor (EPUB content documents)")
            checks.append(check)
            review += flagged
    return GateResult.of("daisy", checks, review)


GATE = GateSpec("daisy", check_daisy, "DAISY 2.02 and EPUB 3 media overlays: structure, references, clips, "
                                      "epubcheck, DAISY Ace and our auditor")
