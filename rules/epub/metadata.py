"""Discovery metadata (EPUB Accessibility 1.1 §2.2): the schema.org accessibility statements a
publication must (or should) carry, their values from the Schema.org Accessibility Properties for
Discoverability vocabulary, and whether what they say matches what the publication holds."""

from __future__ import annotations

from collections.abc import Iterator

from access.catalogue import Rule, rule
from access.models import Finding, Outcome
from access.requirements import WCAG, EpubA11y
from rules.epub import PACKAGE
from rules.epub.facts import EpubFacts, documents_in

ACCESS_MODES = frozenset({"auditory", "tactile", "textual", "visual", "chartOnVisual", "chemOnVisual",
                          "colorDependent", "diagramOnVisual", "mathOnVisual", "musicOnVisual", "textOnVisual"})
SUFFICIENT_MODES = frozenset({"auditory", "tactile", "textual", "visual"})
FEATURES = frozenset({
    # structure and navigation
    "annotations", "ARIA", "bookmarks", "index", "pageBreakMarkers", "printPageNumbers", "pageNavigation",
    "readingOrder", "structuralNavigation", "tableOfContents", "taggedPDF",
    # adaptation
    "alternativeText", "audioDescription", "captions", "closedCaptions", "describedMath", "longDescription",
    "openCaptions", "signLanguage", "transcript",
    # rendering control
    "displayTransformability", "displayTransformability/font-size", "displayTransformability/font-family",
    "displayTransformability/line-height", "displayTransformability/word-spacing",
    "displayTransformability/letter-spacing", "displayTransformability/color",
    "displayTransformability/background-color", "synchronizedAudioText", "timingControl", "unlocked",
    # specialised markup
    "ChemML", "latex", "latex-chemistry", "MathML", "MathML-chemistry", "ttsMarkup",
    # clarity
    "highContrastAudio", "highContrastAudio/noBackground", "highContrastAudio/reducedBackground",
    "highContrastAudio/switchableBackground", "highContrastDisplay", "largePrint",
    # tactile
    "braille", "tactileGraphic", "tactileObject",
    # internationalisation
    "fullRubyAnnotations", "horizontalWriting", "rubyAnnotations", "verticalWriting",
    "withAdditionalWordSegmentation", "withoutAdditionalWordSegmentation",
    "none", "unknown",
})
HAZARDS = frozenset({"flashing", "motionSimulation", "sound", "none", "noFlashingHazard", "noMotionSimulationHazard",
                     "noSoundHazard", "unknown", "unknownFlashingHazard", "unknownMotionSimulationHazard",
                     "unknownSoundHazard"})
# a hazard and the statements that contradict it
HAZARD_GROUPS = (("flashing", "noFlashingHazard", "unknownFlashingHazard"),
                 ("motionSimulation", "noMotionSimulationHazard", "unknownMotionSimulationHazard"),
                 ("sound", "noSoundHazard", "unknownSoundHazard"))


def _statements(r: Rule, facts: EpubFacts, prop: str, allowed: frozenset[str], *, required: bool,
                split: bool = False, exclusive: bool = False) -> Iterator[Finding]:
    """The findings of one metadata property: missing, values outside the vocabulary, ``none`` or
    ``unknown`` beside other values; one pass naming the values otherwise."""
    where = facts.location(f'meta[property="{prop}"]')
    values = facts.values(prop)
    if not values:
        yield r.finding(Outcome.VIOLATION, "missing", facts.location(), impact=None if required else "moderate",
                        property=prop)
        return
    terms = [t.strip() for v in values for t in (v.split(",") if split else [v]) if t.strip()]
    bad = [t for t in terms if t not in allowed]
    for term in bad:
        yield r.finding(Outcome.VIOLATION, "invalid", where, impact="minor", property=prop, value=term)
    if exclusive and len(terms) > 1 and ({"none", "unknown"} & set(terms)):
        yield r.finding(Outcome.VIOLATION, "exclusive", where, impact="moderate", property=prop,
                        values=", ".join(terms))
    if not bad:
        yield r.finding(Outcome.PASS, "stated", where, property=prop, values=", ".join(terms))


