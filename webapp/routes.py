"""The web app's pages: thin routes over the same use-cases as the API (access.submission to
submit, the job store and access.jobs to read, cancel and delete, access.services to render
reports and speak a voice sample). Every page is server-rendered and works without script;
app.js only adds drag-and-drop, the voice sample player, live progress and the audio player's
extras."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from access import jobs, services
from access.config import AuthMode
from access.errors import AccessError, Unauthorized
from access.history import load_history, subject_of
from access.jobfilters import JobFilter
from access.keys import Scope
from access.models import JobKind, JobStatus, Report
from access.requirements import Standard
from access.store import Job
from access.submission import submit_file, submit_url_audit
from api.deps import SCOPE_OF_KIND, Caller, Services, ServicesDep
from api.downloads import file_response, zip_response
from webapp import share
from webapp.auth import (
    SESSION_COOKIE,
    MaybeCallerDep,
    PageError,
    SignInRequired,
    WebCallerDep,
    checked_form,
    close_session,
    csrf_token,
    finish_response,
    open_session,
    optional_caller,
    require,
)
from webapp.forms import (
    FORMAT_NAMES,
    READING_SPEEDS,
    STANDARD_LABELS,
    TARGET_LABELS,
    FormErrors,
    audit_site_body,
    convert_fields,
    error_field,
    format_list,
    standard_of,
)
from webapp.history_view import history_view
from webapp.report_view import ReportFilters, report_view
from webapp.templating import templates

log = logging.getLogger(__name__)
PER_PAGE = 20
# a form sent back with its errors is a page like any other (200): browsers, screen readers and our own
# web auditor treat an error status as a page that failed to load
FORM_ERROR_STATUS = 200
PREVIEW_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; media-src 'self'; "
               "frame-ancestors 'self'; sandbox")
Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class PageRoute(APIRoute):
    """A page: a browser that must sign in is sent to the sign-in page, and an error is a page."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                if request.method != "GET":          # a form sent after the session ended: back to its page
                    referer = urlsplit(request.headers.get("referer", ""))
                    target = referer.path if referer.netloc == request.url.netloc and referer.path else "/"
                return RedirectResponse("/sign-in?" + urlencode({"next": target}), status_code=303)
            except PageError as exc:
                return error_page(request, exc)

        return route


router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _svc(request: Request) -> Services:
    return request.app.state.services


def page(request: Request, name: str, caller: Caller | None, status_code: int = 200, **context: Any) -> Response:
    svc = _svc(request)
    values = {"caller": caller, "csrf_token": csrf_token(request),
              "signed_in": caller is not None and svc.settings.auth_mode is not AuthMode.NONE, **context}
    response = templates.TemplateResponse(request, name, values, status_code=status_code)
    return finish_response(request, response, svc.settings)


