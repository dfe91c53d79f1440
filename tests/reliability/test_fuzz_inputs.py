"""Mutation fuzz over audit and convert (issue 14): every damaged input ends in success or a
documented error code, never a traceback (``internal_error``) and never a hang.

A fixed, seeded sample runs in CI (``CI_CASES`` per format, about 200 in all, a couple of minutes
after a warm-up); ``ACCESS_FUZZ=N`` runs N cases per format by hand (new seeds: ``ACCESS_FUZZ_SEED``).
Each case runs in a forked child with a time limit (``CASE_TIMEOUT``), with the real engines and
readers. See tests/reliability/fuzzing.py for the mutations.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

from tests.reliability.fuzzing import ACCEPTED_CODES, cases, fuzz_count, mutate, run_case, seeds, warm_up

CI_CASES = {"pdf": 35, "docx": 25, "pptx": 25, "html": 20, "zip": 25, "markdown": 20, "text": 20, "epub": 30}
CASE_TIMEOUT = 60.0
BASE_SEED = int(os.environ.get("ACCESS_FUZZ_SEED") or 1414)


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict[str, bytes]]:
    files = seeds()
    outcomes = warm_up(files)
    assert set(outcomes.values()) == {"ok"}, outcomes          # the unmutated seeds all work
    return files


@pytest.mark.parametrize("fmt", sorted(CI_CASES))
def test_damaged_inputs_end_with_a_documented_code(corpus: dict[str, dict[str, bytes]], fmt: str) -> None:
    outcomes: Counter[str] = Counter()
    bad: list[str] = []
    for case in cases(fmt, sorted(corpus[fmt]), fuzz_count(CI_CASES[fmt]), BASE_SEED):
        outcome = run_case(case, mutate(case, corpus[fmt][case.seed]), CASE_TIMEOUT)
        outcomes[outcome if outcome in ACCEPTED_CODES or outcome == "ok" else "BAD"] += 1
        if outcome != "ok" and outcome not in ACCEPTED_CODES:
            bad.append(f"{case.name}: {outcome}")
    print(f"{fmt}: {dict(outcomes)}")
    assert not bad, "\n".join(bad)
