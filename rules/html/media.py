"""Media and frames: captions, autoplay, zoom, frame titles (WCAG 1.2.2, 1.4.2, 1.4.4, 4.1.2)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import ACT, WCAG, Axe
from rules.html import name_finding
from rules.html.dom import Page

CAPTION_KINDS = {"captions", "subtitles"}


@rule(id="html-video-captions", target="html", impact="critical",
      requirements=(WCAG("1.2.2"), ACT("eac66b"), Axe("video-caption")),
      messages={"captioned": "The video has a captions track.",
                "muted-uncaptioned": "The muted video has no captions track; check it has no speech.",
                "uncaptioned": "The video has no captions track."})
def video_captions(page: Page) -> Iterator[Finding]:
    """Videos have captions

    A `<video>` needs a captions track: `<track kind="captions" src="lecture.vtt" srclang="en">`.
    A muted video, or one whose captions may be burned into the picture, is flagged for review.

    **Why it matters**: deaf and hard-of-hearing learners, and anyone studying in a noisy place or
    in a second language, miss everything that is only spoken in a lecture recording.

    **How to fix**: add a WebVTT captions file with `<track kind="captions" srclang="en"
    label="English">` (edit automatic captions for accuracy); if the captions are open (burned into
    the video), say so next to it.
    """
    for video in page.elements("video"):
        if page.is_hidden(video):
            continue
        kinds = {(t.get("kind") or "subtitles").strip().lower() for t in video.iter("track") if t.get("src")}
        if kinds & CAPTION_KINDS:
            yield video_captions.finding(Outcome.PASS, "captioned", page.location(video))
        elif video.get("muted") is not None:
            yield video_captions.finding(Outcome.NEEDS_REVIEW, "muted-uncaptioned", page.location(video),
                                         impact="serious")
        else:
            yield video_captions.finding(Outcome.VIOLATION, "uncaptioned", page.location(video))


@rule(id="html-media-autoplay", target="html", impact="moderate",
      requirements=(WCAG("1.4.2"), ACT("80f0bf"), Axe("no-autoplay-audio")),
      messages={"no-controls": "The <{tag}> plays sound automatically and has no controls to stop it.",
                "with-controls": "The <{tag}> plays sound automatically; check it stops within 3 seconds or can "
                                 "be paused.",
                "silent": "The media does not play sound automatically."})
def media_autoplay(page: Page) -> Iterator[Finding]:
    """Media does not play sound automatically

    `<audio autoplay>` and unmuted `<video autoplay>` start sound as the page opens. Sound longer than
    3 seconds needs a way to pause it or turn it down; a static check cannot measure the length, so
    autoplaying media is flagged for review, and as a violation when it has no `controls` at all.

    **Why it matters**: sound that starts by itself talks over the screen reader, so a blind learner
    cannot hear the page they are trying to use, and it distracts learners with attention difficulties.

    **How to fix**: remove `autoplay` and let the learner start the media, or add `muted` and
    `controls`.
    """
    for el in page.elements("audio", "video"):
        if el.get("autoplay") is None or el.get("muted") is not None or page.is_hidden(el):
            continue
        if el.get("controls") is None:
            yield media_autoplay.finding(Outcome.VIOLATION, "no-controls", page.location(el), tag=el.tag)
        else:
            yield media_autoplay.finding(Outcome.NEEDS_REVIEW, "with-controls", page.location(el), tag=el.tag)
    for el in page.elements("audio", "video"):
        if (el.get("autoplay") is None or el.get("muted") is not None) and not page.is_hidden(el):
            yield media_autoplay.finding(Outcome.PASS, "silent", page.location(el))


@rule(id="html-meta-viewport", target="html", impact="critical",
      requirements=(WCAG("1.4.4"), ACT("b4f0c3"), Axe("meta-viewport")),
      messages={"blocks-zoom": "The viewport blocks zooming ({content!r}).",
                "allows-zoom": "The viewport allows zooming."})
def meta_viewport(page: Page) -> Iterator[Finding]:
    """The page can be zoomed

    A `<meta name="viewport">` must not switch off zooming with `user-scalable=no` or a
    `maximum-scale` below 2.

    **Why it matters**: learners with low vision pinch-zoom course pages on phones and tablets;
    blocking zoom leaves the text too small for them to read.

    **How to fix**: use `<meta name="viewport" content="width=device-width, initial-scale=1">` and
    remove `user-scalable=no` and `maximum-scale`.
    """
    for meta in page.elements("meta"):
        if (meta.get("name") or "").strip().lower() != "viewport":
            continue
        content = (meta.get("content") or "").lower()
        settings = dict((k.strip(), v.strip()) for k, _, v in (p.partition("=") for p in re.split(r"[,;]", content)))
        scalable = settings.get("user-scalable")
        max_scale = _number(settings.get("maximum-scale"))
        if scalable in ("no", "0") or (max_scale is not None and max_scale < 2):
            yield meta_viewport.finding(Outcome.VIOLATION, "blocks-zoom", page.location(meta), content=content.strip())
        else:
            yield meta_viewport.finding(Outcome.PASS, "allows-zoom", page.location(meta))


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


@rule(id="html-iframe-title", target="html", impact="serious",
      requirements=(WCAG("4.1.2"), ACT("cae760"), Axe("frame-title")),
      messages={"named": "The frame is titled {name!r}.", "unnamed": "The frame has no title."})
def iframe_title(page: Page) -> Iterator[Finding]:
    """Embedded frames have a title

    Every `<iframe>` (an embedded video player, quiz, map or slide deck) needs a `title` that says
    what it holds.

    **Why it matters**: screen readers announce frames by their title; learners hear "frame" and
    cannot tell the lecture video from the advertising or the quiz without entering each one.

    **How to fix**: add a short `title` to each `<iframe>`, e.g.
    `<iframe title="Lecture 4 video: cell division" …>`.
    """
    for frame in page.elements("iframe"):
        if page.is_hidden(frame) or page.role(frame) in ("presentation", "none"):
            continue
        name = page.labelledby_text(frame) or (frame.get("aria-label") or "").strip() or (
            frame.get("title") or "").strip()
        yield name_finding(iframe_title, page, frame, name)
