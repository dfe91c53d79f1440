"""The plain-language lexicon: data files in ``data/`` turned into fast lookups.

``lexicon-<lang>.json`` holds phrases (replaced first, longest first), verbs and nouns as lemmas
(their inflected forms are generated on both sides: *facilitated* → *helped*, *strategies* →
*plans*) and single words. ``glossary-<lang>.json`` holds short explanations of words that have
no safe replacement. Only lower-case words are replaced, so names (*Sustainable Development
Goals*) are never touched. ``short_forms`` (long institutional name → short defined name) is read
here and applied by :mod:`.shortforms`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from converters.transforms.easyread.text import word_set

DATA = Path(__file__).parent / "data"
_IRREGULAR = {   # base: (third person, past, past participle, -ing)
    "do": ("does", "did", "done", "doing"), "go": ("goes", "went", "gone", "going"),
    "make": ("makes", "made", "made", "making"), "give": ("gives", "gave", "given", "giving"),
    "get": ("gets", "got", "got", "getting"), "take": ("takes", "took", "taken", "taking"),
    "show": ("shows", "showed", "shown", "showing"), "set": ("sets", "set", "set", "setting"),
    "build": ("builds", "built", "built", "building"), "bring": ("brings", "brought", "brought", "bringing"),
    "find": ("finds", "found", "found", "finding"), "keep": ("keeps", "kept", "kept", "keeping"),
    "meet": ("meets", "met", "met", "meeting"), "cut": ("cuts", "cut", "cut", "cutting"),
    "say": ("says", "said", "said", "saying"), "write": ("writes", "wrote", "written", "writing"),
    "have": ("has", "had", "had", "having"), "speak": ("speaks", "spoke", "spoken", "speaking"),
    "put": ("puts", "put", "put", "putting"), "think": ("thinks", "thought", "thought", "thinking"),
    "buy": ("buys", "bought", "bought", "buying"), "send": ("sends", "sent", "sent", "sending"),
    "rethink": ("rethinks", "rethought", "rethought", "rethinking"),
    "grow": ("grows", "grew", "grown", "growing"), "deal": ("deals", "dealt", "dealt", "dealing"),
    "draw": ("draws", "drew", "drawn", "drawing"), "leave": ("leaves", "left", "left", "leaving"),
}
_BE_HAVE = frozenset(["is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "get", "gets", "got"])


def _s(word: str) -> str:
    if word in {"tech", "stomach", "monarch"}:
        return word + "s"
    if word.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _double(word: str) -> bool:
    """plan → planned: one syllable ending consonant-vowel-consonant doubles its last letter."""
    v = "aeiou"
    return (len(word) >= 3 and word[-1] not in v + "wxy" and word[-2] in v and word[-3] not in v
            and sum(ch in v for ch in word) == 1)


def _ed(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ied"
    if _double(word):
        return word + word[-1] + "ed"
    return word + "ed"


def _ing(word: str) -> str:
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")):
        return word[:-1] + "ing"
    if _double(word):
        return word + word[-1] + "ing"
    return word + "ing"


def verb_forms(lemma: str) -> dict[str, str]:
    """{'base'|'s'|'past'|'part'|'ing': form} of a verb, first word inflected ('carry out')."""
    head, _, rest = lemma.partition(" ")
    tail = f" {rest}" if rest else ""
    if head in _IRREGULAR:
        s, past, part, ing = _IRREGULAR[head]
    else:
        s, past, ing = _s(head), _ed(head), _ing(head)
        part = past
    return {"base": lemma, "s": s + tail, "past": past + tail, "part": part + tail, "ing": ing + tail}


def noun_forms(lemma: str) -> dict[str, str]:
    head, _, rest = lemma.rpartition(" ")
    prefix = f"{head} " if head else ""
    return {"base": lemma, "s": prefix + _s(rest)}


@dataclass
class Lexicon:
    phrases: list[tuple[re.Pattern[str], str]]
    words: dict[str, str]                 # lower-case form -> replacement
    past_forms: dict[str, tuple[str, str]]  # "-ed" form -> (past, participle) replacement
    glossary: dict[str, str]              # lower-case word -> explanation
    abbreviations: dict[str, str]         # ABBR -> expansion
    short_forms: dict[str, str]           # long institutional name -> short defined name
    verb_forms: frozenset[str] = frozenset()   # base and -s forms of every verb of the lexicon
    noun_verb_forms: frozenset[str] = frozenset()   # those of verbs that are nouns too: replaced only as verbs

    def replace_word(self, word: str, previous: str = "") -> str | None:
        """The plain word for ``word`` after ``previous``, or None. The base or -s form of a verb that is a
        noun too is replaced only where the word before makes it a verb (*to implement*, *it conducts*),
        never as a noun (*an implement*, *their conduct*); any other word is not replaced where it is used
        as a verb (*to document*)."""
        lower = word.lower()
        if word != lower and not (word[0].isupper() and word[1:] == lower[1:]):
            return None                   # ALL CAPS or inner capitals: a name
        before = previous.lower()
        if lower in self.noun_verb_forms:
            if before not in (VERB_AFTER_S if lower.endswith("s") else VERB_AFTER):
                return None
        elif before in VERB_MARKERS and lower not in self.verb_forms and lower not in self.past_forms \
                and not lower.endswith("ing"):
            return None
        if lower in self.past_forms:
            past, part = self.past_forms[lower]
            out = part if previous.lower() in _BE_HAVE else past
        else:
            out = self.words.get(lower)
        if out is None:
            return None
        return out[0].upper() + out[1:] if word[0].isupper() else out

    def explain(self, word: str) -> str | None:
        lower = word.lower()
        for key in (lower, lower[:-1] if lower.endswith("s") else lower,
                    lower[:-2] if lower.endswith("es") else lower,
                    lower[:-3] + "y" if lower.endswith("ies") else lower):
            if key in self.glossary:
                return self.glossary[key]
        return None


# words that make the next word a verb (*to document*, *can increase*)
VERB_MARKERS = word_set("to can could will would shall should may might must")
# words after which a verb's base form is a verb: those, subjects, negation, some adverbs
VERB_AFTER = VERB_MARKERS | word_set("not never also often we they you i please and or help helps helped let lets")
# words after which an -s form is a verb (a singular subject or a relative pronoun), not a plural noun
VERB_AFTER_S = word_set("it he she this that which who also often still now it's")


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(p) for p in phrase.split())
    lead = r"(?<![\w-])"
    trail = r"(?![\w-])" if phrase[-1].isalnum() else ""
    return re.compile(lead + body + trail, re.IGNORECASE)


@lru_cache(maxsize=8)
def load_lexicon(language: str = "en") -> Lexicon:
    path = DATA / f"lexicon-{language}.json"
    if not path.is_file():
        path = DATA / "lexicon-en.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    words: dict[str, str] = {}
    past_forms: dict[str, tuple[str, str]] = {}
    as_verb: set[str] = set()
    noun_verbs: set[str] = set()
    also_nouns = set(data.get("verbs_also_nouns", []))
    for lemma, plain in data.get("verbs", {}).items():
        src, dst = verb_forms(lemma), verb_forms(plain)
        for key in ("base", "s", "ing"):
            words[src[key]] = dst[key]
        as_verb |= {src["base"], src["s"]}
        if lemma in also_nouns:
            noun_verbs |= {src["base"], src["s"]}
        past_forms[src["past"]] = (dst["past"], dst["part"])
    for lemma, plain in data.get("nouns", {}).items():
        src, dst = noun_forms(lemma), noun_forms(plain)
        words.setdefault(src["base"], dst["base"])
        words.setdefault(src["s"], dst["s"])
    words.update(data.get("words", {}))
    phrases = sorted(data.get("phrases", {}).items(), key=lambda kv: -len(kv[0]))
    gpath = DATA / f"glossary-{language}.json"
    if not gpath.is_file():
        gpath = DATA / "glossary-en.json"
    gdata = json.loads(gpath.read_text(encoding="utf-8")) if gpath.is_file() else {}
    return Lexicon(
        phrases=[(_phrase_pattern(p), r) for p, r in phrases],
        words=words,
        past_forms=past_forms,
        glossary={k.lower(): v for k, v in gdata.get("words", {}).items()},
        abbreviations=dict(gdata.get("abbreviations", {})),
        short_forms=dict(data.get("short_forms", {})),
        verb_forms=frozenset(as_verb),
        noun_verb_forms=frozenset(noun_verbs),
    )
