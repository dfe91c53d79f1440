"""End to end over real HTTP: uvicorn and Celery worker processes, on Redis + PostgreSQL
(distributed mode) and on the embedded defaults (SQLite + SQLite broker, `access serve`)."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from standardwebhooks import Webhook

from access.models import JobKind
from access.queue import RUN_JOB_TASK, make_celery, send_job
from access.webhooks import SIGNATURE_HEADER, standard_secret, verify
from tests.conftest import wait_for

UPLOAD_LIMIT = 256 * 1024


@pytest.fixture(scope="module")
def distributed(deployment_factory, pg_database_factory, redis_prefix):
    dep = deployment_factory(database_url=pg_database_factory(), broker_url="redis://127.0.0.1:6379/0",
                             broker_key_prefix=f"{redis_prefix}e2e:", max_upload_bytes=UPLOAD_LIMIT,
                             embedded_worker="false", webhook_backoff="0.5")
    dep.worker = dep.start_worker(concurrency=2, wait=False)
    dep.start_api()
    dep.wait_worker(dep.worker)
    yield dep
    dep.stop()


@pytest.fixture(scope="module")
def key(distributed) -> str:
    store = distributed.store()
    try:
        return store.create_api_key("e2e-school")
    finally:
        store.dispose()


def audit_flow(dep, client: httpx.Client, html: bytes) -> dict:
    r = client.post("/v1/audits", files={"file": ("lesson.html", html, "text/html")})
    assert r.status_code == 202, r.text
    job = dep.wait_job(client, r.json()["id"])
    assert job["status"] == "succeeded", job
    assert job["progress"] == 100 and job["started_at"] and job["finished_at"]
    report = client.get(f"/v1/jobs/{job['id']}/report")
    assert report.status_code == 200
    assert {"html-img-alt", "html-lang"} <= {f["rule"] for f in report.json()["findings"]
                                             if f["outcome"] == "violation"}
    (art,) = job["artifacts"]
    download = client.get(art["url"])
    assert download.status_code == 200 and json.loads(download.content) == report.json()
    part = client.get(art["url"], headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == download.content[:10]
    return job


@pytest.mark.redis
@pytest.mark.postgres
def test_html_audit_on_redis_and_postgresql(distributed, key: str, sample_html: bytes) -> None:
    with distributed.client(key) as client:
        job = audit_flow(distributed, client, sample_html)
        assert job["attempts"] == 1
        metrics = client.get("/metrics").text
        assert 'access_jobs{status="succeeded"}' in metrics
        ready = client.get("/readyz").json()
        assert ready["checks"]["database"] == "ok" and ready["checks"]["broker"] == "ok"


class HookReceiver:
    def __init__(self, fail_first: int = 0) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self.got = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.calls.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
                failing = len(outer.calls) <= fail_first
                self.send_response(503 if failing else 200)
                self.end_headers()
                if not failing:
                    outer.got.set()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/done"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hook() -> Iterator[HookReceiver]:
    receiver = HookReceiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.mark.redis
@pytest.mark.postgres
def test_callback_is_signed_with_the_tenant_secret(distributed, key: str, hook: HookReceiver,
                                                   sample_html: bytes) -> None:
    with distributed.client(key) as client:
        r = client.post("/v1/audits", files={"file": ("lesson.html", sample_html, "text/html")},
                        data={"callback_url": hook.url})
        assert r.status_code == 202, r.text
        assert hook.got.wait(30), "the callback never came"
    headers, body = hook.calls[0]
    store = distributed.store()
    secret = store.webhook_secret("e2e-school")
    store.dispose()
    assert verify(body, secret, headers[SIGNATURE_HEADER])
    assert not verify(body, "not-the-secret", headers[SIGNATURE_HEADER])
    payload = json.loads(body)
    assert payload["id"] == r.json()["id"] and payload["status"] == "succeeded"
    assert payload["artifacts"][0]["name"] == "report.json"
    assert Webhook(standard_secret(secret)).verify(body, headers) == payload


@pytest.mark.redis
@pytest.mark.postgres
def test_a_refused_callback_is_retried_through_the_queue_and_logged(distributed, key: str,
                                                                    sample_html: bytes) -> None:
    hook = HookReceiver(fail_first=1)
    try:
        with distributed.client(key) as client:
            r = client.post("/v1/audits", files={"file": ("lesson.html", sample_html, "text/html")},
                            data={"callback_url": hook.url})
            assert hook.got.wait(30), "the retry never came"

            def logged() -> list | None:        # the worker logs the attempt once the answer is in
                data = client.get(f"/v1/jobs/{r.json()['id']}/deliveries").json()["data"]
                return data if data and data[0]["status"] != "pending" else None

            log = wait_for(logged, 30, "the delivery to be logged")
    finally:
        hook.server.shutdown()
        hook.server.server_close()
    (message,) = log
    assert message["status"] == "delivered" and message["trigger"] == "finished"
    assert [(a["number"], a["status_code"]) for a in message["attempts"]] == [(1, 503), (2, 200)]
    assert [h["webhook-id"] for h, _ in hook.calls] == [message["id"]] * 2
    first, second = (int(h["webhook-timestamp"]) for h, _ in hook.calls)
    assert second >= first, "each attempt is signed when it is sent"


@pytest.mark.redis
@pytest.mark.postgres
def test_streamed_upload_over_the_limit_is_refused_before_the_end(distributed, key: str) -> None:
    """A chunked upload (no Content-Length) of 64x the limit: the 413 arrives after about the limit."""
    boundary = "xBOUNDARYx"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.html\"\r\n"
            "Content-Type: text/html\r\n\r\n").encode()
    chunk = b"<p>" + b"x" * (16 * 1024 - 7) + b"</p>"
    total_chunks = 64 * UPLOAD_LIMIT // len(chunk)
    sock = socket.create_connection(("127.0.0.1", distributed.port), timeout=10)
    sock.sendall((f"POST /v1/audits HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
                  f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n").encode())
    sent = 0
    response = b""
    sock.setblocking(False)
    for i in range(total_chunks + 1):
        data = head + chunk if i == 0 else chunk
        try:
            sock.sendall(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            sent += len(data)
        except (BlockingIOError, BrokenPipeError, ConnectionResetError):
            break
        try:
            response += sock.recv(65536)
        except BlockingIOError:
            continue
        if b"\r\n\r\n" in response:
            break
        time.sleep(0.001)
    sock.settimeout(10)
    sock.setblocking(True)
    while b"}}" not in response:
        more = sock.recv(65536)
        if not more:
            break
        response += more
    sock.close()
    assert response.startswith(b"HTTP/1.1 413"), response[:200]
    assert b'"code":"file_too_large"' in response
    total = total_chunks * len(chunk)
    assert sent < total / 2, f"{sent} of {total} bytes were sent before the refusal"


@pytest.mark.redis
@pytest.mark.postgres
def test_a_task_that_raises_fails_the_job_and_the_worker_lives_on(distributed, key: str,
                                                                 sample_html: bytes) -> None:
    store = distributed.store()
    job, _ = store.create_job(tenant="e2e-school", kind=JobKind.AUDIT, options={},
                              input={"path": "/nonexistent/lesson.html", "filename": "lesson.html",
                                     "format": "html"})
    celery = make_celery(distributed.settings())
    send_job(celery, RUN_JOB_TASK, job.id, "documents", task_id=job.id)
    store.dispose()
    with distributed.client(key) as client:
        failed = distributed.wait_job(client, job.id)
        assert failed["status"] == "failed"
        assert failed["error"]["code"] == "internal_error" and "FileNotFoundError" in failed["error"]["message"]
        assert distributed.worker.poll() is None, "the worker is still running"
        audit_flow(distributed, client, sample_html)


@pytest.fixture(scope="module")
def embedded(deployment_factory):
    dep = deployment_factory()           # all defaults: SQLite job store, SQLite broker, worker beside API
    dep.serve = dep.start_serve()
    yield dep
    dep.stop()


def test_html_audit_on_the_embedded_defaults(embedded, sample_html: bytes) -> None:
    store = embedded.store()
    key = store.create_api_key("solo-teacher")
    store.dispose()
    assert embedded.settings().embedded_broker
    with embedded.client(key) as client:
        audit_flow(embedded, client, sample_html)
    assert (embedded.data_dir / "access.sqlite").exists() and (embedded.data_dir / "broker.sqlite").exists()


def test_serve_stops_its_worker_on_exit(embedded) -> None:
    import os
    import signal

    serve = embedded.serve
    os.kill(serve.pid, signal.SIGTERM)
    serve.wait(timeout=30)
    log = embedded.log(serve)
    assert "Warm shutdown" in log, log[-2000:]
    worker_pid = int(re.search(r"started a worker \(pid (\d+)\)", log).group(1))
    for group in (serve.pid, worker_pid):
        with pytest.raises(ProcessLookupError):
            os.killpg(group, 0)          # nothing is left: API, worker, its pool
