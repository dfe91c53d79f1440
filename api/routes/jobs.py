"""/v1: submit audits and conversions, follow jobs, fetch reports and artifacts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from access import jobs, logs, services
from access.errors import Conflict, NotFound, ValidationFailed
from access.jobfilters import JobFilter
from access.models import AuditOptions, ConvertOptions, JobKind, JobStatus
from access.phases import phase
from access.store import Job
from access.submission import submit_audit_config, submit_file, submit_url_audit
from access.webhooks import delivery_view
from api.deps import SCOPE_OF_KIND, AuditTenantDep, CallerDep, ConvertTenantDep, ServicesDep, TenantDep, base_url
from api.downloads import file_response, zip_response
from api.openapi import form_schema
from api.schemas import (
    READ_ERRORS,
    SUBMIT_ERRORS,
    AuditConfigRequest,
    AuditJobs,
    AuditRequest,
    DeliveryList,
    DeliveryOut,
    JobList,
    JobOut,
    errors,
    inline_schema,
)


async def bind_log_context(request: Request, caller: CallerDep) -> None:
    """Every line logged while answering carries the tenant (and the job, for a job's routes);
    whatever the key's scopes (each route asks for its own)."""
    logs.bind(tenant=caller.tenant, job_id=request.path_params.get("job_id"))


router = APIRouter(prefix="/v1", tags=["jobs"], dependencies=[Depends(bind_log_context)])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                              description="Repeat-safe submission: same key, same job.")]

BINARY = {"schema": {"type": "string", "format": "binary"}}
_AUDIT_FORM = form_schema(AuditOptions, skip=("allow_private",))
_CONVERT_FORM = form_schema(ConvertOptions, required=("targets",),
                            examples={"targets": "html,epub,mp3,daisy,brf,easy-read"})


def _accepted(request: Request, svc: Any, job: Job, created: bool) -> JSONResponse:
    headers = {"Location": f"/v1/jobs/{job.id}"}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(jobs.job_view(job, base_url(request, svc.settings)), status_code=202, headers=headers)


async def _form_file(request: Request) -> tuple[UploadFile, list[tuple[str, str]]]:
    with phase("form"):
        form = await request.form(max_files=1, max_fields=100)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise ValidationFailed("Send the document as a multipart form field named 'file'.")
    fields = [(k, v) for k, v in form.multi_items() if k != "file" and isinstance(v, str)]
    return upload, fields


@router.post("/audits", status_code=202, response_model=JobOut | AuditJobs, summary="Submit an audit (URL or file)",
             responses=SUBMIT_ERRORS, openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"oneOf": [inline_schema(AuditRequest),
                                                            inline_schema(AuditConfigRequest)]}},
                 "multipart/form-data": {"schema": _AUDIT_FORM}}}})
