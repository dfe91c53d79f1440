"""Keys: scopes, expiry and revocation rules, the key-management use-cases, and the upgrade of a
database whose keys and jobs were made before migration 0003."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from access import keyadmin
from access.errors import NotFound, ValidationFailed
from access.jobfilters import JobFilter, site_of
from access.keys import TENANT_SCOPES, KeyInfo, Scope, key_problem, key_status, parse_scopes
from access.store import Store, alembic_config, hash_key

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def info(**changes) -> KeyInfo:
    values = {"id": 1, "tenant": "t", "prefix": "acc_AbCdEfGh", "name": "", "scopes": TENANT_SCOPES,
              "created_at": NOW, "last_used_at": None, "expires_at": None, "revoked_at": None, **changes}
    return KeyInfo(**values)


def test_scopes_parse_from_text_or_lists() -> None:
    assert parse_scopes("audit read") == parse_scopes("audit,read") == parse_scopes(["read", "AUDIT"])
    assert parse_scopes("") == frozenset()
    with pytest.raises(ValueError, match="Unknown scope"):
        parse_scopes("audit root")


def test_revoked_expired_and_grace() -> None:
    assert key_problem(info(), NOW) is None and key_status(info(), NOW) == "active"
    revoked = info(revoked_at=NOW - timedelta(seconds=1))
    assert "revoked" in (key_problem(revoked, NOW) or "") and "acc_AbCdEfGh" in (key_problem(revoked, NOW) or "")
    grace = info(revoked_at=NOW + timedelta(hours=1))
    assert key_problem(grace, NOW) is None, "a rotated key works until its grace period ends"
    expired = info(expires_at=NOW)
    assert "expired" in (key_problem(expired, NOW) or "") and key_status(expired, NOW) == "expired"
    assert info(prefix=None).label == "key #1"


def test_expiry_and_durations() -> None:
    assert keyadmin.expiry("90d", NOW) == NOW + timedelta(days=90)
    assert keyadmin.expiry("2030-01-01", NOW) == datetime(2030, 1, 1, tzinfo=UTC)
    assert keyadmin.expiry("2030-01-01T10:00:00+02:00", NOW) == datetime(2030, 1, 1, 8, tzinfo=UTC)
    assert keyadmin.expiry(None, NOW) is None
    for bad in ("soon", "2020-01-01", "5y"):
        with pytest.raises(ValidationFailed):
            keyadmin.expiry(bad, NOW)
    with pytest.raises(ValidationFailed):
        keyadmin.check_tenant("two words")
    with pytest.raises(ValidationFailed):
        keyadmin.scopes_from([])


def test_sites_are_origins_and_start_paths() -> None:
    assert site_of("https://Example.org:443/Courses/?x=1#top") == ("https://example.org", "/Courses")
    assert site_of("http://example.org:8080") == ("http://example.org:8080", "/")
    assert site_of("http://[::1]:80/a/") == ("http://[::1]", "/a")
    with pytest.raises(ValidationFailed):
        site_of("mailto:someone@example.org")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'k.sqlite'}")
    s.ensure_schema()
    yield s
    s.dispose()


def test_rotation_keeps_name_scopes_and_expiry(store: Store) -> None:
    key, made = keyadmin.create_key(store, "t", name="LMS", scopes="audit", expires="30d")
    new_key, new, old = keyadmin.rotate_key(store, made.prefix or "", "1h")
    assert (new.tenant, new.name, new.scopes, new.expires_at) == ("t", "LMS", frozenset({Scope.AUDIT}),
                                                                  made.expires_at)
    assert old.revoked_at is not None and store.tenant_for_key(key) == "t", "the old key works for an hour"
    generation = store.key_generation()
    keyadmin.revoke_key(store, old.id)
    assert store.tenant_for_key(key) is None and store.tenant_for_key(new_key) == "t"
    assert store.key_generation() > generation
    with pytest.raises(ValidationFailed, match="revoked"):
        keyadmin.rotate_key(store, old.id)
    with pytest.raises(NotFound):
        keyadmin.revoke_key(store, "acc_nothere")


def test_a_database_from_before_0003_keeps_its_keys_and_lists_its_jobs(tmp_path: Path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    command.upgrade(alembic_config(url), "0002")
    old_key = "acc_" + "x" * 43
    store = Store(url)
    try:
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO tenants (name, webhook_secret, created_at) VALUES ('old', 'ab', :t)"),
                         {"t": NOW.replace(tzinfo=None)})
            conn.execute(text("INSERT INTO api_keys (tenant, key_hash, created_at) VALUES ('old', :h, :t)"),
                         {"h": hash_key(old_key), "t": NOW.replace(tzinfo=None)})
            for job_id, data in (("j1", '{"url": "https://example.org/course/"}'),
                                 ("j2", '{"path": "/x", "filename": "Week 1.pdf", "format": "pdf", "size": 9}')):
                conn.execute(text("INSERT INTO jobs (id, tenant, kind, input, options, status, progress, created_at, "
                                  "attempts, result) VALUES (:id, 'old', 'audit', :input, '{}', 'succeeded', 100, :t, "
                                  "1, '{}')"), {"id": job_id, "input": data, "t": NOW.replace(tzinfo=None)})
        store.ensure_schema()
        kept = store.key_info(old_key)
        assert kept is not None and kept.scopes == TENANT_SCOPES, "every scope a key had before; not admin"
        assert kept.prefix == old_key[:12], "the prefix is kept on first use"
        assert store.tenant_for_key(old_key) == "old"
        assert [j.id for j in store.list_jobs("old", filters=JobFilter(site="https://example.org"))[0]] == ["j1"]
        assert [j.id for j in store.list_jobs("old", filters=JobFilter(document="week 1.PDF"))[0]] == ["j2"]
        assert store.usage("old").active == 0
    finally:
        store.dispose()
