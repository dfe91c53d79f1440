"""The rule-based rewriter: one paragraph in, short plain sentences out.

Deterministic and explainable; every step is a small function:

1. sentences are split (:mod:`.text`);
2. asides in brackets become sentences of their own (short ones with a number or an acronym stay);
3. wordy phrases are replaced (*in order to* → *to*), openers made plain (*However,* → *But*),
   dates read plainly (*2022-2025* → *2022 to 2025*, *May 3, 2021* → *3 May 2021*);
4. a simple past passive with a short agent becomes active (*The plan was approved by the board*
   → *The board approved the plan*);
5. words are replaced from the lexicon (lower-case words only, so names are never changed; a
   phrase written with capitals inside a name is left alone too) and number words become digits;
   two words that became the same plain word (*openness and transparency* → *openness*) are said
   once;
6. sentences over ``SPLIT_OVER`` words are split at semicolons, colons and clause openers:
   *, which/that/who + verb* → *This/It/They …* (the pronoun follows the verb's number),
   *, but* → *But …*, *because* → *This is because …*, *, including* → *This includes …*,
   *to + verb* (a purpose, not *aims to*) → *This is to …*, *and + verb* after a named subject →
   *It …*, *, and* before a new subject;
7. an enumeration closing a sentence (*the rise of racism, xenophobia and discrimination*) becomes
   a lead line and a list;
8. sentences over ``TARGET_WORDS`` are split at commas and at *and/or/but* joining clauses; over
   ``MAX_WORDS`` (the guarantee) also before a preposition near the middle, then cut (these
   forced splits are counted: a reviewer should look at them).

Limits: no parser, so a split can leave a fragment (*Mainly for girls and young women.*); the
pronoun standing for a *which/that* clause is chosen by rule; passives change only in the narrow
case above. Nothing is deleted except the connecting word at a split, so numbers, dates and names
survive (the property tests check numbers).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from converters.transforms.easyread.content import NUMBER_WORDS
from converters.transforms.easyread.lexicon import Lexicon, load_lexicon
from converters.transforms.easyread.text import WORD, capitalise, end_sentence, split_sentences, word_set, words

MAX_WORDS = 20          # hard limit: no easy-read sentence is longer
TARGET_WORDS = 7       # sentences longer than this are split at commas and and/or when possible
SPLIT_OVER = 8          # sentences longer than this are split at clause boundaries
MIN_PART = 3            # a clause split must leave at least this many words on each side

SUBJECT_START = word_set(
    "the this that these those a an it its they their we our he she his her there all some many most "
    "each every such students learners teachers schools countries people")
COMMON_VERBS = word_set(
    "help make build give reach meet find keep show support boost use share ensure improve address "
    "raise develop create provide strengthen promote achieve bring get set learn teach study check "
    "protect prepare plan offer serve tackle reduce cut end stop start grow open change adapt "
    "include involve engage design produce collect analyse assess train equip allow let put move sum "
    "work speed focus aim act play take lead cover remain become continue seek face join run hold know "
    "need want try look call come do organise organize encourage enable contribute")
_MODALS_AND_AUX = word_set("can could will would should may might must is are was were has have had also then")


def _third_person(verb: str) -> str:
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _singular_name_subject(clause: str) -> bool:
    """The clause opens with a name or *The/This + noun* (not I/we/they/he/she): "It" can stand for it."""
    ws = clause.split()
    if not ws:
        return False
    first = ws[0]
    if first.lower() in {"i", "we", "they", "he", "she", "you", "it", "there", "and", "but", "or"}:
        return False
    if first.lower() in {"the", "this", "a", "an", "its", "our", "their"}:
        noun = next((w for w in ws[1:] if not w.lower().endswith(("al", "ic", "ive", "ed"))), "")
        return bool(noun) and not (noun.endswith("s") and not noun.endswith("ss"))
    return first[:1].isupper() and not first.lower().endswith("ly")


PREPOSITIONS = ("through", "with", "for", "to", "in", "by", "on", "from", "at", "of", "about")
_MONTH_DAY_YEAR = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|"
                             r"November|December)\s+(\d{1,2})(?:st|nd|rd|th)?,\s*((?:19|20)\d{2})\b")
_DOUBLE = re.compile(r"(?<![\w-])([a-z][\w-]*(?: [a-z][\w-]*)?)(?:,? and|,? or|,) \1(?![\w-])")
_PAREN = re.compile(r"\s*\(([^()]*)\)")
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2}|\d{2})\b")
_NUMBER_WORD = re.compile(r"(?<![\w-])(" + "|".join(k for k in NUMBER_WORDS if NUMBER_WORDS[k] <= 20)
                          + r")(?![\w-])", re.IGNORECASE)
_OPENERS = [
    (re.compile(r"^(However|Nevertheless|Nonetheless|Yet),\s*", re.I), "But "),
    (re.compile(r"^(Therefore|Thus|Hence|Consequently|As a result|Accordingly),\s*", re.I), "So "),
    (re.compile(r"^(Furthermore|Moreover|In addition|Additionally|Besides),\s*", re.I), "Also, "),
    (re.compile(r"^(Finally|Lastly),\s*", re.I), "Last, "),
]
_PASSIVE = re.compile(
    r"^(?P<a>(?:The|This|These|That|Those|A|An|[A-Z][\w-]*)(?:\s+[\w’'-]+){0,5}?)\s+(?P<be>was|were)\s+"
    r"(?P<v>[a-z]+ed)\s+by\s+(?P<b>[^,;:]{2,60}?)(?P<end>[.!?]?)$")


@dataclass
class Line:
    """One line of easy-read text: a sentence, or an item of a list made from an enumeration."""

    text: str
    item: bool = False


@dataclass
class Clause:
    """A splitting rule: the pattern finds the join; ``lead`` starts the new sentence."""

    pattern: re.Pattern[str]
    lead: str | Callable[[re.Match[str]], str]
    needs_subject: bool = False
    relative: bool = False       # that/which/who + verb: the new sentence starts with a pronoun
    subject_is_name: bool = False  # "It" only when the sentence's subject is a name (UNESCO, the Institute)


CLAUSES = [
    Clause(re.compile(r"\s*;\s+"), ""),
    Clause(re.compile(r":\s+(?=\S)"), ""),
    Clause(re.compile(r",\s+which\s+", re.I), "This ", relative=True),
    Clause(re.compile(r",\s+(?:but|yet)\s+", re.I), "But "),
    Clause(re.compile(r",?\s+because\s+(?!of\b)", re.I), "This is because "),
    Clause(re.compile(r",\s+(?:although|though|whereas)\s+", re.I), "But "),
    Clause(re.compile(r",\s+while\s+", re.I), "At the same time, "),
    Clause(re.compile(r",\s+so\s+that\s+", re.I), "This is so that "),
    Clause(re.compile(r",\s+including\s+", re.I), "This includes "),
    Clause(re.compile(r",\s+such\s+as\s+", re.I), "Examples are "),
    Clause(re.compile(r",\s+(?:and\s+)?(?:thus|therefore|so)\s+", re.I), "So "),
    Clause(re.compile(r",\s+(?:and|as well as)\s+", re.I), "", needs_subject=True),
    Clause(re.compile(r"(?<=[a-zA-Z0-9])\s+(?:that|which|who)\s+(?=[a-z]+\s)"), lambda m: "", relative=True),
    Clause(re.compile(r"\s+and\s+(?=(?:" + "|".join(sorted({_third_person(v) for v in COMMON_VERBS}
                                                             | {"has", "had", "is", "was"}))
                      + r")\s)"), "It ", subject_is_name=True),
    Clause(re.compile(r"\s+(?:in order )?to\s+(?=(?:" + "|".join(sorted(COMMON_VERBS)) + r")\s)"), "This is to "),
    Clause(re.compile(r",\s+(?=(?:it|they|we|this|these)\s)", re.I), "", needs_subject=True),
    Clause(re.compile(r"\s+(?:and|but)\s+(?=(?:it|they|we|this|these|there)\s)", re.I), "", needs_subject=True),
]


@dataclass
class Stats:
    """What the rewriter did, for the report and for reviewers."""

    sentences_in: int = 0
    sentences_out: int = 0
    clause_splits: int = 0
    forced_splits: int = 0
    words_replaced: int = 0
    phrases_replaced: int = 0
    passives_made_active: int = 0
    asides_moved: int = 0
    lists_made: int = 0
    doubles_dropped: int = 0
    replaced: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "replaced"} | {
            "replacements": dict(sorted(self.replaced.items())[:200])}


class RuleRewriter:
    """Rule-based simplification of English text. ``rewrite(paragraph) -> list[sentence]``."""

    name = "rules"

    def __init__(self, language: str = "en", max_words: int = MAX_WORDS, split_over: int = SPLIT_OVER,
                 lexicon: Lexicon | None = None, target_words: int = TARGET_WORDS) -> None:
        self.language = language
        self.english = language == "en"      # the rules and lexicon are English; other languages
        self.lexicon = lexicon or load_lexicon(language)   # only get sentence and length splitting
        self.max_words = max_words
        self.target_words = min(target_words, max_words)
        self.split_over = split_over
        self.stats = Stats()

    # ------------------------------------------------------------------------- pipeline

    def rewrite(self, paragraph: str) -> list[str]:
        """The easy-read sentences of a paragraph (list items flattened into sentences)."""
        return [line.text for line in self.rewrite_lines(paragraph)]

    def rewrite_lines(self, paragraph: str) -> list[Line]:
        out: list[Line] = []
        for sentence in split_sentences(paragraph):
            self.stats.sentences_in += 1
            main, asides = self.move_asides(sentence)
            for part in [main, *asides]:
                if self.english:
                    part = self.plain_words(self.make_active(self.plain_phrases(part)))
                clauses = self.split_clauses(part) if self.english else re.split(r"\s*;\s+", part)
                for clause in clauses:
                    enumeration = self.enumeration(clause) if self.english else None
                    if enumeration:
                        lead, items = enumeration
                        out.extend(Line(end_sentence(short)) for short in self.enforce_length(lead))
                        out[-1].text = out[-1].text.rstrip(".") + ":"
                        for item in items:
                            out.extend(Line(_item_text(short), item=True) for short in self.enforce_length(item))
                        continue
                    for short in self.enforce_length(clause):
                        done = end_sentence(short)
                        if words(done):
                            out.append(Line(done))
        out = [line for line in out if words(line.text)]
        self.stats.sentences_out += len(out)
        return out

    def enumeration(self, sentence: str) -> tuple[str, list[str]] | None:
        """``lead A, B, C and D.`` → (``lead``, [A, B, C, D]) when 3+ short items close the sentence."""
        if len(words(sentence)) <= self.split_over:
            return None
        body = sentence.rstrip(" .;")
        segments = re.split(r",\s+", body)
        if len(segments) < 3:
            return None
        last = re.split(r"\s+(?:and|or)\s+", re.sub(r"^(?:and|or)\s+", "", segments[-1]), maxsplit=1)
        middle = segments[1:-1]
        if segments[-1].startswith(("and ", "or ")):
            middle, last = segments[1:-1], [segments[-1].split(" ", 1)[1]]
        m = _ENUM_LEAD.match(segments[0])
        if not m:
            return None
        lead, first = m.group("lead"), m.group("first")
        items = [first, *middle, *last]
        if len(items) < 3 or any(not words(i) or len(words(i)) > 6 for i in items):
            return None
        if any(i.split()[0].lower() in _NOT_ITEM_START or i.split()[-1].lower() in _NOT_ITEM_END for i in items):
            return None
        if any(all(w.lower().strip("[]()") in _NOT_AN_ITEM for w in i.split()) for i in items):
            return None                  # "for all, in order, among other things": no real items
        if any(_ADJECTIVE_END.search(i.split()[-1]) or "–" in i or "—" in i for i in items):
            return None                  # "inclusive, fair and open learning": adjectives, not a list
        if len(words(lead)) < 2:
            return None
        self.stats.lists_made += 1
        return lead, items

    def move_asides(self, sentence: str) -> tuple[str, list[str]]:
        """Bracketed asides of 4+ words (or any without a number/acronym) become own sentences."""
        asides: list[str] = []

        def take(m: re.Match[str]) -> str:
            inner = m.group(1).strip()
            ws = words(inner)
            if not ws:
                return ""
            keep_inline = len(ws) <= 3 and (any(ch.isdigit() for ch in inner)
                                            or any(sum(ch.isupper() for ch in w) >= 2 for w in ws))
            if keep_inline:
                return m.group(0)
            asides.append(inner)
            self.stats.asides_moved += 1
            return ""

        main = _PAREN.sub(take, sentence)
        if not words(main):
            return sentence, []
        return main, asides

    def plain_phrases(self, text: str) -> str:
        text = re.sub(r"[‘“”\"]|(?<![^\W\d_])’|’(?![^\W\d_])", "", text)
        for pattern, replacement in self.lexicon.phrases:
            def sub(m: re.Match[str], replacement: str = replacement) -> str:
                if _part_of_name(m):
                    return m.group()
                self.stats.phrases_replaced += 1
                return capitalise(replacement) if m.group()[0].isupper() else replacement
            text = pattern.sub(sub, text)
        for pattern, lead in _OPENERS:
            text = pattern.sub(lead, text, count=1)
        text = _MONTH_DAY_YEAR.sub(lambda m: f"{int(m.group(2))} {m.group(1)} {m.group(3)}", text)
        text = _YEAR_RANGE.sub(lambda m: f"{m.group(1)} to {_full_year(m.group(1), m.group(2))}", text)
        return text

    def split_clauses(self, sentence: str) -> list[str]:
        if len(words(sentence)) <= self.split_over:
            return [sentence]
        for clause in CLAUSES:
            for m in clause.pattern.finditer(sentence):
                left, right = sentence[: m.start()], sentence[m.end():]
                if len(words(left)) < MIN_PART or len(words(right)) < MIN_PART:
                    continue
                if clause.needs_subject and not _starts_with_subject(right):
                    continue
                if _inside_name(sentence, m.start(), m.end()) or _dangling(left):
                    continue
                if clause.lead == "This is to " and words(left)[-1].lower() in _CATENATIVE:
                    continue             # "aims to ensure", "is able to", "need to": not a purpose
                lead = clause.lead(m) if callable(clause.lead) else clause.lead
                if clause.subject_is_name and not _singular_name_subject(left):
                    continue
                if clause.relative:
                    pronoun = _pronoun_for(m.group().strip(" ,").split()[0], right.split(" ", 1)[0])
                    if not pronoun and not lead:
                        continue
                    lead = pronoun or lead
                self.stats.clause_splits += 1
                return self.split_clauses(left) + self.split_clauses(lead + _lower_first(right, lead))
        return [sentence]

    def make_active(self, sentence: str) -> str:
        m = _PASSIVE.match(sentence.strip())
        if not m:
            return sentence
        agent = m.group("b").strip()
        if len(agent.split()) > 6 or len(m.group("a").split()) > 6:
            return sentence
        patient = m.group("a")
        if patient.split()[0] in {"The", "This", "These", "That", "Those", "A", "An"}:
            patient = patient[0].lower() + patient[1:]
        self.stats.passives_made_active += 1
        return f"{capitalise(agent)} {m.group('v')} {patient}{m.group('end') or '.'}"

    def plain_words(self, sentence: str) -> str:
        out: list[str] = []
        pos = 0
        tokens = list(WORD.finditer(sentence))
        for i, m in enumerate(tokens):
            word = m.group()
            previous = tokens[i - 1].group() if i else ""
            at_start = i == 0 or bool(re.search(r"[:;]\s*$", sentence[tokens[i - 1].end(): m.start()]))
            nxt = tokens[i + 1].group() if i + 1 < len(tokens) else ""
            replacement: str | None = None
            if word[:1].islower() or (at_start and not nxt[:1].isupper()):
                replacement = self.lexicon.replace_word(word, previous)
            if replacement is None and _NUMBER_WORD.fullmatch(word) and sentence[m.end():m.end() + 1] != "-":
                replacement = str(NUMBER_WORDS[word.lower()])
            if replacement is not None and replacement != word:
                self.stats.words_replaced += 1
                self.stats.replaced.setdefault(word.lower(), replacement)
                out.append(sentence[pos: m.start()])
                out.append(replacement)
                pos = m.end()
        out.append(sentence[pos:])
        text = self.drop_doubles("".join(out), sentence)
        text = re.sub(r"\b(a)\s+(?=[aeiou])", lambda m: m.group(1) + "n ", text, flags=re.I)
        return re.sub(r"\b(an)\s+(?=[^aeiouh\W\d])", lambda m: m.group(1)[0] + " ", text, flags=re.I)

    def drop_doubles(self, text: str, original: str) -> str:
        """Two words that became the same plain word (*openness and transparency* → *openness and
        openness*, *will, skill, skill*) are said once; idioms of the lexicon (*more and more*) and
        doubles already in the source stay."""
        def once(m: re.Match[str]) -> str:
            if m.group() in original or any(m.group() in value for value in self.lexicon.words.values()):
                return m.group()
            self.stats.doubles_dropped += 1
            return m.group(1)
        return _DOUBLE.sub(once, text)

    def enforce_length(self, sentence: str) -> list[str]:
        """Sentences over ``target_words`` are split at commas and and/or; over ``max_words``
        (the guarantee) also before a preposition near the middle, then plainly cut."""
        n = len(words(sentence))
        if n <= self.target_words:
            return [sentence]
        splitters: tuple[Callable[[str, int], list[str]], ...] = (_split_commas, _split_clause_conjunction)
        if n > self.max_words:
            splitters = (_split_commas, _split_conjunction, _split_preposition, _split_half)
        for splitter in splitters:
            parts = splitter(sentence, self.max_words)
            if parts and len(parts) > 1:
                self.stats.forced_splits += len(parts) - 1
                out: list[str] = []
                for part in parts:
                    out.extend(self.enforce_length(part))
                return out
        return [sentence]


# ----------------------------------------------------------------------------- helpers


_ENUM_LEAD = re.compile(
    r"^(?P<lead>.*\b(?:through|with|include|includes|including|are|is|as|like|on|of|for|in|to|by|such as|"
    r"about|between|among|from|covers?|means?|needs?))\s+(?P<first>(?:[\w’'-]+\s*){1,6})$", re.I)


_ADJECTIVE_END = re.compile(r"(?:ive|al|ic|ous|ful|able|ible|ent|ant|ary)$", re.I)
_NOT_AN_ITEM = word_set("all in order for example examples other things among some any each both such as "
                        "etc more and or the a an")
_NOT_ITEM_START = word_set("but also mainly especially which who that so because while")
_NOT_ITEM_END = frozenset(PREPOSITIONS) | {"and", "or", "the", "a", "an"}


def _item_text(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:.")
    return text


_SINGULAR_VERBS = word_set("is was has does")
_PLURAL_VERBS = word_set("are were have do")
_MODALS = word_set("can could will would should may might must")


def _pronoun_for(relative: str, verb: str) -> str:
    """The pronoun that can replace *that/which/who* before ``verb``; "" when ``verb`` is no verb."""
    verb = verb.lower()
    singular = verb in _SINGULAR_VERBS or (verb.endswith("s") and not verb.endswith("ss")
                                           and verb[:-1] in COMMON_VERBS | {"aim", "work", "focus"})
    plural = verb in _PLURAL_VERBS or verb in COMMON_VERBS
    if verb in _MODALS or (plural and not singular):
        return "They " if relative.lower() == "who" or verb not in _MODALS else "This "
    if singular:
        return "This person " if relative.lower() == "who" else "It "
    return ""


def _part_of_name(m: re.Match[str]) -> bool:
    """A phrase written with capitals inside a name (*Unit of Teacher Professional Development*) is
    left alone: only the first word may be capitalised, and only where the sentence starts."""
    tokens = m.group().split()
    if any(t[:1].isupper() for t in tokens[1:]):
        return True
    return tokens[0][:1].isupper() and bool(m.string[: m.start()].strip(" ‘“\"'(-–—"))


def _full_year(first: str, second: str) -> str:
    return first[:2] + second if len(second) == 2 else second


def _lower_first(right: str, lead: str) -> str:
    """Lower-case the first word of the right part when a lead word now comes before it."""
    right = right.lstrip()
    if not lead or not right:
        return capitalise(right)
    first = right.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower() and first not in {"I"} and first.lower() in SUBJECT_START:
        return right[0].lower() + right[1:]
    return right


def _starts_with_subject(text: str) -> bool:
    first = text.strip().split(" ", 1)[0] if text.strip() else ""
    return first.lower() in SUBJECT_START or (first[:1].isupper() and first.lower() not in {"and", "or"})


_CATENATIVE = word_set(
    "aim aims aimed need needs needed want wants try tries tried has have had is are was were be been "
    "seek seeks plan plans planned hope hopes able going used likely expected continue continues going "
    "help helps helped ought order due way ways means chance chances right rights time")
_DANGLING = word_set("and or but nor the a an of to for with in on at by from as that which who whose its "
                     "their our this these those through beyond about into under within across towards "
                     "between among during via")


def _dangling(left: str) -> bool:
    """A part that would end on a function word (*… regional projects and.*) is no sentence."""
    ws = words(left)
    return bool(ws) and ws[-1].lower() in _DANGLING


def _between_numbers(sentence: str, start: int, end: int) -> bool:
    """*2022 to 2029*: never split a range."""
    before = sentence[:start].rstrip().rsplit(" ", 1)[-1]
    after = sentence[end:].split()[1:2]
    return bool(before[-1:].isdigit() and after and after[0][:1].isdigit())


_NAME_JOINERS = word_set("of for and the in on de")


def _inside_name(sentence: str, start: int, end: int) -> bool:
    """A join between two capitalised words belongs to a name (*Africa and Gender Equality*,
    *Institute for Information Technologies in Education*)."""
    if "," in sentence[start:end] or ";" in sentence[start:end]:
        return False
    left = sentence[:start].rstrip().rsplit(" ", 1)[-1]
    following = [w for w in sentence[end:].split() if w.lower() not in _NAME_JOINERS]
    right = following[0] if following else ""
    return left[:1].isupper() and right[:1].isupper()


def _balanced(parts: list[str], limit: int) -> bool:
    return all(len(words(p)) >= MIN_PART for p in parts) and len(parts) > 1


_INTRO = word_set("during in on at for with by from after before since until today now however also so "
                  "when while although as if because through within across over under among")


def _introductory(piece: str) -> bool:
    """*During 2020 to 2021,* / *In many countries,*: a short opening phrase, not a clause."""
    ws = words(piece)
    return 0 < len(ws) <= 6 and ws[0].lower() in _INTRO


def _split_commas(sentence: str, limit: int) -> list[str]:
    pieces = [p for p in re.split(r",\s+", sentence) if p.strip()]
    if len(pieces) < 2:
        return []
    merged: list[str] = []
    for piece in pieces:
        if merged and (len(words(merged[-1])) < MIN_PART + 1 or len(words(piece)) < MIN_PART + 1
                       or (len(merged) == 1 and _introductory(merged[0]))) \
                and len(words(merged[-1])) + len(words(piece)) <= limit:
            merged[-1] = merged[-1] + ", " + piece
        else:
            merged.append(piece)
    return merged if _balanced(merged, limit) else []


def _split_near_middle(sentence: str, pattern: re.Pattern[str], keep: bool) -> list[str]:
    n = len(words(sentence))
    best: tuple[int, re.Match[str]] | None = None
    for m in pattern.finditer(sentence):
        left_n = len(words(sentence[: m.start()]))
        if left_n < MIN_PART or n - left_n < MIN_PART or _inside_name(sentence, m.start(), m.end()) \
                or _dangling(sentence[: m.start()]) or _between_numbers(sentence, m.start(), m.end()):
            continue
        score = abs(left_n - n / 2)
        if best is None or score < best[0]:
            best = (score, m)
    if best is None:
        return []
    m = best[1]
    right = sentence[m.end():]
    return [sentence[: m.start()], capitalise(right.strip())]


def _split_conjunction(sentence: str, limit: int) -> list[str]:
    """Before *and/or/but* near the middle; the conjunction starts the new sentence (*And …*)."""
    return _split_near_middle(sentence, re.compile(r"(?<![-–])\s+(?=(?:and|or|but)\s)"), keep=True)


CLAUSE_START = SUBJECT_START | COMMON_VERBS | _MODALS_AND_AUX


def _split_clause_conjunction(sentence: str, limit: int) -> list[str]:
    """Before *and/or/but* that joins two clauses (a subject, modal or verb follows), not two nouns."""
    pattern = re.compile(r"(?<![-–])\s+(?=(?:and|or|but)\s+(?:" + "|".join(sorted(CLAUSE_START)) + r")\b)",
                         re.IGNORECASE)
    return _split_near_middle(sentence, pattern, keep=True)


def _split_preposition(sentence: str, limit: int) -> list[str]:
    return _split_near_middle(sentence, re.compile(r"\s+(?=(?:" + "|".join(PREPOSITIONS) + r")\s)"), keep=True)


def _split_half(sentence: str, limit: int) -> list[str]:
    tokens = sentence.split()
    if len(tokens) < 2:
        return []
    size = max(1, min(limit, (len(tokens) + 1) // 2))
    return [" ".join(tokens[i: i + size]) for i in range(0, len(tokens), size)]
