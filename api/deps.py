"""Request dependencies: the service objects on app.state, and the caller's tenant."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Annotated

from celery import Celery
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from access.config import AuthMode, Settings
from access.errors import Unauthorized
from access.jobs import Runtime
from access.store import hash_key

LOCAL_TENANT = "local"
KEY_CACHE_SECONDS = 60.0
bearer = HTTPBearer(auto_error=False, description="An API key from `access keys create --tenant NAME`.")


@dataclass
class Services(Runtime):
    """The job runtime (settings, store, storage, plugins, queue) plus what only the API keeps."""

    celery: Celery | None = None
    key_cache: dict[str, tuple[str, float]] = field(default_factory=dict)   # key hash -> (tenant, expiry)


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


def current_tenant(svc: ServicesDep,
                   credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    if svc.settings.auth_mode is AuthMode.NONE:
        return LOCAL_TENANT
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("A valid API key is required: send 'Authorization: Bearer <key>'.")
    return tenant_for_key(svc, credentials.credentials.strip())


def tenant_for_key(svc: Services, key: str) -> str:
    """The key's tenant, remembered for KEY_CACHE_SECONDS so a submission costs no key lookup."""
    digest = hash_key(key)
    now = time.monotonic()
    cached = svc.key_cache.get(digest)
    if cached is not None and cached[1] > now:
        return cached[0]
    tenant = svc.store.tenant_for_key(key)
    if tenant is None:
        raise Unauthorized("The API key is not valid.")
    if len(svc.key_cache) > 10_000:
        svc.key_cache.clear()
    svc.key_cache[digest] = (tenant, now + KEY_CACHE_SECONDS)
    return tenant


TenantDep = Annotated[str, Depends(current_tenant)]


def base_url(request: Request, settings: Settings) -> str:
    return (settings.public_url or str(request.base_url)).rstrip("/")
