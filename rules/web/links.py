"""Link rules: link text that says nothing out of context (2.4.4, 2.4.9), links that open a new
window, download a file or play media without saying so, links that run script, and redundant
links and titles. They read the ``content`` fact (:mod:`rules.web.content`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import WCAG, Technique
from rules.web.content import Content

GENERIC = frozenset({"click here", "click", "here", "more", "read more", "learn more", "more info", "more information",
                     "info", "details", "page", "this page", "link", "this link", "this", "go", "go here", "continue",
                     "find out more", "see more", "view", "download", "website", "click this", "here.", "more..."})
NO_WORDS = re.compile(r"^[\W_]*$")
DOCUMENTS = {"pdf": "PDF", "doc": "Word", "docx": "Word", "xls": "Excel", "xlsx": "Excel", "ppt": "PowerPoint",
             "pptx": "PowerPoint", "odt": "OpenDocument", "rtf": "RTF", "zip": "zip", "epub": "EPUB", "csv": "CSV"}
MEDIA = {"mp3", "wav", "ogg", "oga", "m4a", "aac", "flac", "mp4", "m4v", "mov", "avi", "wmv", "webm", "mkv"}
IMAGES = {"jpg", "jpeg", "png", "gif", "webp", "svg", "bmp", "tif", "tiff"}
NEW_WINDOW = re.compile(r"new (window|tab)|opens in|external", re.I)


def _ext(href: str) -> str:
    path = urlsplit(href).path.lower()
    return path.rsplit(".", 1)[1] if "." in path.rsplit("/", 1)[-1] else ""


@rule(id="web-link-text-generic", target="web", impact="serious", reads="content",
      requirements=(WCAG("2.4.4"), WCAG("2.4.9"), Technique("F84")),
      messages={"no-words": "The link's text “{name}” has no words: nobody can tell where it goes.",
                "generic": "The link text “{name}” says nothing on its own; check that the sentence around it says "
                           "where it goes, or write text that does."})
def link_text_generic(content: Content) -> Iterator[Finding]:
    """Link text says where the link goes

    Flags links whose text has no words at all (a full stop, an arrow) and links whose text is a
    generic phrase ("click here", "read more", "page") that only the surrounding sentence can
    explain.

    **Why it matters**: Screen-reader users often list a page's links or tab from link to link,
    hearing each link's text alone: ten "Read more" links, or a link called ".", tell a learner
    nothing about which reading or assignment each one opens.

    **How to fix**: Put the destination in the link text itself: "Read the week 2 case study"
    instead of "Click here"; never link a single punctuation mark.
    """
    for link in content.data.get("links", []):
        name = link.get("name") or ""
        if name and NO_WORDS.match(name):
            yield link_text_generic.finding(Outcome.VIOLATION, "no-words", content.at(link), name=name)
        elif name.lower().strip(" .!:…") in GENERIC or name.lower() in GENERIC:
            yield link_text_generic.finding(Outcome.NEEDS_REVIEW, "generic", content.at(link), name=name)


@rule(id="web-link-new-window", target="web", impact="moderate", reads="content",
      requirements=(WCAG("3.2.5"), Technique("G201")),
      messages={"unannounced": "The link “{name}” opens a new window or tab without saying so."})
def link_new_window(content: Content) -> Iterator[Finding]:
    """Links that open a new window say so

    Flags links with `target="_blank"` (or another named window) whose text, title and description
    do not mention a new window or tab.

    **Why it matters**: A new window breaks the Back button. Screen-reader and magnifier users
    often do not notice the switch and think the course page has gone.

    **How to fix**: Open links in the same window, or add "(opens in a new tab)" to the link text.
    """
    for link in content.data.get("links", []):
        target = (link.get("target") or "").lower()
        if target and target not in ("_self", "_parent", "_top"):
            said = " ".join((link.get("name") or "", link.get("title") or "", link.get("described") or ""))
            if not NEW_WINDOW.search(said):
                yield link_new_window.finding(Outcome.NEEDS_REVIEW, "unannounced", content.at(link), name=link["name"])


@rule(id="web-link-file-type", target="web", impact="moderate", reads="content",
      requirements=(WCAG("2.4.4"), WCAG("1.2.1"), Technique("G197")),
      messages={"document": "The link “{name}” downloads a {kind} file without saying so (and how large it is).",
                "media": "The link “{name}” opens a {ext} audio or video file: check that a transcript is offered "
                         "beside it.",
                "image": "The link “{name}” opens an image: check that the image's content is described in text."})
def link_file_type(content: Content) -> Iterator[Finding]:
    """Links to files say what they open

    Flags links to documents (PDF, Word, spreadsheets ...) whose text does not name the format,
    links straight to audio or video files (is there a transcript?), and links straight to images
    (is their content described?).

    **Why it matters**: A learner on a phone, a slow connection or a screen reader needs to know
    before choosing a link that it downloads a 5 MB PDF or starts a recording, and a recording or
    picture with no text version leaves deaf or blind learners out.

    **How to fix**: Write the format and size in the link ("Reading list (PDF, 300 KB)"); put a
    transcript beside audio and video, and a description beside images.
    """
    for link in content.data.get("links", []):
        ext, name = _ext(link.get("href") or ""), link.get("name") or ""
        if ext in DOCUMENTS and DOCUMENTS[ext].lower() not in name.lower() and ext not in name.lower():
            yield link_file_type.finding(Outcome.NEEDS_REVIEW, "document", content.at(link), name=name,
                                         kind=DOCUMENTS[ext])
        elif ext in MEDIA:
            yield link_file_type.finding(Outcome.NEEDS_REVIEW, "media", content.at(link), name=name, ext=ext.upper())
        elif ext in IMAGES:
            yield link_file_type.finding(Outcome.NEEDS_REVIEW, "image", content.at(link), name=name)


@rule(id="web-link-script", target="web", impact="moderate", reads="content",
      requirements=(WCAG("4.1.2"),),
      messages={"script": "The link “{name}” runs script (href=“{href}”) instead of going somewhere: it is a "
                          "button to a screen reader's user only if it is marked up as one."})
def link_script(content: Content) -> Iterator[Finding]:
    """Links go somewhere; actions are buttons

    Flags links whose address is `javascript:` code.

    **Why it matters**: Screen readers announce a link, so learners expect to go to a new place;
    a "link" that runs code (opens a quiz, plays media) misleads them, and it does nothing when
    script is blocked or when opened in a new tab.

    **How to fix**: Use `<button type="button">` for actions and keep links for navigation.
    """
    for link in content.data.get("links", []):
        if (link.get("href") or "").strip().lower().startswith("javascript:"):
            yield link_script.finding(Outcome.NEEDS_REVIEW, "script", content.at(link), name=link.get("name") or "",
                                      href=link["href"][:60])


@rule(id="web-link-redundant", target="web", impact="minor", reads="content",
      requirements=(Technique("H2"),),
      messages={"adjacent": "This link goes to the same place as the link right before it: screen-reader and "
                            "keyboard users meet the same destination twice.",
                "title": "The link's title “{title}” repeats its text, so screen readers may read it twice."})
def link_redundant(content: Content) -> Iterator[Finding]:
    """Links are not repeated needlessly

    Flags a link that goes where the link right before it goes, with nothing between them (an
    image link and a text link to the same page), and a `title` that repeats the link's text.

    **Why it matters**: Every extra tab stop costs keyboard and switch users effort, and repeated
    announcements slow screen-reader users down in long course menus.

    **How to fix**: Put the image and the text in one link (`<a href><img alt=""> Red panda</a>`);
    drop a `title` that adds nothing.
    """
    for link in content.data.get("links", []):
        if link.get("adjacent_same"):
            yield link_redundant.finding(Outcome.NEEDS_REVIEW, "adjacent", content.at(link))
        elif link.get("title") and link["title"].strip().lower() == (link.get("name") or "").strip().lower():
            yield link_redundant.finding(Outcome.NEEDS_REVIEW, "title", content.at(link), title=link["title"])