@rule(id="epub-meta-access-mode", target="epub", impact="serious", reads=PACKAGE,
      requirements=(EpubA11y("2.2"),),
      messages={"missing": "The package document states no {property}: the senses needed to read the "
                           "publication are not declared.",
                "invalid": "{property} has the value {value!r}, which is not a term of the vocabulary.",
                "exclusive": "{property} lists {values}: 'none' or 'unknown' cannot stand beside other values.",
                "stated": "{property}: {values}."})
def access_mode(facts: EpubFacts) -> Iterator[Finding]:
    """The publication states its access modes (schema:accessMode)

    EPUB Accessibility 1.1 requires ``schema:accessMode``: each human sense or faculty a reader
    needs to take in the content (``textual``, ``visual``, ``auditory``, ``tactile``, or a refined
    visual mode such as ``chartOnVisual``). Fails when the statement is missing or a value is not
    a term of the vocabulary.

    **Why it matters**: bookshops, libraries and school platforms show these statements so that a
    learner who cannot see images knows before buying or assigning the book whether it will work
    for them.

    **How to fix**: add one ``<meta property="schema:accessMode">`` per mode present, e.g.
    ``textual`` for the text and ``visual`` when there are images.
    """
    yield from _statements(access_mode, facts, "schema:accessMode", ACCESS_MODES, required=True)


@rule(id="epub-meta-access-mode-sufficient", target="epub", impact="moderate", reads=PACKAGE,
      requirements=(EpubA11y("2.2"),),
      messages={"missing": "The package document states no {property}: which senses are enough to read "
                           "the whole publication is not declared.",
                "invalid": "{property} has the value {value!r}, which is not auditory, tactile, textual or visual.",
                "exclusive": "{property} lists {values}.",
                "stated": "{property}: {values}."})
def access_mode_sufficient(facts: EpubFacts) -> Iterator[Finding]:
    """The publication states which access modes suffice (schema:accessModeSufficient)

    EPUB Accessibility 1.1 recommends ``schema:accessModeSufficient``: each set of modes that is
    enough to take in the whole content, one comma-separated set per statement (``textual`` when
    every image has a text alternative; ``textual,visual`` otherwise). Fails when the statement is
    missing or a value is outside ``auditory``, ``tactile``, ``textual`` and ``visual``.

    **Why it matters**: a blind learner relies on this statement to know that text alone (read by a
    screen reader or shown in braille) carries everything in the book.

    **How to fix**: add ``<meta property="schema:accessModeSufficient">textual</meta>`` when text
    carries everything, and a ``textual,visual`` statement otherwise.
    """
    yield from _statements(access_mode_sufficient, facts, "schema:accessModeSufficient", SUFFICIENT_MODES,
                           required=False, split=True)


@rule(id="epub-meta-accessibility-feature", target="epub", impact="serious", reads=PACKAGE,
      requirements=(EpubA11y("2.2"),),
      messages={"missing": "The package document states no {property}: the publication's accessibility "
                           "features are not declared.",
                "invalid": "{property} has the value {value!r}, which is not a term of the vocabulary.",
                "exclusive": "{property} lists {values}: 'none' or 'unknown' cannot stand beside features.",
                "stated": "{property}: {values}."})
