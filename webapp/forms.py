"""The convert and audit forms: what a person typed → the fields the one submission use-case
(:mod:`access.submission`) takes, and an :class:`AccessError` → a message next to the field it is
about, written for someone who is not a developer (which formats are accepted, the size limit,
why a URL is refused and which setting lifts it). Pure functions; the routes stay thin."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from access.errors import (
    AccessError,
    EmptyFile,
    EncryptedDocument,
    FileTooLarge,
    InvalidDocument,
    LimitExceeded,
    TooManyRequests,
    UnsupportedFormat,
    UrlForbidden,
)
from access.requirements import DEFAULT_STANDARD, Standard
from access.storage import human_size

# conversion targets in the words people use (the writer's name is the value sent)
TARGET_LABELS = {
    "html": ("Web page", "An accessible HTML page, to read in any browser or with a screen reader."),
    "epub": ("E-book", "EPUB 3, for e-book readers and reading apps."),
    "mp3": ("Audio", "The document read aloud as MP3, one chapter per heading."),
    "daisy": ("Talking book", "DAISY 2.02 audio with text, for DAISY players."),
    "brf": ("Braille", "A braille file (BRF) for embossers and braille displays."),
    "easy-read": ("Easy read", "Shorter sentences and simpler words, as an HTML page."),
}
FORMAT_NAMES = {"docx": "Word (.docx)", "pptx": "PowerPoint (.pptx)", "pdf": "PDF", "html": "web page (.html)",
                "markdown": "Markdown (.md)", "text": "plain text (.txt)", "epub": "EPUB", "zip": "zip of web pages",
                "imscc": "IMS Common Cartridge", "scorm": "SCORM package", "mbz": "Moodle backup (.mbz)",
                "mbz-zip": "Moodle backup (.zip)"}
READING_SPEEDS = [(140, "Slow"), (175, "Normal"), (220, "Fast"), (270, "Very fast")]
STANDARD_LABELS = {Standard.WCAG22AA: "WCAG 2.2 level AA (recommended)", Standard.WCAG21AA: "WCAG 2.1 level AA",
                   Standard.WCAG2AA: "WCAG 2.0 level AA", Standard.WCAG2A: "WCAG 2.0 level A"}
PRIVATE_HINT = ("An administrator can allow addresses on a private network (an intranet, this computer) with "
                "the setting ACCESS_ALLOW_PRIVATE_NETWORKS, for example 10.0.0.0/8.")


def format_list(formats: list[str]) -> str:
    names = [FORMAT_NAMES.get(f, f) for f in formats]
    return ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1] if names else "none"


@dataclass
class FormErrors:
    """Errors by field name (``""``: the form as a whole), in the order they were found."""

    fields: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, message)

    def __bool__(self) -> bool:
        return bool(self.fields)


def error_field(exc: AccessError, *, file_field: str = "file", url_field: str = "url", inputs: list[str],
                max_upload: int) -> tuple[str, str]:
    """(field, message) of a refused submission."""
    if isinstance(exc, FileTooLarge):
        return file_field, (f"The file is too large: the limit is {human_size(max_upload)}. Make it smaller (for "
                            "example, compress its images) or ask an administrator to raise the limit "
                            "(setting ACCESS_MAX_UPLOAD_BYTES).")
    if isinstance(exc, UnsupportedFormat):
        return file_field, (f"This type of file cannot be used here. Choose a {format_list(inputs)} file. "
                            f"({exc.message})")
    if isinstance(exc, EmptyFile):
        return file_field, "The file is empty. Choose the file again; it may not have finished saving."
    if isinstance(exc, EncryptedDocument):
        return file_field, exc.message
    if isinstance(exc, InvalidDocument):
        return file_field, (f"The file could not be opened: it may be damaged, or not really the type its name says. "
                            f"Open it in the program that made it, save it again, and send the new copy. "
                            f"({exc.message})")
    if isinstance(exc, UrlForbidden):
        return url_field, f"{exc.message} {PRIVATE_HINT}"
    if isinstance(exc, LimitExceeded) and "max_pages" in exc.message:
        return "max_pages", exc.message.replace("max_pages", "The number of pages")
    if isinstance(exc, TooManyRequests):
        return "", f"{exc.message} Try again in {exc.retry_after} seconds."
    return "", exc.message


def convert_fields(form: dict[str, Any], targets: list[str], available: list[str],
                   errors: FormErrors) -> list[tuple[str, str]]:
    """The conversion's option fields from the form; problems go to ``errors``."""
    chosen = [t for t in targets if t in available]
    if not chosen:
        errors.add("targets", "Choose at least one format to make.")
    fields = [("targets", t) for t in chosen]
    for name in ("language", "voice"):
        value = str(form.get(name) or "").strip()
        if value:
            fields.append((name, value))
    rate = str(form.get("rate") or "175")
    if rate not in {str(r) for r, _ in READING_SPEEDS}:
        errors.add("rate", "Choose a reading speed from the list.")
    else:
        fields.append(("rate", rate))
    grade = str(form.get("braille_grade") or "2")
    if grade not in ("1", "2"):
        errors.add("braille_grade", "Choose grade 1 or grade 2 braille.")
    else:
        fields.append(("braille_grade", grade))
    return fields


def _whole(form: dict[str, Any], name: str, low: int, high: int, label: str, errors: FormErrors) -> int | None:
    raw = str(form.get(name) or "").strip()
    try:
        value = int(raw)
    except ValueError:
        errors.add(name, f"{label} must be a whole number from {low} to {high}.")
        return None
    if not low <= value <= high:
        errors.add(name, f"{label} must be from {low} to {high}.")
        return None
    return value


def audit_site_body(form: dict[str, Any], max_crawl_pages: int, errors: FormErrors) -> dict[str, Any]:
    """The JSON body of a site audit (one site of the audit config) from the form."""
    url = str(form.get("url") or "").strip()
    if not url:
        errors.add("url", "Enter the address of the site, for example https://example.org/courses.")
    elif "://" not in url:
        url = "https://" + url
    pages = _whole(form, "max_pages", 1, max_crawl_pages, "The number of pages", errors)
    depth = _whole(form, "max_depth", 0, 10, "The link depth", errors)
    standard = standard_of(form, errors)
    return {"url": url, "max_pages": pages, "max_depth": depth, "standard": standard}


def standard_of(form: dict[str, Any], errors: FormErrors) -> str:
    value = str(form.get("standard") or DEFAULT_STANDARD.value)
    if value not in {s.value for s in Standard}:
        errors.add("standard", "Choose a standard from the list.")
        return DEFAULT_STANDARD.value
    return value
