"""The "daisy" target: DAISY 2.02 and EPUB 3 with media overlays (real espeak-ng, epubcheck, our auditor)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from access.conversion import OutputFolder
from access.models import ConvertOptions
from access.services import make_context
from converters.gates.daisy import check_daisy, clip_seconds
from converters.speech.audiofile import mp3_info_bytes
from converters.transforms.speech import speak
from converters.writers.daisy import write_talking_books
from tests.converters.audio.audio_docs import HEADINGS, artifact, swahili_document

XHTML = "{http://www.w3.org/1999/xhtml}"


def test_epub_passes_epubcheck_and_our_auditor(docx_result) -> None:
    gate = docx_result.gate["daisy"]
    assert gate["passed"], gate["problems"]
    by_name = {c["name"]: c for c in gate["checks"]}
    assert by_name["epubcheck"]["facts"]["errors"] == 0
    assert by_name["DAISY Ace"]["passed"] and by_name["DAISY Ace"]["facts"]["violations"] == 0
    assert by_name["auditor (EPUB content documents)"]["facts"]["violations"] == 0
    assert by_name["auditor (DAISY text)"]["facts"]["violations"] == 0


def test_epub_overlay_clips_are_monotonic_and_inside_the_audio(docx_result) -> None:
    epub = artifact(docx_result, "-talking.epub")
    with zipfile.ZipFile(epub.path) as zf:
        names = zf.namelist()
        durations = {n: mp3_info_bytes(zf.read(n)).duration for n in names if n.endswith(".mp3")}
        smils = [n for n in names if n.endswith(".smil")]
        opf = zf.read("OEBPS/content.opf").decode()
        clips = 0
        for name in smils:
            last: dict[str, float] = {}
            for audio in etree.fromstring(zf.read(name)).iter("{*}audio"):
                src = "OEBPS/audio/" + audio.get("src").rsplit("/", 1)[-1]
                begin, end = clip_seconds(audio.get("clipBegin")), clip_seconds(audio.get("clipEnd"))
                assert last.get(src, 0.0) <= begin < end <= durations[src] + 0.001
                last[src] = end
                clips += 1
    assert smils and clips >= 3 * len(HEADINGS)
    assert 'property="media:active-class"' in opf and 'property="media:duration"' in opf
    assert "synchronizedAudioText" in opf
    assert epub.metadata["word_sync"] is True


def test_epub_highlights_words_where_timings_exist(docx_result) -> None:
    epub = artifact(docx_result, "-talking.epub")
    with zipfile.ZipFile(epub.path) as zf:
        smil = zf.read("OEBPS/smil/part-001.smil").decode()
        page = etree.fromstring(zf.read("OEBPS/part-001.xhtml"))
    assert "epub:textref" in smil and 'w1"' in smil
    ids = {el.get("id") for el in page.iter() if el.get("id")}
    assert any(i.endswith("w1") for i in ids)


def test_daisy_ncc_lists_every_heading_and_resolves(docx_result) -> None:
    daisy = artifact(docx_result, "-daisy202.zip")
    with zipfile.ZipFile(daisy.path) as zf:
        ncc = etree.fromstring(zf.read("ncc.html"))
        names = set(zf.namelist())
    heads = [el for el in ncc.iter() if el.tag in {f"{XHTML}h{i}" for i in range(1, 7)}]
    assert ["".join(h.itertext()) for h in heads] == HEADINGS
    assert heads[0].get("class") == "title"
    meta = {m.get("name"): m.get("content") for m in ncc.iter(f"{XHTML}meta") if m.get("name")}
    assert meta["dc:format"] == "Daisy 2.02" and meta["ncc:tocItems"] == "3"
    assert meta["ncc:multimediaType"] == "audioFullText"
    for a in ncc.iter(f"{XHTML}a"):
        assert a.get("href").split("#")[0] in names


def test_non_english_document_gets_a_matching_voice_and_pages(settings, tmp_path) -> None:
    ctx = make_context(settings)
    options = ConvertOptions(targets=["daisy"], validation="off")
    book = speak(swahili_document(), options, ctx)
    try:
        artifacts = write_talking_books(book, OutputFolder(tmp_path, "kitabu"), options, ctx)
    finally:
        book.release()
    assert [a.name for a in artifacts] == ["kitabu-daisy202.zip", "kitabu-talking.epub"]
    assert all(a.metadata["voices"] == ["espeak:sw"] for a in artifacts)
    assert not artifacts[0].metadata["warnings"]
    with zipfile.ZipFile(artifacts[0].path) as zf:
        ncc = zf.read("ncc.html").decode()
        assert 'class="page-normal"' in ncc and 'name="dc:language" content="sw"' in ncc
    gate = check_daisy([artifacts[0]], options, ctx)
    assert gate.passed, gate.problems
    assert Path(artifacts[1].path).stat().st_size > 10_000
