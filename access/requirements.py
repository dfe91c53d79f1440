"""What a finding is measured against: WCAG success criteria, the conformance targets built from
them, and typed references to the other standards a rule implements (PDF/UA Matterhorn checkpoints
and ISO 14289 clauses, W3C ACT rules, axe-core rules, EPUB Accessibility, WCAG techniques).

One table, one place: the WCAG 2.2 criteria (level, version introduced, name, Understanding slug),
the :class:`Standard` enum with what each target covers, and :class:`Requirement`, the typed value a
rule declares once (``WCAG("1.1.1")``, ``Matterhorn("13-004")``, ``ACT("23a2a8")``, ``Axe("image-alt")``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

UNDERSTANDING = "https://www.w3.org/WAI/WCAG22/Understanding/"

# success criterion, level, WCAG version that introduced it, Understanding slug, name (may wrap)
_CRITERIA = """
    1.1.1   A   2.0 non-text-content                                 Non-text Content
    1.2.1   A   2.0 audio-only-and-video-only-prerecorded            Audio-only and Video-only (Prerecorded)
    1.2.2   A   2.0 captions-prerecorded                             Captions (Prerecorded)
    1.2.3   A   2.0 audio-description-or-media-alternative-prerecorded
        Audio Description or Media Alternative (Prerecorded)
    1.2.4   AA  2.0 captions-live                                    Captions (Live)
    1.2.5   AA  2.0 audio-description-prerecorded                    Audio Description (Prerecorded)
    1.2.6   AAA 2.0 sign-language-prerecorded                        Sign Language (Prerecorded)
    1.2.7   AAA 2.0 extended-audio-description-prerecorded           Extended Audio Description (Prerecorded)
    1.2.8   AAA 2.0 media-alternative-prerecorded                    Media Alternative (Prerecorded)
    1.2.9   AAA 2.0 audio-only-live                                  Audio-only (Live)
    1.3.1   A   2.0 info-and-relationships                           Info and Relationships
    1.3.2   A   2.0 meaningful-sequence                              Meaningful Sequence
    1.3.3   A   2.0 sensory-characteristics                          Sensory Characteristics
    1.3.4   AA  2.1 orientation                                      Orientation
    1.3.5   AA  2.1 identify-input-purpose                           Identify Input Purpose
    1.3.6   AAA 2.1 identify-purpose                                 Identify Purpose
    1.4.1   A   2.0 use-of-color                                     Use of Color
    1.4.2   A   2.0 audio-control                                    Audio Control
    1.4.3   AA  2.0 contrast-minimum                                 Contrast (Minimum)
    1.4.4   AA  2.0 resize-text                                      Resize Text
    1.4.5   AA  2.0 images-of-text                                   Images of Text
    1.4.6   AAA 2.0 contrast-enhanced                                Contrast (Enhanced)
    1.4.7   AAA 2.0 low-or-no-background-audio                       Low or No Background Audio
    1.4.8   AAA 2.0 visual-presentation                              Visual Presentation
    1.4.9   AAA 2.0 images-of-text-no-exception                      Images of Text (No Exception)
    1.4.10  AA  2.1 reflow                                           Reflow
    1.4.11  AA  2.1 non-text-contrast                                Non-text Contrast
    1.4.12  AA  2.1 text-spacing                                     Text Spacing
    1.4.13  AA  2.1 content-on-hover-or-focus                        Content on Hover or Focus
    2.1.1   A   2.0 keyboard                                         Keyboard
    2.1.2   A   2.0 no-keyboard-trap                                 No Keyboard Trap
    2.1.3   AAA 2.0 keyboard-no-exception                            Keyboard (No Exception)
    2.1.4   A   2.1 character-key-shortcuts                          Character Key Shortcuts
    2.2.1   A   2.0 timing-adjustable                                Timing Adjustable
    2.2.2   A   2.0 pause-stop-hide                                  Pause, Stop, Hide
    2.2.3   AAA 2.0 no-timing                                        No Timing
    2.2.4   AAA 2.0 interruptions                                    Interruptions
    2.2.5   AAA 2.0 re-authenticating                                Re-authenticating
    2.2.6   AAA 2.1 timeouts                                         Timeouts
    2.3.1   A   2.0 three-flashes-or-below-threshold                 Three Flashes or Below Threshold
    2.3.2   AAA 2.0 three-flashes                                    Three Flashes
    2.3.3   AAA 2.1 animation-from-interactions                      Animation from Interactions
    2.4.1   A   2.0 bypass-blocks                                    Bypass Blocks
    2.4.2   A   2.0 page-titled                                      Page Titled
    2.4.3   A   2.0 focus-order                                      Focus Order
    2.4.4   A   2.0 link-purpose-in-context                          Link Purpose (In Context)
    2.4.5   AA  2.0 multiple-ways                                    Multiple Ways
    2.4.6   AA  2.0 headings-and-labels                              Headings and Labels
    2.4.7   AA  2.0 focus-visible                                    Focus Visible
    2.4.8   AAA 2.0 location                                         Location
    2.4.9   AAA 2.0 link-purpose-link-only                           Link Purpose (Link Only)
    2.4.10  AAA 2.0 section-headings                                 Section Headings
    2.4.11  AA  2.2 focus-not-obscured-minimum                       Focus Not Obscured (Minimum)
    2.4.12  AAA 2.2 focus-not-obscured-enhanced                      Focus Not Obscured (Enhanced)
    2.4.13  AAA 2.2 focus-appearance                                 Focus Appearance
    2.5.1   A   2.1 pointer-gestures                                 Pointer Gestures
    2.5.2   A   2.1 pointer-cancellation                             Pointer Cancellation
    2.5.3   A   2.1 label-in-name                                    Label in Name
    2.5.4   A   2.1 motion-actuation                                 Motion Actuation
    2.5.5   AAA 2.1 target-size-enhanced                             Target Size (Enhanced)
    2.5.6   AAA 2.1 concurrent-input-mechanisms                      Concurrent Input Mechanisms
    2.5.7   AA  2.2 dragging-movements                               Dragging Movements
    2.5.8   AA  2.2 target-size-minimum                              Target Size (Minimum)
    3.1.1   A   2.0 language-of-page                                 Language of Page
    3.1.2   AA  2.0 language-of-parts                                Language of Parts
    3.1.3   AAA 2.0 unusual-words                                    Unusual Words
    3.1.4   AAA 2.0 abbreviations                                    Abbreviations
    3.1.5   AAA 2.0 reading-level                                    Reading Level
    3.1.6   AAA 2.0 pronunciation                                    Pronunciation
    3.2.1   A   2.0 on-focus                                         On Focus
    3.2.2   A   2.0 on-input                                         On Input
    3.2.3   AA  2.0 consistent-navigation                            Consistent Navigation
    3.2.4   AA  2.0 consistent-identification                        Consistent Identification
    3.2.5   AAA 2.0 change-on-request                                Change on Request
    3.2.6   A   2.2 consistent-help                                  Consistent Help
    3.3.1   A   2.0 error-identification                             Error Identification
    3.3.2   A   2.0 labels-or-instructions                           Labels or Instructions
    3.3.3   AA  2.0 error-suggestion                                 Error Suggestion
    3.3.4   AA  2.0 error-prevention-legal-financial-data            Error Prevention (Legal, Financial, Data)
    3.3.5   AAA 2.0 help                                             Help
    3.3.6   AAA 2.0 error-prevention-all                             Error Prevention (All)
    3.3.7   A   2.2 redundant-entry                                  Redundant Entry
    3.3.8   AA  2.2 accessible-authentication-minimum                Accessible Authentication (Minimum)
    3.3.9   AAA 2.2 accessible-authentication-enhanced               Accessible Authentication (Enhanced)
    4.1.1   A   2.0 parsing                                          Parsing (obsolete and removed in WCAG 2.2)
    4.1.2   A   2.0 name-role-value                                  Name, Role, Value
    4.1.3   AA  2.1 status-messages                                  Status Messages
