"""A conversion as a plan of typed steps through the Document pivot:
read → (transform …) → write → gate.

Every value that flows between steps has a *kind*: a reader makes a ``document``; a transform
consumes one kind and produces another (``easy-read``: document → easy-read document; ``speech``:
document → spoken book); a writer consumes one kind and writes the files of one target; a gate
checks those files. :func:`plan_conversion` finds, for each requested target, the shortest chain of
transforms from ``document`` to what its writer consumes, so a value several writers need (the
spoken book that the mp3 and daisy writers both read) is made once, and released as soon as the
last writer that needs it is done. The CLI, the API's jobs and the benchmarks all run
:func:`run_conversion`.

Plugins fill the tables (entry-point groups ``access.readers``, ``access.transforms``,
``access.writers``, ``access.gates``) with the specs below.
"""

from __future__ import annotations

import contextlib
import logging
import re
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from access.context import Context
from access.document import Document, without_control_characters
from access.errors import (
    AccessError,
    Cancelled,
    EngineUnavailable,
    QualityGateFailed,
    StoreUnavailable,
    UnsupportedFormat,
)
from access.limits import check_paragraphs
from access.models import ArtifactOut, ConversionResult, ConvertOptions, SourceFile, TargetOutcome

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from access.registry import Registry

DOCUMENT = "document"
DOCUMENT_GATE = "document"      # the document-quality gate: runs once, after reading


# ----------------------------------------------------------------------------- the specs


@dataclass(frozen=True)
class ReaderSpec:
    """Reads one input format into a Document."""

    format: str
    read: Callable[[SourceFile, ConvertOptions, Context], Document]
    description: str = ""


@dataclass(frozen=True)
class TransformSpec:
    """Maps a value of kind ``consumes`` to one of kind ``produces``."""

    name: str
    consumes: str
    produces: str
    run: Callable[[Any, ConvertOptions, Context], Any]
    release: Callable[[Any], None] | None = None   # free what the value holds (temporary files)
    description: str = ""


@dataclass(frozen=True)
class WriterSpec:
    """Writes the files of one conversion target from a value of kind ``consumes``."""

    target: str
    consumes: str
    write: Callable[[Any, OutputFolder, ConvertOptions, Context], list[ArtifactOut]]
    queue: str = "documents"       # documents | media (speech)
    description: str = ""


class GateCheck(BaseModel):
    """One check of a gate: its name, whether it passed, what it found wrong, and its figures.
    An ``informational`` check reports figures against a target without deciding the verdict."""

    name: str
    passed: bool
    problems: list[str] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict)
    informational: bool = False

    @classmethod
    def of(cls, name: str, passed: bool, problems: list[str] | None = None, *, informational: bool = False,
           **facts: Any) -> GateCheck:
        """``GateCheck.of("mp3 frames", ok, frames=812, mono=True)``."""
        return cls(name=name, passed=bool(passed), problems=problems or [], facts=facts, informational=informational)

    def explained(self) -> list[str]:
        """Why the check failed: its problems, else its figures (nothing when it passed)."""
        if self.passed:
            return []
        if self.problems:
            return self.problems
        figures = ", ".join(f"{k}={v}" for k, v in self.facts.items())
        return [f"failed ({figures})" if figures else "failed"]


class GateResult(BaseModel):
    """What a gate says about one target's files before they are handed over."""

    target: str
    passed: bool
    checks: list[GateCheck] = Field(default_factory=list)
    needs_review: list[str] = Field(default_factory=list)

    @classmethod
    def of(cls, target: str, checks: list[GateCheck], needs_review: list[str] | None = None) -> GateResult:
        """Passed when there was something to check and every deciding check passed."""
        deciding = [c for c in checks if not c.informational]
        return cls(target=target, passed=bool(deciding) and all(c.passed for c in deciding), checks=checks,
                   needs_review=needs_review or [])

    @property
    def problems(self) -> list[str]:
        return [f"{c.name}: {p}" for c in self.checks if not c.informational for p in c.explained()]

    def record(self) -> dict[str, Any]:
        """How a gate result is kept in a job's result (``result.gate[target]``)."""
        return {**self.model_dump(mode="json"), "problems": self.problems}


@dataclass(frozen=True)
class GateSpec:
    """Checks one target's files (entry-point group ``access.gates``, keyed by target).

    A gate that ``consumes`` the ``document`` (the one named :data:`DOCUMENT_GATE`) checks the text the
    reader made, once per job, right after reading and before any writer: ``check(document, options,
    ctx)``. Its failures are put on the Document (``quality_warnings``) so every writer shows them at
    the top of its output."""

    target: str
    check: Callable[[Any, ConvertOptions, Context], GateResult]
    description: str = ""
    consumes: str | None = None        # None: the files the target's writer wrote; DOCUMENT: the document


# ----------------------------------------------------------------------------- output files


def output_stem(name: str | None, fallback: str = "document") -> str:
    """A safe base name for a conversion's files: the source file's stem in ASCII letters, digits
    and hyphens (``Lecture 3 – Zellen.pdf`` → ``lecture-3-zellen``)."""
    raw = Path(name).stem if name else ""
    ascii_only = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_only).strip("-").lower()[:60]
    return slug or fallback


