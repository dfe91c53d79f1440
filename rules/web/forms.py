"""Form rules: error handling (3.3.1, 3.3.3), groups without a legend, hints the field does not
point at, labels far from their fields or repeated, and access keys. They read the ``content``
fact (:mod:`rules.web.content`); each points a person at what to check."""

from __future__ import annotations

import re
from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import WCAG, Technique
from rules.web.content import Content

ERROR_WORDS = re.compile(r"\b(error|invalid|not valid|must|required|enter|missing|problem|incorrect|wrong|too "
                         r"(long|short))\b", re.I)
EXAMPLE = re.compile(r"\b(e\.g\.|for example|such as|format|like)\b|\d", re.I)
FORMATTED = frozenset({"tel", "email", "date", "url", "number", "time", "month", "week"})


@rule(id="web-form-errors", target="web", impact="serious", reads="content",
      requirements=(WCAG("3.3.1"), WCAG("3.3.3"), WCAG("1.4.1")),
      messages={"not-identified": "This field is marked as having an error, but no text tied to it (its label or "
                                  "description) says what is wrong; colour or a page-level message alone does not.",
                "no-suggestion": "The error for this field (“{error}”) does not say how to correct it, e.g. the "
                                 "format expected."})
def form_errors(content: Content) -> Iterator[Finding]:
    """Form errors are identified in text and say how to fix them

    For a field marked as in error (`aria-invalid`, an error class, or a form showing an error
    summary), checks that its label or description says what is wrong in words, and, for fields
    with a required format (a pattern, a phone number, a date), that the message suggests it.

    **Why it matters**: A red border is invisible to screen-reader and colour-blind learners, and
    "is not valid" leaves everyone guessing; learners abandon enrolment and quiz forms they
    cannot correct.

    **How to fix**: Put the error in text next to the field and connect it
    (`aria-describedby`, `aria-invalid="true"`): "Enter your phone number in the format
    07700 900123".
    """
    for field in content.data.get("error_fields", []):
        said = " ".join((field.get("label") or "", field.get("described") or ""))
        if not ERROR_WORDS.search(said):
            yield form_errors.finding(Outcome.NEEDS_REVIEW, "not-identified", content.at(field))
        elif (field.get("pattern") or field.get("type") in FORMATTED) and not EXAMPLE.search(said):
            yield form_errors.finding(Outcome.NEEDS_REVIEW, "no-suggestion", content.at(field), error=said[:80])


@rule(id="web-form-structure", target="web", impact="moderate", reads="content",
      requirements=(WCAG("1.3.1"), WCAG("2.4.6"), Technique("H71")),
      messages={"no-legend": "This fieldset has no legend, so the question its fields answer is not announced.",
                "empty-legend": "This fieldset's legend is empty.",
                "hint": "The hint “{text}” is not connected to its field (aria-describedby), so screen readers do "
                        "not read it with the field.",
                "far-label": "This label is {gap} px from its field: magnifier users see one without the other.",
                "duplicate-label": "{count} fields share the label “{label}”; each needs its own."})
def form_structure(content: Content) -> Iterator[Finding]:
    """Form fields are grouped, labelled and described so they can be told apart

    Flags fieldsets without a legend (or with an empty one), hints beside a field that the field
    does not point at, labels far from their field, and several fields with the same label.

    **Why it matters**: Screen-reader users hear a field's label, its group's legend and its
    description together, and nothing else; a magnifier user sees a small part of the form at a
    time. A hint that is not connected, or two fields both called "Name", leave them guessing.

    **How to fix**: Give each `<fieldset>` a `<legend>`; connect hints with `aria-describedby`;
    place labels next to their fields; make every label unique ("First name", "Last name").
    """
    for fs in content.data.get("fieldsets", []):
        if fs.get("legend") is None:
            yield form_structure.finding(Outcome.NEEDS_REVIEW, "no-legend", content.at(fs))
        elif not fs["legend"]:
            yield form_structure.finding(Outcome.NEEDS_REVIEW, "empty-legend", content.at(fs))
    for hint in content.data.get("hints", []):
        yield form_structure.finding(Outcome.NEEDS_REVIEW, "hint", content.at(hint), text=hint.get("text", "")[:60])
    for label in content.data.get("label_gaps", []):
        yield form_structure.finding(Outcome.NEEDS_REVIEW, "far-label", content.at(label), gap=label.get("gap"))
    for dup in content.data.get("duplicate_labels", []):
        yield form_structure.finding(Outcome.NEEDS_REVIEW, "duplicate-label", content.at(dup), count=dup.get("count"),
                                     label=dup.get("label"))


@rule(id="web-accesskey", target="web", impact="minor", reads="content",
      requirements=(WCAG("2.1.4"),),
      messages={"accesskey": "This element has the access key “{access_key}”, which may clash with the shortcuts of "
                             "browsers and assistive technology."})
def accesskey(content: Content) -> Iterator[Finding]:
    """Access keys are avoided

    Flags elements with an `accesskey` attribute.

    **Why it matters**: Access keys clash with the shortcuts of screen readers, browsers and
    language input, so a learner pressing a familiar shortcut may trigger a page action instead.

    **How to fix**: Remove `accesskey`; offer skip links and headings for quick navigation.
    """
    for el in content.data.get("accesskeys", []):
        yield accesskey.finding(Outcome.NEEDS_REVIEW, "accesskey", content.at(el), access_key=el.get("key"))