def error_page(request: Request, exc: PageError) -> Response:
    svc = _svc(request)
    caller = None
    if svc.settings.auth_mode is AuthMode.NONE or request.cookies.get(SESSION_COOKIE):
        caller = optional_caller(request, svc)
    return page(request, "error.html", caller, exc.status, title=exc.title, message=exc.message)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None) -> str:
    """Only a path of this site (never ``//host`` or a scheme) may be where sign-in goes next."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# ----------------------------------------------------------------------------- sign in


@router.get("/sign-in")
def sign_in_page(request: Request, caller: MaybeCallerDep, next: str = "/", signed_out: bool = False) -> Response:
    if caller is not None:
        return redirect(safe_next(next))
    return page(request, "sign_in.html", None, next=safe_next(next), errors=FormErrors(), signed_out=signed_out)


@router.post("/sign-in")
async def sign_in(request: Request, svc: ServicesDep) -> Response:
    form = await checked_form(request)
    target = safe_next(str(form.get("next") or "/"))
    key = str(form.get("key") or "")
    response = redirect(target)
    errors = FormErrors()
    if not key.strip():
        errors.add("key", "Enter your access key. The server's `make key` command prints one.")
    else:
        try:
            await run_in_threadpool(open_session, request, response, svc, key)
        except Unauthorized as exc:
            errors.add("key", exc.message)
    if errors:
        return page(request, "sign_in.html", None, 401, next=target, errors=errors, signed_out=False)
    return finish_response(request, response, svc.settings)


@router.post("/sign-out")
async def sign_out(request: Request, svc: ServicesDep) -> Response:
    await checked_form(request)
    response = redirect("/sign-in?signed_out=1")
    close_session(request, response, svc)
    return response


# ----------------------------------------------------------------------------- home


def job_label(job: Job) -> str:
    return str(job.input.get("name") or job.input.get("filename") or job.input.get("url") or job.id[:8])


@router.get("/")
def home(request: Request, caller: WebCallerDep, svc: ServicesDep) -> Response:
    recent, total = svc.store.list_jobs(caller.tenant, limit=5)
    return page(request, "home.html", caller, nav="/", recent=recent, total=total, label=job_label)


# ----------------------------------------------------------------------------- convert


def voices(svc: Services) -> list[Any]:
    return sorted((v for source in svc.registry.voices.load_all().values() for v in source.voices()),
                  key=lambda v: (v.name.lower(), v.id))


def convert_context(svc: Services, values: dict[str, Any], errors: FormErrors) -> dict[str, Any]:
    order = list(TARGET_LABELS)
    available = sorted(services.convert_targets(svc.registry), key=lambda t: (order.index(t) if t in order else 99, t))
    all_voices = voices(svc)
    languages = sorted({(v.language, v.name) for v in all_voices if v.engine == "espeak-ng"}, key=lambda x: x[1])
    return {"nav": "/convert", "targets": [(t, *TARGET_LABELS.get(t, (t, ""))) for t in available],
            "voices": all_voices, "languages": languages, "speeds": READING_SPEEDS, "values": values,
            "errors": errors, "accepted": format_list(services.conversion_inputs(svc.registry)),
            "limit": svc.settings.max_upload_bytes}


CONVERT_DEFAULTS = {"targets": ["html"], "language": "", "voice": "", "rate": "175", "braille_grade": "2"}


@router.get("/convert")
def convert_page(request: Request, caller: WebCallerDep, svc: ServicesDep) -> Response:
    return page(request, "convert.html", caller, **convert_context(svc, dict(CONVERT_DEFAULTS), FormErrors()))


async def _upload(request: Request) -> tuple[Any, UploadFile | None]:
    form = await checked_form(request, max_files=1, max_fields=100)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        upload = None
    return form, upload


@router.post("/convert")
async def convert_submit(request: Request, caller: WebCallerDep, svc: ServicesDep) -> Response:
    require(caller, Scope.CONVERT)
    form, upload = await _upload(request)
    targets = [str(t) for t in form.getlist("targets")]
    values = {"targets": targets, **{k: str(form.get(k) or "") for k in ("language", "voice", "rate",
                                                                         "braille_grade")}}
    errors = FormErrors()                  # in the order of the form's fields: the summary lists them so
    if upload is None:
        errors.add("file", f"Choose the file to convert ({format_list(services.conversion_inputs(svc.registry))}).")
    fields = convert_fields(values, targets, services.convert_targets(svc.registry), errors)
    if not errors and upload is not None:
        try:
            job, _ = await run_in_threadpool(submit_file, svc, caller.tenant, JobKind.CONVERSION, upload.file,
                                             upload.filename, fields, None)
            return redirect(f"/jobs/{job.id}")
        except AccessError as exc:
            name, message = error_field(exc, inputs=services.conversion_inputs(svc.registry),
                                        max_upload=svc.settings.max_upload_bytes)
            errors.add(name, message)
        finally:
            await upload.close()
    return page(request, "convert.html", caller, FORM_ERROR_STATUS, **convert_context(svc, values, errors))


@router.get("/voices/sample")
async def voice_sample(request: Request, caller: WebCallerDep, svc: ServicesDep,
                       voice: str = "", rate: int = 175) -> Response:
    """A short sentence in the chosen voice and speed, spoken by the real speech engine."""
    if voice and voice not in {v.id for v in voices(svc)}:
        raise PageError(404, "No such voice", f"There is no voice {voice!r} on this server.")
    if rate not in {r for r, _ in READING_SPEEDS}:
        raise PageError(404, "No such speed", "Choose a reading speed from the list.")
    folder = svc.settings.resolved_data_dir / "voice-samples"
    ctx = services.make_context(svc.settings)
    path = await run_in_threadpool(services.voice_sample, voice or None, rate, folder, ctx, svc.registry)
    return file_response(path, "voice-sample.mp3", "audio/mpeg", request.headers.get("range"),
                         disposition="inline")


# ----------------------------------------------------------------------------- audit

AUDIT_DEFAULTS = {"url": "", "max_pages": "10", "max_depth": "2", "standard": Standard.WCAG22AA.value}


def audit_context(svc: Services, values: dict[str, Any], errors: FormErrors, which: str = "") -> dict[str, Any]:
    return {"nav": "/audit", "values": values, "errors": errors, "which": which,
            "standards": list(STANDARD_LABELS.items()), "max_crawl_pages": svc.settings.max_crawl_pages,
            "web_audits": services.WEB in svc.registry.auditors,
            "accepted": format_list(services.audit_formats(svc.registry)), "limit": svc.settings.max_upload_bytes}


@router.get("/audit")
def audit_page(request: Request, caller: WebCallerDep, svc: ServicesDep) -> Response:
    return page(request, "audit.html", caller, **audit_context(svc, dict(AUDIT_DEFAULTS), FormErrors()))


@router.post("/audit/site")
async def audit_site(request: Request, caller: WebCallerDep, svc: ServicesDep) -> Response:
    require(caller, Scope.AUDIT)
    form = await checked_form(request)
    values = {k: str(form.get(k) or "") for k in AUDIT_DEFAULTS}
    errors = FormErrors()
    body = audit_site_body(values, svc.settings.max_crawl_pages, errors)
    if not errors:
        try:
            job, _ = await run_in_threadpool(submit_url_audit, svc, caller.tenant, body, None)
            return redirect(f"/jobs/{job.id}")
        except AccessError as exc:
            errors.add(*error_field(exc, inputs=[], max_upload=svc.settings.max_upload_bytes))
    return page(request, "audit.html", caller, FORM_ERROR_STATUS, **audit_context(svc, values, errors, "site"))


@router.post("/audit/document")
async def audit_document(request: Request, caller: WebCallerDep, svc: ServicesDep) -> Response:
    require(caller, Scope.AUDIT)
    form, upload = await _upload(request)
    values = {**AUDIT_DEFAULTS, "doc_standard": str(form.get("doc_standard") or "")}
    errors = FormErrors()
    standard = standard_of({"standard": values["doc_standard"]}, errors)
    inputs = services.audit_formats(svc.registry)
    if upload is None:
        errors.add("doc_file", f"Choose the document to audit ({format_list(inputs)}).")
    if not errors and upload is not None:
        try:
            job, _ = await run_in_threadpool(submit_file, svc, caller.tenant, JobKind.AUDIT, upload.file,
                                             upload.filename, [("standard", standard)], None)
            return redirect(f"/jobs/{job.id}")
        except AccessError as exc:
            errors.add(*error_field(exc, file_field="doc_file", inputs=inputs,
                                    max_upload=svc.settings.max_upload_bytes))
        finally:
            await upload.close()
    return page(request, "audit.html", caller, FORM_ERROR_STATUS, **audit_context(svc, values, errors, "document"))


# ----------------------------------------------------------------------------- jobs


@router.get("/jobs")
def jobs_page(request: Request, caller: WebCallerDep, svc: ServicesDep,
              kind: Annotated[str, Query(max_length=20)] = "", status: Annotated[str, Query(max_length=20)] = "",
              q: Annotated[str, Query(max_length=200)] = "", page_number: Annotated[int, Query(alias="page")] = 1,
              ) -> Response:
    kind = kind if kind in {k.value for k in JobKind} else ""
    status = status if status in {s.value for s in JobStatus} else ""
    filters = JobFilter(status=status or None, kind=kind or None, search=q.strip() or None)
    number = max(1, page_number)
    rows, total = svc.store.list_jobs(caller.tenant, limit=PER_PAGE, offset=(number - 1) * PER_PAGE, filters=filters)
    pages = max(1, math.ceil(total / PER_PAGE))
    query = filters.query()

    def page_url(n: int) -> str:
        return "/jobs?" + urlencode({**query, "page": n})

    return page(request, "jobs.html", caller, nav="/jobs", rows=rows, total=total, number=number, pages=pages,
                page_url=page_url, kind=kind, status=status, q=q, label=job_label,
                kinds=[k.value for k in JobKind], statuses=[s.value for s in JobStatus])


def job_or_404(svc: Services, caller: Caller, job_id: str) -> Job:
    job = svc.store.get_job(job_id, tenant=caller.tenant) if len(job_id) <= 36 else None
    if job is None:
        raise PageError(404, "Job not found", "There is no such job among yours. It may have been deleted.")
    return job


def job_context(svc: Services, job: Job) -> dict[str, Any]:
    view = jobs.job_view(job)
    files = []
    for art in view["artifacts"]:
        name = art["name"]
        art["href"] = f"/jobs/{job.id}/files/{quote(name)}"
        art["preview"] = f"/jobs/{job.id}/preview/{quote(name)}" if art["media_type"].startswith("text/html") else None
        art["audio"] = art["media_type"] == "audio/mpeg"
        art["format"] = TARGET_LABELS.get(art.get("target") or "", (art.get("target") or "", ""))[0]
        files.append(art)
    report = next((a for a in files if a["name"] == jobs.REPORT_ARTIFACT), None)
    subject = subject_of(job) if job.kind == JobKind.AUDIT.value else None
    history = "/history?" + urlencode(subject) if subject else None
    return {"job": job, "view": view, "files": [f for f in files if f is not report and
                                                 (f.get("target") or job.kind == JobKind.CONVERSION.value)],
            "label": job_label(job), "finished": job.job_status.finished,
            "sharing": share.share_key(svc.settings) is not None, "history": history,
            "source_format": FORMAT_NAMES.get(str(job.input.get("format")), job.input.get("format"))}


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, caller: WebCallerDep, svc: ServicesDep) -> Response:
    job = job_or_404(svc, caller, job_id)
    return page(request, "job.html", caller, nav="/jobs", **job_context(svc, job), shared=None)


@router.get("/jobs/{job_id}/status")
def job_status(job_id: str, caller: WebCallerDep, svc: ServicesDep) -> JSONResponse:
    """What the job page's script polls: status, percent and stage (no-store)."""
    job = job_or_404(svc, caller, job_id)
    return JSONResponse({"status": job.status, "progress": job.progress, "stage": job.stage or "",
                         "finished": job.job_status.finished}, headers={"Cache-Control": "no-store"})


