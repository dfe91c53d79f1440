"""Structured logs: one JSON object per line on standard error, for every process of the service
(``access serve``, the API, ``access worker`` and its pool processes).

Every line carries the job id and the tenant it was written for, taken from context variables
(:func:`bound` around a job's run, :func:`bind` in a request), so a job's story can be read with one
``grep`` whatever process or thread wrote it. Secrets never reach a line: API keys, webhook
secrets, bearer tokens, passwords in URLs and ``secret=``/``password=`` values are replaced with
``***`` in the message and the traceback alike; no code logs a file's contents.

The standard library's ``logging`` and ``json`` do the work (Celery, uvicorn and every library log
through ``logging`` already); a structured-logging library would add a second pipeline to bridge.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

CONTEXT: dict[str, ContextVar[str | None]] = {
    "job_id": ContextVar("access_job_id", default=None),
    "tenant": ContextVar("access_tenant", default=None),
}
REDACTED = "***"
# What a secret looks like wherever it appears in a line (keys and secrets are made by access.store).
SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bacc_[A-Za-z0-9_-]{8,}"), "acc_" + REDACTED),                   # API keys
    (re.compile(r"\bwhsec_[A-Za-z0-9+/=_-]{8,}"), "whsec_" + REDACTED),            # Standard Webhooks secrets
    (re.compile(r"\b[0-9a-fA-F]{64}\b"), REDACTED),                                 # hex webhook secrets
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + REDACTED),  # Authorization values
    (re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s\"']+@"), r"\1" + REDACTED + "@"),  # URL credentials
    (re.compile(r"(?i)\b((?:webhook_)?secret|password|passwd|token|api[_-]?key)(\"?\s*[:=]\s*\"?)[^\s\"',;&}]+"),
     r"\1\2" + REDACTED),
)
# record attributes that are not extra fields (uvicorn adds color_message: the message with ANSI colours)
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName",
                                                                       "color_message"}


def redact(text: str) -> str:
    """``text`` with every secret it contains replaced by ``***``."""
    for pattern, replacement in SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def bind(**fields: str | None) -> None:
    """Set the job id and/or tenant of every line logged from here on in this context (a request,
    a task): values of ``None`` are ignored."""
    for name, value in fields.items():
        if value is not None:
            CONTEXT[name].set(value)


@contextmanager
def bound(**fields: str | None) -> Iterator[None]:
    """Lines logged inside carry these fields; the previous values come back afterwards."""
    tokens = [(CONTEXT[name], CONTEXT[name].set(value)) for name, value in fields.items() if value is not None]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def context() -> dict[str, str]:
    return {name: value for name, var in CONTEXT.items() if (value := var.get()) is not None}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, process, the bound context, any
    ``extra=`` fields and the traceback, every string passed through :func:`redact`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
            "pid": record.process,
            **context(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in line:
                line[key] = value if isinstance(value, int | float | bool) or value is None else redact(str(value))
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """For a person at a terminal (``ACCESS_LOG_FORMAT=text``): the same fields, redacted, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        where = " ".join(f"{k}={v}" for k, v in context().items())
        text = f"{self.formatTime(record)} {record.levelname:<7} {record.name}: {record.getMessage()}"
        text = f"{text} [{where}]" if where else text
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return redact(text)


def configure_logging(level: str = "INFO", fmt: str = "json", stream: IO[str] | None = None) -> None:
    """Send every logger's records to one handler on standard error in ``fmt`` (json or text)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(TextFormatter() if fmt == "text" else JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "celery"):   # theirs go to ours
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
