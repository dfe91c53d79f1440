"""Webhook signatures and delivery with retries, against a real local HTTP receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from access.webhooks import SIGNATURE_HEADER, DeliveryFailed, deliver, sign, verify


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


def test_signature_is_hmac_sha256_of_the_body() -> None:
    body = b'{"id":"1","status":"succeeded"}'
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert sign(body, "s3cret") == expected
    assert verify(body, "s3cret", expected)
    assert not verify(body + b" ", "s3cret", expected)
    assert not verify(body, "other", expected)
    assert not verify(body, "s3cret", None)


def test_delivery_retries_with_backoff_until_accepted(receiver: Receiver) -> None:
    waits: list[float] = []
    body = json.dumps({"id": "job-1", "status": "succeeded"}).encode()
    attempt = deliver(receiver.url, body, "secret", attempts=5, backoff=0.5, sleep=waits.append)
    assert attempt == 3 and waits == [0.5, 1.0]
    headers, received = receiver.requests[-1]
    assert received == body
    assert verify(received, "secret", headers[SIGNATURE_HEADER])
    assert headers["Content-Type"] == "application/json"


def test_delivery_gives_up_after_the_last_attempt(receiver: Receiver) -> None:
    with pytest.raises(DeliveryFailed, match="HTTP 500"):
        deliver(receiver.url, b"{}", "secret", attempts=2, sleep=lambda s: None)
    assert len(receiver.requests) == 2


def test_unreachable_receiver_fails_cleanly() -> None:
    with pytest.raises(DeliveryFailed):
        deliver("http://127.0.0.1:9/hook", b"{}", "s", attempts=2, timeout=1, sleep=lambda s: None)
