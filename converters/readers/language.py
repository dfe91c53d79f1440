"""Offline language detection (langdetect, seeded so the same text always gives the same answer)."""

from __future__ import annotations

import threading

_LOCK = threading.Lock()
MIN_CHARS = 40          # below this the guess is noise
SAMPLE_CHARS = 6000     # enough for a stable answer; detection cost grows with length


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's main language, or None when the text is too short to tell."""
    sample = " ".join(text.split())[:SAMPLE_CHARS]
    if sum(c.isalpha() for c in sample) < MIN_CHARS:
        return None
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    with _LOCK:                       # DetectorFactory.seed is global state
        DetectorFactory.seed = 0
        try:
            code = detect(sample)
        except LangDetectException:
            return None
    return {"zh-cn": "zh-Hans", "zh-tw": "zh-Hant"}.get(code, code)
