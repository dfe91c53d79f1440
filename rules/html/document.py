"""Page-level rules: the page's language and its title (WCAG 3.1.1, 3.1.2, 2.4.2)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import langcodes

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import ACT, WCAG, Axe
from rules.html.dom import Page

BCP47_SHAPE = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")
GENERIC_TITLES = {"untitled", "untitled document", "document", "page", "new page", "home", "index"}
LANG_TAG_MESSAGES = {"valid": "{lang!r} is a valid language tag.",
                     "invalid": "{lang!r} is not a valid BCP 47 language tag."}


def lang_is_valid(value: str) -> bool:
    """A well-formed BCP 47 tag whose language subtag is registered (`en`, `fr-CA`, `zh-Hant`)."""
    value = value.strip()
    if not BCP47_SHAPE.match(value) and not value.lower().startswith(("x-", "i-")):
        return False
    try:
        return bool(langcodes.tag_is_valid(value))
    except (ValueError, LookupError):
        return False


def _judge_lang(lang: str) -> tuple[Outcome, str]:
    """The outcome and message key of one `lang` value."""
    return (Outcome.PASS, "valid") if lang_is_valid(lang) else (Outcome.VIOLATION, "invalid")


@rule(id="html-lang", target="html", impact="serious",
      requirements=(WCAG("3.1.1"), ACT("b5c3f8"), Axe("html-has-lang")),
      messages={"declared": "The page language is {lang!r}.",
                "xml-lang-only": "The <html> element has only xml:lang, which browsers and screen readers ignore "
                                 "in HTML; add lang with the same value.",
                "missing": "The <html> element has no lang attribute."})
def html_lang(page: Page) -> Iterator[Finding]:
    """The page declares its language

    The `<html>` element needs a non-empty `lang` attribute, e.g. `<html lang="en">`.

    **Why it matters**: screen readers and text-to-speech choose their pronunciation rules from the
    page language; without it a French lesson is read with English sounds and is hard to follow.
    Braille translation and automatic captions depend on it too.

    **How to fix**: add `lang` with the BCP 47 code of the main language to the `<html>` start
    tag, e.g. `<html lang="es">`.
    """
    el = page.root
    lang = (el.get("lang") or "").strip()
    where = Location(url=page.name, selector="html", html=page.start_tag(el))
    if lang:
        yield html_lang.finding(Outcome.PASS, "declared", where, lang=lang)
    elif (el.get("xml:lang") or "").strip():
        yield html_lang.finding(Outcome.VIOLATION, "xml-lang-only", where)
    else:
        yield html_lang.finding(Outcome.VIOLATION, "missing", where)


@rule(id="html-lang-valid", target="html", impact="serious",
      requirements=(WCAG("3.1.1"), ACT("bf051a"), Axe("html-lang-valid")),
      messages=LANG_TAG_MESSAGES)
def html_lang_valid(page: Page) -> Iterator[Finding]:
    """The page language is a valid language code

    The `lang` of `<html>` must be a valid BCP 47 language tag such as `en`, `en-GB` or
    `pt-BR` — not a language name (`english`) or an underscore form (`en_US`).

    **Why it matters**: an unknown code is ignored by assistive technology, so speech falls back to
    the reader's default voice and mispronounces the lesson.

    **How to fix**: use the two- or three-letter ISO 639 code, optionally with a region:
    `<html lang="en-GB">`.
    """
    el = page.root
    lang = (el.get("lang") or "").strip()
    if not lang:
        return
    where = Location(url=page.name, selector="html", html=page.start_tag(el))
    yield html_lang_valid.finding(*_judge_lang(lang), where, lang=lang)


@rule(id="html-element-lang-valid", target="html", impact="serious",
      requirements=(WCAG("3.1.2"), ACT("de46e4"), Axe("valid-lang")),
      messages=LANG_TAG_MESSAGES)
def element_lang_valid(page: Page) -> Iterator[Finding]:
    """Language changes inside the page use valid language codes

    A `lang` attribute on an element inside the page (a quotation, a vocabulary list in another
    language) must be a valid BCP 47 tag.

    **Why it matters**: language learners rely on text-to-speech switching voices for the foreign
    passages; an invalid code means the passage is read with the wrong pronunciation.

    **How to fix**: correct the `lang` value to a valid code, e.g. `<span lang="de">`.
    """
    for el in page.root.iter():
        if not isinstance(el.tag, str) or el is page.root or el.get("lang") is None or page.is_hidden(el):
            continue
        lang = el.get("lang", "").strip()
        if not lang:
            continue
        yield element_lang_valid.finding(*_judge_lang(lang), page.location(el), lang=lang)


@rule(id="html-title", target="html", impact="serious",
      requirements=(WCAG("2.4.2"), ACT("2779a5"), Axe("document-title")),
      messages={"no-title": "The page has no <title> element.",
                "empty": "The page <title> is empty.",
                "generic": "The page title {title!r} does not describe the page.",
                "titled": "The page title is {title!r}."})
def page_title(page: Page) -> Iterator[Finding]:
    """The page has a title

    The `<head>` needs a `<title>` with text that says what the page is, e.g.
    "Week 3: Photosynthesis – Biology 101". Generic titles such as "Untitled" are flagged for review.

    **Why it matters**: the title is the first thing a screen reader announces and the name of the
    browser tab; learners with many course tabs open find their place by it.

    **How to fix**: add `<title>` to `<head>` naming the lesson and the course.
    """
    title_el = page.root.find(".//title")
    if title_el is None:
        yield page_title.finding(Outcome.VIOLATION, "no-title", Location(url=page.name, selector="head"))
        return
    where = Location(url=page.name, selector=page.selector(title_el), html=page.snippet(title_el))
    text = page.title or ""
    if not text:
        yield page_title.finding(Outcome.VIOLATION, "empty", where)
    elif text.lower() in GENERIC_TITLES:
        yield page_title.finding(Outcome.NEEDS_REVIEW, "generic", where, impact="moderate", title=text)
    else:
        yield page_title.finding(Outcome.PASS, "titled", where, title=text)

