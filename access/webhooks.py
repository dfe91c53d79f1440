"""Completion callbacks: POST the job JSON to the submitter's ``callback_url``, signed with
HMAC-SHA256 of the exact body, retried with exponential backoff.

The receiver checks ``X-Access-Signature: sha256=<hex>`` with :func:`verify` (or the same three
lines in its own language) using the webhook secret printed by ``access keys create --show-secret``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable

import httpx

SIGNATURE_HEADER = "X-Access-Signature"
log = logging.getLogger(__name__)


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(sign(body, secret), header or "")


def deliver(url: str, body: bytes, secret: str, *, attempts: int = 5, timeout: float = 10.0,
            backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep,
            client: httpx.Client | None = None) -> int:
    """POST ``body`` until the receiver answers 2xx; returns the attempt that succeeded.
    Raises :class:`DeliveryFailed` after ``attempts`` tries (waiting backoff, 2×backoff, …)."""
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(body, secret),
               "User-Agent": "access-webhook/1"}
    last = "no attempt made"
    own = client is None
    client = client or httpx.Client(timeout=timeout, follow_redirects=False)
    try:
        for attempt in range(1, attempts + 1):
            try:
                response = client.post(url, content=body, headers=headers)
                if 200 <= response.status_code < 300:
                    return attempt
                last = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
            log.warning("webhook %s attempt %d failed: %s", url, attempt, last)
            if attempt < attempts:
                sleep(backoff * 2 ** (attempt - 1))
    finally:
        if own:
            client.close()
    raise DeliveryFailed(f"Callback to {url} failed after {attempts} attempts: {last}")


class DeliveryFailed(Exception):
    pass
