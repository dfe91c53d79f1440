"""Images and titles a person must judge, with what a machine can add: the text Tesseract reads in
each image (a picture of text, 1.4.5; a name that leaves out the text the image shows, 1.1.1) and
page titles that are placeholders (2.4.2). Where the machine cannot decide, the finding asks a
person (needs review) and names the W3C ACT rule that describes the check.

The collector lists the page's images (``js/images.js``), takes a picture of each (at twice its
size, so small type is read) and reads it with Tesseract (:mod:`access.ocr`).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from access.catalogue import rule
from access.errors import AccessError
from access.models import Finding, Location, Outcome
from access.ocr import words
from access.requirements import ACT, WCAG
from rules.web.page import BrowserPage, script

log = logging.getLogger(__name__)

MAX_IMAGES = 40
MAX_OCR = 12                 # images read per page (OCR costs about 0.2 s each)
MIN_OCR_SIDE = 16            # px: smaller images hold no readable text
SURE = 80                    # word confidence (0-100) above which a word read is taken as shown
READ = 60                    # ... above which it counts as text for a person to check
LINE_CONFIDENCE = 20         # mean confidence of a one-line reading of decorative type (see _plausible_line)
TEXT_BLOCK_WORDS = 8         # this many words (and TEXT_BLOCK_LETTERS letters) is a paragraph, not a logo
TEXT_BLOCK_LETTERS = 40
FILE_NAME = re.compile(r"(^|\s)[\w-]+\.(png|jpe?g|gif|svg|webp|bmp|tiff?)$|^(img|image|dsc|pic|photo|screenshot)"
                       r"[-_ ]?\d+$|^(image|picture|photo|graphic|img|icon|spacer|untitled)$", re.I)
PLACEHOLDER_TITLE = re.compile(r"^(untitled( document| page)?|new (page|document|tab)|document|page( \d+)?|"
                               r"home|index|welcome|title|test|[\w-]+\.(s?html?|php|aspx?|jsp))$", re.I)


@dataclass
class PageImages:
    url: str
    images: list[dict[str, Any]] = field(default_factory=list)   # with "ocr": [(word, confidence)] when read
    html_page: bool = True
    title: str | None = None
    titles: int = 0
    h1: str = ""

    def at(self, image: dict[str, Any] | None = None) -> Location:
        if image is None:
            return Location(url=self.url)
        return Location(url=self.url, selector=image.get("selector"), html=image.get("html"))


def collect(page: BrowserPage, url: str) -> PageImages:
    """The page's images with the words OCR reads in each (the first MAX_OCR large enough), and its title."""
    data = page.run(script("images"), MAX_IMAGES) or {}
    found = PageImages(url=url, images=list(data.get("images", [])), html_page=bool(data.get("html_page", True)),
                       title=data.get("title"), titles=int(data.get("titles") or 0), h1=data.get("h1") or "")
    read = 0
    for image in found.images:
        if read >= MAX_OCR or min(image["w"], image["h"]) < MIN_OCR_SIDE:
            continue
        read += 1
        clip = {"x": image["x"], "y": image["y"], "width": image["w"], "height": image["h"], "scale": 2}
        try:
            png = page.screenshot(clip)
            image["ocr"] = words(png)
            if len(shown_words(image, READ)) < 2 and image["w"] >= 1.5 * image["h"]:
                image["ocr_line"] = words(png, line=True)     # one line in a decorative font: read as a line
        except AccessError as exc:          # no Tesseract: the rules fall back to asking a person
            log.warning("OCR of an image on %s failed: %s", url, exc.message)
            break
    return found


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if ch.isalnum())


