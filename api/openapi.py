"""The OpenAPI document, complete enough to generate a working client from it.

Two things FastAPI cannot infer here are made in one place: the multipart form bodies (the routes
read the form themselves, to stream the upload), whose fields and bounds come from the same option
models the submission validates with; and the JSON Schema ``$defs`` that pydantic puts inside such
hand-placed schemas, which are moved to ``components/schemas`` so that every ``$ref`` resolves.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

DEFS_PREFIX = "#/$defs/"
COMPONENTS_PREFIX = "#/components/schemas/"
CALLBACK_FIELD = {"type": "string", "format": "uri",
                  "description": "POSTed the job JSON when it ends (signed; see the README's webhooks)."}


def _simple(schema: dict[str, Any]) -> dict[str, Any]:
    """A model field's schema as a form field: optional values lose their null branch, lists become
    one comma-separated string."""
    schema = dict(schema)
    branches = schema.pop("anyOf", None)
    if branches:
        kept = [b for b in branches if b.get("type") != "null"]
        schema = {**(kept[0] if len(kept) == 1 else {"anyOf": kept}), **schema}
    if schema.get("type") == "array":
        default = schema.get("default")
        schema = {"type": "string", "description": (schema.get("description") or "") + " Comma-separated."}
        if isinstance(default, list):
            schema["default"] = ",".join(default)
    schema.pop("title", None)
    return schema


def form_schema(model: type[BaseModel], *, required: tuple[str, ...] = (),
                skip: tuple[str, ...] = (), examples: dict[str, str] | None = None) -> dict[str, Any]:
    """The multipart body of a submission: ``file``, every option of ``model`` with its bounds,
    enums and defaults, and ``callback_url``."""
    source = model.model_json_schema()
    properties: dict[str, Any] = {"file": {"type": "string", "format": "binary",
                                           "description": "The document."}}
    for name, prop in source.get("properties", {}).items():
        if name not in skip:
            properties[name] = _simple(prop)
            if examples and name in examples:
                properties[name]["example"] = examples[name]
    properties["callback_url"] = CALLBACK_FIELD
    schema: dict[str, Any] = {"type": "object", "required": ["file", *required], "properties": properties}
    if "$defs" in source:
        schema["$defs"] = source["$defs"]
    return schema


def hoist_defs(doc: dict[str, Any]) -> dict[str, Any]:
    """Move every ``$defs`` of the document into ``components/schemas`` and point the ``$ref``s
    that named them there."""
    schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    found: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, schema in (node.pop("$defs", None) or {}).items():
                found.setdefault(name, schema)
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(DEFS_PREFIX):
                node["$ref"] = COMPONENTS_PREFIX + ref[len(DEFS_PREFIX):]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc.get("paths", {}))
    walk(schemas)
    while found:
        name, schema = found.popitem()
        if name not in schemas:
            schemas[name] = schema
            walk(schema)
    return doc


def install_openapi(app: FastAPI) -> None:
    """Serve the completed document at ``/openapi.json`` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, description=app.description,
                              routes=app.routes, license_info=app.license_info)
            app.openapi_schema = hoist_defs(doc)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


DOCS_ASSETS = "/static/docs"


def install_docs(app: FastAPI) -> None:
    """/docs (Swagger UI) and /redoc served with no network: their scripts and styles come from
    the fastapi-offline package, mounted at /static/docs, never from a CDN."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=Path(str(resources.files("fastapi_offline").joinpath("static")))),
              name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title=f"{app.title}: API reference",
                                   swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title=f"{app.title}: API reference (ReDoc)",
                              redoc_js_url=f"{DOCS_ASSETS}/redoc.standalone.js",
                              redoc_favicon_url=f"{DOCS_ASSETS}/favicon.png", with_google_fonts=False)