def accessibility_feature(facts: EpubFacts) -> Iterator[Finding]:
    """The publication states its accessibility features (schema:accessibilityFeature)

    EPUB Accessibility 1.1 requires ``schema:accessibilityFeature`` statements (e.g.
    ``structuralNavigation``, ``tableOfContents``, ``alternativeText``, ``pageNavigation``, or
    ``none``). Fails when there is none, when a value is not a term of the vocabulary (such as
    ``tableHeaders``, which is not one), or when ``none`` or ``unknown`` stand beside real features.

    **Why it matters**: features such as alternative text, page navigation or MathML decide whether
    a learner using a screen reader or braille can use the book; catalogues filter on them.

    **How to fix**: add one ``<meta property="schema:accessibilityFeature">`` per feature the
    publication really has, using only the vocabulary's terms.
    """
    yield from _statements(accessibility_feature, facts, "schema:accessibilityFeature", FEATURES, required=True,
                           exclusive=True)


@rule(id="epub-meta-accessibility-hazard", target="epub", impact="serious", reads=PACKAGE,
      requirements=(EpubA11y("2.2"),),
      messages={"missing": "The package document states no {property}: possible hazards (flashing, motion, "
                           "sound) are not declared.",
                "invalid": "{property} has the value {value!r}, which is not a term of the vocabulary.",
                "exclusive": "{property} lists {values}: 'none' or 'unknown' cannot stand beside other values.",
                "contradiction": "{property} both states and denies one hazard: {values}.",
                "stated": "{property}: {values}."})
def accessibility_hazard(facts: EpubFacts) -> Iterator[Finding]:
    """The publication states its hazards (schema:accessibilityHazard)

    EPUB Accessibility 1.1 requires ``schema:accessibilityHazard``: ``none``, or each hazard
    (``flashing``, ``motionSimulation``, ``sound``) with its ``no…Hazard`` or ``unknown…Hazard``
    counterpart for the others. Fails when missing, when a value is outside the vocabulary, and
    when statements contradict each other (``flashing`` with ``noFlashingHazard``).

    **Why it matters**: a learner with photosensitive epilepsy or vestibular disorders must be
    able to rule out a book before opening it.

    **How to fix**: state ``none`` when the publication has no flashing content, motion
    simulation or sound hazard; otherwise state each hazard that is present.
    """
    yield from _statements(accessibility_hazard, facts, "schema:accessibilityHazard", HAZARDS, required=True,
                           exclusive=True)
    values = set(facts.values("schema:accessibilityHazard"))
    for group in HAZARD_GROUPS:
        clash = [v for v in group if v in values]
        if len(clash) > 1:
            yield accessibility_hazard.finding(
                Outcome.VIOLATION, "contradiction", facts.location('meta[property="schema:accessibilityHazard"]'),
                impact="moderate", property="schema:accessibilityHazard", values=", ".join(clash))


@rule(id="epub-meta-accessibility-summary", target="epub", impact="moderate", reads=PACKAGE,
      requirements=(EpubA11y("2.2"),),
      messages={"missing": "The package document has no schema:accessibilitySummary.",
                "stated": "Accessibility summary: {summary!r}."})
def accessibility_summary(facts: EpubFacts) -> Iterator[Finding]:
    """The publication has an accessibility summary (schema:accessibilitySummary)

    EPUB Accessibility 1.1 recommends a human-readable ``schema:accessibilitySummary`` that
    complements the other statements and names known shortcomings. Fails when there is none.

    **Why it matters**: the summary is what a librarian or a teacher reads when deciding whether the
    book suits a learner; it is the place to say, for example, that the diagrams in chapter 3 have
    no extended description.

    **How to fix**: add ``<meta property="schema:accessibilitySummary">`` with a sentence or two on
    what the publication offers and what it lacks.
    """
    summary = facts.values("schema:accessibilitySummary")
    if not summary:
        yield accessibility_summary.finding(Outcome.VIOLATION, "missing", facts.location())
    else:
        yield accessibility_summary.finding(Outcome.PASS, "stated",
                                            facts.location('meta[property="schema:accessibilitySummary"]'),
                                            summary=summary[0][:200])


