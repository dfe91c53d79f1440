"""Prometheus metrics, counted where things happen and read by ``GET /metrics``.

Counters and histograms are updated when the event happens: a job submitted (``access.submission``),
a job finished or failed (``access.jobs``), a webhook delivered, an HTTP request answered (the API's
middleware), and a worker's heartbeat. The service runs as several processes (the API, the worker
and its pool processes), so they use prometheus_client's multiprocess mode: :func:`enable_multiprocess`
(``access serve`` and ``access worker`` call it before anything is recorded, and children inherit it)
points every process at ``<metrics_dir>/<host>/``, where each writes its own files, and
:func:`registry` merges the files of every process of every host that shares the data folder, so
counters keep rising whichever process serves the scrape. A process that never enabled it (the
CLI, tests) counts in memory.

Values the store and the broker hold (jobs by status, queue depth) are read at scrape time by the
API's collector, so every process agrees. No metric has a tenant label unless
``ACCESS_METRICS_TENANT_LABELS`` is set (one series per tenant is a cardinality risk).
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.multiprocess import MultiProcessCollector

from access.config import Settings, get_settings

log = logging.getLogger(__name__)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"      # prometheus_client's own switch, inherited by children
JOB_DURATION_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
HTTP_DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
HEARTBEAT_SECONDS = 15.0
_LOCAL = CollectorRegistry(auto_describe=True)   # in-memory metrics of a process without multiprocess mode
disable_created_metrics()     # no *_created series: multiprocess mode has none, so neither does memory


def enable_multiprocess(settings: Settings) -> Path:
    """Record this process's (and its children's) metrics in files under the metrics folder of this
    host; files of processes that are gone are removed first. Call before anything is recorded."""
    folder = settings.resolved_metrics_dir / re.sub(r"[^A-Za-z0-9._-]", "_", socket.gethostname() or "host")
    folder.mkdir(parents=True, exist_ok=True)
    _prune_dead(folder)
    os.environ[MULTIPROC_ENV] = str(folder)
    from prometheus_client import values

    if values.ValueClass is values.MutexValue:       # prometheus_client was imported before the switch
        values.ValueClass = values.MultiProcessValue()
    return folder


def _prune_dead(folder: Path) -> None:
    for path in folder.glob("*.db"):
        pid = path.stem.rpartition("_")[2]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def multiprocess_root() -> Path | None:
    """The metrics folder shared by every host (the parent of this host's folder), if enabled."""
    folder = os.environ.get(MULTIPROC_ENV)
    return Path(folder).parent if folder else None


class _AllHostsCollector:
    """Every process's files on every host sharing the data folder, merged (counters summed,
    histograms accumulated, the heartbeat gauge the latest)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def collect(self) -> Iterable[Any]:
        files = glob.glob(str(self.root / "*" / "*.db"))
        return MultiProcessCollector.merge(files, accumulate=True)


class _LocalCollector:
    def collect(self) -> Iterable[Any]:
        return _LOCAL.collect()


def registry() -> CollectorRegistry:
    """What ``/metrics`` serves from the recorded metrics; the API adds its scrape-time collector."""
    reg = CollectorRegistry(auto_describe=False)
    root = multiprocess_root()
    reg.register(_AllHostsCollector(root) if root is not None else _LocalCollector())  # type: ignore[arg-type]
    return reg


@dataclass(frozen=True)
class Instruments:
    tenant_labels: bool
    submitted: Counter
    finished: Counter
    failed: Counter
    duration: Histogram
    webhooks: Counter
    http_requests: Counter
    http_duration: Histogram
    heartbeat: Gauge


@lru_cache(maxsize=1)
def instruments() -> Instruments:
    """The metrics of this process, made on first use (after :func:`enable_multiprocess`)."""
    reg = None if MULTIPROC_ENV in os.environ else _LOCAL
    tenant = get_settings().metrics_tenant_labels
    extra = ["tenant"] if tenant else []
    return Instruments(
        tenant_labels=tenant,
        submitted=Counter("access_jobs_submitted", "Jobs accepted by the API or the web app.",
                          ["kind", *extra], registry=reg),
        finished=Counter("access_jobs_finished", "Jobs that ended, by how they ended.",
                         ["kind", "status", *extra], registry=reg),
        failed=Counter("access_jobs_failed", "Failed jobs by error code (access/errors.py).",
                       ["kind", "code", *extra], registry=reg),
        duration=Histogram("access_job_duration_seconds", "Run time of finished jobs, from start to end.",
                           ["kind"], buckets=JOB_DURATION_BUCKETS, registry=reg),
        webhooks=Counter("access_webhook_deliveries", "Webhook deliveries by outcome (delivered, failed).",
                         ["outcome"], registry=reg),
        http_requests=Counter("access_http_requests", "HTTP requests answered, by route template and status.",
                              ["method", "route", "status"], registry=reg),
        http_duration=Histogram("access_http_request_duration_seconds", "Time to answer an HTTP request.",
                                ["method", "route"], buckets=HTTP_DURATION_BUCKETS, registry=reg),
        heartbeat=Gauge("access_worker_heartbeat_timestamp_seconds",
                        "When a worker last said it was alive (Unix time; the latest of all workers).",
                        multiprocess_mode="max", registry=reg),
    )


def _tenant(m: Instruments, tenant: str | None) -> list[str]:
    return [tenant or ""] if m.tenant_labels else []


def job_submitted(kind: str, tenant: str | None = None) -> None:
    m = instruments()
    m.submitted.labels(kind, *_tenant(m, tenant)).inc()


def job_finished(kind: str, status: str, *, code: str | None = None, seconds: float | None = None,
                 tenant: str | None = None) -> None:
    """A job ended ``status`` (succeeded, failed, cancelled); a failure counts by its error code."""
    m = instruments()
    m.finished.labels(kind, status, *_tenant(m, tenant)).inc()
    if status == "failed":
        m.failed.labels(kind, code or "internal_error", *_tenant(m, tenant)).inc()
    if seconds is not None:
        m.duration.labels(kind).observe(max(0.0, seconds))


def webhook_delivery(delivered: bool) -> None:
    instruments().webhooks.labels("delivered" if delivered else "failed").inc()


def http_request(method: str, route: str, status: int, seconds: float) -> None:
    m = instruments()
    m.http_requests.labels(method, route, str(status)).inc()
    m.http_duration.labels(method, route).observe(seconds)


def heartbeat() -> None:
    instruments().heartbeat.set(time.time())


def start_heartbeat(interval: float = HEARTBEAT_SECONDS) -> threading.Thread:
    """A worker says it is alive every ``interval`` seconds (the "worker down" alert reads it)."""
    def beat() -> None:
        while True:
            try:
                heartbeat()
            except Exception:
                log.exception("could not record the worker heartbeat")
            time.sleep(interval)

    thread = threading.Thread(target=beat, name="access-heartbeat", daemon=True)
    thread.start()
    return thread
