"""Request and response bodies (what /docs shows)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from access.conversion import GateCheck
from access.models import TargetOutcome
from access.submission import ConfigAuditRequest, UrlAuditRequest


class AuditRequest(UrlAuditRequest):
    """A URL audit: the page or site to audit and how far to crawl; optionally how to sign in
    (login steps, signed_in, headers, cookies, basic_auth: sealed with the server key, deleted when
    the job ends), states, viewports, hide, disable_rules, root and a threshold."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "example": {"url": "https://example.org/course/", "max_pages": 50, "max_depth": 3,
                    "standard": "wcag22aa"}})

    url: str | None = Field(None, description="http(s) address of the page or site to audit.")
    callback_url: str | None = Field(None, description="POSTed the job JSON on completion (signed).")


class AuditConfigRequest(ConfigAuditRequest):
    """The audit config document (`access audit --config`) as JSON: one job per site."""


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with its ``$defs`` written in place (for an OpenAPI request body)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(defs[ref.rsplit("/", 1)[-1]])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return dict(resolve(schema))


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


class GateRecord(BaseModel):
    """A conversion target's quality gate (``GateResult`` as a job records it)."""

    target: str
    passed: bool
    checks: list[GateCheck] = Field(default_factory=list)
    needs_review: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list, description="Failed deciding checks, explained.")


class ChapterMark(BaseModel):
    title: str
    start: float = Field(..., description="Seconds from the start of the recording.")
    end: float


class ArtifactInfo(BaseModel):
    name: str
    media_type: str
    size: int
    url: str
    target: str | None = Field(None, description="The conversion target that made the file (none for reports).")
    gate: GateRecord | None = Field(None, description="The quality gate of that target, when it ran.")
    duration: float | None = Field(None, description="Audio: length in seconds.")
    chapters: list[ChapterMark] | None = Field(None, description="Audio: one mark per chapter.")
    pages: int | None = Field(None, description="Documents: braille pages, or the print pages an EPUB marks.")


class JobOut(BaseModel):
    id: str
    kind: str
    status: str
    progress: int
    stage: str | None = None
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    error: ErrorBody | None = None
    artifacts: list[ArtifactInfo] = Field(default_factory=list)
    attempts: int = 0
    input: dict[str, Any] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)
    result: dict[str, Any] = Field(default_factory=dict)
    report_url: str | None = None
    targets: dict[str, TargetOutcome] | None = Field(None, description=(
        "Conversions: each target's outcome (`succeeded`, or `failed` with its own `error`). A conversion "
        "`succeeded` when at least one target was delivered (the others' errors are here and in "
        "`result.warnings`), and `failed` only when none was."))


class JobList(BaseModel):
    data: list[JobOut]
    count: int
    limit: int
    offset: int
    next: str | None = None


class DeliveryAttempt(BaseModel):
    number: int
    at: str
    duration_ms: int
    status_code: int | None = None
    error: str | None = None


class DeliveryOut(BaseModel):
    """One webhook message: its `webhook-id`, where it went, and every attempt to deliver it."""

    id: str
    url: str
    trigger: str = Field(description="`finished` (the job ended) or `redelivery` (asked for).")
    status: str = Field(description="`pending`, `delivered` or `failed` (every attempt made).")
    created_at: str
    next_attempt_at: str | None = None
    attempts: list[DeliveryAttempt] = Field(default_factory=list)


class DeliveryList(BaseModel):
    data: list[DeliveryOut]


class LimitErrorBody(ErrorBody):
    limit: str = Field(description="`jobs_per_minute`, `concurrent_jobs` or `bytes_per_day`.")
    retry_after: int = Field(description="Seconds until the same request may pass (also the Retry-After header).")


class LimitErrorOut(BaseModel):
    error: LimitErrorBody


class AuditJobs(BaseModel):
    """The jobs of an audit config document, one per site, in its order."""

    jobs: list[JobOut]


ERROR_DESCRIPTIONS: dict[int, str] = {
    401: "Missing, unknown, revoked or expired API key (`unauthorized`).",
    403: "The API key does not have the scope this needs (`forbidden`).",
    404: "No such job or file for this tenant (`not_found`).",
    409: "The job is not in a state that has this (`conflict`): its outputs exist once it has succeeded.",
    413: "The upload is larger than the limit (`file_too_large`).",
    415: "The file's format is not supported for this (`unsupported_format`).",
    416: "The Range is outside the file (`range_not_satisfiable`); `Content-Range` gives its size.",
    422: "Invalid request or input (`invalid_request`, `empty_file`, `invalid_document`, "
         "`encrypted_document`, `limit_exceeded`, `url_forbidden`).",
    429: "A limit of the tenant is reached (`rate_limited`: jobs per minute or jobs in flight; "
         "`quota_exceeded`: bytes per day); the `Retry-After` header says when to try again.",
    500: "An unexpected error; it has been logged (`internal_error`).",
    503: "The job queue or an engine is not reachable (`engine_unavailable`); submit again later.",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error responses a route can give, each in the one error shape (``ErrorOut``; a 429 also
    says which limit and when to try again)."""
    return {code: ({"model": LimitErrorOut, "description": ERROR_DESCRIPTIONS[code], "headers": RETRY_AFTER}
                   if code == 429 else {"model": ErrorOut, "description": ERROR_DESCRIPTIONS[code]})
            for code in codes}


AUTHENTICATED = (401, 403, 429, 500)                 # every /v1 route that needs a key
ERRORS = errors(401, 403, 404, 422)
SUBMIT_ERRORS = errors(*AUTHENTICATED, 413, 415, 422, 503)
READ_ERRORS = errors(*AUTHENTICATED, 404, 422)
