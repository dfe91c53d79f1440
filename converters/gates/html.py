"""The "html" gate: our own auditor on the written page, zero violations expected. Images whose text
alternative was missing in the source are needs-review (the writer marks them; they are never
silently passed)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from access.conversion import GateCheck, GateResult, GateSpec

if TYPE_CHECKING:
    from access.context import Context
    from access.models import ArtifactOut, ConvertOptions

REVIEW_MARK = re.compile(rb'data-access-review="missing-alt"')


def check_html(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> GateResult:
    from converters.gates.audit import audit_check, missing_alt_review

    checks: list[GateCheck] = []
    review: list[str] = []
    for art in artifacts:
        if art.media_type != "text/html":
            continue
        check, flagged = audit_check(Path(art.path), "html", art.name, ctx)
        checks.append(check)
        review += flagged + missing_alt_review(len(REVIEW_MARK.findall(Path(art.path).read_bytes())))
    return GateResult.of("html", checks, review)


GATE = GateSpec("html", check_html, "our auditor: zero violations")
