"""Request and response bodies (what /docs shows)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

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


class ArtifactInfo(BaseModel):
    name: str
    media_type: str
    size: int
    url: str


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


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing, unknown, revoked or expired API key (`unauthorized`)."},
    403: {"model": ErrorOut, "description": "The API key does not have the scope this needs (`forbidden`)."},
    404: {"model": ErrorOut, "description": "No such job for this tenant (`not_found`)."},
    422: {"model": ErrorOut, "description": "Invalid request or input (`invalid_request`, ...)."},
}


class AuditJobs(BaseModel):
    """The jobs of an audit config document, one per site, in its order."""

    jobs: list[JobOut]
SUBMIT_ERRORS: dict[int | str, dict[str, Any]] = {
    429: {"model": LimitErrorOut, "description": "A limit of the tenant is reached (`rate_limited`: jobs per "
          "minute or jobs in flight; `quota_exceeded`: bytes per day); see the `Retry-After` header.",
          "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}},
}