@router.post("/jobs/{job_id}/cancel")
async def cancel(request: Request, job_id: str, caller: WebCallerDep, svc: ServicesDep) -> Response:
    await checked_form(request)
    job = job_or_404(svc, caller, job_id)
    require(caller, SCOPE_OF_KIND[JobKind(job.kind)])
    jobs.cancel_job(svc, job)
    return redirect(f"/jobs/{job.id}")


@router.post("/jobs/{job_id}/delete")
async def delete(request: Request, job_id: str, caller: WebCallerDep, svc: ServicesDep) -> Response:
    await checked_form(request)
    job = job_or_404(svc, caller, job_id)
    require(caller, SCOPE_OF_KIND[JobKind(job.kind)])
    jobs.cancel_job(svc, job)
    jobs.delete_job(svc, job)
    return redirect("/jobs?deleted=1")


def artifact_path(svc: Services, job: Job, name: str) -> tuple[Any, Path]:
    art = svc.store.get_artifact(job.id, name)
    path = Path(art.path) if art else None
    if art is None or path is None or not path.is_file() or not svc.storage.contains(path):
        raise PageError(404, "File not found", f"This job has no file {name!r}.")
    return art, path


@router.get("/jobs/{job_id}/files/{name}")
def download(job_id: str, name: str, caller: WebCallerDep, svc: ServicesDep,
             range_header: Annotated[str | None, Header(alias="Range")] = None) -> Response:
    art, path = artifact_path(svc, job_or_404(svc, caller, job_id), name)
    return file_response(path, art.name, art.media_type, range_header)


