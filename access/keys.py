"""API keys: what a key may do (its scopes), how it looks, and when it stops working.

A key is ``acc_`` followed by 43 random URL-safe characters; only its SHA-256 is stored. Its first
:data:`PREFIX_LENGTH` characters (``acc_`` and 8 more) are kept in clear as its *prefix*: what
identifies the key in lists, logs and the admin API without revealing it. A key carries scopes:

- ``audit``: submit audits (and cancel or delete them);
- ``convert``: submit conversions (and cancel or delete them);
- ``read``: read jobs, reports, files and webhook deliveries (and redeliver a webhook);
- ``admin``: manage every tenant's keys and quotas under ``/v1/admin``.

A key fails at once when it is revoked or past its expiry (:func:`key_problem`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

KEY_PREFIX = "acc_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8


class Scope(StrEnum):
    AUDIT = "audit"
    CONVERT = "convert"
    READ = "read"
    ADMIN = "admin"


TENANT_SCOPES = frozenset({Scope.AUDIT, Scope.CONVERT, Scope.READ})   # a new key's default
ALL_SCOPES = frozenset(Scope)


def parse_scopes(value: str | Iterable[str]) -> frozenset[Scope]:
    """Scopes from ``"audit read"``, ``"audit,read"`` or a list; an unknown name is a ValueError."""
    names = value.replace(",", " ").split() if isinstance(value, str) else [v.strip() for v in value]
    try:
        return frozenset(Scope(n.lower()) for n in names if n)
    except ValueError as exc:
        known = ", ".join(s.value for s in Scope)
        raise ValueError(f"Unknown scope in {' '.join(names)!r} (known: {known}).") from exc


def format_scopes(scopes: Iterable[Scope]) -> str:
    return " ".join(sorted(s.value for s in scopes))


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def prefix_of(key: str) -> str:
    return key[:PREFIX_LENGTH]


@dataclass(frozen=True)
class KeyInfo:
    """A key as lists and the API's cache see it (never the key itself)."""

    id: int
    tenant: str
    prefix: str | None
    name: str
    scopes: frozenset[Scope]
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None

    @property
    def label(self) -> str:
        """How logs and lists name the key: its prefix (or its number, for a key made before
        prefixes were kept and not used since)."""
        return self.prefix or f"key #{self.id}"

    def as_dict(self, now: datetime) -> dict[str, object]:
        return {"id": self.id, "prefix": self.prefix, "tenant": self.tenant, "name": self.name,
                "scopes": sorted(s.value for s in self.scopes), "created_at": _iso(self.created_at),
                "last_used_at": _iso(self.last_used_at), "expires_at": _iso(self.expires_at),
                "revoked_at": _iso(self.revoked_at), "status": key_status(self, now)}


def key_problem(info: KeyInfo, now: datetime) -> str | None:
    """Why the key may not be used now (None when it may)."""
    if info.revoked_at is not None and info.revoked_at <= now:
        return f"The API key {info.label} has been revoked."
    if info.expires_at is not None and info.expires_at <= now:
        return f"The API key {info.label} expired on {info.expires_at:%Y-%m-%d %H:%M} UTC."
    return None


def key_status(info: KeyInfo, now: datetime) -> str:
    if info.revoked_at is not None and info.revoked_at <= now:
        return "revoked"
    if info.expires_at is not None and info.expires_at <= now:
        return "expired"
    return "active"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
