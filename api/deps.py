"""Request dependencies: the service objects on app.state, and the caller (tenant and scopes).

Keys are checked through a short cache (``key_cache_seconds``) so a submission usually costs no
key lookup; every cached key is stamped with the store's key generation, which grows with every
revocation, rotation or change of scopes, and is compared on each request (one small primary-key
read), so a revoked key fails at once in every API process. Expiry is checked against the cached
expiry time on each request.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from celery import Celery
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from access.config import AuthMode, Settings
from access.errors import Forbidden, Unauthorized
from access.jobs import Runtime
from access.keys import TENANT_SCOPES, KeyInfo, Scope, key_problem, prefix_of
from access.models import utcnow
from access.phases import phase
from access.store import hash_key

LOCAL_TENANT = "local"
ADMIN_TENANT = "admin"         # the tenant name of the settings' admin key (it owns no jobs)
KEY_CACHE_LIMIT = 10_000
bearer = HTTPBearer(auto_error=False, description="An API key from `access keys create --tenant NAME`.")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Caller:
    """Who is calling: the tenant, what the key may do, and the key's prefix (for logs)."""

    tenant: str
    scopes: frozenset[Scope]
    key_prefix: str | None = None

    def require(self, scope: Scope) -> Caller:
        if scope not in self.scopes:
            log.info("key %s (tenant %s) refused: needs scope %s", self.key_prefix, self.tenant, scope.value)
            raise Forbidden(f"This API key does not have the '{scope.value}' scope.")
        return self


@dataclass(frozen=True)
class CachedKey:
    info: KeyInfo
    until: float            # monotonic time the entry may be trusted until
    generation: int         # the store's key generation when it was read


@dataclass
class Services(Runtime):
    """The job runtime (settings, store, storage, plugins, queue) plus what only the API keeps."""

    celery: Celery | None = None
    key_cache: dict[str, CachedKey] = field(default_factory=dict)     # key hash -> what the key is


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


def current_caller(request: Request, svc: ServicesDep,
                   credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Caller:
    if svc.settings.auth_mode is AuthMode.NONE:
        return Caller(LOCAL_TENANT, TENANT_SCOPES)
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("A valid API key is required: send 'Authorization: Bearer <key>'.")
    with phase("auth"):
        caller = caller_for_key(svc, credentials.credentials.strip())
    request.state.tenant, request.state.key_prefix = caller.tenant, caller.key_prefix
    return caller


def caller_for_key(svc: Services, key: str) -> Caller:
    """The key's tenant and scopes; a revoked, expired or unknown key is refused."""
    admin_key = svc.settings.admin_key
    if admin_key and hmac.compare_digest(hash_key(key), hash_key(admin_key)):
        return Caller(ADMIN_TENANT, frozenset({Scope.ADMIN}), "admin-key")
    info = _key_info(svc, key)
    if info is None:
        log.info("unknown API key %s… refused", prefix_of(key))
        raise Unauthorized("The API key is not valid.")
    problem = key_problem(info, utcnow())
    if problem is not None:
        log.info("key %s (tenant %s) refused: %s", info.label, info.tenant, problem)
        raise Unauthorized(problem)
    return Caller(info.tenant, info.scopes, info.label)


def _key_info(svc: Services, key: str) -> KeyInfo | None:
    digest = hash_key(key)
    now = time.monotonic()
    generation = svc.store.key_generation()
    cached = svc.key_cache.get(digest)
    if cached is not None and cached.until > now and cached.generation == generation:
        return cached.info
    info = svc.store.key_info(key)
    if info is None:
        return None
    if len(svc.key_cache) > KEY_CACHE_LIMIT:
        svc.key_cache.clear()
    svc.key_cache[digest] = CachedKey(info, now + svc.settings.key_cache_seconds, generation)
    return info


CallerDep = Annotated[Caller, Depends(current_caller)]


def scoped(scope: Scope) -> Callable[[Caller], Caller]:
    """A dependency: the caller, when its key has ``scope``."""

    def dependency(caller: CallerDep) -> Caller:
        return caller.require(scope)

    return dependency


def tenant_with(scope: Scope) -> Callable[[Caller], str]:
    """A dependency: the caller's tenant, when its key has ``scope``."""

    def dependency(caller: CallerDep) -> str:
        return caller.require(scope).tenant

    return dependency


TenantDep = Annotated[str, Depends(tenant_with(Scope.READ))]         # reading the tenant's jobs
AuditTenantDep = Annotated[str, Depends(tenant_with(Scope.AUDIT))]
ConvertTenantDep = Annotated[str, Depends(tenant_with(Scope.CONVERT))]
AdminDep = Annotated[Caller, Depends(scoped(Scope.ADMIN))]
SCOPE_OF_KIND = {"audit": Scope.AUDIT, "conversion": Scope.CONVERT}


def base_url(request: Request, settings: Settings) -> str:
    return (settings.public_url or str(request.base_url)).rstrip("/")

