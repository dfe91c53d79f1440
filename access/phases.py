"""Where a request's time goes: named phases timed with :func:`phase` while :func:`collecting` is
active (the API turns them into a ``Server-Timing`` header, which ``bench/api_throughput.py``
reads: auth lookup, form parsing, upload write, insert, publish). Outside a collection a phase
costs one context-variable read."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[dict[str, float] | None] = ContextVar("access_phases", default=None)


@contextmanager
def collecting() -> Iterator[dict[str, float]]:
    """Time the phases run in this context (threads started with a copy of it included): name → ms."""
    phases: dict[str, float] = {}
    token = _current.set(phases)
    try:
        yield phases
    finally:
        _current.reset(token)


@contextmanager
def phase(name: str) -> Iterator[None]:
    phases = _current.get()
    if phases is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        phases[name] = phases.get(name, 0.0) + (time.perf_counter() - started) * 1000


def server_timing(phases: dict[str, float]) -> str:
    """The ``Server-Timing`` header value (``insert;dur=1.84, publish;dur=0.61``)."""
    return ", ".join(f"{name};dur={ms:.2f}" for name, ms in phases.items())
