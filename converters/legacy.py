"""TRANSITION: adapters from the first wave's writer and gate shapes to the typed specs.

Goes when every writer takes an OutputFolder and every gate returns a GateResult."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from access.context import Context
from access.conversion import GateCheck, GateResult, OutputFolder
from access.models import ArtifactOut, ConvertOptions

OldWriter = Callable[[Any, Path, ConvertOptions, Context], list[ArtifactOut]]
OldGate = Callable[[list[ArtifactOut], ConvertOptions, Context], dict[str, Any]]


def writer(fn: OldWriter) -> Callable[[Any, OutputFolder, ConvertOptions, Context], list[ArtifactOut]]:
    def write(value: Any, folder: OutputFolder, options: ConvertOptions, ctx: Context) -> list[ArtifactOut]:
        folder.path.mkdir(parents=True, exist_ok=True)
        return fn(value, folder.path, options, ctx)

    return write


def gate(target: str, fn: OldGate) -> Callable[[list[ArtifactOut], ConvertOptions, Context], GateResult]:
    def check(artifacts: list[ArtifactOut], options: ConvertOptions, ctx: Context) -> GateResult:
        raw = fn(artifacts, options, ctx)
        checks = []
        for c in raw.get("checks", []):
            name = str(c.get("name") or c.get("check") or "check")
            facts = {k: v for k, v in c.items() if k not in ("name", "check", "passed", "problems")}
            checks.append(GateCheck(name=name, passed=bool(c.get("passed")), facts=facts))
        problems = [p if isinstance(p, str) else ", ".join(f"{k}: {v}" for k, v in p.items())
                    for p in raw.get("problems", [])]
        if problems:
            checks.append(GateCheck(name="problems", passed=False, problems=problems))
        review = [r if isinstance(r, str) else str(r.get("message") or r) for r in raw.get("needs_review", [])]
        result = GateResult.of(target, checks, review)
        if result.passed != bool(raw.get("passed")):
            result = result.model_copy(update={"passed": bool(raw.get("passed"))})
        return result

    return check
