"""Is this alt text or link text any good? The one place that judges it, for every rule family
(HTML, Word, PowerPoint) and for the converters.

Alternative text that only names a file (``IMG_2041.jpg``, ``C:\\Users\\ann\\Pictures\\pic.jpg``),
is a placeholder word (``image``, ``Picture 3``) or is Office's automatic caption ("… Description
automatically generated") tells a learner nothing about the picture: it counts as missing.
Link text that is a bare web address, or only says "click here", "read more" or "download",
does not say where the link goes.

Pure functions, no engine, no I/O::

    >>> alt_text_problem("Picture 3")
    'placeholder'
    >>> link_text_problem("Read more »")
    'generic'
"""

from __future__ import annotations

import re

IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "jpe", "gif", "bmp", "tif", "tiff", "svg", "svgz", "webp", "avif",
                    "heic", "heif", "ico", "emf", "wmf", "eps")
PLACEHOLDER_ALT = frozenset({
    "image", "img", "picture", "pic", "photo", "photograph", "graphic", "graphics", "icon", "logo", "spacer",
    "untitled", "alt", "alt text", "chart", "figure", "diagram", "screenshot", "screen shot", "placeholder",
    "thumbnail", "clipart", "clip art", "shape", "drawing", "illustration", "artwork", "image description",
    "insert alt text here", "description",
})
GENERIC_LINK_TEXT = frozenset({
    "click here", "click", "here", "more", "read more", "more info", "more information", "learn more", "link",
    "this link", "this", "go", "details", "continue", "download", "click this link", "see more",
    "find out more", "info", "go here", "this page", "more details", "click here for more",
})

_EXTENSION = "|".join(IMAGE_EXTENSIONS)
# a single word ending in an image extension: heart.png, IMG_2041.JPG, https://cdn.example/a.png
FILE_NAME = re.compile(rf"^\S+\.(?:{_EXTENSION})$", re.I)
# a path, spaces allowed: C:\Users\Ann Smith\pic.jpg, \\server\share\x, file:///…, /home/ann/My pics/a.png
FILE_PATH = re.compile(rf"^(?:[a-z]:[\\/]|\\\\\w|file:/).*|^~?/.*\.(?:{_EXTENSION})$", re.I | re.S)
# a camera's or a screenshot tool's file name without its extension: IMG_2041, DSC01234,
# "Screenshot 2024-03-01 at 10.22.31"
CAMERA_NAME = re.compile(r"^(?:img|dsc[nf]?|pxl|mvimg|vid)[_-]?\d{3,}[\w-]*$"
                         r"|^screen ?shot[\s_-]+\d{4}-\d\d-\d\d\b.*$", re.I)
# Office's automatic alt text: "A picture containing text … Description automatically generated"
GENERATED = re.compile(r"\bdescription (?:automatically |auto-?)?generated\b|\bgenerated with (?:very )?"
                       r"(?:high|medium|low) confidence\b", re.I)
# the placeholder words with a number: "Picture 3", "image1", "Figure 2:"
NUMBERED = re.compile(r"\s*[#(]?\d+[)]?$")
RAW_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
EDGE_PUNCTUATION = re.compile(r"^[\s\[(«‹<>→»›.,:;!?…\-–—]+|[\s\])»›>→.,:;!?…\-–—]+$")


def alt_text_problem(text: str | None) -> str | None:
    """Why this (non-empty) alternative text does not describe its image, or None when it may.

    ``"file-path"`` (a path on someone's computer), ``"file-name"`` (an image file's name, or a
    camera's), ``"generated"`` (Office's automatic description) or ``"placeholder"`` (a word
    such as "image", "Picture 3"). Empty text is not judged here: whether it means "decorative"
    or "missing" is the format's business.
    """
    alt = " ".join((text or "").split())
    if not alt:
        return None
    if FILE_PATH.match(alt):
        return "file-path"
    if FILE_NAME.match(alt) or CAMERA_NAME.match(alt):
        return "file-name"
    if GENERATED.search(alt):
        return "generated"
    plain = NUMBERED.sub("", EDGE_PUNCTUATION.sub("", alt.lower()))
    if plain in PLACEHOLDER_ALT:
        return "placeholder"
    return None


def is_poor_alt(text: str | None) -> bool:
    """Alternative text that counts as missing (see :func:`alt_text_problem`)."""
    return alt_text_problem(text) is not None


def is_raw_url(text: str | None) -> bool:
    """Link text that is only a web address (screen readers spell it out)."""
    return bool(RAW_URL.match((text or "").strip()))


def is_generic_link_text(text: str | None) -> bool:
    """Link text that does not say where the link goes: "click here", "Read more »", "here."."""
    return EDGE_PUNCTUATION.sub("", " ".join((text or "").lower().split())) in GENERIC_LINK_TEXT


def link_text_problem(text: str | None) -> str | None:
    """``"empty"``, ``"raw-url"`` or ``"generic"`` when link text does not say where it goes, else None."""
    if not (text or "").strip():
        return "empty"
    if is_raw_url(text):
        return "raw-url"
    if is_generic_link_text(text):
        return "generic"
    return None
