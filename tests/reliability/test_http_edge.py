"""Issue 14, "the HTTP edge", against a real ``access serve`` (uvicorn, h11): oversized headers get
431 before any key is looked at, slow-loris connections are closed after the header timeout while
others are served, a huge ``offset`` is a 422, ``OPTIONS`` names DELETE, and ``/metrics`` needs
its token when one is set."""

from __future__ import annotations

import contextlib
import socket
import time

import pytest

from tests.reliability.conftest import wait_until

HEADER_TIMEOUT = 2


@pytest.fixture(scope="module")
def edge(deployment_factory):
    dep = deployment_factory(embedded_worker="false", http_header_timeout=HEADER_TIMEOUT,
                             http_max_header_bytes=16384, metrics_token="scrape-me")
    store = dep.store()
    dep.key = store.create_api_key("ops")
    store.dispose()
    dep.start_serve()
    yield dep
    dep.stop()


def _raw(dep, data: bytes, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", dep.port), timeout=timeout) as s:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            s.sendall(data)
        chunks = []
        try:
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
        return b"".join(chunks)


@pytest.mark.timeout(60)
def test_oversized_headers_get_431_before_the_key_is_checked(edge) -> None:
    for size in (64 * 1024, 4 * 1024 * 1024):
        head = (b"GET /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\nX-Big: " + b"a" * size
                + b"\r\n\r\n")
        answer = _raw(edge, head)
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    with edge.client(edge.key) as client:           # the service is fine
        assert client.get("/v1/jobs").status_code == 200


@pytest.mark.timeout(60)
def test_slow_loris_connections_are_closed_and_others_served(edge) -> None:
    loris = []
    for i in range(40):
        s = socket.create_connection(("127.0.0.1", edge.port), timeout=10)
        if i % 2:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")      # never finishes its headers
        loris.append(s)
    with edge.client() as client:
        assert client.get("/healthz").status_code == 200
    started = time.monotonic()

    def closed(s: socket.socket) -> bool:
        try:
            data = s.recv(65536)
            while data and not data.endswith(b"\n"):
                data = s.recv(65536)
            return True                      # 408 then EOF, or EOF
        except TimeoutError:
            return False
        except ConnectionResetError:
            return True

    for s in loris:
        s.settimeout(HEADER_TIMEOUT + 8)
        assert closed(s), "a connection that never sent its headers is closed"
        s.close()
    assert time.monotonic() - started < HEADER_TIMEOUT + 10
    # a client trickling a header byte by byte is closed too
    with socket.create_connection(("127.0.0.1", edge.port), timeout=HEADER_TIMEOUT + 8) as s:
        answer = b""
        deadline = time.monotonic() + HEADER_TIMEOUT + 6
        try:
            for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200:
                s.send(bytes([byte]))
                time.sleep(0.05)
                if time.monotonic() > deadline:
                    break
            answer = s.recv(1024)
        except (BrokenPipeError, ConnectionResetError):
            answer = b"closed"
        assert answer.startswith(b"HTTP/1.1 408") or answer in (b"", b"closed"), answer


@pytest.mark.timeout(60)
def test_bounds_options_and_metrics_token(edge) -> None:
    with edge.client(edge.key) as client:
        r = client.get("/v1/jobs", params={"offset": str(2**63)})
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
        assert client.get("/v1/jobs", params={"offset": "0"}).status_code == 200
        r = client.request("OPTIONS", "/v1/jobs/5e0b4a3e-0000-4000-8000-000000000000")
        assert r.status_code == 204 and "DELETE" in r.headers["allow"]
        paths = client.get("/openapi.json").json()["paths"]
        assert {"409", "415"} <= set(paths["/v1/jobs/{job_id}/report"]["get"]["responses"])  # unknown ?format=
        assert "415" in paths["/v1/conversions"]["post"]["responses"]
        assert "409" in paths["/v1/jobs/{job_id}/artifacts.zip"]["get"]["responses"]
        form = paths["/v1/conversions"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert (form["properties"]["rate"]["minimum"], form["properties"]["rate"]["maximum"]) == (80, 450)
        assert (form["properties"]["braille_grade"]["minimum"], form["properties"]["braille_grade"]["maximum"]) \
            == (1, 2)
    with edge.client() as anon:
        assert anon.get("/metrics").status_code == 401
        assert anon.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        r = wait_until(lambda: (m := anon.get("/metrics", headers={"Authorization": "Bearer scrape-me"}))
                       .status_code == 200 and m, 10, "metrics")
        assert "access_jobs" in r.text and "tenant=" not in r.text
