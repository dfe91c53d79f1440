"""Turning a submission into a queued job: validate, store the upload, insert the row, enqueue.

The one submission use-case, for the API and the web app alike: every check here is made once,
through :mod:`access.services` (format routing, targets, limits, URL safety). Synchronous; the
routes run it in a thread.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, BinaryIO

from pydantic import BaseModel, ValidationError

from access import metrics, services
from access.auditconfig import AuditConfig, SiteConfig
from access.auditing import Subject
from access.errors import AccessError, EngineUnavailable, ValidationFailed
from access.jobs import Runtime
from access.models import AuditOptions, ConvertOptions, JobKind, JobStatus, SourceFile, utcnow
from access.netguard import check_url
from access.phases import phase
from access.quotas import Quota, refusal
from access.store import Job
from access.vault import seal

log = logging.getLogger(__name__)


class UrlAuditRequest(SiteConfig):
    """A URL audit: the page or site to audit, how far to crawl, and (optionally) how to sign in,
    the states, viewports and threshold: one site of the audit config file."""

    callback_url: str | None = None


class ConfigAuditRequest(AuditConfig):
    """The audit config document (``{"sites": [...]}``): one job per site."""

    callback_url: str | None = None


def invalid(exc: ValidationError) -> AccessError:
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


def enqueue(rt: Runtime, job: Job) -> None:
    """Send a new job to its queue; a broker that does not answer fails the job (and says so)."""
    if rt.queue is None:
        raise EngineUnavailable("This process has no job queue.")
    try:
        with phase("publish"):
            rt.queue.send_job(job)
    except Exception as exc:
        log.exception("could not enqueue job %s", job.id)
        rt.store.finish(job.id, JobStatus.FAILED, error_code=EngineUnavailable.code,
                        error_message="The job queue is not reachable; submit again later.")
        raise EngineUnavailable("The job queue is not reachable; submit again later.") from exc
    log.info("job %s: submitted (%s)", job.id, job.kind, extra={"job_id": job.id, "tenant": job.tenant})
    metrics.job_submitted(job.kind, job.tenant)


def _existing(rt: Runtime, tenant: str, key: str | None) -> Job | None:
    return rt.store.find_by_idempotency_key(tenant, key) if key else None


def tenant_quota(rt: Runtime, tenant: str) -> Quota:
    """The tenant's limits: its own, else the settings' defaults."""
    return Quota.of(rt.settings, rt.store.tenant_quota(tenant))


def check_quota_early(rt: Runtime, tenant: str, quota: Quota) -> None:
    """Refuse at once (before an upload is read) a tenant already at a limit; the exact check,
    with the upload's size, is made when the job is inserted (:meth:`Store.create_job`)."""
    if not quota.limited:
        return
    refused = refusal(quota, rt.store.usage(tenant, quota), 0, utcnow())
    if refused is not None:
        raise refused


def _check_callback(url: str | None, rt: Runtime) -> str | None:
    if not url:
        return None
    check_url(url, rt.settings)
    return url


def submit_url_audit(rt: Runtime, tenant: str, body: dict[str, Any], idem: str | None) -> tuple[Job, bool]:
    """A site or page audit from a JSON body (one site of the config document); (job, created)."""
    try:
        req = UrlAuditRequest.model_validate(body)
    except ValidationError as exc:
        raise invalid(exc) from exc
    return _submit_site(rt, tenant, req, req.callback_url, idem)


def submit_audit_config(rt: Runtime, tenant: str, body: dict[str, Any], idem: str | None) -> list[tuple[Job, bool]]:
    """The audit config document as JSON: every site checked first, then one job per site
    (``Idempotency-Key`` K gives the sites the keys ``K#1``, ``K#2`` …); [(job, created)]."""
    try:
        req = ConfigAuditRequest.model_validate(body)
    except ValidationError as exc:
        raise invalid(exc) from exc
    for site in req.sites:
        _site_options(rt, site)
    return [_submit_site(rt, tenant, site, req.callback_url, f"{idem}#{n}" if idem else None)
            for n, site in enumerate(req.sites, start=1)]


def _site_options(rt: Runtime, site: SiteConfig) -> tuple[Subject, AuditOptions, str | None]:
    """(subject, options, sealed credentials) of a site, once every check passed; the credentials
    are sealed with the server key (refused, with a clear error, when the server has none)."""
    subject = Subject(url=site.start)
    options = site.options(allow_private=False)      # only the local CLI may audit private addresses
    sealed = None
    if options.sign_in is not None:
        sealed = seal(options.sign_in.model_dump_json().encode(), rt.settings, server=True)
    services.check_audit_options(subject, options, rt.settings, rt.registry)
    for url in [site.start, *options.urls, *(s.url for s in options.states if s.url)]:
        check_url(url, rt.settings)
    return subject, options, sealed


def _submit_site(rt: Runtime, tenant: str, site: SiteConfig, callback_url: str | None,
                 idem: str | None) -> tuple[Job, bool]:
    if (job := _existing(rt, tenant, idem)) is not None:
        return job, False
    quota = tenant_quota(rt, tenant)
    subject, options, sealed = _site_options(rt, site)
    callback = _check_callback(callback_url, rt)
    queue = services.audit_queue(subject, rt.registry)
    job, created = rt.store.create_job(
        tenant=tenant, kind=JobKind.AUDIT, input={"url": site.start, **({"name": site.name} if site.name else {})},
        options=options.model_dump(mode="json"), callback_url=callback, idempotency_key=idem, queue=queue,
        sealed=sealed, quota=quota, fair_share_step=rt.settings.fair_share_step)
    if created:
        enqueue(rt, job)
    return job, created


def submit_file(rt: Runtime, tenant: str, kind: JobKind, fh: BinaryIO, filename: str | None,
                fields: list[tuple[str, str]], idem: str | None) -> tuple[Job, bool]:
    """A file audit (kind=audit) or a conversion (kind=conversion) of an uploaded file."""
    if (job := _existing(rt, tenant, idem)) is not None:
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
        options.targets = services.validate_targets(options.targets, rt.registry)
    callback = _check_callback(callback, rt)
    with phase("quota"):
        quota = tenant_quota(rt, tenant)
        check_quota_early(rt, tenant, quota)
    job_id = str(uuid.uuid4())
    with phase("upload"):
        path = rt.storage.save_file(fh, tenant, job_id, filename, rt.settings.max_upload_bytes)
    try:
        source = services.source_file(path, filename or path.name, rt.settings, rt.registry)
        queue = _route(rt, kind, source, options)
        with phase("insert"):
            job, created = rt.store.create_job(
                tenant=tenant, kind=kind, job_id=job_id, options=options.model_dump(mode="json"),
                input={"path": str(path), "filename": source.filename, "format": source.format,
                       "size": path.stat().st_size},
                callback_url=callback, idempotency_key=idem, queue=queue, quota=quota,
                fair_share_step=rt.settings.fair_share_step)
    except BaseException:
        rt.storage.delete_job(tenant, job_id)
        raise
    if not created:                    # a concurrent repeat with the same Idempotency-Key won
        rt.storage.delete_job(tenant, job_id)
        return job, False
    enqueue(rt, job)
    return job, True


def _route(rt: Runtime, kind: JobKind, source: SourceFile, options: Any) -> str:
    """The queue of a file job, once the service knows it can do it."""
    if kind is JobKind.AUDIT:
        return services.audit_queue(Subject(source=source), rt.registry)
    services.check_conversion(source.format, options.targets, rt.registry)
    return services.convert_queue(options.targets, rt.registry)