def _near(a: str, b: str) -> bool:
    """Equal, or one edit apart (OCR misreads a letter)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def shown_words(image: dict[str, Any], confidence: float, *, as_line: bool = False) -> list[str]:
    """Words of three or more letters and digits (at least one letter) OCR read at ``confidence`` or more
    (with ``as_line``, also the image read as one line of text, where it was: the reading with more words)."""
    readings = [image.get("ocr") or []]
    if as_line and _plausible_line(image.get("ocr_line") or []):
        readings.append([(w, max(c, confidence)) for w, c in image["ocr_line"]])
    return max((_words(reading, confidence) for reading in readings), key=len)


def _words(reading: list[tuple[str, float]], confidence: float) -> list[str]:
    out = []
    for word, conf in reading:
        folded = _fold(word)
        if conf >= confidence and len(folded) >= 3 and any(ch.isalpha() for ch in folded):
            out.append(word.strip(".,;:!?\"'()[]"))
    return out


def _plausible_line(line: list[tuple[str, float]]) -> bool:
    """A reading as one line is taken (at low confidence: decorative type) when it is words of letters
    only, one of three letters or more, read at LINE_CONFIDENCE on average: what a photo's texture
    gives is fragments, digits and symbols."""
    tokens = [w.strip(".,;:!?\"'()") for w, _ in line]
    return bool(tokens) and all(t.isalpha() for t in tokens) and any(len(t) >= 3 for t in tokens) and (
        sum(c for _, c in line) / len(line) >= LINE_CONFIDENCE)


def missing_from_name(image: dict[str, Any]) -> list[str]:
    """Words the image clearly shows that its accessible name does not contain."""
    name_tokens = [_fold(t) for t in re.split(r"[\s/_-]+", image.get("name") or "") if _fold(t)]
    whole = _fold(image.get("name") or "")
    return [w for w in shown_words(image, SURE)
            if _fold(w) not in whole and not any(_near(_fold(w), t) for t in name_tokens)]


@rule(id="web-image-name-descriptive", target="web", impact="serious", reads="images",
      requirements=(WCAG("1.1.1"), ACT("qt1vmo")),
      messages={"file-name": "The image's name “{name}” is a file name or a generic word, not a description.",
                "text-missing": "The image shows the text “{shown}”, which its name “{name}” does not include.",
                "review": "Check that the name “{name}” describes what this image shows."})
def image_name_descriptive(found: PageImages) -> Iterator[Finding]:
    """Image names describe the image

    An image that has a name (its `alt`, `aria-label` or `<title>`) must be described by it. A
    machine can catch two kinds of wrong names: a file name or a generic word ("image",
    "DSC_0042.jpg"), and a name that leaves out text the image clearly shows (OCR reads "W3C" in
    a logo named "ERCIM logo"). Every other named image is listed for a person to check (W3C ACT
    rule qt1vmo).

    **Why it matters**: A learner using a screen reader hears the name instead of seeing the
    picture. A wrong or meaningless name ("chart.png", the wrong organisation's logo) misleads
    them about a diagram, a logo or a worked example.

    **How to fix**: Write the `alt` text to say what the image shows or does in this lesson, and
    include any words the image itself shows.
    """
    for image in found.images:
        if image.get("decorative") or not image.get("name") or image.get("kind") == "image-button":
            continue
        name = image["name"]
        if FILE_NAME.search(name.strip()):
            yield image_name_descriptive.finding(Outcome.VIOLATION, "file-name", found.at(image), name=name)
        elif missing := missing_from_name(image):
            yield image_name_descriptive.finding(Outcome.VIOLATION, "text-missing", found.at(image), name=name,
                                                 shown=" ".join(missing[:8]))
        else:
            yield image_name_descriptive.finding(Outcome.NEEDS_REVIEW, "review", found.at(image), name=name)


@rule(id="web-image-of-text", target="web", impact="serious", reads="images",
      requirements=(WCAG("1.4.5"), WCAG("1.4.9"), ACT("0va7u6")),
      messages={"text-block": "This image is a picture of a block of text ({count} words read: “{text}”).",
                "some-text": "This image shows text (“{text}”); unless it is a logo or the exact look is essential, "
                             "use real text styled with CSS.",
                "no-text": "No text was read in this image."})
def image_of_text(found: PageImages) -> Iterator[Finding]:
    """Text is real text, not a picture of text

    Tesseract reads each image on the page (images, image buttons, CSS background images). An
    image that is a block of text (eight words or more) fails; an image showing a few words is
    listed for a person to check, since logos and text whose exact look is essential are allowed
    (W3C ACT rule 0va7u6).

    **Why it matters**: Text in a picture cannot be enlarged without blurring, re-coloured for
    contrast, re-flowed on a phone, translated, or read aloud from the page by a learner's
    text-to-speech tool; it is often missed by screen readers too.

    **How to fix**: Put the words in the HTML and style them with CSS (fonts, colours, a
    background image behind real text). Keep images of text for logos and for samples where the
    look itself is the content.
    """
    for image in found.images:
        if "ocr" not in image:
            continue
        read = shown_words(image, READ, as_line=True)
        text = " ".join(read)
        letters = sum(ch.isalpha() for ch in text)
        if len(read) >= TEXT_BLOCK_WORDS and letters >= TEXT_BLOCK_LETTERS:
            yield image_of_text.finding(Outcome.VIOLATION, "text-block", found.at(image), count=len(read),
                                        text=text[:120])
        elif read:
            yield image_of_text.finding(Outcome.NEEDS_REVIEW, "some-text", found.at(image), text=text[:120])
        else:
            yield image_of_text.finding(Outcome.PASS, "no-text", found.at(image))


@rule(id="web-title-descriptive", target="web", impact="moderate", reads="images",
      requirements=(WCAG("2.4.2"), ACT("c4a8a4")),
      messages={"placeholder": "The page title “{title}” is a placeholder or a file name, not a description of "
                               "the page.",
                "review": "Check that the title “{title}” says what this page is (its topic or purpose), and "
                          "tells it apart from the site's other pages."})
def title_descriptive(found: PageImages) -> Iterator[Finding]:
    """Page titles describe the page

    A page's `<title>` names it in browser tabs, bookmarks, history and search results, and is the
    first thing a screen reader announces. A placeholder ("Untitled", "New Page", "index.html")
    fails; any other title is listed for a person to judge whether it describes this page (W3C ACT
    rule c4a8a4). A missing or empty title is reported by `axe-document-title`.

    **Why it matters**: Learners with several lessons open in tabs, and screen-reader users who
    hear the title first, rely on it to know which page they are on.

    **How to fix**: Give every page a unique title that starts with what is specific to it:
    "Week 3 quiz: Photosynthesis – Biology 101".
    """
    if not found.html_page or not found.title:
        return
    key = "placeholder" if PLACEHOLDER_TITLE.match(found.title.strip()) else "review"
    yield title_descriptive.finding(Outcome.VIOLATION if key == "placeholder" else Outcome.NEEDS_REVIEW, key,
                                    found.at(), title=found.title)
