"""A short DOCX with three headings → chaptered MP3, with the real docx reader, espeak-ng and lameenc."""

from __future__ import annotations

import itertools
import zipfile
from pathlib import Path

from mutagen.id3 import ID3

from access.config import Settings
from access.conversion import OutputFolder
from access.models import ConvertOptions
from access.registry import get_registry
from access.services import make_context, source_file
from converters.gates.mp3 import check_mp3
from converters.speech.audiofile import mp3_info
from converters.transforms.speech import speak
from converters.writers.mp3 import write_mp3
from tests.converters.audio.audio_docs import HEADINGS, PARAGRAPHS, artifact


def test_mp3_duration_is_plausible_for_the_word_count(docx_result) -> None:
    mp3 = artifact(docx_result, ".mp3")
    info = mp3_info(Path(mp3.path))                       # every frame header walked
    assert info.sample_rate == 22050 and info.bitrates == {64} and info.mono and info.trailing_bytes == 0
    words = sum(len(t.split()) for t in HEADINGS + PARAGRAPHS)
    minutes = info.duration / 60
    assert 90 <= words / minutes <= 200, (words, info.duration)      # asked for 175 words a minute
    assert abs(info.duration - mp3.metadata["duration"]) < 0.05


def test_the_document_is_spoken_once_and_released_after_its_last_writer(docx_result, speech_folders) -> None:
    assert [s for s in speech_folders if s.startswith(("transform", "write"))] == [
        "transform speech", "write mp3", "write daisy"]
    assert not speech_folders["transform speech"]
    assert len(speech_folders["write mp3"]) == 1 and speech_folders["write daisy"] == speech_folders["write mp3"]
    assert not speech_folders["gate daisy"]          # deleted once the daisy writer, its last reader, was done


def test_mp3_chapter_frames_match_the_headings(docx_result) -> None:
    mp3 = artifact(docx_result, ".mp3")
    tags = ID3(mp3.path)
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"].text[0]) for c in chapters] == HEADINGS
    assert chapters[0].start_time == 0
    assert all(a.end_time == b.start_time for a, b in itertools.pairwise(chapters))
    assert chapters[-1].end_time <= mp3_info(Path(mp3.path)).duration * 1000 + 1
    toc = tags.getall("CTOC")[0]
    assert list(toc.child_element_ids) == [c.element_id for c in chapters]
    assert str(tags["TIT2"].text[0]) == "Audio course"
    assert str(tags["TPE1"].text[0]) == "Access Team"
    assert str(tags["TLAN"].text[0]) == "eng"
    assert [c["title"] for c in mp3.metadata["chapters"]] == HEADINGS


def test_mp3_gate_passed(docx_result) -> None:
    gate = docx_result.gate["mp3"]
    assert gate["passed"], gate["problems"]
    assert {c["name"] for c in gate["checks"]} >= {"mp3 frames", "id3 chapters",
                                                    "duration plausible for the word count"}


def test_long_documents_also_get_sections_and_a_playlist(docx_file, settings, tmp_path) -> None:
    ctx = make_context(Settings(data_dir=settings.data_dir, speech_processes=2, audio_split_seconds=1.0))
    options = ConvertOptions(targets=["mp3"])
    doc = get_registry().readers["docx"].read(source_file(docx_file, settings=settings), options, ctx)
    book = speak(doc, options, ctx)
    try:
        artifacts = write_mp3(book, OutputFolder.for_document(tmp_path, doc), options, ctx)
    finally:
        book.release()
    assert [a.name for a in artifacts] == ["audio-course.mp3", "audio-course-sections.zip"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audio-course-sections.zip", "audio-course.mp3"]
    with zipfile.ZipFile(artifacts[1].path) as zf:
        playlist = zf.read("playlist.m3u").decode().splitlines()
        files = [line for line in playlist if line.endswith(".mp3")]
        assert playlist[0] == "#EXTM3U" and len(files) == 3 and all(f in zf.namelist() for f in files)
    gate = check_mp3(artifacts, options, ctx)
    assert gate.passed, gate.problems
    assert "sections playlist" in {c.name for c in gate.checks}