@dataclass(frozen=True)
class OutputFolder:
    """Where a conversion writes, and the one naming rule for its files: ``<stem><suffix>``."""

    path: Path
    stem: str

    def file(self, suffix: str) -> Path:
        """``folder.file(".html")``, ``folder.file("-daisy202.zip")``."""
        self.path.mkdir(parents=True, exist_ok=True)
        return self.path / f"{self.stem}{suffix}"

    @classmethod
    def for_document(cls, path: Path, doc: Document) -> OutputFolder:
        return cls(path=path, stem=output_stem(doc.metadata.source_name or doc.metadata.title))


# ----------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Step:
    kind: str                      # read | transform | write | gate
    name: str                      # format, transform name or target
    consumes: str | None
    produces: str | None


@dataclass
class ConversionPlan:
    targets: list[str]
    steps: list[Step] = field(default_factory=list)

    def describe(self) -> list[str]:
        return [f"{s.kind} {s.name}" for s in self.steps]


def plan_conversion(source_format: str, targets: list[str], registry: Registry) -> ConversionPlan:
    """The steps that turn ``source_format`` into every target: one read, each transform once, then
    per target its write and its gate. Raises ``unsupported_format`` for an unknown input or target,
    or a target whose writer's input no chain of transforms can make."""
    if source_format not in registry.readers:
        supported = ", ".join(registry.readers.names()) or "none yet"
        raise UnsupportedFormat(f"Converting {source_format} files is not supported yet (supported: {supported}).")
    plan = ConversionPlan(targets=list(targets))
    plan.steps.append(Step("read", source_format, None, DOCUMENT))
    if DOCUMENT_GATE in registry.gates:
        plan.steps.append(Step("gate", DOCUMENT_GATE, DOCUMENT, None))
    made = {DOCUMENT}
    for target in targets:
        writer = registry.writers[target]
        for transform in _chain(DOCUMENT, writer.consumes, registry):
            if transform.produces not in made:
                plan.steps.append(Step("transform", transform.name, transform.consumes, transform.produces))
                made.add(transform.produces)
        plan.steps.append(Step("write", target, writer.consumes, None))
        if target in registry.gates:
            plan.steps.append(Step("gate", target, None, None))
    return plan


def _chain(start: str, goal: str, registry: Registry) -> list[TransformSpec]:
    """The shortest list of transforms from kind ``start`` to kind ``goal`` (breadth first)."""
    if start == goal:
        return []
    transforms = [registry.transforms[name] for name in registry.transforms.names()]
    queue: deque[tuple[str, list[TransformSpec]]] = deque([(start, [])])
    seen = {start}
    while queue:
        kind, path = queue.popleft()
        for t in transforms:
            if t.consumes == kind and t.produces not in seen:
                if t.produces == goal:
                    return [*path, t]
                seen.add(t.produces)
                queue.append((t.produces, [*path, t]))
    raise UnsupportedFormat(f"No conversion step makes {goal!r} from {start!r} in this installation.")


def run_conversion(source: SourceFile, options: ConvertOptions, outdir: Path, ctx: Context,
                   registry: Registry) -> ConversionResult:
    """Run the plan for ``options.targets`` (see the module docstring)."""
    plan = plan_conversion(source.format, options.targets, registry)
    remaining_uses: dict[str, int] = {}
    for step in plan.steps:
        if step.consumes is not None:
            remaining_uses[step.consumes] = remaining_uses.get(step.consumes, 0) + 1
    values: dict[str, Any] = {}
    result = ConversionResult()
    folder: OutputFolder | None = None
    last_written: list[ArtifactOut] = []
    lost: dict[str, AccessError] = {}            # kinds a failed transform could not make, and why
    failed: dict[str, AccessError] = {}          # targets that failed, and why
    weights = [_weight(s, registry) for s in plan.steps]
    done = 0.0
    try:
        for step, weight in zip(plan.steps, weights, strict=True):
            ctx.check_cancelled()
            step_ctx = ctx.scaled(100 * done / sum(weights), 100 * weight / sum(weights), f"{step.kind} {step.name}: ")
            step_ctx.progress(0, "starting")
            if step.kind == "read":
                doc = without_control_characters(registry.readers[step.name].read(source, options, step_ctx))
                check_paragraphs(doc, ctx.settings.max_paragraph_chars)
                values[DOCUMENT] = doc
                folder = OutputFolder.for_document(outdir, doc)
                outdir.mkdir(parents=True, exist_ok=True)
                result.warnings.extend(doc.warnings)
                result.metadata = {"title": doc.metadata.title, "language": doc.metadata.language,
                                   "words": doc.word_count()}
            elif step.kind == "transform":
                spec = registry.transforms[step.name]
                if spec.consumes in lost:
                    lost[spec.produces] = lost[spec.consumes]
                else:
                    try:
                        values[spec.produces] = spec.run(values[spec.consumes], options, step_ctx)
                    except Exception as exc:
                        lost[spec.produces] = _target_error(exc, step.name)
                _used(spec.consumes, values, remaining_uses, registry)
            elif step.kind == "write":
                assert folder is not None
                writer = registry.writers[step.name]
                last_written = []
                if writer.consumes in lost:
                    failed[step.name] = lost[writer.consumes]
                else:
                    try:
                        last_written = writer.write(values[writer.consumes], folder, options, step_ctx)
                    except Exception as exc:
                        failed[step.name] = _target_error(exc, step.name)
                for art in last_written:     # which target made it: its gate result is the target's
                    art.metadata.setdefault("target", step.name)
                result.artifacts.extend(last_written)
                for art in last_written:     # writers report job warnings (e.g. a voice fallback) this way
                    result.warnings.extend(w for w in art.metadata.get("warnings", []) if w not in result.warnings)
                _used(writer.consumes, values, remaining_uses, registry)
            elif step.kind == "gate" and options.validation != "off" and step.name not in failed:
                if step.consumes == DOCUMENT:
                    gate = registry.gates[step.name].check(values[DOCUMENT], options, step_ctx)
                    _warn_about_document(values[DOCUMENT], gate, result)
                else:
                    gate = registry.gates[step.name].check(last_written, options, step_ctx)
                result.gate[step.name] = gate.record()
                if not gate.passed and options.validation == "abort":
                    what = "document's text" if step.consumes == DOCUMENT else f"{step.name} output"
                    refused = QualityGateFailed(f"The {what} failed its quality check: "
                                                f"{'; '.join(gate.problems)[:500]}")
                    if step.consumes == DOCUMENT:
                        raise refused
                    failed[step.name] = refused
                    _withdraw(result, step.name, outdir)
            done += weight
    finally:
        for kind in list(values):
            _release(kind, values, registry)
    _account(result, plan.targets, failed)
    ctx.progress(100, "done")
    return result


