"""The ``brf`` conversion target (liblouis, formatted pages, round-trip gate)."""

from __future__ import annotations

from access.conversion import DOCUMENT, GateSpec, WriterSpec
from converters import legacy
from converters.writers.braille.writer import gate_brf, write_brf

WRITER = WriterSpec(
    "brf", DOCUMENT, legacy.writer(write_brf),
    description="Braille: BRF ready to emboss (liblouis; UEB grade 1/2 for English, any installed table by name), "
                "plus Unicode braille text and PEF.")
GATE = GateSpec("brf", legacy.gate("brf", gate_brf))
