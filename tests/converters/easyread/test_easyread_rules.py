"""The rule-based rewriter, rule by rule, and its guarantees (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converters.transforms.easyread.content import numbers
from converters.transforms.easyread.glossary import defined_abbreviations
from converters.transforms.easyread.lexicon import load_lexicon, verb_forms
from converters.transforms.easyread.simplify import MAX_WORDS, RuleRewriter
from converters.transforms.easyread.text import words


def rewrite(text: str) -> list[str]:
    return RuleRewriter().rewrite(text)


def test_semicolons_and_which_clauses_split() -> None:
    out = rewrite("The institute runs many courses for teachers in several regions; it also publishes "
                  "guides for schools, which are free for everyone to use.")
    assert len(out) >= 3
    assert out[-1] == "They are free for everyone to use."


def test_lexicon_replaces_inflected_words_but_not_names() -> None:
    out = " ".join(rewrite("UNESCO facilitated the dissemination of strategies in order to support the "
                           "Sustainable Development Goals."))
    assert "helped" in out and "sharing" in out and "plans" in out and "in order" not in out
    assert "Sustainable Development Goals" in out


def test_verb_forms() -> None:
    assert verb_forms("carry out") == {"base": "carry out", "s": "carries out", "past": "carried out",
                                       "part": "carried out", "ing": "carrying out"}
    assert verb_forms("set up")["ing"] == "setting up"
    assert verb_forms("show")["part"] == "shown"


def test_participle_after_be() -> None:
    lex = load_lexicon("en")
    assert lex.replace_word("demonstrated", "was") == "shown"
    assert lex.replace_word("demonstrated", "UNESCO") == "showed"


def test_numbers_as_digits_and_plain_year_ranges() -> None:
    out = " ".join(rewrite("UNESCO has seven institutes and a strategy for 2022-2025."))
    assert "7 institutes" in out and "2022 to 2025" in out
    assert rewrite("The board met on September 15th, 2021.") == ["The board met on 15 September 2021."]


def test_enumeration_becomes_list() -> None:
    lines = RuleRewriter().rewrite_lines(
        "The rise of racism, xenophobia, exclusionary discourse and discrimination worries the world.")
    items = [line.text for line in lines if line.item]
    assert "racism" in items and "xenophobia" in items


def test_passive_made_active() -> None:
    assert rewrite("The plan was approved by the board.") == ["The board approved the plan."]


def test_abbreviations_from_the_source() -> None:
    found = defined_abbreviations("the UNESCO Institute for Information Technologies in Education (IITE) and "
                                  "Artificial Intelligence (AI) in schools")
    assert found == {"IITE": "Institute for Information Technologies in Education", "AI": "Artificial Intelligence"}


def test_hard_limit_even_without_punctuation() -> None:
    out = rewrite(" ".join(["word"] * 95))
    assert all(0 < len(words(s)) <= MAX_WORDS for s in out)
    assert sum(len(words(s)) for s in out) == 95


VOCAB = ["the", "learners", "and", "teachers", "use", "digital", "tools", "which", "help", "schools", "in",
         "Africa", "because", "UNESCO", "facilitates", "cooperation", "of", "for", "Member", "States", "with",
         "seven", "but", "however", "including", "such as", "to", "education"]
token = st.one_of(
    st.sampled_from(VOCAB),
    st.integers(min_value=0, max_value=100000).map(str),
    st.sampled_from([",", ";", ":", "(", ")", ".", "–", "2020-2021", "1,500", "3.5", "19 May 2021"]),
)
paragraphs = st.lists(token, min_size=1, max_size=90).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs)
def test_never_drops_a_number_never_empty_never_too_long(text: str) -> None:
    out = rewrite(text)
    assert all(words(s) for s in out), out
    assert all(len(words(s)) <= MAX_WORDS for s in out), out
    missing = numbers(text) - numbers(" ".join(out))
    assert not missing, (text, out)
