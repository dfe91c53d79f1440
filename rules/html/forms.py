"""Form controls and buttons have accessible names (WCAG 4.1.2, 3.3.2)."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import ACT, WCAG, Axe
from rules.html import name_finding
from rules.html.dom import Page

UNLABELLED_INPUT_TYPES = {"hidden", "submit", "reset", "button", "image"}


@rule(id="html-form-label", target="html", impact="critical",
      requirements=(WCAG("4.1.2"), WCAG("3.3.2"), ACT("e086e5"), Axe("label"), Axe("select-name")),
      messages={"labelled": "The field is labelled {label!r}.",
                "placeholder-only": "The field is named only by its placeholder, which disappears on typing.",
                "unlabelled": "The <{tag}> field has no label."})
def form_label(page: Page) -> Iterator[Finding]:
    """Form fields have labels

    Every `<input>`, `<select>` and `<textarea>` a learner fills in needs a label: a
    `<label for="…">` (or a wrapping `<label>`), `aria-labelledby`, `aria-label` or at least
    a `title`. A field named only by its `placeholder` is flagged for review, because the
    placeholder disappears as soon as the learner types.

    **Why it matters**: in a quiz or a sign-up form, a screen reader user hears only "edit text" and
    cannot know which answer goes where; people with memory or attention difficulties lose track when
    the only hint vanishes on typing.

    **How to fix**: add a visible `<label for="field-id">` with the question or field name for each
    field (or wrap the field in its `<label>`); use `aria-labelledby` when the visible text is
    elsewhere.
    """
    for el in page.elements("input", "select", "textarea"):
        if el.tag.lower() == "input" and (el.get("type") or "text").lower() in UNLABELLED_INPUT_TYPES:
            continue
        if page.is_hidden(el) or page.role(el) in ("presentation", "none"):
            continue
        explicit = (page.labelledby_text(el) or (el.get("aria-label") or "").strip() or page.label_text(el)
                    or (el.get("title") or "").strip())
        if explicit:
            yield form_label.finding(Outcome.PASS, "labelled", page.location(el), label=explicit)
        elif (el.get("placeholder") or "").strip():
            yield form_label.finding(Outcome.NEEDS_REVIEW, "placeholder-only", page.location(el), impact="serious")
        else:
            yield form_label.finding(Outcome.VIOLATION, "unlabelled", page.location(el), tag=el.tag.lower())


@rule(id="html-button-name", target="html", impact="critical",
      requirements=(WCAG("4.1.2"), ACT("97a4e1"), Axe("button-name")),
      messages={"named": "The button is named {name!r}.", "unnamed": "The button has no accessible name."})
def button_name(page: Page) -> Iterator[Finding]:
    """Buttons have an accessible name

    Every `<button>`, `<input type="button|submit|reset">` and element with `role="button"`
    needs text, or an `aria-label` when it shows only an icon.

    **Why it matters**: an icon-only "play", "next" or "check answer" button is announced as just
    "button"; a screen reader or voice-control user cannot tell what it does.

    **How to fix**: put text inside the button, or give an icon button an `aria-label` such as
    `aria-label="Next lesson"`.
    """
    candidates = page.elements("button", "input") + [
        el for el in page.root.iter() if isinstance(el.tag, str) and page.role(el) == "button"
        and el.tag.lower() not in ("button", "input")]
    for el in candidates:
        tag = el.tag.lower()
        if tag == "input" and (el.get("type") or "text").lower() not in ("button", "submit", "reset"):
            continue
        if page.is_hidden(el):
            continue
        yield name_finding(button_name, page, el, page.accessible_name(el))


AUTOFILL_FIELDS = {
    "name", "honorific-prefix", "given-name", "additional-name", "family-name", "honorific-suffix", "nickname",
    "username", "new-password", "current-password", "one-time-code", "organization-title", "organization",
    "street-address", "address-line1", "address-line2", "address-line3", "address-level4", "address-level3",
    "address-level2", "address-level1", "country", "country-name", "postal-code", "cc-name", "cc-given-name",
    "cc-additional-name", "cc-family-name", "cc-number", "cc-exp", "cc-exp-month", "cc-exp-year", "cc-csc",
    "cc-type", "transaction-currency", "transaction-amount", "language", "bday", "bday-day", "bday-month",
    "bday-year", "sex", "url", "photo", "tel", "tel-country-code", "tel-national", "tel-area-code",
    "tel-local", "tel-local-prefix", "tel-local-suffix", "tel-extension", "email", "impp",
}
CONTACT_FIELDS = {f for f in AUTOFILL_FIELDS if f.startswith(("tel", "email", "impp"))}
CONTACT_KINDS = {"home", "work", "mobile", "fax", "pager"}
ADDRESS_KINDS = {"shipping", "billing"}
NO_AUTOFILL_TYPES = {"hidden", "submit", "reset", "button", "image", "checkbox", "radio", "file", "range",
                     "color"}


def autocomplete_is_valid(value: str) -> bool:
    """The HTML autofill grammar: [section-*] [shipping|billing] [home|work|…] field [webauthn], or on/off."""
    tokens = value.lower().split()
    if tokens in (["on"], ["off"]):
        return True
    if tokens and tokens[-1] == "webauthn":
        tokens = tokens[:-1]
    if not tokens or tokens[-1] not in AUTOFILL_FIELDS:
        return False
    field_name, rest = tokens[-1], tokens[:-1]
    if rest and rest[-1] in CONTACT_KINDS:
        if field_name not in CONTACT_FIELDS:
            return False
        rest = rest[:-1]
    if rest and rest[-1] in ADDRESS_KINDS:
        rest = rest[:-1]
    if rest and rest[0].startswith("section-"):
        rest = rest[1:]
    return not rest


@rule(id="html-autocomplete-valid", target="html", impact="serious",
      requirements=(WCAG("1.3.5"), ACT("73f2c2"), Axe("autocomplete-valid")),
      messages={"valid": "autocomplete={autocomplete!r} is valid.",
                "invalid": "autocomplete={autocomplete!r} is not a valid value."})
def autocomplete_valid(page: Page) -> Iterator[Finding]:
    """Personal-data fields use valid autocomplete values

    When a field has an `autocomplete` attribute, its value must be one the browser understands,
    such as `name`, `email`, `tel`, `street-address` or `postal-code` (with optional `shipping`,
    `billing`, `home`, `work` … before it).

    **Why it matters**: valid values let browsers fill in personal details and let assistive tools
    show familiar icons next to fields, which helps learners with motor, memory or cognitive
    disabilities complete enrolment and sign-up forms.

    **How to fix**: use a value from the HTML autofill list (e.g. `autocomplete="given-name"` rather
    than `autocomplete="firstname"`), or remove the attribute.
    """
    for el in page.elements("input", "select", "textarea"):
        value = (el.get("autocomplete") or "").strip()
        if not value or page.is_hidden(el) or el.get("disabled") is not None:
            continue
        if el.tag.lower() == "input" and (el.get("type") or "text").lower() in NO_AUTOFILL_TYPES:
            continue
        if autocomplete_is_valid(value):
            yield autocomplete_valid.finding(Outcome.PASS, "valid", page.location(el), autocomplete=value)
        else:
            yield autocomplete_valid.finding(Outcome.VIOLATION, "invalid", page.location(el), autocomplete=value)
