"""Request and response bodies (what /docs shows)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from access.conversion import GateCheck
from access.submission import UrlAuditRequest


class AuditRequest(UrlAuditRequest):
    """A URL audit: the page or site to audit and how far to crawl."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "example": {"url": "https://example.org/course/", "max_pages": 50, "max_depth": 3,
                    "standard": "wcag22aa"}})

    url: str = Field(..., description="http(s) address of the page or site to audit.")
    callback_url: str | None = Field(None, description="POSTed the job JSON on completion (signed).")


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


class JobList(BaseModel):
    data: list[JobOut]
    count: int
    limit: int
    offset: int
    next: str | None = None


ERROR_DESCRIPTIONS: dict[int, str] = {
    401: "Missing or invalid API key (`unauthorized`).",
    403: "The API key may not do this (`forbidden`).",
    404: "No such job or file for this tenant (`not_found`).",
    409: "The job is not in a state that has this (`conflict`): its outputs exist once it has succeeded.",
    413: "The upload is larger than the limit (`file_too_large`).",
    415: "The file's format is not supported for this (`unsupported_format`).",
    416: "The Range is outside the file (`range_not_satisfiable`); `Content-Range` gives its size.",
    422: "Invalid request or input (`invalid_request`, `empty_file`, `invalid_document`, "
         "`encrypted_document`, `limit_exceeded`, `url_forbidden`).",
    429: "Too many requests, or over a quota (`too_many_requests`); `Retry-After` says when to try again.",
    500: "An unexpected error; it has been logged (`internal_error`).",
    503: "The job queue or an engine is not reachable (`engine_unavailable`); submit again later.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error responses a route can give, each in the one error shape (``ErrorOut``)."""
    return {code: {"model": ErrorOut, "description": ERROR_DESCRIPTIONS[code]} for code in codes}


AUTHENTICATED = (401, 403, 429, 500)                 # every /v1 route that needs a key
SUBMIT_ERRORS = errors(*AUTHENTICATED, 413, 415, 422, 503)
READ_ERRORS = errors(*AUTHENTICATED, 404, 422)
