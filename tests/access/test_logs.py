"""Structured logs: JSON lines with the job id and tenant from context, and no secret ever written."""

from __future__ import annotations

import io
import json
import logging
import secrets
from collections.abc import Iterator

import pytest

from access import logs


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    old_handlers, old_level = list(root.handlers), root.level
    stream = io.StringIO()
    logs.configure_logging("INFO", "json", stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in old_handlers:
        root.addHandler(handler)
    root.setLevel(old_level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


KEY = "acc_" + secrets.token_urlsafe(32)
HEX_SECRET = secrets.token_hex(32)


@pytest.mark.parametrize(("text", "secret"), [
    (f"created key {KEY} for school", KEY),
    (f"signing with {HEX_SECRET}", HEX_SECRET),
    ("Authorization: Bearer abc.DEF-123_xyz", "abc.DEF-123_xyz"),
    ("broker postgresql+psycopg://access:s3cret-pw@db:5432/access", "s3cret-pw"),
    ("webhook whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
    ('settings {"password": "hunter22", "webhook_secret": "abcdefgh"}', "hunter22"),
    ("?token=tok-123456&x=1", "tok-123456"),
])
def test_redact_removes_secrets(text: str, secret: str) -> None:
    cleaned = logs.redact(text)
    assert secret not in cleaned and logs.REDACTED in cleaned


def test_redact_keeps_ordinary_text() -> None:
    text = "job 3efcc0d7-9289-4584-b97e-da9e3b9a90e3: succeeded in 2.5 s (page 12 of 40)"
    assert logs.redact(text) == text


def test_lines_are_json_with_the_bound_job_and_tenant(captured: io.StringIO) -> None:
    log = logging.getLogger("access.test")
    log.info("before")
    with logs.bound(job_id="job-1", tenant="school-a"):
        log.info("inside %s", "the job")
        with logs.bound(tenant="school-b"):
            log.warning("nested")
        logging.getLogger("celery.worker").info("a library's line")
    log.info("after", extra={"pages": 3, "url": "https://u:pw@example.org/x"})
    before, inside, nested, library, after = lines(captured)
    assert "job_id" not in before and "tenant" not in before
    assert inside["message"] == "inside the job" and (inside["job_id"], inside["tenant"]) == ("job-1", "school-a")
    assert nested["tenant"] == "school-b" and nested["level"] == "warning"
    assert library["job_id"] == "job-1" and library["logger"] == "celery.worker"
    assert "job_id" not in after and after["pages"] == 3 and "pw@" not in after["url"]
    assert {"ts", "level", "logger", "message", "pid"} <= set(inside)


def test_a_secret_in_a_message_or_traceback_never_reaches_the_line(captured: io.StringIO) -> None:
    log = logging.getLogger("access.test")
    log.info("new key %s", KEY)
    try:
        raise RuntimeError(f"could not sign with {HEX_SECRET}")
    except RuntimeError:
        log.exception("webhook failed")
    text = captured.getvalue()
    assert KEY not in text and KEY[4:] not in text and HEX_SECRET not in text
    assert "acc_***" in text and "could not sign with ***" in lines(captured)[1]["exception"]


def test_bind_sets_the_context_of_the_current_task(captured: io.StringIO) -> None:
    import contextvars

    def request() -> None:
        logs.bind(tenant="school-c", job_id=None)
        logging.getLogger("uvicorn.access").info("GET /v1/jobs")

    contextvars.copy_context().run(request)
    logging.getLogger("uvicorn.access").info("another request")
    first, second = lines(captured)
    assert first["tenant"] == "school-c" and "job_id" not in first and "tenant" not in second