@rule(id="epub-meta-consistent", target="epub", impact="moderate", reads=PACKAGE,
      requirements=(EpubA11y("2.2"), WCAG("1.1.1")),
      messages={"alt-claimed": "The metadata states {statement}, but {count} image(s) have no alt attribute "
                               "(first: {first}).",
                "visual-missing": "{count} image(s) are in the publication, but schema:accessMode does not list "
                                  "'visual'.",
                "auditory-missing": "The publication has audio or video, but schema:accessMode does not list "
                                    "'auditory'.",
                "feature-missing": "The metadata states the feature {feature!r}, but the publication has {what}.",
                "consistent": "The accessibility statements match the content ({checked})."})
def metadata_consistent(facts: EpubFacts) -> Iterator[Finding]:
    """The accessibility metadata matches the content

    Checks what the statements claim against what the publication holds: ``alternativeText`` or a
    sufficient mode of ``textual`` alone while images have no ``alt``; images present but no
    ``visual`` access mode; audio or video but no ``auditory`` mode; ``tableOfContents``,
    ``pageNavigation``/``printPageNumbers``, ``MathML`` or ``synchronizedAudioText`` stated while
    the publication has no table of contents, no page list, no MathML or no media overlays.

    **Why it matters**: metadata that promises more than the book gives is worse than none: a
    school buys the title for a blind learner because it says "text alone is sufficient", and the
    learner then meets unlabelled diagrams.

    **How to fix**: correct the content (add the missing alternatives, the page list ...) or the
    statements, so that they describe the publication as it is.
    """
    r = metadata_consistent
    docs = documents_in(facts)
    images = [(d, i) for d in docs for i in d.images]
    no_alt = [(d, i) for d, i in images if i.alt is None]
    modes = set(facts.values("schema:accessMode"))
    features = set(facts.values("schema:accessibilityFeature"))
    sufficient = [{t.strip() for t in v.split(",")} for v in facts.values("schema:accessModeSufficient")]
    flagged = False
    if no_alt:
        claims = []
        if "alternativeText" in features:
            claims.append("the feature 'alternativeText'")
        if {"textual"} in sufficient:
            claims.append("that text alone is sufficient")
        if claims:
            doc, img = no_alt[0]
            flagged = True
            yield r.finding(Outcome.VIOLATION, "alt-claimed", img.element.location(doc.path),
                            statement=" and ".join(claims), count=len(no_alt), first=f"{doc.path} {img.element.html}")
    if images and modes and "visual" not in modes and not modes & {"chartOnVisual", "diagramOnVisual",
                                                                    "textOnVisual", "mathOnVisual"}:
        meaningful = [(d, i) for d, i in images if not i.decorative]
        if meaningful:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "visual-missing", facts.location('meta[property="schema:accessMode"]'),
                            count=len(meaningful))
    if modes and "auditory" not in modes and any(d.has_audio or d.has_video for d in docs):
        flagged = True
        yield r.finding(Outcome.VIOLATION, "auditory-missing", facts.location('meta[property="schema:accessMode"]'))
    nav = facts.nav
    lacks = {
        "tableOfContents": ("no table of contents", nav is None or not nav.toc),
        "pageNavigation": ("no page list", nav is None or not nav.page_list),
        "printPageNumbers": ("no page list and no page break markers",
                             (nav is None or not nav.page_list) and not any(d.page_breaks for d in docs)),
        "pageBreakMarkers": ("no page break markers", not any(d.page_breaks for d in docs)),
        "MathML": ("no MathML", not any(d.has_math for d in docs)),
        "synchronizedAudioText": ("no media overlays", not facts.overlays),
    }
    for feature, (what, missing) in lacks.items():
        if feature in features and missing:
            flagged = True
            yield r.finding(Outcome.VIOLATION, "feature-missing", facts.location('meta[property="schema:'
                                                                                 'accessibilityFeature"]'),
                            feature=feature, what=what)
    if not flagged and (modes or features):
        yield r.finding(Outcome.PASS, "consistent", facts.location(),
                        checked=f"{len(images)} image(s), {len(features)} feature(s)")
