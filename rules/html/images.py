"""Text alternatives for images: <img>, <input type="image"> and image-map <area> (WCAG 1.1.1)."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import ACT, WCAG, Axe
from access.textquality import alt_text_problem
from rules.html import name_finding
from rules.html.dom import Page

CHECK_IT = "; check that it describes the image."


@rule(id="html-img-alt", target="html", impact="critical",
      requirements=(WCAG("1.1.1"), ACT("23a2a8"), Axe("image-alt")),
      messages={"role-decorative": "The image is marked decorative.",
                "missing": "The image has no alt attribute and no accessible name.",
                "alt-decorative": "The image is marked decorative (alt=\"\").",
                "file-name": "The image's text alternative {alt!r} looks like a file name" + CHECK_IT,
                "file-path": "The image's text alternative {alt!r} is a file path" + CHECK_IT,
                "placeholder": "The image's text alternative {alt!r} is a placeholder word" + CHECK_IT,
                "generated": "The image's text alternative {alt!r} was generated automatically" + CHECK_IT,
                "named": "The image has the text alternative {alt!r}."})
def img_alt(page: Page) -> Iterator[Finding]:
    """Images have a text alternative

    Every `<img>` shown to people needs an `alt` attribute (or an `aria-label` /
    `aria-labelledby`). An image that only decorates takes an empty `alt=""`. An `alt` that is
    a file name or path, a placeholder word such as "image", or Office's automatic "Description
    automatically generated" is flagged for a person to review.

    **Why it matters**: a learner who is blind hears the screen reader announce the image's file
    name, or nothing at all, and misses the diagram, chart or photo the lesson depends on.

    **How to fix**: add an `alt` attribute that says what the image shows or does in the lesson
    (for a chart, its key message); use `alt=""` only for purely decorative images.
    """
    for img in page.elements("img"):
        if page.is_hidden(img):
            continue
        role = page.role(img)
        alt = img.get("alt")
        if role in ("presentation", "none") and not (alt or "").strip():
            yield img_alt.finding(Outcome.PASS, "role-decorative", page.location(img))
            continue
        name = page.accessible_name(img)
        problem = alt_text_problem(name)
        if alt is None and not name:
            yield img_alt.finding(Outcome.VIOLATION, "missing", page.location(img))
        elif alt is not None and not alt.strip() and not name:
            yield img_alt.finding(Outcome.PASS, "alt-decorative", page.location(img))
        elif problem:
            yield img_alt.finding(Outcome.NEEDS_REVIEW, problem, page.location(img), impact="serious", alt=name)
        else:
            yield img_alt.finding(Outcome.PASS, "named", page.location(img), alt=name)


@rule(id="html-input-image-alt", target="html", impact="critical",
      requirements=(WCAG("1.1.1"), WCAG("4.1.2"), ACT("59796f"), Axe("input-image-alt")),
      messages={"named": "The image button is named {name!r}.",
                "unnamed": "The image button has no accessible name."})
def input_image_alt(page: Page) -> Iterator[Finding]:
    """Image buttons have a text alternative

    An `<input type="image">` is a button drawn as a picture; its `alt` (or `aria-label`)
    is the button's name.

    **Why it matters**: without a name a screen reader announces only "button", so a learner cannot
    tell whether it submits the quiz, opens help or deletes their answer.

    **How to fix**: give the image button an `alt` attribute naming its action, e.g.
    `alt="Submit answers"`.
    """
    for el in page.elements("input"):
        if (el.get("type") or "").lower() != "image" or page.is_hidden(el):
            continue
        yield name_finding(input_image_alt, page, el, page.accessible_name(el))


@rule(id="html-area-alt", target="html", impact="critical",
      requirements=(WCAG("1.1.1"), WCAG("2.4.4"), WCAG("4.1.2"), ACT("c487ae"), Axe("area-alt")),
      messages={"named": "The map area is named {name!r}.",
                "unnamed": "The image-map area link has no text alternative."})
def area_alt(page: Page) -> Iterator[Finding]:
    """Image-map areas have a text alternative

    Each clickable `<area href>` of an image map is a link; its `alt` is the link text.

    **Why it matters**: a learner using a screen reader or voice control cannot tell the regions of
    a clickable map or diagram apart, so the parts of the lesson behind them are out of reach.

    **How to fix**: give every `<area>` with an `href` an `alt` attribute naming where the
    link goes (e.g. `alt="Chapter 2: the heart"`).
    """
    for el in page.elements("area"):
        if el.get("href") is None:
            continue
        yield name_finding(area_alt, page, el, page.accessible_name(el))
