"""The course outline: titles, language and the files the items open."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import WCAG
from rules.course import CourseFacts
from rules.course.model import outline_path
from rules.html.document import lang_is_valid

GENERIC_TITLE = re.compile(
    r"^(untitled|no title|title|new (page|item|activity|resource|label|book|section|topic|module)|"
    r"(item|page|lesson|module|resource|sco|unit|section|topic|resource_?\d+|i)[ _-]?\d*|"
    r"[a-z]*[_-]?[0-9a-f]{8,}|.*\.(html?|xhtml|pdf|docx?|pptx?|xml|zip|jpe?g|png|mp[34]))$", re.I)


def _where(facts: CourseFacts, path: list[str]) -> Location:
    return Location(url=facts.package.manifest, path=outline_path(path))


@rule(id="course-title", target="course", impact="serious",
      requirements=(WCAG("2.4.2"),),
      messages={"missing": "The {kind} has no title.",
                "generic": "The course title {title!r} does not say what the course is.",
                "titled": "The course is titled {title!r}."})
def course_title(facts: CourseFacts) -> Iterator[Finding]:
    """The course has a title

    The package names the course: the Common Cartridge or SCORM metadata title or the default
    organisation's title, or the Moodle course's full name. Fails when there is none, or when it is
    a placeholder or a file name.

    **Why it matters**: the title is what the LMS shows in a learner's course list and what a
    screen reader announces on every page of the course.

    **How to fix**: give the course a descriptive title in the authoring tool (the organisation
    title of imsmanifest.xml, or the course's full name in Moodle) and export it again.
    """
    title = facts.package.title.strip()
    where = Location(url=facts.package.manifest)
    if not title:
        yield course_title.finding(Outcome.VIOLATION, "missing", where, kind=facts.package.label)
    elif GENERIC_TITLE.match(title):
        yield course_title.finding(Outcome.VIOLATION, "generic", where, title=title)
    else:
        yield course_title.finding(Outcome.PASS, "titled", where, title=title)


@rule(id="course-item-title", target="course", impact="serious",
      requirements=(WCAG("2.4.2"), WCAG("2.4.6")),
      messages={"missing": "An item of the course outline has no title (identifier {id!r}).",
                "generic": "The item title {title!r} does not say what the item is.",
                "ok": "{count} item(s) of the outline have descriptive titles."})
def item_title(facts: CourseFacts) -> Iterator[Finding]:
    """Every item of the course outline has a descriptive title

    Each section and item of the outline (organisation items, Moodle sections and activities) has
    a title that says what it is. Fails for a missing title, a placeholder ("Untitled", "Item 3",
    "New page") and a file name or identifier used as a title.

    **Why it matters**: the outline is a learner's map of the course; a screen-reader user moving
    through it hears only the titles, and "Item 3" or "week2_final.html" says nothing about where it
    leads.

    **How to fix**: title every item with what it holds ("Week 2: Photosynthesis reading"), in the
    authoring tool or the LMS, and export the course again.
    """
    count = 0
    for path, item in facts.package.walk():
        count += 1
        title = item.title.strip()
        if not title:
            yield item_title.finding(Outcome.VIOLATION, "missing", _where(facts, path), id=item.id)
        elif GENERIC_TITLE.match(title):
            yield item_title.finding(Outcome.VIOLATION, "generic", _where(facts, path), title=title)
    if count:
        yield item_title.finding(Outcome.PASS, "ok", Location(url=facts.package.manifest), count=count)


@rule(id="course-item-title-unique", target="course", impact="moderate",
      requirements=(WCAG("2.4.6"),),
      messages={"repeated": "{count} items in {section!r} are all titled {title!r}.",
                "ok": "Items within each section have distinct titles."})
def item_title_unique(facts: CourseFacts) -> Iterator[Finding]:
    """Items in one section have distinct titles

    Within one section of the outline, no two items share a title. Needs review when they do
    (two items may really be "Quiz", but a learner cannot tell them apart in the outline).

    **Why it matters**: "Reading", "Reading", "Reading" in one week's list forces a learner using a
    screen reader to open each to find the one they need.

    **How to fix**: add what distinguishes them ("Reading 1: Light", "Reading 2: Water").
    """
    flagged = False
    checked = False

    def groups(items: list, path: list[str]) -> Iterator[tuple[list[str], list]]:
        yield path, items
        for item in items:
            yield from groups(item.children, [*path, item.title or item.id])

    for path, items in groups(facts.package.items, []):
        titles = Counter(i.title.strip().lower() for i in items if i.title.strip())
        checked = checked or len(items) > 1
        for title, n in titles.items():
            if n > 1:
                flagged = True
                shown = next(i.title for i in items if i.title.strip().lower() == title)
                yield item_title_unique.finding(Outcome.NEEDS_REVIEW, "repeated", _where(facts, path), count=n,
                                                section=outline_path(path) or "the course", title=shown)
    if checked and not flagged:
        yield item_title_unique.finding(Outcome.PASS, "ok", Location(url=facts.package.manifest))


@rule(id="course-language", target="course", impact="moderate",
      requirements=(WCAG("3.1.1"),),
      messages={"missing": "The {kind} does not state the course's language.",
                "invalid": "The course language {lang!r} is not a valid language tag.",
                "stated": "The course language is {lang!r}."})
def course_language(facts: CourseFacts) -> Iterator[Finding]:
    """The course states its language

    The package's metadata states the course language (LOM ``general/language`` in Common
    Cartridge and SCORM, the course ``lang`` in a Moodle backup), as a valid language tag. Fails
    when it is missing or invalid.

    **Why it matters**: LMSs set the language of the pages they build around the content (course
    pages, quiz pages, labels) from it, and screen readers pick their voice from that; without it
    a French course is read with English pronunciation.

    **How to fix**: set the course language in the authoring tool or the LMS course settings and
    export again.
    """
    lang = (facts.package.language or "").strip()
    where = Location(url=facts.package.manifest)
    if not lang:
        yield course_language.finding(Outcome.VIOLATION, "missing", where, kind=facts.package.label)
        return
    if lang_is_valid(lang.replace("_", "-")):
        yield course_language.finding(Outcome.PASS, "stated", where, lang=lang)
    else:
        yield course_language.finding(Outcome.VIOLATION, "invalid", where, lang=lang)


@rule(id="course-resources", target="course", impact="serious",
      requirements=(WCAG("1.3.1"), WCAG("4.1.2")),
      messages={"unknown": "The item {title!r} opens the resource {ref!r}, which the package does not describe.",
                "missing": "The item {title!r} opens {href}, which is not in the package.",
                "file": "The resource {ref!r} lists the file {href}, which is not in the package.",
                "ok": "All {count} file(s) the course names are in the package."})
def course_resources(facts: CourseFacts) -> Iterator[Finding]:
    """Every item opens something that is in the package

    Each item's resource is described in the manifest, and the files it launches or lists are in
    the package. Fails for an item whose resource is unknown, and for each missing file.

    **Why it matters**: a missing file is a broken page in the LMS; a learner using assistive
    technology cannot tell whether the fault is theirs or the course's, and the content is simply
    not there.

    **How to fix**: add the missing files to the package (or remove the items) and export again;
    check that file names match exactly, including upper and lower case.
    """
    r = course_resources
    package = facts.package
    flagged = False
    reported: set[str] = set()
    for path, item in package.walk():
        if item.resource and item.resource not in package.resources and package.kind != "moodle":
            flagged = True
            yield r.finding(Outcome.VIOLATION, "unknown", _where(facts, path), title=item.title or item.id,
                            ref=item.resource)
        if item.href and item.href not in facts.files:
            flagged = True
            reported.add(item.href)
            yield r.finding(Outcome.VIOLATION, "missing", _where(facts, path), title=item.title or item.id,
                            href=item.href)
    for res in package.resources.values():
        for href in res.files:
            if href not in facts.files and href not in reported:
                flagged = True
                reported.add(href)
                yield r.finding(Outcome.VIOLATION, "file", Location(url=package.manifest), impact="moderate",
                                ref=res.id, href=href)
    if not flagged:
        yield r.finding(Outcome.PASS, "ok", Location(url=package.manifest), count=len(package.references))
