"""The conversion plan as the built-in steps make it: each transform once, and no engine loaded to plan."""

from __future__ import annotations

import subprocess
import sys

ALL_TARGETS = "['html', 'epub', 'mp3', 'daisy', 'brf', 'easy-read']"
ENGINES = ("lxml", "mutagen", "converters.speech.render", "converters.transforms.easyread.transform",
           "converters.writers.braille.louis", "docx")


def test_planning_every_target_speaks_once_and_loads_no_engine() -> None:
    code = ("import sys; from access.registry import Registry; from access.conversion import plan_conversion; "
            f"plan = plan_conversion('text', {ALL_TARGETS}, Registry()); print(plan.describe()); "
            f"print([m for m in {ENGINES!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    steps, loaded = out.stdout.strip().splitlines()
    assert steps == str(["read text", "gate document", "write html", "gate html", "write epub", "gate epub",
                         "transform speech", "write mp3", "gate mp3", "write daisy", "gate daisy", "write brf",
                         "gate brf", "transform easy-read", "write easy-read", "gate easy-read"]), out.stderr
    assert loaded == "[]"
