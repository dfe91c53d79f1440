"""The FastAPI app factory: ``uvicorn --factory api.app:create_app`` (``access serve`` does it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from access import __version__
from access import metrics as access_metrics
from access.config import Settings, get_settings
from access.queue import CeleryQueue, make_celery
from access.registry import Registry, get_registry
from access.storage import Storage
from access.store import Store
from api.deps import Services
from api.errors import FORM_SLACK, BodyLimitMiddleware, OptionsMiddleware, install_error_handlers
from api.http_metrics import HttpMetricsMiddleware
from api.openapi import install_docs, install_openapi
from api.routes import admin, jobs, system
from webapp import routes as web_routes
from webapp.templating import STATIC_DIR, STATIC_URL

DESCRIPTION = """Audit learning websites and documents for accessibility, and convert learning
materials into accessible formats. Every `/v1` route needs `Authorization: Bearer <API key>`
(create one with `access keys create --tenant NAME`). Work is asynchronous: a submission answers
`202` with a job; poll `GET /v1/jobs/{id}` or pass a `callback_url`. Errors always have the shape
`{"error": {"code": "...", "message": "..."}}`."""


def create_app(settings: Settings | None = None, registry: Registry | None = None) -> FastAPI:
    settings = settings or get_settings()
    store = Store(settings.resolved_database_url)
    celery = make_celery(settings)
    svc = Services(settings=settings, store=store, storage=Storage(settings.files_dir),
                   registry=registry or get_registry(), queue=CeleryQueue(celery), celery=celery)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        store.ensure_schema()
        yield
        store.dispose()

    app = FastAPI(title="access", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  license_info={"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
                  # operation ids are the route functions' names: generated clients get submit_conversion, get_job ...
                  generate_unique_id_function=lambda route: route.name, docs_url=None, redoc_url=None)
    app.state.services = svc
    metrics = access_metrics.registry()
    metrics.register(system.JobCollector(svc))
    app.state.metrics = metrics
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_upload_bytes + FORM_SLACK)
    app.add_middleware(OptionsMiddleware)
    app.add_middleware(HttpMetricsMiddleware)
    app.include_router(system.router)
    app.include_router(jobs.router)
    app.include_router(admin.router)
    app.include_router(web_routes.router)           # the web app: pages for people, at /
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="app-static")
    install_openapi(app)
    install_docs(app)
    return app
