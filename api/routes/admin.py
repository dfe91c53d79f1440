"""/v1/admin: every tenant's API keys and quotas. Needs a key with the ``admin`` scope or the
operator's ``ACCESS_ADMIN_KEY``; without either, keys and quotas are managed with the CLI only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from access import keyadmin
from access.keys import KeyInfo
from access.models import utcnow
from api.deps import AdminDep, ServicesDep
from api.schemas import ERRORS, ErrorOut

router = APIRouter(prefix="/v1/admin", tags=["admin"], responses={
    **ERRORS, 403: {"model": ErrorOut, "description": "The key does not have the `admin` scope (`forbidden`)."}})


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "example": {"tenant": "my-school", "name": "LMS plug-in", "scopes": ["audit", "read"], "expires": "90d"}})

    tenant: str = Field(max_length=100)
    name: str = Field("", max_length=100, description="What the key is for (shown in lists).")
    scopes: list[str] | None = Field(None, description="audit, convert, read, admin; default audit, convert, read.")
    expires: str | None = Field(None, description="A duration (`90d`, `12h`) or an ISO 8601 date; none: never.")


class KeyOut(BaseModel):
    id: int
    prefix: str | None = Field(description="The key's first characters: how lists and logs name it.")
    tenant: str
    name: str
    scopes: list[str]
    created_at: str
    last_used_at: str | None = None
    expires_at: str | None = None
    revoked_at: str | None = None
    status: str = Field(description="`active`, `revoked` or `expired`.")


class KeyIssued(KeyOut):
    key: str = Field(description="The key itself: shown this once, never stored.")


class KeyRotated(BaseModel):
    new: KeyIssued
    old: KeyOut


class KeyList(BaseModel):
    data: list[KeyOut]


class QuotaValues(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jobs_per_minute: int | None = Field(None, ge=0, description="0: no limit; null: the default.")
    concurrent_jobs: int | None = Field(None, ge=0, description="Jobs queued or running at once.")
    bytes_per_day: int | None = Field(None, ge=0, description="Bytes uploaded per 24 hours.")


class QuotaOut(BaseModel):
    tenant: str
    limits: dict[str, int] = Field(description="The limits in force (0: none).")
    own: dict[str, int | None] = Field(description="The tenant's own values (null: the default).")
    defaults: dict[str, int]
    usage: dict[str, int]


def _out(info: KeyInfo) -> dict[str, Any]:
    return info.as_dict(utcnow())


@router.get("/keys", response_model=KeyList, summary="API keys (by prefix; never the keys)")
def list_keys(svc: ServicesDep, _: AdminDep,
              tenant: Annotated[str | None, Query(max_length=100)] = None) -> dict[str, Any]:
    return {"data": [_out(k) for k in svc.store.list_keys(tenant)]}


@router.post("/keys", status_code=201, response_model=KeyIssued, summary="Create an API key")
def create_key(body: KeyCreate, svc: ServicesDep, _: AdminDep) -> dict[str, Any]:
    key, info = keyadmin.create_key(svc.store, body.tenant, name=body.name, scopes=body.scopes, expires=body.expires)
    return {**_out(info), "key": key}


@router.get("/keys/{key_ref}", response_model=KeyOut, summary="One API key, by number or prefix")
def get_key(key_ref: str, svc: ServicesDep, _: AdminDep) -> dict[str, Any]:
    return _out(keyadmin.find_key(svc.store, key_ref))


@router.delete("/keys/{key_ref}", response_model=KeyOut, summary="Revoke an API key (at once, everywhere)")
def revoke_key(key_ref: str, svc: ServicesDep, _: AdminDep) -> dict[str, Any]:
    return _out(keyadmin.revoke_key(svc.store, key_ref))


@router.post("/keys/{key_ref}/rotate", response_model=KeyRotated, summary="Replace an API key with a new one")
def rotate_key(key_ref: str, svc: ServicesDep, _: AdminDep,
               grace: Annotated[str | None, Query(description="How long the old key keeps working (`1h`); "
                                                  "none: it stops at once.", examples=["1h"])] = None,
               ) -> dict[str, Any]:
    key, new, old = keyadmin.rotate_key(svc.store, key_ref, grace)
    return {"new": {**_out(new), "key": key}, "old": _out(old)}


@router.get("/tenants/{tenant}/quota", response_model=QuotaOut, summary="A tenant's limits and usage")
def get_quota(tenant: str, svc: ServicesDep, _: AdminDep) -> dict[str, Any]:
    return keyadmin.quota_view(svc.store, svc.settings, tenant)


@router.put("/tenants/{tenant}/quota", response_model=QuotaOut, summary="Set a tenant's own limits")
def put_quota(tenant: str, body: QuotaValues, svc: ServicesDep, _: AdminDep) -> dict[str, Any]:
    """Only the limits given change; `null` puts one back to the default, `0` lifts it."""
    return keyadmin.set_quota(svc.store, svc.settings, tenant, body.model_dump(exclude_unset=True))
