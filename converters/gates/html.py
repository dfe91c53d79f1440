"""The "html" gate: our own auditor on the written page, zero violations expected. Images whose text
alternative was missing in the source are needs-review (the writer marks them; they are never
silently passed)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from access.conversion import GateResult, GateSpec
from converters.gates import Verdict, each_file

if TYPE_CHECKING:
    from access.context import Context
    from access.models import ArtifactOut, ConvertOptions

REVIEW_MARK = re.compile(rb'data-access-review="missing-alt"')


def check_html(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> GateResult:
    from converters.gates.audit import audit_check, missing_alt_review

    def check(art: ArtifactOut) -> Verdict:
        audit, flagged = audit_check(Path(art.path), "html", art.name, ctx)
        return [audit], flagged + missing_alt_review(len(REVIEW_MARK.findall(Path(art.path).read_bytes())))

    return each_file("html", artifacts, "text/html", check)


GATE = GateSpec("html", check_html, "our auditor: zero violations")
