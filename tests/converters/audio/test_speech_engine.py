"""The espeak-ng engine (real libespeak-ng), voices per language, the MP3 frame reader."""

from __future__ import annotations

import lameenc
import pytest

from converters.speech.audiofile import mp3_info_bytes
from converters.speech.book import installed_voices
from converters.speech.espeak import espeak_engine, word_timings
from converters.speech.voices import find_voice, plan_voices


@pytest.fixture(scope="module")
def voices():
    return [v for v in installed_voices() if v.engine == "espeak-ng"]


def test_espeak_speaks_with_word_timings(voices) -> None:
    engine = espeak_engine()
    voice = find_voice("en", voices)
    result = engine.synthesize("Learners listen to the lesson. Then they answer.", voice)
    assert result.sample_rate == 22050
    assert 1.5 < result.duration < 6
    starts = [w.start for w in result.words]
    assert len(result.words) == 8
    assert starts == sorted(starts) and result.words[-1].end <= result.duration + 1e-6
    assert [w.offset for w in result.words][:3] == [0, 9, 16]
    assert [offset for offset, _ in result.sentences] == [0, 31]
    assert 0 < result.sentences[1][1] == result.words[5].start


def test_espeak_reports_ssml_marks(voices) -> None:
    result = espeak_engine().synthesize('<speak>One <mark name="m1"/> two three</speak>',
                                        find_voice("en", voices), ssml=True)
    assert [name for name, _ in result.marks] == ["m1"]
    assert 0 < result.marks[0][1] < result.duration


def test_rate_changes_duration(voices) -> None:
    voice = find_voice("en", voices)
    text = "A sentence of about ten words, read at two different rates."
    slow = espeak_engine().synthesize(text, voice, rate=120).duration
    fast = espeak_engine().synthesize(text, voice, rate=300).duration
    assert fast < slow * 0.7


def test_word_timings_fold_expanded_numbers() -> None:
    # espeak reports four word events for "1,234"; they belong to one written word
    timings = word_timings("We have 1,234 pupils", [(1, 0.0), (4, 0.2), (9, 0.4), (10, 0.6), (11, 0.8),
                                                    (15, 1.5)], 2.0)
    assert [(t.offset, t.length) for t in timings] == [(0, 2), (3, 4), (8, 5), (14, 6)]
    assert timings[2].end == 1.5


@pytest.mark.parametrize(("tag", "expected"), [
    ("sw", "espeak:sw"), ("am", "espeak:am"), ("en-US", "espeak:en-us"), ("pt-BR", "espeak:pt-br"),
    ("fr", "espeak:fr"), ("en", "espeak:en"), ("de-AT", "espeak:de"),
])
def test_language_picks_voice(voices, tag: str, expected: str) -> None:
    assert find_voice(tag, voices).id == expected


def test_unknown_language_falls_back_with_warning(voices) -> None:
    plan = plan_voices(voices, "xx", None, "espeak:en")
    assert plan.voice_for("xx").id == "espeak:en"
    assert plan.voice_for("sw").id == "espeak:sw"
    assert len(plan.warnings) == 1 and "'xx'" in plan.warnings[0]


def test_requested_voice_is_used_for_the_main_language(voices) -> None:
    plan = plan_voices(voices, "en", "espeak:en-us", "espeak:en")
    assert plan.voice_for("en").id == "espeak:en-us"
    assert plan.voice_for("fr").id == "espeak:fr"


def test_mp3_frame_reader_measures_lameenc_output() -> None:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(64)
    encoder.set_in_sample_rate(22050)
    encoder.set_channels(1)
    data = encoder.encode(bytes(2 * 22050 * 3)) + encoder.flush()     # three seconds of silence
    info = mp3_info_bytes(data)
    assert info.sample_rate == 22050 and info.bitrates == {64} and info.mono
    assert 3.0 <= info.duration <= 3.2
    assert info.trailing_bytes == 0
    assert mp3_info_bytes(data + b"garbage").trailing_bytes == 7