@router.get("/jobs/{job_id}/files.zip")
def download_all(job_id: str, caller: WebCallerDep, svc: ServicesDep) -> Response:
    job = job_or_404(svc, caller, job_id)
    try:
        return zip_response(svc, job)
    except AccessError as exc:
        raise PageError(404, "No files yet", exc.message) from exc


@router.get("/jobs/{job_id}/preview/{name}")
def preview(job_id: str, name: str, caller: WebCallerDep, svc: ServicesDep) -> Response:
    """A converted HTML document shown inline, sandboxed: no script runs, nothing leaves the site."""
    art, path = artifact_path(svc, job_or_404(svc, caller, job_id), name)
    if not art.media_type.startswith("text/html"):
        raise PageError(404, "No preview", "Only web pages can be previewed; download the file instead.")
    return file_response(path, art.name, "text/html; charset=utf-8", None, disposition="inline", headers={
        "Content-Security-Policy": PREVIEW_CSP, "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "SAMEORIGIN"})


@router.post("/jobs/{job_id}/share")
async def share_file(request: Request, job_id: str, caller: WebCallerDep, svc: ServicesDep) -> Response:
    form = await checked_form(request)
    job = job_or_404(svc, caller, job_id)
    name = str(form.get("name") or "")
    artifact_path(svc, job, name)
    key = share.share_key(svc.settings)
    if key is None:
        raise PageError(409, "Share links are off", "This server has no secret to sign share links with. An "
                        "administrator can turn them on with the setting ACCESS_SHARE_SECRET.")
    link = share.make_link(key, job.tenant, job.id, name, svc.settings.share_link_days)
    url = f"{(svc.settings.public_url or str(request.base_url)).rstrip('/')}{link.path}"
    return page(request, "job.html", caller, nav="/jobs", **job_context(svc, job),
                shared={"name": name, "url": url, "days": svc.settings.share_link_days})


@router.get(share.PREFIX + "/{job_id}/{name}")
def shared_download(request: Request, job_id: str, name: str, expires: int = 0, sig: str = "",
                    range_header: Annotated[str | None, Header(alias="Range")] = None) -> Response:
    """A share link: the file, without a key, while the link is valid and the job exists."""
    svc = _svc(request)
    key = share.share_key(svc.settings)
    job = svc.store.get_job(job_id) if len(job_id) <= 36 else None
    if key is None or job is None:
        raise PageError(404, "Link not found", "This link does not work any more: the file was deleted.")
    problem = share.link_problem(key, job.tenant, job.id, name, expires, sig)
    if problem is not None:
        raise PageError(403, "Link not valid", problem)
    art, path = artifact_path(svc, job, name)
    disposition = "inline" if art.media_type.startswith("audio/") else "attachment"
    return file_response(path, art.name, art.media_type, range_header, disposition=disposition)


# ----------------------------------------------------------------------------- reports and history


def audit_report(svc: Services, job: Job) -> Report:
    if job.kind != JobKind.AUDIT.value:
        raise PageError(404, "No report", "Conversions have files, not a report.")
    if job.status != JobStatus.SUCCEEDED.value:
        raise PageError(409, "No report yet", f"The audit is {job.status}; its report exists once it has finished.")
    report = jobs.load_report(job)
    if report is None:
        raise PageError(404, "Report missing", "The report file of this audit is missing.")
    return report


@router.get("/jobs/{job_id}/report")
def report_page(request: Request, job_id: str, caller: WebCallerDep, svc: ServicesDep) -> Response:
    job = job_or_404(svc, caller, job_id)
    report = audit_report(svc, job)
    view = report_view(report, ReportFilters.from_query(request.query_params), svc.registry.rules)
    exports = [(fmt.upper(), f"/jobs/{job.id}/report/export?format={fmt}")
               for fmt in services.report_formats(svc.registry)]
    return page(request, "report.html", caller, nav="/jobs", job=job, view=view, export_links=exports,
                history_url=job_context(svc, job)["history"], artifact_url=f"/jobs/{job.id}/files/",
                label=job_label(job))


@router.get("/jobs/{job_id}/report/export")
def report_export(job_id: str, caller: WebCallerDep, svc: ServicesDep, format: str = "html") -> Response:
    job = job_or_404(svc, caller, job_id)
    report = audit_report(svc, job)
    try:
        body, media_type = services.render_report(report, format.lower(), svc.registry)
    except AccessError as exc:
        raise PageError(404, "No such format", exc.message) from exc
    name = f"report-{job.id[:8]}.{services.report_extension(format.lower(), svc.registry)}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/history")
def history_page(request: Request, caller: WebCallerDep, svc: ServicesDep,
                 site: Annotated[str, Query(max_length=2000)] = "",
                 document: Annotated[str, Query(max_length=255)] = "") -> Response:
    if not site and not document:
        raise PageError(404, "Which site or document?", "Open the history from an audit's page.")
    try:
        found = load_history(svc.store, caller.tenant, site=site or None, document=None if site else document)
    except AccessError as exc:
        raise PageError(404, "Not a site address", exc.message) from exc
    view = history_view(found, site or document, "site" if site else "document", rules=svc.registry.rules)
    return page(request, "history.html", caller, nav="/jobs", view=view, subject=site or document)
