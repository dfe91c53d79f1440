"""Readability and content-kept measures (offline: CMU dictionary, wordfreq)."""

from __future__ import annotations

from converters.transforms.easyread.content import content_kept, dates, entities, numbers
from converters.transforms.easyread.readability import is_difficult, measure, syllables
from converters.transforms.easyread.text import split_sentences, words


def test_syllables_from_cmudict_and_estimate() -> None:
    assert syllables("education") == 4
    assert syllables("the") == 1
    assert syllables("UNESCO") == 3
    assert syllables("2030") == 1
    assert syllables("digitalisation") >= 5          # not in the dictionary: estimated


def test_flesch_kincaid_on_known_text() -> None:
    r = measure(["The cat sat on the mat.", "It was happy."])
    # 9 words, 2 sentences, 10 syllables ("happy" has 2)
    assert (r.words, r.sentences, r.syllables) == (9, 2, 10)
    assert r.fk_grade == round(0.39 * 4.5 + 11.8 * 10 / 9 - 15.59, 2)
    assert r.reading_ease == round(206.835 - 1.015 * 4.5 - 84.6 * 10 / 9, 2)
    assert r.max_sentence_words == 6


def test_difficult_words() -> None:
    assert is_difficult("disseminate")
    assert is_difficult("interdisciplinary")
    assert not is_difficult("school")
    assert not is_difficult("Africa")           # names are not counted


def test_sentence_splitting_respects_abbreviations() -> None:
    text = "We met Dr. Smith in 2021. He said e.g. this works! Did it? Yes."
    assert split_sentences(text) == ["We met Dr. Smith in 2021.", "He said e.g. this works!", "Did it?", "Yes."]
    assert words("COVID-19 and UNESCO’s 2022-2025 plan") == ["COVID-19", "and", "UNESCO’s", "2022-2025", "plan"]


def test_numbers_dates_entities() -> None:
    text = "In 2022-2025, seven Category 1 Institutes served 1,000 learners from 3 March 2021."
    assert numbers(text) == {"2022": 1, "2025": 1, "7": 1, "1": 1, "1000": 1, "3": 1, "2021": 1}
    assert dates(text) == {"2022": 1, "2025": 1, "2021-03-03": 1}
    found = entities(["The United Nations works with UNESCO in many Member States.", "Strategy matters."])
    assert {"United Nations", "UNESCO", "Member States"} <= found
    assert "Strategy" not in found


def test_content_kept_counts_what_is_missing() -> None:
    kept = content_kept(["UNESCO has 7 institutes since 1945."], ["UNESCO has seven institutes."])
    assert kept.numbers_percent == 50.0 and kept.missing_numbers == ["1945"]
    assert kept.dates_percent == 0.0
    assert kept.entities_percent == 100.0
