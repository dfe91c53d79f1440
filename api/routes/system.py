"""Health, readiness, Prometheus metrics and capabilities (the landing page is the web app's home)."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from starlette.concurrency import run_in_threadpool

from access import services
from access.errors import Unauthorized
from access.queue import ping_broker, queue_depths
from access.requirements import Standard
from access.vault import has_server_key
from api.deps import Services, ServicesDep
from api.schemas import errors
from api.supervise import worker_check

router = APIRouter()


@router.get("/healthz", tags=["system"], summary="The process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def readiness(svc: Services) -> dict[str, Any]:
    checks: dict[str, Any] = {}
    try:
        svc.store.ping()
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"{type(exc).__name__}: {exc}"[:300]
    try:
        assert svc.celery is not None, "no broker configured"
        ping_broker(svc.celery)
        checks["broker"] = "ok"
    except Exception as exc:
        checks["broker"] = f"{type(exc).__name__}: {exc}"[:300]
    worker = worker_check(svc.settings)
    if worker is not None:
        checks["worker"] = worker
    failed = svc.registry.load_everything()
    checks["plugins"] = "ok" if not failed else {"failed": failed}
    return checks


@router.get("/readyz", tags=["system"], summary="Database, broker, plugins (and the embedded worker) are ready",
            responses={503: {"description": "Not ready (`not_ready`)"}})
async def readyz(svc: ServicesDep) -> JSONResponse:
    checks = await run_in_threadpool(readiness, svc)
    bad = [name for name, value in checks.items() if value != "ok"]
    if bad:
        return JSONResponse({"error": {"code": "not_ready", "message": f"Not ready: {', '.join(bad)}."},
                             "checks": checks}, status_code=503)
    return JSONResponse({"status": "ready", "checks": checks})


class JobCollector:
    """What the job store and the broker hold, read at scrape time (so every API process agrees);
    the counters and histograms are recorded where things happen (:mod:`access.metrics`)."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc

    def collect(self) -> Any:
        jobs = GaugeMetricFamily("access_jobs", "Jobs in the store by status.", labels=["status"])
        for status, n in self.svc.store.counts_by_status().items():
            jobs.add_metric([status], n)
        yield jobs
        depth = GaugeMetricFamily("access_queue_depth", "Messages waiting per queue.", labels=["queue"])
        try:
            if self.svc.celery is not None:
                for queue, n in queue_depths(self.svc.celery).items():
                    depth.add_metric([queue], n)
        except Exception:
            pass
        yield depth
        failed = GaugeMetricFamily("access_plugins_failed", "Plugins that failed to load so far.")
        failed.add_metric([], len(self.svc.registry.failed))
        yield failed


@router.get("/metrics", tags=["system"], summary="Prometheus metrics", response_class=Response,
            responses=errors(401))
async def metrics(request: Request, svc: ServicesDep) -> Response:
    """Aggregates only (no tenant label unless `ACCESS_METRICS_TENANT_LABELS`); with
    `ACCESS_METRICS_TENANT_LABELS` or on a public address, set `ACCESS_METRICS_TOKEN` and scrape with
    `Authorization: Bearer <token>`."""
    token = svc.settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(),
                                                                 token.get_secret_value().encode()):
            raise Unauthorized("GET /metrics needs 'Authorization: Bearer <metrics token>'.")
    registry: CollectorRegistry = request.app.state.metrics
    body = await run_in_threadpool(generate_latest, registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def capabilities(svc: Services) -> dict[str, Any]:
    """What this installation can do (names from the plugin tables; nothing is loaded)."""
    reg = svc.registry
    return {
        "audit_formats": services.audit_formats(reg),
        "web_audits": services.WEB in reg.auditors,
        "web_sign_in": services.WEB in reg.auditors and has_server_key(svc.settings),   # credentials accepted
        "conversion_inputs": services.conversion_inputs(reg),
        "conversion_targets": services.convert_targets(reg),
        "report_formats": services.report_formats(reg),
        "standards": [s.value for s in Standard],
        "limits": {"max_upload_bytes": svc.settings.max_upload_bytes,
                   "max_crawl_pages": svc.settings.max_crawl_pages},
    }


@router.get("/v1/capabilities", tags=["system"], summary="Formats, targets and report formats available")
def get_capabilities(svc: ServicesDep) -> dict[str, Any]:
    return capabilities(svc)


@router.get("/v1/voices", tags=["system"], summary="Speech voices available for audio conversions",
            responses=errors(422, 500))
def get_voices(svc: ServicesDep, language: str | None = None) -> dict[str, Any]:
    """Installed voices (`id` is what `voice=` takes); `?language=sw` narrows to one language."""
    voices = [v.as_dict() for source in svc.registry.voices.load_all().values() for v in source.voices()]
    if language:
        wanted = language.lower()
        voices = [v for v in voices if str(v.get("language", "")).lower().split("-")[0] == wanted.split("-")[0]]
    return {"voices": voices}