async def submit_audit(request: Request, svc: ServicesDep, tenant: AuditTenantDep,
                       idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """JSON `{"url": ...}` audits a web page or site (with sign-in, states, viewports … as in one
    site of the config file); JSON `{"sites": [...]}` (the config document) makes one job per site
    and answers `{"jobs": [...]}`; multipart `file=` audits an uploaded document (html, pdf, docx,
    pptx, epub, zip of html). Options as JSON fields or form fields."""
    ctype = request.headers.get("content-type", "").lower()
    if ctype.startswith("multipart/form-data"):
        upload, fields = await _form_file(request)
        job, created = await run_in_threadpool(submit_file, svc, tenant, JobKind.AUDIT, upload.file,
                                               upload.filename, fields, idempotency_key)
        await upload.close()
    else:
        raw = await request.body()
        try:
            body = json.loads(raw or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValidationFailed(f"The request body is not valid JSON ({exc}).") from exc
        if not isinstance(body, dict):
            raise ValidationFailed("Send a JSON object such as {\"url\": \"https://example.org\"}, "
                                   "or a multipart form with a file.")
        if "sites" in body:          # the audit config document: one job per site
            made = await run_in_threadpool(submit_audit_config, svc, tenant, body, idempotency_key)
            views = [jobs.job_view(job, base_url(request, svc.settings)) for job, _ in made]
            return JSONResponse({"jobs": views}, status_code=202)
        job, created = await run_in_threadpool(submit_url_audit, svc, tenant, body, idempotency_key)
    return _accepted(request, svc, job, created)


@router.post("/conversions", status_code=202, response_model=JobOut, summary="Submit a conversion",
             responses=SUBMIT_ERRORS, openapi_extra={"requestBody": {"required": True, "content": {
                 "multipart/form-data": {"schema": _CONVERT_FORM}}}})
async def submit_conversion(request: Request, svc: ServicesDep, tenant: ConvertTenantDep,
                            idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Multipart `file=` plus `targets=html,epub,...` and conversion options as form fields."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise ValidationFailed("Send a multipart form with 'file' and 'targets'.")
    upload, fields = await _form_file(request)
    job, created = await run_in_threadpool(submit_file, svc, tenant, JobKind.CONVERSION, upload.file,
                                           upload.filename, fields, idempotency_key)
    await upload.close()
    return _accepted(request, svc, job, created)


def _job_or_404(svc: Any, tenant: str, job_id: str) -> Job:
    job = svc.store.get_job(job_id, tenant=tenant)
    if job is None:
        raise NotFound(f"No job {job_id!r}.")
    return job


@router.get("/jobs/{job_id}", response_model=JobOut, summary="A job's status, progress and files",
            responses=READ_ERRORS)
def get_job(job_id: str, request: Request, svc: ServicesDep, tenant: TenantDep) -> dict[str, Any]:
    return jobs.job_view(_job_or_404(svc, tenant, job_id), base_url(request, svc.settings))


MAX_OFFSET = 2**31 - 1          # past it, a 422 (not an integer overflow in the database)


@router.get("/jobs", response_model=JobList, summary="Your jobs, newest first",
            responses=errors(401, 403, 422, 429, 500))
def list_jobs(request: Request, svc: ServicesDep, tenant: TenantDep,
              limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
              status: JobStatus | None = None, kind: JobKind | None = None,
              site: Annotated[str | None, Query(
                  max_length=2000, description="A site's audits: an origin (`https://example.org`) for all of "
                  "them, or an origin and path (`https://example.org/courses`) for those that started there "
                  "or below.", examples=["https://example.org"])] = None,
              document: Annotated[str | None, Query(
                  max_length=255, description="Jobs of the file with this name (any case).")] = None,
              q: Annotated[str | None, Query(
                  max_length=200, description="Jobs whose site URL or file name contains this text (any case).")]
              = None) -> dict[str, Any]:
    """Filter by `status`, `kind`, `site`, `document` or `q` (together: all must match), so a
    platform can follow one site's or one document's audits over time."""
    filters = JobFilter(status=status.value if status else None, kind=kind.value if kind else None,
                        site=site, document=document, search=q)
    rows, total = svc.store.list_jobs(tenant, limit=limit, offset=offset, filters=filters)
    base = base_url(request, svc.settings)
    nxt = None
    if offset + len(rows) < total:
        nxt = f"{base}/v1/jobs?" + urlencode({"limit": limit, "offset": offset + limit, **filters.query()})
    return {"data": [jobs.job_view(j, base) for j in rows], "count": total, "limit": limit,
            "offset": offset, "next": nxt}


@router.delete("/jobs/{job_id}", summary="Cancel a queued or running job; delete a finished one",
               status_code=204, response_class=Response,
               responses={202: {"model": JobOut, "description": "Cancelled (it was queued or running)."},
                          204: {"description": "Deleted with its files."}, **READ_ERRORS})
def delete_job(job_id: str, request: Request, svc: ServicesDep, caller: CallerDep) -> Response:
    """Needs the scope that submits the job's kind (`audit` or `convert`)."""
    job = _job_or_404(svc, caller.tenant, job_id)
    caller.require(SCOPE_OF_KIND[job.kind])
    cancelled = jobs.cancel_job(svc, job)
    if cancelled is not None:
        return JSONResponse(jobs.job_view(cancelled, base_url(request, svc.settings)), status_code=202)
    jobs.delete_job(svc, job)
    return Response(status_code=204)


@router.get("/jobs/{job_id}/deliveries", response_model=DeliveryList, summary="The job's webhook delivery log",
            responses=READ_ERRORS)
def list_deliveries(job_id: str, svc: ServicesDep, tenant: TenantDep) -> dict[str, Any]:
    """Every message sent to the job's `callback_url` (the first, and each redelivery), with its
    attempts (time, duration, HTTP status, error) and, while it is pending, its next attempt."""
    job = _job_or_404(svc, tenant, job_id)
    return {"data": [delivery_view(m) for m in svc.store.webhook_messages(job.id)]}


@router.post("/jobs/{job_id}/deliveries", status_code=202, response_model=DeliveryOut,
             summary="Send the job's webhook again",
             responses={**READ_ERRORS, **errors(409)})
def redeliver(job_id: str, svc: ServicesDep, tenant: TenantDep) -> dict[str, Any]:
    """A new message (new `webhook-id`) with the job as it is now, delivered and retried like
    the first."""
    job = _job_or_404(svc, tenant, job_id)
    return delivery_view(jobs.redeliver_webhook(svc, job))


@router.get("/jobs/{job_id}/report", summary="The audit report",
            responses={200: {"description": "The report in the format asked for.",
                             "content": {"application/json": {"schema": {"type": "object"}},
                                         "text/html": {"schema": {"type": "string"}},
                                         "text/csv": {"schema": {"type": "string"}},
                                         "application/sarif+json": {"schema": {"type": "object"}},
                                         "application/xml": {"schema": {"type": "string"}},
                                         "application/ld+json": {"schema": {"type": "object"}}}},
                       **READ_ERRORS, **errors(409, 415)})
def get_report(job_id: str, svc: ServicesDep, tenant: TenantDep,
               format: Annotated[str, Query(description="json, html, csv, sarif, junit, earl")] = "json",
               ) -> Response:
    job = _job_or_404(svc, tenant, job_id)
    if job.kind != JobKind.AUDIT.value:
        raise NotFound("Conversions have artifacts, not a report.")
    if job.status != JobStatus.SUCCEEDED.value:
        raise Conflict(f"The job is {job.status}; its report exists once it has succeeded.")
    report = jobs.load_report(job)
    if report is None:
        raise NotFound("The report file of this job is missing.")
    body, media_type = services.render_report(report, format.lower(), svc.registry)
    return Response(body, media_type=media_type)


@router.get("/jobs/{job_id}/artifacts.zip", summary="Download every output of a job in one zip",
            response_class=StreamingResponse,
            responses={200: {"description": "A zip of the job's files, streamed as it is made.",
                             "content": {"application/zip": BINARY, "application/octet-stream": BINARY}},
                       **READ_ERRORS, **errors(409)})
def get_artifacts_zip(job_id: str, svc: ServicesDep, tenant: TenantDep) -> StreamingResponse:
    """Every file of a succeeded job (a conversion's outputs, an audit's report) in one zip,
    streamed as it is made (no Range: ask for one file at a time for that)."""
    return zip_response(svc, _job_or_404(svc, tenant, job_id))


@router.get("/jobs/{job_id}/artifacts/{name}", summary="Download a file (HTTP Range supported)",
            response_class=StreamingResponse,
            responses={200: {"description": "The whole file.",
                             "content": {"application/octet-stream": BINARY}},
                       206: {"description": "The range asked for (`Range: bytes=…`).",
                             "content": {"application/octet-stream": BINARY}},
                       **READ_ERRORS, **errors(416)})
def get_artifact(job_id: str, name: str, svc: ServicesDep, tenant: TenantDep,
                 range_header: Annotated[str | None, Header(alias="Range")] = None) -> Response:
    job = _job_or_404(svc, tenant, job_id)
    art = svc.store.get_artifact(job.id, name)
    path = Path(art.path) if art else None
    if art is None or path is None or not path.is_file() or not svc.storage.contains(path):
        raise NotFound(f"Job {job_id} has no file {name!r}.")
    return file_response(path, art.name, art.media_type, range_header)
