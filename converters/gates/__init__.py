"""Quality gates: every output is checked before it is handed over. One module per target, each
module's ``GATE`` registered in the ``access.gates`` entry-point group; every gate returns a
:class:`access.conversion.GateResult` (checks with name, passed, problems and facts). ``audit`` and
``epubcheck`` are the checks several gates share. A check that could not run (the auditor or
epubcheck missing) fails its gate, visibly."""

from __future__ import annotations

from collections.abc import Callable

from access.conversion import GateCheck, GateResult
from access.models import ArtifactOut

Verdict = tuple[list[GateCheck], list[str]]          # checks, needs-review


def each_file(target: str, artifacts: list[ArtifactOut], media_type: str,
              check: Callable[[ArtifactOut], Verdict]) -> GateResult:
    """A gate that checks every artifact of one media type on its own."""
    checks: list[GateCheck] = []
    review: list[str] = []
    for art in artifacts:
        if art.media_type == media_type:
            found, flagged = check(art)
            checks += found
            review += flagged
    return GateResult.of(target, checks, review)