"""


@dataclass(frozen=True)
class Criterion:
    sc: str                 # "1.4.3"
    level: str              # A | AA | AAA
    version: str            # "2.0", "2.1", "2.2"
    slug: str
    name: str

    @property
    def url(self) -> str:
        return f"{UNDERSTANDING}{self.slug}.html"

    @property
    def label(self) -> str:
        """``1.4.3 Contrast (Minimum) (AA)``."""
        return f"{self.sc} {self.name} ({self.level})"

    @property
    def principle(self) -> str:
        return PRINCIPLES[self.sc.split(".")[0]]


def _parse(text: str) -> dict[str, Criterion]:
    rows: list[list[str]] = []
    for line in text.strip().splitlines():
        if line.split()[0][0].isdigit():
            rows.append([*line.split(maxsplit=4), ""][:5])
        else:                                   # a long name stands on the next line
            rows[-1][4] = f"{rows[-1][4]} {line.strip()}".strip()
    return {sc: Criterion(sc, level, version, slug, name) for sc, level, version, slug, name in rows}


CRITERIA: dict[str, Criterion] = _parse(_CRITERIA)
PRINCIPLES = {"1": "perceivable", "2": "operable", "3": "understandable", "4": "robust"}
# (level, version) by criterion: the shape the result model and older callers use
WCAG_CRITERIA: dict[str, tuple[str, str]] = {sc: (c.level, c.version) for sc, c in CRITERIA.items()}


class Standard(StrEnum):
    """A conformance target an audit is measured against."""

    WCAG2A = "wcag2a"
    WCAG2AA = "wcag2aa"
    WCAG21AA = "wcag21aa"
    WCAG22AA = "wcag22aa"
    WCAG22AAA = "wcag22aaa"          # on request: level AAA too (enhanced contrast, no-exception timing ...)

    @property
    def label(self) -> str:
        return _STANDARD_LABELS[self]

    @property
    def version(self) -> str:
        """The newest WCAG version the target includes."""
        return {"wcag2a": "2.0", "wcag2aa": "2.0", "wcag21aa": "2.1", "wcag22aa": "2.2", "wcag22aaa": "2.2"}[self.value]

    @property
    def levels(self) -> tuple[str, ...]:
        if self is Standard.WCAG2A:
            return ("A",)
        return ("A", "AA", "AAA") if self is Standard.WCAG22AAA else ("A", "AA")

    def covers(self, sc: str) -> bool:
        """Whether the success criterion counts toward conformance to this target."""
        criterion = CRITERIA.get(sc)
        return criterion is not None and criterion.level in self.levels and criterion.version <= self.version

    @property
    def tags(self) -> list[str]:
        """The level tags of every WCAG version up to this one (``wcag2a``, ``wcag21aa`` ...), as
        axe-core names its rule tags."""
        versions = [v for v in ("2", "21", "22") if _version(v) <= self.version]
        return [f"wcag{v}{level.lower()}" for v in versions for level in self.levels]


def _version(short: str) -> str:
    return {"2": "2.0", "21": "2.1", "22": "2.2"}[short]


_STANDARD_LABELS = {Standard.WCAG2A: "WCAG 2.0 level A", Standard.WCAG2AA: "WCAG 2.0 level AA",
                    Standard.WCAG21AA: "WCAG 2.1 level AA", Standard.WCAG22AA: "WCAG 2.2 level AA",
                    Standard.WCAG22AAA: "WCAG 2.2 level AAA"}
DEFAULT_STANDARD = Standard.WCAG22AA


def standard_covers(standard: Standard | str, sc: str) -> bool:
    """Whether a WCAG success criterion counts toward conformance to ``standard``."""
    return Standard(standard).covers(sc)


# ----------------------------------------------------------------------------- requirements


@dataclass(frozen=True, order=True)
class Requirement:
    """One requirement a rule tests: ``scheme:id`` (``wcag:1.1.1``, ``matterhorn:13-004``)."""

    scheme: str
    id: str

    def __str__(self) -> str:
        return f"{self.scheme}:{self.id}"

    @property
    def url(self) -> str | None:
        """Where a person reads about it, when there is a stable address."""
        return _url(self)

    @classmethod
    def parse(cls, text: str) -> Requirement:
        scheme, sep, value = text.partition(":")
        if not sep or not value or scheme not in SCHEMES:
            raise ValueError(f"{text!r} is not a requirement reference (scheme:id, scheme one of "
                             f"{', '.join(sorted(SCHEMES))})")
        return SCHEMES[scheme](value)


def WCAG(sc: str) -> Requirement:
    """A WCAG 2.2 success criterion: ``WCAG("1.4.3")``."""
    if sc not in CRITERIA:
        raise ValueError(f"unknown WCAG success criterion {sc!r}")
    return Requirement("wcag", sc)


def Matterhorn(checkpoint: str) -> Requirement:
    """A Matterhorn Protocol failure condition (PDF/UA-1): ``Matterhorn("13-004")``."""
    return Requirement("matterhorn", checkpoint)


def PdfUA(clause: str) -> Requirement:
    """A clause of ISO 14289-1 (PDF/UA-1): ``PdfUA("7.18.1")`` → ``ISO14289-1:7.18.1``."""
    return Requirement("ISO14289-1", clause)


def PdfUA2(clause: str) -> Requirement:
    """A clause of ISO 14289-2 (PDF/UA-2): ``PdfUA2("8.4.4")`` → ``ISO14289-2:8.4.4``."""
    return Requirement("ISO14289-2", clause)


def ACT(rule_id: str) -> Requirement:
    """A W3C ACT rule: ``ACT("23a2a8")``."""
    return Requirement("act", rule_id)


def Axe(rule_id: str) -> Requirement:
    """An axe-core rule: ``Axe("image-alt")``."""
    return Requirement("axe", rule_id)


def Technique(technique_id: str) -> Requirement:
    """A WCAG technique or failure: ``Technique("F65")``."""
    return Requirement("technique", technique_id)


def EpubA11y(clause: str) -> Requirement:
    """A clause of EPUB Accessibility 1.1: ``EpubA11y("3.1")``."""
    return Requirement("epub-a11y", clause)


def MsChecker(rule_id: str) -> Requirement:
    """A rule of Microsoft Office's Accessibility Checker: ``MsChecker("missing-alt-text")``."""
    return Requirement("ms-checker", rule_id)


