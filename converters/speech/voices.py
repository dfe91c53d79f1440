"""Which voice reads which language: the document's language picks the voice, language spans switch it,
and a language no installed voice speaks falls back to a stated voice with a warning."""

from __future__ import annotations

from dataclasses import dataclass, field

from converters.speech.engine import Voice

DEFAULT_ENGINE = "espeak-ng"
SYSTEM_ENGINE = "pyttsx3"
# An engine that drives the system's speech (on Linux, libespeak itself, with its own global state)
# speaks a whole book alone: the other languages and the fallback come from its own voices.
ONE_ENGINE_PER_BOOK = frozenset({SYSTEM_ENGINE})


def normalise_tag(tag: str | None) -> str:
    return (tag or "").strip().replace("_", "-").lower()


def find_voice(tag: str, voices: list[Voice]) -> Voice | None:
    """The best voice for a BCP 47 tag: the voice of exactly that language, then one that also speaks
    it, then the same for the tag with its last subtag dropped (``pt-br-x`` → ``pt-br`` → ``pt``)."""
    tag = normalise_tag(tag)
    while tag:
        exact = [v for v in voices if v.language == tag]
        named = [v for v in voices if v.id.split(":", 1)[-1] == tag]
        also = sorted((v for v in voices if tag in v.also), key=lambda v: (v.also.index(tag), len(v.id)))
        for group in (exact, named, also):
            if group:
                return sorted(group, key=lambda v: len(v.id))[0] if group is not also else group[0]
        tag = tag.rpartition("-")[0]
    return None


def voice_by_id(voice_id: str, voices: list[Voice]) -> Voice | None:
    wanted = voice_id.strip().lower()
    return next((v for v in voices if v.id.lower() == wanted), None)


@dataclass
class VoicePlan:
    """Resolves a language to a voice once per language, and remembers what it had to fall back on."""

    voices: list[Voice]
    fallback: Voice
    main_language: str
    requested: Voice | None = None          # a voice the job named; used for the main language
    warnings: list[str] = field(default_factory=list)
    _chosen: dict[str, Voice] = field(default_factory=dict)

    def voice_for(self, language: str | None) -> Voice:
        tag = normalise_tag(language) or self.main_language
        if tag in self._chosen:
            return self._chosen[tag]
        voice = self.requested if self.requested is not None and tag == self.main_language else None
        voice = voice or find_voice(tag, self.automatic)
        if voice is None:
            voice = self.fallback
            self.warnings.append(f"No voice speaks the language {tag!r}; that text is read with the "
                                 f"{voice.name} voice ({voice.id}).")
        self._chosen[tag] = voice
        return voice

    @property
    def automatic(self) -> list[Voice]:
        """Voices chosen by language alone: the default engine's, else the system's (other engines only
        when asked for)."""
        for engine in (DEFAULT_ENGINE, SYSTEM_ENGINE):
            if found := [v for v in self.voices if v.engine == engine]:
                return found
        return self.voices

    @property
    def used(self) -> list[Voice]:
        return list(dict.fromkeys(self._chosen.values()))


def plan_voices(voices: list[Voice], language: str | None, requested: str | None,
                fallback_id: str) -> VoicePlan:
    """A plan for a document in ``language``; ``requested`` is the job's voice= option, if any."""
    chosen = None
    if requested:
        chosen = voice_by_id(requested, voices) or find_voice(requested.split(":")[-1], voices)
        if chosen is not None and chosen.engine in ONE_ENGINE_PER_BOOK:
            voices = [v for v in voices if v.engine == chosen.engine]
    fallback = voice_by_id(fallback_id, voices) or find_voice(fallback_id.split(":")[-1], voices)
    if fallback is None:
        if not voices:
            from access.errors import EngineUnavailable
            raise EngineUnavailable("No speech voice is installed.")
        fallback = chosen or voices[0]
    main = normalise_tag(language) or fallback.language
    plan = VoicePlan(voices=voices, fallback=fallback, main_language=main, requested=chosen)
    if requested and chosen is None:
        plan.warnings.append(f"The voice {requested!r} is not installed; the voice of the document's "
                             "language is used instead.")
    return plan