def _target_error(exc: Exception, step: str) -> AccessError:
    """What one target's failure is recorded as; what ends the whole job is raised again (the job
    cancelled, its time limit, an engine or the job store away: the task tries again)."""
    job_wide = isinstance(exc, Cancelled | EngineUnavailable | StoreUnavailable)
    if job_wide or type(exc).__name__ == "SoftTimeLimitExceeded":
        raise exc
    if isinstance(exc, AccessError):
        return exc
    log.exception("conversion step %s failed unexpectedly", step)
    return AccessError(f"The {step} step failed unexpectedly ({type(exc).__name__}: {str(exc)[:300]}).")


def _withdraw(result: ConversionResult, target: str, outdir: Path) -> None:
    """A target that failed delivers nothing: its files leave the result (and the folder)."""
    keep = []
    for art in result.artifacts:
        if art.metadata.get("target") != target:
            keep.append(art)
            continue
        path = Path(art.path) if Path(art.path).is_absolute() else outdir / art.path
        with contextlib.suppress(OSError):
            if path.is_file() and path.resolve().is_relative_to(outdir.resolve()):
                path.unlink()
    result.artifacts = keep


def _account(result: ConversionResult, targets: list[str], failed: dict[str, AccessError]) -> None:
    """Each target's outcome in ``result.targets``; a failed one is a warning of the conversion,
    and when no target was delivered, the conversion fails with the first target's error."""
    for target in targets:
        exc = failed.get(target)
        result.targets[target] = (TargetOutcome(status="succeeded") if exc is None else
                                  TargetOutcome(status="failed", error={"code": exc.code, "message": exc.message}))
        if exc is not None:
            note = f"The {target} output could not be made ({exc.code}): {exc.message}"
            if note not in result.warnings:
                result.warnings.append(note)
    if targets and all(t in failed for t in targets):
        first = failed[targets[0]]
        if len(targets) == 1:
            raise first
        reasons = "; ".join(f"{t}: {failed[t].message}" for t in targets)
        raise type(first)(f"No output could be made. {reasons}"[:2000])


def _warn_about_document(doc: Document, gate: GateResult, result: ConversionResult) -> None:
    """A failed document-quality check becomes a warning of the job and a notice every writer puts at
    the top of its output (``Document.quality_warnings``)."""
    for check in gate.checks:
        if check.passed or check.informational:
            continue
        for problem in check.explained():
            if problem not in doc.quality_warnings:
                doc.quality_warnings.append(problem)
            if problem not in result.warnings:
                result.warnings.append(problem)


def _weight(step: Step, registry: Registry) -> float:
    """How much of the progress bar a step takes (speech and gates are the slow ones)."""
    if step.kind == "transform":
        return 4.0
    if step.kind == "write" and registry.writers[step.name].queue == "media":
        return 2.0
    return 1.0


def _used(kind: str, values: dict[str, Any], remaining: dict[str, int], registry: Registry) -> None:
    remaining[kind] -= 1
    if remaining[kind] == 0 and kind != DOCUMENT:
        _release(kind, values, registry)


def _release(kind: str, values: dict[str, Any], registry: Registry) -> None:
    value = values.pop(kind, None)
    if value is None:
        return
    for name in registry.transforms.names():
        spec = registry.transforms[name]
        if spec.produces == kind and spec.release is not None:
            spec.release(value)
            return
