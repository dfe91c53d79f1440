"""Stable error codes: the promise every API response, job record and CLI message keeps.

An :class:`AccessError` carries a machine-readable ``code`` (never renamed once published), a
message written for the person who submitted the work, and the HTTP status the API answers with.
Raise the most specific subclass; the API, the workers and the CLI turn it into the DESIGN.md
error shape ``{"error": {"code": ..., "message": ...}}``.
"""

from __future__ import annotations

from typing import ClassVar


class AccessError(Exception):
    """Base of every error that reaches a user with a stable code."""

    code: ClassVar[str] = "internal_error"
    http_status: ClassVar[int] = 500

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.__doc__ or self.code
        super().__init__(self.message)

    def to_dict(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "message": self.message}}


class UnsupportedFormat(AccessError):
    """This file format is not supported."""

    code = "unsupported_format"
    http_status = 415


class FileTooLarge(AccessError):
    """The file is larger than this service accepts."""

    code = "file_too_large"
    http_status = 413


class EmptyFile(AccessError):
    """The file is empty."""

    code = "empty_file"
    http_status = 422


class InvalidDocument(AccessError):
    """The file is damaged or is not the format its name or type says."""

    code = "invalid_document"
    http_status = 422


class EncryptedDocument(AccessError):
    """The file is encrypted or password-protected; remove the protection and submit it again."""

    code = "encrypted_document"
    http_status = 422


class LimitExceeded(AccessError):
    """The input exceeds a configured limit (pages, words, time)."""

    code = "limit_exceeded"
    http_status = 422


class ResourceLimit(AccessError):
    """The job needed more than a worker has: its worker was lost (killed) each time it ran it."""

    code = "resource_limit"
    http_status = 422


class UrlForbidden(AccessError):
    """The URL is not allowed: only public http(s) addresses can be audited."""

    code = "url_forbidden"
    http_status = 422


class UrlUnreachable(AccessError):
    """The URL could not be reached."""

    code = "url_unreachable"
    http_status = 422


class Timeout(AccessError):
    """The work took longer than the configured time limit."""

    code = "timeout"
    http_status = 504


class NotFound(AccessError):
    """Not found."""

    code = "not_found"
    http_status = 404


class Unauthorized(AccessError):
    """A valid API key is required (Authorization: Bearer <key>)."""

    code = "unauthorized"
    http_status = 401


class Forbidden(AccessError):
    """The API key is valid but does not reach this operation (its scopes)."""

    code = "forbidden"
    http_status = 403


class TooManyRequests(AccessError):
    """Base of the 429 answers: ``retry_after`` seconds from now the same request may pass;
    ``limit`` names the limit that refused it (``jobs_per_minute``, ``concurrent_jobs``,
    ``bytes_per_day``)."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str | None = None, *, retry_after: int = 1, limit: str = "") -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
        self.limit = limit


class RateLimited(TooManyRequests):
    """Too many requests: slow down and try again after Retry-After seconds."""

    code = "rate_limited"


class QuotaExceeded(TooManyRequests):
    """The tenant's quota is used up until Retry-After seconds from now."""

    code = "quota_exceeded"


class ValidationFailed(AccessError):
    """The request is not valid."""

    code = "invalid_request"
    http_status = 422


class Conflict(AccessError):
    """The request conflicts with the current state of the job."""

    code = "conflict"
    http_status = 409


class EngineFailed(AccessError):
    """An engine (browser, speech, braille, OCR) failed while doing the work."""

    code = "engine_failed"
    http_status = 500


class EngineUnavailable(AccessError):
    """An engine or service is temporarily unavailable; the work is retried."""

    code = "engine_unavailable"
    http_status = 503


class StoreUnavailable(AccessError):
    """The job store (the database) did not answer, even after a few tries: try again later."""

    code = "unavailable"
    http_status = 503


class Cancelled(AccessError):
    """The job was cancelled."""

    code = "cancelled"
    http_status = 409


class RangeNotSatisfiable(AccessError):
    """The requested byte range is outside the file."""

    code = "range_not_satisfiable"
    http_status = 416


class QualityGateFailed(AccessError):
    """An output failed its quality check and validation=abort was asked for."""

    code = "quality_gate_failed"
    http_status = 422


class SignInFailed(AccessError):
    """Signing in to the site failed: a sign-in step did not work or the page did not show the
    signed-in marker afterwards. No value typed is ever named."""

    code = "sign_in_failed"
    http_status = 422


class SessionLost(AccessError):
    """The site signed the audit out and signing in again did not hold."""

    code = "session_lost"
    http_status = 422


class ActionFailed(AccessError):
    """An action before the audit (click, fill, press, wait) did not work on the page."""

    code = "action_failed"
    http_status = 422


ALL_ERRORS: tuple[type[AccessError], ...] = (
    AccessError, UnsupportedFormat, FileTooLarge, EmptyFile, InvalidDocument, EncryptedDocument,
    LimitExceeded, UrlForbidden, UrlUnreachable, Timeout, NotFound, Unauthorized, ValidationFailed,
    Conflict, EngineFailed, EngineUnavailable, Cancelled, RangeNotSatisfiable, QualityGateFailed,
    SignInFailed, SessionLost, ActionFailed, Forbidden, RateLimited, QuotaExceeded,
)
ERROR_BY_CODE: dict[str, type[AccessError]] = {cls.code: cls for cls in ALL_ERRORS}


def error_from_code(code: str, message: str) -> AccessError:
    """Rebuild an error stored as (code, message), e.g. from a job row."""
    return ERROR_BY_CODE.get(code, AccessError)(message)
