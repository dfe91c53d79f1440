"""Turning a submission into a queued job: validate, store the upload, insert the row, enqueue by
task name. Synchronous; the routes run it in a thread."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel, ValidationError

from access import services
from access.config import Settings
from access.errors import AccessError, EngineUnavailable, LimitExceeded, UnsupportedFormat
from access.formats import detect_format
from access.models import AuditOptions, ConvertOptions, JobKind, JobStatus
from access.netguard import check_url
from access.queue import AUDIT_TASK, CONVERT_TASK, send_job
from access.store import Job
from api.deps import Services

log = logging.getLogger(__name__)



def invalid(exc: ValidationError) -> AccessError:
    from access.errors import ValidationFailed

    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return ValidationFailed("Invalid request: " + "; ".join(parts))


def options_from_form(model: type[BaseModel], fields: list[tuple[str, str]],
                      skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Form fields → a dict for ``model``: list fields take repeated or comma-separated values."""
    data: dict[str, Any] = {}
    for key, value in fields:
        if key in skip:
            continue
        info = model.model_fields.get(key)
        if key == "targets" or (info is not None and getattr(info.annotation, "__origin__", None) is list):
            data.setdefault(key, []).extend(v.strip() for v in value.split(",") if v.strip())
        else:
            data[key] = value
    return data


def _enqueue(svc: Services, job: Job) -> None:
    try:
        send_job(svc.celery, job.task or AUDIT_TASK, job.id, job.queue or "default", task_id=job.id)
    except Exception as exc:
        log.exception("could not enqueue job %s", job.id)
        svc.store.finish(job.id, JobStatus.FAILED, error_code=EngineUnavailable.code,
                         error_message="The job queue is not reachable; submit again later.")
        raise EngineUnavailable("The job queue is not reachable; submit again later.") from exc


def _existing(svc: Services, tenant: str, key: str | None) -> Job | None:
    return svc.store.find_by_idempotency_key(tenant, key) if key else None


def _check_callback(url: str | None, settings: Settings) -> str | None:
    if not url:
        return None
    check_url(url, settings)
    return url


def submit_url_audit(svc: Services, tenant: str, body: dict[str, Any], idem: str | None) -> tuple[Job, bool]:
    from api.schemas import AuditRequest

    try:
        req = AuditRequest.model_validate(body)
    except ValidationError as exc:
        raise invalid(exc) from exc
    if (job := _existing(svc, tenant, idem)) is not None:
        return job, False
    settings = svc.settings
    if req.max_pages > settings.max_crawl_pages:
        raise LimitExceeded(f"max_pages may be at most {settings.max_crawl_pages}.")
    check_url(req.url, settings)
    callback = _check_callback(req.callback_url, settings)
    if "web" not in svc.registry.auditors:
        raise UnsupportedFormat("Web (URL) audits are not available in this installation.")
    options = AuditOptions.model_validate(req.model_dump(exclude={"url", "callback_url"}))
    options.allow_private = False      # only the local CLI may audit private addresses
    spec = svc.registry.auditors["web"]
    job, created = svc.store.create_job(
        tenant=tenant, kind=JobKind.AUDIT, input={"url": req.url}, options=options.model_dump(mode="json"),
        callback_url=callback, idempotency_key=idem, queue=services.audit_queue(None, svc.registry),
        task=spec.task or AUDIT_TASK)
    if created:
        _enqueue(svc, job)
    return job, created


def submit_file(svc: Services, tenant: str, kind: JobKind, fh: BinaryIO, filename: str | None,
                fields: list[tuple[str, str]], idem: str | None) -> tuple[Job, bool]:
    """A file audit (kind=audit) or a conversion (kind=conversion) of an uploaded file."""
    if (job := _existing(svc, tenant, idem)) is not None:
        return job, False
    callback = next((v for k, v in fields if k == "callback_url"), None)
    model: type[BaseModel] = AuditOptions if kind is JobKind.AUDIT else ConvertOptions
    try:
        options = model.model_validate(options_from_form(model, fields, skip=("callback_url",)))
    except ValidationError as exc:
        raise invalid(exc) from exc
    if isinstance(options, AuditOptions):
        options.allow_private = False
    else:
        options.targets = services.validate_targets(options.targets, svc.registry)
    callback = _check_callback(callback, svc.settings)
    job_id = str(uuid.uuid4())
    path = svc.storage.save_file(fh, tenant, job_id, filename, svc.settings.max_upload_bytes)
    try:
        fmt = detect_format(path, filename, max_unpacked_bytes=svc.settings.max_unpacked_bytes)
        queue, task = _route(svc, kind, fmt, options)
        job, created = svc.store.create_job(
            tenant=tenant, kind=kind, job_id=job_id, options=options.model_dump(mode="json"),
            input={"path": str(path), "filename": filename or path.name, "format": fmt,
                   "size": path.stat().st_size},
            callback_url=callback, idempotency_key=idem, queue=queue, task=task)
    except BaseException:
        svc.storage.delete_job(tenant, job_id)
        raise
    if not created:                    # a concurrent repeat with the same Idempotency-Key won
        svc.storage.delete_job(tenant, job_id)
        return job, False
    _enqueue(svc, job)
    return job, True


def _route(svc: Services, kind: JobKind, fmt: str, options: Any) -> tuple[str, str]:
    registry = svc.registry
    if kind is JobKind.AUDIT:
        spec = registry.auditors.get(fmt)
        if spec is None or fmt == "web":
            supported = ", ".join(f for f in sorted(registry.auditors) if f != "web") or "none yet"
            raise UnsupportedFormat(f"Auditing {fmt} files is not supported yet (supported: {supported}).")
        return services.audit_queue(fmt, registry), spec.task or AUDIT_TASK
    if fmt not in registry.readers:
        supported = ", ".join(sorted(registry.readers)) or "none yet"
        raise UnsupportedFormat(f"Converting {fmt} files is not supported yet (supported: {supported}).")
    return services.convert_queue(options.targets, registry), CONVERT_TASK


def stored_upload_path(job: Job) -> Path | None:
    path = job.input.get("path")
    return Path(path) if path else None
