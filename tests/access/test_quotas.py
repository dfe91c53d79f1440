"""Quotas and fair priorities: the pure rules, and the store's check made with the insert (so
concurrent submissions cannot all slip under a limit), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from access.config import Settings
from access.errors import QuotaExceeded, RateLimited, TooManyRequests
from access.models import JobKind
from access.quotas import Quota, Usage, near_limit, priority_level, refusal
from access.store import Store
from tests.access.test_store import at_once

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
QUOTA = Quota(jobs_per_minute=3, concurrent_jobs=5, bytes_per_day=1000, busy_retry_after=15)


def test_rate_limit_retry_after_is_when_the_window_has_room() -> None:
    recent = [NOW - timedelta(seconds=s) for s in (50, 20, 5)]         # oldest first
    refused = refusal(QUOTA, Usage(recent_count=3, recent=recent), 0, NOW)
    assert isinstance(refused, RateLimited) and refused.limit == "jobs_per_minute"
    assert refused.retry_after == 10, "the job sent 50 s ago leaves the minute in 10 s"
    assert refusal(QUOTA, Usage(recent_count=2), 0, NOW) is None


def test_concurrency_and_bytes() -> None:
    busy = refusal(QUOTA, Usage(active=5), 0, NOW)
    assert isinstance(busy, RateLimited) and busy.limit == "concurrent_jobs" and busy.retry_after == 15
    uploads = [(NOW - timedelta(hours=20), 600), (NOW - timedelta(hours=2), 300)]
    full = refusal(QUOTA, Usage(bytes_today=900, uploads=uploads), 200, NOW)
    assert isinstance(full, QuotaExceeded) and full.code == "quota_exceeded" and full.http_status == 429
    assert full.retry_after == 4 * 3600, "the 600 bytes sent 20 h ago free enough in 4 h"
    assert refusal(QUOTA, Usage(bytes_today=900), 100, NOW) is None
    too_big = refusal(QUOTA, Usage(), 5000, NOW)
    assert isinstance(too_big, QuotaExceeded) and "larger than the daily allowance" in too_big.message
    unlimited = Quota(0, 0, 0)
    assert refusal(unlimited, Usage(recent_count=999, active=999, bytes_today=10**12), 10**9, NOW) is None


def test_a_tenants_own_values_win_over_the_settings() -> None:
    settings = Settings(_env_file=None, quota_jobs_per_minute=7, quota_concurrent_jobs=8, quota_bytes_per_day=9)
    quota = Quota.of(settings, {"jobs_per_minute": 1, "concurrent_jobs": None, "bytes_per_day": 0})
    assert quota.as_dict() == {"jobs_per_minute": 1, "concurrent_jobs": 8, "bytes_per_day": 0}


def test_near_a_limit() -> None:
    quota = Quota(jobs_per_minute=300, concurrent_jobs=0, bytes_per_day=1000)
    assert not near_limit(quota, Usage(recent_count=200), 0)
    assert near_limit(quota, Usage(recent_count=270), 0), "within 32 jobs (more than a tenth) of 300"
    assert near_limit(Quota(400, 0, 0), Usage(recent_count=360), 0), "within a tenth (40 jobs) of 400"
    assert near_limit(quota, Usage(bytes_today=500), 600) and not near_limit(quota, Usage(bytes_today=500), 100)
    assert not near_limit(Quota(0, 0, 0), Usage(recent_count=10**6, active=10**6), 10**12)


def test_priority_falls_with_the_tenants_backlog() -> None:
    assert [priority_level(n, 2) for n in (0, 1, 2, 3, 4, 17, 18, 500)] == [0, 0, 1, 1, 2, 8, 9, 9]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path, pg_database_factory) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'q.sqlite'}" if request.param == "sqlite" else pg_database_factory()
    s = Store(url)
    s.ensure_schema()
    s.ensure_tenant("t")
    yield s
    s.dispose()


def test_concurrent_submissions_cannot_all_slip_under_a_limit(store: Store) -> None:
    quota = Quota(jobs_per_minute=0, concurrent_jobs=3, bytes_per_day=0)

    def submit(i: int) -> None:
        store.create_job(tenant="t", kind=JobKind.AUDIT, input={"url": f"https://example.org/{i}"}, options={},
                         quota=quota, fair_share_step=1)

    errors = at_once(8, submit)
    assert len(errors) == 5 and all(isinstance(e, TooManyRequests) for e in errors)
    rows, total = store.list_jobs("t")
    assert total == 3
    assert sorted(j.priority for j in rows) == [0, 1, 2], "each job saw the ones admitted before it"


def test_bytes_are_counted_from_the_upload_size(store: Store) -> None:
    quota = Quota(jobs_per_minute=0, concurrent_jobs=0, bytes_per_day=100)
    store.create_job(tenant="t", kind=JobKind.AUDIT, input={"path": "/x", "filename": "a.pdf", "size": 60},
                     options={}, quota=quota)
    with pytest.raises(QuotaExceeded):
        store.create_job(tenant="t", kind=JobKind.AUDIT, input={"path": "/y", "filename": "b.pdf", "size": 50},
                         options={}, quota=quota)
    assert store.usage("t", quota).bytes_today == 60
