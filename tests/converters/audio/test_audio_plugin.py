"""The audio plugin as the core sees it: targets on the media queue, voices listed for the API."""

from __future__ import annotations

from access.registry import get_registry
from access.services import convert_queue


def test_targets_are_registered_on_the_media_queue() -> None:
    registry = get_registry()
    for target in ("mp3", "daisy"):
        assert registry.writers[target].queue == "media" and target in registry.gates
    assert convert_queue(["html", "mp3"], registry) == "media"


def test_voice_listing_includes_african_languages() -> None:
    voices = [v.as_dict() for source in get_registry().voices.load_all().values() for v in source.voices()]
    by_id = {v["id"]: v for v in voices}
    for voice_id in ("espeak:sw", "espeak:am", "espeak:af", "espeak:om", "espeak:tn", "espeak:en"):
        assert voice_id in by_id
    assert by_id["espeak:sw"]["language"] == "sw" and by_id["espeak:sw"]["name"] == "Swahili"
    assert len([v for v in voices if v["engine"] == "espeak-ng"]) > 100
