"""Quality gates of the audio targets: what is checked before an MP3 or a talking book is handed over.

- MP3: every frame header walked (one unbroken stream, mono, the configured bit rate), the measured
  duration equals the one reported, the speaking rate is plausible for the word count, and the ID3
  chapters (CHAP + CTOC) match the headings, in order, inside the audio.
- DAISY 2.02: every file is well-formed XML; the NCC lists every heading and every page of the text;
  every NCC link, SMIL text reference and audio file resolves; clips are ordered and inside their audio.
- EPUB 3 with media overlays: epubcheck with zero errors, our auditor on the content documents, and
  SMIL clip times monotonic and inside the duration of the audio file they play.
"""

from __future__ import annotations

import itertools
import posixpath
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree
from mutagen.id3 import ID3, ID3NoHeaderError

from access.context import Context
from access.models import ArtifactOut, ConvertOptions
from converters.speech.audiofile import mp3_info, mp3_info_bytes

TOLERANCE = 0.05                       # seconds
PLAUSIBLE_RATE = (0.3, 1.5)            # measured words per minute / asked rate
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _check(name: str, passed: bool, **facts: Any) -> dict[str, Any]:
    return {"name": name, "passed": bool(passed), **facts}


def _verdict(checks: list[dict[str, Any]], review: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    problems = [c for c in checks if not c["passed"]]
    return {"passed": bool(checks) and not problems, "checks": checks, "problems": problems,
            "needs_review": review or []}


# ----------------------------------------------------------------------------- MP3


def check_mp3_file(path: Path, meta: dict[str, Any], options: ConvertOptions) -> list[dict[str, Any]]:
    info = mp3_info(path)
    checks = [_check("mp3 frames", info.frames > 0 and info.trailing_bytes == 0 and info.mono
                     and info.bitrates == {meta.get("bitrate", 64)}, frames=info.frames,
                     bitrates=sorted(info.bitrates), mono=info.mono, trailing_bytes=info.trailing_bytes,
                     sample_rate=info.sample_rate)]
    duration = info.duration
    checks.append(_check("duration matches", abs(duration - meta.get("duration", -1)) <= TOLERANCE,
                         measured=round(duration, 3), reported=meta.get("duration")))
    words = int(meta.get("words", 0))
    wpm = words / (duration / 60) if duration else 0.0
    low, high = (options.rate * PLAUSIBLE_RATE[0], options.rate * PLAUSIBLE_RATE[1])
    checks.append(_check("duration plausible for the word count", low <= wpm <= high, words=words,
                         words_per_minute=round(wpm, 1), expected_between=[round(low), round(high)]))
    try:
        tags = ID3(path)
    except ID3NoHeaderError:
        return [*checks, _check("id3 tags", False, error="no ID3v2 tag")]
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    tocs = tags.getall("CTOC")
    expected = meta.get("chapters", [])
    titles = [str(c.sub_frames["TIT2"].text[0]) if "TIT2" in c.sub_frames else "" for c in chaps]
    starts = [c.start_time for c in chaps]
    ordered = all(a.end_time <= b.start_time + 1 for a, b in itertools.pairwise(chaps))
    inside = all(c.start_time < c.end_time <= duration * 1000 + TOLERANCE * 1000 for c in chaps)
    listed = bool(tocs) and set(tocs[0].child_element_ids) == {c.element_id for c in chaps}
    checks.append(_check("id3 chapters", titles == [c["title"] for c in expected] and ordered and inside
                         and listed and starts[:1] == [0], chapters=len(chaps), expected=len(expected),
                         ordered=ordered, inside_audio=inside, ctoc_lists_all=listed))
    checks.append(_check("id3 title and language", bool(tags.getall("TIT2")) and bool(tags.getall("TLAN"))))
    return checks


def check_sections_zip(path: Path, meta: dict[str, Any]) -> list[dict[str, Any]]:
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        playlist = zf.read("playlist.m3u").decode("utf-8") if "playlist.m3u" in names else ""
        listed = [line for line in playlist.splitlines() if line and not line.startswith("#")]
        total = 0.0
        broken = []
        for name in listed:
            if name not in names:
                broken.append(name)
                continue
            info = mp3_info_bytes(zf.read(name))
            if info.frames == 0 or info.trailing_bytes:
                broken.append(name)
            total += info.duration
    return [_check("sections playlist", bool(listed) and not broken and playlist.startswith("#EXTM3U"),
                   files=len(listed), broken=broken),
            _check("sections add up to the book", abs(total - meta.get("duration", 0)) <= TOLERANCE * len(listed),
                   measured=round(total, 3), reported=meta.get("duration"))]


def mp3_gate(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> dict[str, Any]:
    checks: list[dict[str, Any]] = []
    for art in artifacts:
        kind = art.metadata.get("kind")
        if kind == "mp3":
            checks += check_mp3_file(Path(art.path), art.metadata, options)
        elif kind == "mp3-sections":
            checks += check_sections_zip(Path(art.path), art.metadata)
    return _verdict(checks)


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
                begin_attr: str, end_attr: str) -> dict[str, Any]:
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
    return _check(f"clips of {smil_name}", clips > 0 and not missing and not backwards and not outside,
                  clips=clips, missing_audio=sorted(missing), not_monotonic=backwards, outside_audio=outside)


def _ids(data: bytes) -> set[str]:
    root = etree.fromstring(data, _PARSER)
    return {el.get("id") for el in root.iter() if el.get("id")}


# ----------------------------------------------------------------------------- DAISY 2.02


def check_daisy202(path: Path, meta: dict[str, Any]) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
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
        checks.append(_check("well-formed XML", not malformed and "ncc.html" in parsed, files=len(xml_names),
                             malformed=malformed[:5]))
        if "ncc.html" not in parsed or "content.html" not in parsed:
            return checks
        ncc, content = parsed["ncc.html"], parsed["content.html"]
        heading_tags = {f"{{http://www.w3.org/1999/xhtml}}h{i}" for i in range(1, 7)}
        ncc_heads = [el for el in ncc.iter() if el.tag in heading_tags and el.get("id") != "ncc_title"]
        text_heads = [el for el in content.iter() if el.tag in heading_tags]
        ncc_pages = [el for el in ncc.iter() if (el.get("class") or "").startswith("page-")]
        text_pages = [el for el in content.iter() if (el.get("class") or "").startswith("page-")]
        first = next((el for el in ncc.iter() if el.tag in heading_tags), None)
        checks.append(_check("NCC lists every heading and page",
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
        checks.append(_check("references resolve", not unresolved, unresolved=unresolved[:10]))
        durations = {n: mp3_info_bytes(zf.read(n)).duration for n in names if n.endswith(".mp3")}
        for name, root in parsed.items():
            if name.endswith(".smil"):
                checks.append(check_clips(name, root, durations, lambda _s, src: src, "clip-begin", "clip-end"))
    return checks


# ----------------------------------------------------------------------------- EPUB 3 media overlays


def check_overlays(path: Path) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
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
        checks.append(_check("overlay text references resolve", bool(smils) and not unresolved,
                             overlays=len(smils), unresolved=unresolved[:10]))
    return checks


def daisy_gate(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> dict[str, Any]:
    from converters.gates import audit_check, epubcheck

    checks: list[dict[str, Any]] = []
    review: list[dict[str, Any]] = []
    for art in artifacts:
        kind = art.metadata.get("kind")
        if kind == "daisy202":
            checks += check_daisy202(Path(art.path), art.metadata)
            with tempfile.TemporaryDirectory(prefix="daisy-audit-") as tmp, zipfile.ZipFile(art.path) as zf:
                page = Path(tmp) / "content.html"
                page.write_bytes(zf.read("content.html"))
                check, problems, flagged = audit_check(page, "html", "content.html", ctx)
            checks.append({**check, "name": "auditor (DAISY text)", "problems": problems})
            review += flagged
        elif kind == "epub3-media-overlays":
            check, problems = epubcheck(Path(art.path))
            checks.append({**check, "problems": problems})
            checks += check_overlays(Path(art.path))
            check, problems, flagged = audit_check(Path(art.path), "zip", art.name, ctx)
            checks.append({**check, "name": "auditor (EPUB content documents)", "problems": problems})
            review += flagged
    return _verdict(checks, review)
