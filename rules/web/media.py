"""Media rules: captions for video (1.2.2), a transcript for audio (1.2.1), no autoplaying sound (1.4.2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from access.catalogue import rule
from access.models import Finding, Outcome
from access.requirements import ACT, WCAG
from rules.web.page import BrowserPage, Probe, script

Media = Probe[list[dict[str, Any]]]


def collect(page: BrowserPage, url: str) -> Media:
    """Every `<video>` and `<audio>`: captions tracks, autoplay, muted, controls, a transcript nearby."""
    return Probe(url, page.run(script("media")) or [])


@rule(id="web-video-captions", target="web", impact="critical", reads="media",
      requirements=(WCAG("1.2.2"), ACT("f51b46")),
      messages={"captioned": "This video has a captions track.",
                "muted-uncaptioned": "This muted video has no captions track; check that it has no speech or "
                                     "meaningful sound.",
                "uncaptioned": "This video has no captions track."})
def video_captions(media: Media) -> Iterator[Finding]:
    """Videos must have captions

    Every `<video>` needs a `<track kind="captions">` (or `subtitles`) so its speech and
    meaningful sounds are available as text. A muted video without a track may have no sound
    at all and is reported for review.

    **Why it matters**: Deaf and hard-of-hearing learners cannot follow a recorded lecture
    without captions, and captions also help learners studying in a second language, in a noisy
    place, or without headphones in a library.

    **How to fix**: Add a WebVTT captions file: `<track kind="captions" src="lecture-1.en.vtt"
    srclang="en" label="English" default>`. Correct automatic captions by hand — technical
    vocabulary is where they fail.
    """
    for m in media.data:
        if m["kind"] != "video":
            continue
        if m["captions"]:
            yield video_captions.finding(Outcome.PASS, "captioned", media.at(m))
        elif m["muted"]:
            yield video_captions.finding(Outcome.NEEDS_REVIEW, "muted-uncaptioned", media.at(m))
        else:
            yield video_captions.finding(Outcome.VIOLATION, "uncaptioned", media.at(m))


@rule(id="web-audio-transcript", target="web", impact="serious", requirements=(WCAG("1.2.1"), ACT("e7aa44")),
      needs_review_only=True, reads="media",
      messages={"transcript": "A transcript is linked or shown next to this audio player.",
                "no-transcript": "No transcript was found next to this audio player; check that one is provided."})
def audio_transcript(media: Media) -> Iterator[Finding]:
    """Audio recordings need a transcript

    An `<audio>` element (a podcast, a listening exercise, a recorded explanation) needs a
    text transcript nearby or linked. The rule looks for a transcript link or text next to the
    player and asks a person to check when it finds none.

    **Why it matters**: Deaf and hard-of-hearing learners can only access a recording through its
    transcript; many other learners use transcripts to revise, search and quote. (For listening
    exercises in language courses, say how the assessment is adapted.)

    **How to fix**: Publish a transcript next to the player, or link to it right beside it
    ("Read the transcript"), and reference it with `aria-describedby`.
    """
    for m in media.data:
        if m["kind"] != "audio":
            continue
        if m["transcript"]:
            yield audio_transcript.finding(Outcome.PASS, "transcript", media.at(m))
        else:
            yield audio_transcript.finding(Outcome.NEEDS_REVIEW, "no-transcript", media.at(m))


@rule(id="web-media-autoplay", target="web", impact="serious", requirements=(WCAG("1.4.2"), ACT("80f0bf")),
      reads="media",
      messages={"silent": "This {kind} does not play sound by itself.",
                "with-controls": "This {kind} plays sound automatically; it has controls, but check that they can "
                                 "be reached before the sound interferes.",
                "no-controls": "This {kind} plays sound automatically and has no controls to pause or mute it."})
def media_autoplay(media: Media) -> Iterator[Finding]:
    """Media must not play sound automatically

    Audio or video that starts playing with sound when the page opens must stop within three
    seconds or offer a way to pause it or turn it down that is independent of the system volume.

    **Why it matters**: Screen-reader users hear the page through speech: sound that starts by
    itself drowns it out, and they may not find the player to stop it. It also startles and
    distracts learners with attention difficulties or anxiety, and disrupts a classroom.

    **How to fix**: Remove `autoplay`, or autoplay only muted video. Let the learner press Play,
    and always show the player's controls.
    """
    for m in media.data:
        if not m["autoplay"] or m["muted"]:
            yield media_autoplay.finding(Outcome.PASS, "silent", media.at(m), kind=m["kind"])
        elif m["controls"]:
            yield media_autoplay.finding(Outcome.NEEDS_REVIEW, "with-controls", media.at(m), kind=m["kind"])
        else:
            yield media_autoplay.finding(Outcome.VIOLATION, "no-controls", media.at(m), kind=m["kind"])
