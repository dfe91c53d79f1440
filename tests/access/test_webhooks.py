"""Webhooks as Standard Webhooks does them, against a real local HTTP receiver: signatures checked
with the specification's own Python library (``standardwebhooks``), replays refused by its
timestamp tolerance, one attempt per call logged in the job store with its backoff, and the
network guard applied at delivery."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import standardwebhooks.webhooks as stock
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from access.config import Settings
from access.models import JobKind, JobStatus
from access.store import Store
from access.webhooks import (
    SIGNATURE_HEADER,
    backoff,
    deliver,
    delivery_view,
    headers_for,
    sign,
    standard_secret,
    verify,
)

SECRET = "9f" * 32                 # a tenant's secret as the store makes it (64 hex characters)


class Receiver:
    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = 500 if len(receiver.requests) <= receiver.fail_first else 204
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail_first=2)
    yield r
    r.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", allow_private_networks=["127.0.0.0/8"],
                    webhook_attempts=3, webhook_backoff=5, webhook_timeout=5)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store(settings.resolved_database_url)
    s.ensure_schema()
    yield s
    s.dispose()


def finished_job(store: Store, url: str) -> str:
    store.create_api_key("school")
    job, _ = store.create_job(tenant="school", kind=JobKind.AUDIT, input={"url": "https://example.org"},
                              options={}, callback_url=url)
    store.finish(job.id, JobStatus.SUCCEEDED, result={})
    return job.id


def test_signature_verifies_with_the_stock_standard_webhooks_library() -> None:
    body = b'{"id":"1","status":"succeeded"}'
    headers = headers_for("msg_1", body, SECRET)
    assert Webhook(standard_secret(SECRET)).verify(body, headers) == {"id": "1", "status": "succeeded"}
    assert headers["webhook-signature"].startswith("v1,") and standard_secret(SECRET).startswith("whsec_")
    with pytest.raises(WebhookVerificationError):
        Webhook(standard_secret(SECRET)).verify(body + b" ", headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(standard_secret("ab" * 32)).verify(body, headers)
    forged = {**headers, "webhook-id": "msg_2"}          # the id is signed too
    with pytest.raises(WebhookVerificationError):
        Webhook(standard_secret(SECRET)).verify(body, forged)


def test_the_deprecated_header_is_still_sent_and_verifies() -> None:
    body = b'{"id":"1"}'
    headers = headers_for("msg_1", body, SECRET)
    assert headers[SIGNATURE_HEADER] == sign(body, SECRET) and verify(body, SECRET, headers[SIGNATURE_HEADER])
    assert not verify(body, "other", headers[SIGNATURE_HEADER]) and not verify(body, SECRET, None)


def test_a_captured_delivery_replayed_later_is_refused(monkeypatch: pytest.MonkeyPatch, store: Store,
                                                       settings: Settings) -> None:
    receiver = Receiver()
    try:
        job_id = finished_job(store, receiver.url)
        msg = store.add_webhook_message(job_id, receiver.url, json.dumps({"id": job_id}), "finished")
        assert deliver(store, settings, msg.id) is None
        headers, body = receiver.requests[0]
    finally:
        receiver.close()
    hook = Webhook(standard_secret(store.webhook_secret("school") or ""))
    assert hook.verify(body, headers) == {"id": job_id}, "verifies when it arrives"

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return datetime.now(tz) + timedelta(minutes=10)

    monkeypatch.setattr(stock, "datetime", Later)
    with pytest.raises(WebhookVerificationError, match="too old"):
        hook.verify(body, headers)


def test_each_call_makes_one_attempt_and_says_when_to_retry(store: Store, settings: Settings,
                                                           receiver: Receiver) -> None:
    job_id = finished_job(store, receiver.url)
    msg = store.add_webhook_message(job_id, receiver.url, '{"id":"x"}', "finished")
    assert deliver(store, settings, msg.id) == backoff(1, settings) == 5
    assert len(receiver.requests) == 1
    assert deliver(store, settings, msg.id) is None, "not due yet: a duplicate task does nothing"
    with store.sessions.begin() as s:                     # time passes
        s.get(type(msg), msg.id).next_attempt_at = datetime.now(UTC)
    assert deliver(store, settings, msg.id) == 30, "the backoff grows sixfold"
    with store.sessions.begin() as s:
        s.get(type(msg), msg.id).next_attempt_at = datetime.now(UTC)
    assert deliver(store, settings, msg.id) is None
    view = delivery_view(store.webhook_messages(job_id)[0])
    assert view["status"] == "delivered" and view["next_attempt_at"] is None
    assert [(a["number"], a["status_code"], a["error"]) for a in view["attempts"]] == [
        (1, 500, "HTTP 500"), (2, 500, "HTTP 500"), (3, 204, None)]
    ids = {h["webhook-id"] for h, _ in receiver.requests}
    assert ids == {msg.id}, "every attempt of a message carries the same webhook-id"


def test_gives_up_after_the_last_attempt(store: Store, settings: Settings) -> None:
    receiver = Receiver(fail_first=99)
    try:
        job_id = finished_job(store, receiver.url)
        msg = store.add_webhook_message(job_id, receiver.url, "{}", "finished")
        for _ in range(settings.webhook_attempts):
            with store.sessions.begin() as s:
                s.get(type(msg), msg.id).next_attempt_at = datetime.now(UTC)
            wait = deliver(store, settings, msg.id)
        assert wait is None and len(receiver.requests) == settings.webhook_attempts
        assert store.webhook_message(msg.id).status == "failed"
    finally:
        receiver.close()


def test_the_network_guard_applies_at_delivery(store: Store, tmp_path: Path) -> None:
    strict = Settings(_env_file=None, data_dir=tmp_path / "strict")        # no private networks allowed
    job_id = finished_job(store, "http://127.0.0.1:9/hook")
    msg = store.add_webhook_message(job_id, "http://127.0.0.1:9/hook", "{}", "finished")
    assert deliver(store, strict, msg.id) is None, "a forbidden address is not tried again"
    (attempt,) = store.webhook_message(msg.id).attempts
    assert attempt.status_code is None and "loopback" in (attempt.error or "")
    assert store.webhook_message(msg.id).status == "failed"


def test_an_unreachable_receiver_is_retried(store: Store, settings: Settings) -> None:
    job_id = finished_job(store, "http://127.0.0.1:9/hook")
    msg = store.add_webhook_message(job_id, "http://127.0.0.1:9/hook", "{}", "finished")
    assert deliver(store, settings, msg.id) == 5
    (attempt,) = store.webhook_message(msg.id).attempts
    assert attempt.status_code is None and "Connect" in (attempt.error or "")
