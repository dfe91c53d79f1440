"""Managing keys and tenants' quotas: the use-cases behind ``access keys …`` and ``/v1/admin``,
written once for both. Each validates its input and raises an :class:`AccessError` with a stable
code (``invalid_request``, ``not_found``), never a bare exception."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from access.config import Settings
from access.errors import NotFound, ValidationFailed
from access.keys import TENANT_SCOPES, KeyInfo, Scope, parse_scopes
from access.models import utcnow
from access.quotas import LIMITS, Quota
from access.store import Store

DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.I)
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
TENANT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")


def check_tenant(name: str) -> str:
    name = name.strip()
    if not TENANT_NAME.match(name):
        raise ValidationFailed("A tenant name has 1 to 100 letters, digits, '.', '_', '-' or '@', "
                               "and starts with a letter or digit.")
    return name


def scopes_from(value: str | Iterable[str] | None) -> frozenset[Scope]:
    if value is None:
        return TENANT_SCOPES
    try:
        scopes = parse_scopes(value)
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from exc
    if not scopes:
        raise ValidationFailed("A key needs at least one scope.")
    return scopes


def duration(text: str) -> timedelta:
    """``90d``, ``12h``, ``30m``, ``45s``, ``2w`` → a timedelta."""
    match = DURATION.match(text or "")
    if not match:
        raise ValidationFailed(f"{text!r} is not a duration such as 90d, 12h, 30m or 2w.")
    return timedelta(seconds=int(match.group(1)) * UNIT_SECONDS[match.group(2).lower()])


def expiry(value: str | datetime | None, now: datetime | None = None) -> datetime | None:
    """When a key expires: a duration from now (``90d``), an ISO 8601 date or time (UTC unless
    it says otherwise), or None (never)."""
    if value is None or value == "":
        return None
    now = now or utcnow()
    if isinstance(value, datetime):
        when = value
    elif DURATION.match(value):
        return now + duration(value)
    else:
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValidationFailed(f"{value!r} is neither a duration (90d) nor an ISO 8601 date.") from exc
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    if when <= now:
        raise ValidationFailed("The expiry is in the past.")
    return when


def create_key(store: Store, tenant: str, *, name: str = "", scopes: str | Iterable[str] | None = None,
               expires: str | datetime | None = None) -> tuple[str, KeyInfo]:
    return store.issue_key(check_tenant(tenant), name=name.strip(), scopes=scopes_from(scopes),
                           expires_at=expiry(expires))


def find_key(store: Store, ref: str | int) -> KeyInfo:
    info = store.find_key(ref)
    if info is None:
        raise NotFound(f"No API key {ref!r} (give its number or its prefix, such as acc_AbCdEfGh).")
    return info


def revoke_key(store: Store, ref: str | int) -> KeyInfo:
    info = store.revoke_key(find_key(store, ref).id)
    assert info is not None
    return info


def rotate_key(store: Store, ref: str | int, grace: str | None = None) -> tuple[str, KeyInfo, KeyInfo]:
    """A new key in place of ``ref``; the old one works for ``grace`` more (``1h``; none by
    default). Returns the new key, what is kept of it, and the old key as it is now."""
    old = find_key(store, ref)
    if old.revoked_at is not None and old.revoked_at <= utcnow():
        raise ValidationFailed(f"The key {old.label} is revoked; create a new key instead.")
    made = store.rotate_key(old.id, duration(grace) if grace else timedelta(0))
    assert made is not None
    return made[0], made[1], find_key(store, old.id)


def quota_view(store: Store, settings: Settings, tenant: str) -> dict[str, Any]:
    """A tenant's limits in force, its own values, the defaults, and its usage now."""
    own = store.tenant_quota(tenant)
    quota = Quota.of(settings, own)
    usage = store.usage(tenant, quota)
    return {"tenant": tenant, "limits": quota.as_dict(), "own": own,
            "defaults": {name: getattr(settings, f"quota_{name}") for name in LIMITS},
            "usage": {"jobs_last_minute": usage.recent_count, "concurrent_jobs": usage.active,
                      "bytes_last_day": usage.bytes_today}}


def set_quota(store: Store, settings: Settings, tenant: str, values: dict[str, int | None]) -> dict[str, Any]:
    """Set a tenant's own limits (0: no limit; None: back to the default)."""
    tenant = check_tenant(tenant)
    for name, value in values.items():
        if name not in LIMITS:
            raise ValidationFailed(f"Unknown limit {name!r} (known: {', '.join(LIMITS)}).")
        if value is not None and value < 0:
            raise ValidationFailed(f"{name} cannot be negative (0 means no limit).")
    store.set_tenant_quota(tenant, values)
    return quota_view(store, settings, tenant)