SCHEMES = {"wcag": WCAG, "matterhorn": Matterhorn, "ISO14289-1": PdfUA, "ISO14289-2": PdfUA2,
           "pdfua": PdfUA, "act": ACT, "axe": Axe,     # pdfua: the name ISO14289-1 references had before
           "technique": Technique, "epub-a11y": EpubA11y,
           "ms-checker": MsChecker}
AXE_DOCS = "https://dequeuniversity.com/rules/axe/4.10/"


def _url(req: Requirement) -> str | None:
    if req.scheme == "wcag":
        return CRITERIA[req.id].url
    if req.scheme == "act":
        return f"https://www.w3.org/WAI/standards-guidelines/act/rules/{req.id}/"
    if req.scheme == "axe":
        return AXE_DOCS + req.id
    if req.scheme == "technique":
        family = {"G": "general", "F": "failures", "H": "html", "A": "aria"}.get(req.id[:1])
        return f"https://www.w3.org/WAI/WCAG22/Techniques/{family}/{req.id}" if family else None
    if req.scheme == "ISO14289-1":
        return "https://www.iso.org/standard/64599.html"
    if req.scheme == "ISO14289-2":
        return "https://www.iso.org/standard/82278.html"
    if req.scheme == "epub-a11y":
        return "https://www.w3.org/TR/epub-a11y-11/"
    return None
