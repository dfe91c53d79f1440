"""Plugin: the ``brf`` conversion target (liblouis, formatted pages, round-trip gate)."""

from __future__ import annotations

from access.registry import Registry
from converters.writers.braille.writer import gate_brf, write_brf


def plugin(registry: Registry) -> None:
    registry.add_target(
        "brf", write_brf, gate=gate_brf, queue="documents",
        description="Braille: BRF ready to emboss (liblouis; UEB grade 1/2 for English, any installed "
                    "table by name), plus Unicode braille text and PEF.")
