"""Completion callbacks as the Standard Webhooks specification does them
(https://www.standardwebhooks.com): every delivery carries

- ``webhook-id``: the message id (``msg_…``), the same on every attempt of one message;
- ``webhook-timestamp``: seconds since the epoch when the attempt was signed;
- ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``,

keyed with the tenant's secret in its ``whsec_<base64>`` form (:func:`standard_secret`). Because
the timestamp is signed, a receiver that refuses timestamps older than a few minutes (every
Standard Webhooks library does: 5 minutes) cannot be fed a captured delivery later.

``X-Access-Signature: sha256=<hex HMAC-SHA256 of the body>`` keyed with the raw secret is still
sent for this release, for receivers written against the first version; it is deprecated (it
signs no time, so it does not stop replays) and goes in the next release.

A message is attempted by one task at a time (``access.webhook``); :func:`deliver` makes one
attempt, logs it (``webhook_attempts``: number, time, duration, status code, error) and says when
to try again (``webhook_backoff`` × 6ⁿ, at most ``webhook_backoff_max``), which the task turns
into a Celery retry with that countdown: no worker sleeps between attempts. After
``webhook_attempts`` attempts the message is ``failed``; ``POST /v1/jobs/{id}/deliveries`` sends
the job again as a new message.

:func:`post` is the one place a webhook leaves the service: every attempt resolves the host
once, checks the address against the network guard and connects to that address
(:func:`access.netguard.guarded_client`), so a name that answers a public address at submission
and 127.0.0.1 at delivery (DNS rebinding) reaches nothing. Redirects are not followed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from access import metrics
from access.config import Settings
from access.errors import UrlForbidden, UrlUnreachable
from access.models import utcnow
from access.netguard import guarded_client, url_target
from access.store import DELIVERED, PENDING_DELIVERY, UNDELIVERED, Store, WebhookMessage

SIGNATURE_HEADER = "X-Access-Signature"          # deprecated: the first release's signature
SECRET_PREFIX = "whsec_"
BACKOFF_FACTOR = 6
USER_AGENT = "access-webhook/2"
log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- signatures


def secret_bytes(secret: str) -> bytes:
    """The HMAC key of a Standard Webhooks signature: a ``whsec_…`` secret's decoded bytes, the
    bytes a tenant's hex secret stands for, or another string's UTF-8 bytes."""
    if secret.startswith(SECRET_PREFIX):
        return base64.b64decode(secret[len(SECRET_PREFIX):] + "==")
    try:
        return bytes.fromhex(secret)
    except ValueError:
        return secret.encode()


def standard_secret(secret: str) -> str:
    """The secret as Standard Webhooks libraries take it: ``whsec_<base64>``."""
    return secret if secret.startswith(SECRET_PREFIX) else SECRET_PREFIX + base64.b64encode(
        secret_bytes(secret)).decode()


def standard_signature(message_id: str, timestamp: int, body: bytes, secret: str) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()).decode()


def sign(body: bytes, secret: str) -> str:
    """The deprecated ``X-Access-Signature`` value."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str | None) -> bool:
    """Check a deprecated ``X-Access-Signature`` header."""
    return bool(header) and hmac.compare_digest(sign(body, secret), header or "")


def headers_for(message_id: str, body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Every header of one delivery attempt, signed at ``timestamp`` (now by default)."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {"Content-Type": "application/json", "User-Agent": USER_AGENT,
            "webhook-id": message_id, "webhook-timestamp": str(ts),
            "webhook-signature": standard_signature(message_id, ts, body, secret),
            SIGNATURE_HEADER: sign(body, secret)}


# ----------------------------------------------------------------------------- one attempt


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    error: str | None
    duration_ms: int
    retry: bool          # whether another attempt may succeed

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: bytes, headers: dict[str, str], settings: Settings) -> AttemptResult:
    """POST one delivery: the only code that sends a webhook. The host is resolved once, checked by
    the network guard and connected to at the checked address (a forbidden one is not tried
    again); redirects are not followed."""
    start = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - start) * 1000)

    try:
        url_target(url)
        with guarded_client(settings, timeout=settings.webhook_timeout, follow_redirects=False) as client:
            response = client.post(url, content=body, headers=headers)
    except UrlForbidden as exc:
        return AttemptResult(None, exc.message, took(), retry=False)
    except UrlUnreachable as exc:
        return AttemptResult(None, exc.message, took(), retry=True)
    except httpx.HTTPError as exc:
        return AttemptResult(None, f"{type(exc).__name__}: {exc}"[:500], took(), retry=True)
    error = None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    return AttemptResult(response.status_code, error, took(), retry=True)


def backoff(attempt: int, settings: Settings) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, …)."""
    return min(settings.webhook_backoff_max, settings.webhook_backoff * BACKOFF_FACTOR ** (attempt - 1))


def deliver(store: Store, settings: Settings, message_id: str) -> float | None:
    """Make the next attempt of a pending message and log it. Returns the seconds until the
    next attempt, or None when there is none to make (delivered, given up, gone, or this call
    was a duplicate of a task that already made the attempt)."""
    msg = store.webhook_message(message_id)
    if msg is None or msg.status != PENDING_DELIVERY:
        return None
    now = utcnow()
    if msg.next_attempt_at is not None and msg.next_attempt_at - now > timedelta(seconds=1):
        log.info("webhook %s: attempt not due before %s (a duplicate task)", message_id, msg.next_attempt_at)
        return None
    job = store.get_job(msg.job_id)
    if job is None:
        return None
    secret = store.webhook_secret(job.tenant) or settings.webhook_secret or ""
    body = msg.body.encode()
    number = len(msg.attempts) + 1
    result = post(msg.url, body, headers_for(msg.id, body, secret), settings)
    metrics.webhook_delivery(result.ok)
    status, wait = _after_attempt(result, number, settings)
    next_at = now + timedelta(seconds=wait) if wait is not None else None
    if not store.record_attempt(msg.id, number=number, started_at=now, duration_ms=result.duration_ms,
                                status_code=result.status_code, error=result.error, status=status,
                                next_attempt_at=next_at):
        return None
    if not result.ok:
        log.warning("webhook %s for job %s: attempt %d failed (%s)%s", msg.id, msg.job_id, number, result.error,
                    f"; next in {wait:.0f} s" if wait is not None else "; giving up")
    return wait


def _after_attempt(result: AttemptResult, number: int, settings: Settings) -> tuple[str, float | None]:
    if result.ok:
        return DELIVERED, None
    if not result.retry or number >= settings.webhook_attempts:
        return UNDELIVERED, None
    return PENDING_DELIVERY, backoff(number, settings)


# ----------------------------------------------------------------------------- the delivery log


def delivery_view(msg: WebhookMessage) -> dict[str, object]:
    """One message as ``GET /v1/jobs/{id}/deliveries`` shows it."""
    return {
        "id": msg.id, "url": msg.url, "trigger": msg.trigger, "status": msg.status,
        "created_at": _iso(msg.created_at),
        "next_attempt_at": _iso(msg.next_attempt_at) if msg.status == PENDING_DELIVERY else None,
        "attempts": [{"number": a.number, "at": _iso(a.started_at), "duration_ms": a.duration_ms,
                      "status_code": a.status_code, "error": a.error} for a in msg.attempts],
    }


def retry_in(msg: WebhookMessage) -> float:
    """Seconds until a pending message's next attempt is due (0 when due now)."""
    if msg.next_attempt_at is None:
        return 0.0
    return max(0.0, math.ceil((msg.next_attempt_at - utcnow()).total_seconds()))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
