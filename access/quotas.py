"""Per-tenant quotas and rate limits, and the priority that keeps one tenant's burst from
starving the others.

Three limits, each a sliding window over the tenant's own jobs in the job store (so every API
process agrees without a shared cache, and a restart forgets nothing):

- ``jobs_per_minute``: jobs submitted in the last 60 s (refused with ``rate_limited``);
- ``concurrent_jobs``: jobs queued or running now (``rate_limited``);
- ``bytes_per_day``: bytes uploaded in the last 24 hours (``quota_exceeded``).

0 means no limit. A tenant's own value (``access keys quota``, ``PUT /v1/admin/tenants/{t}/quota``)
wins over the settings' default. :func:`admit` is pure: it gets the usage and answers with the
:class:`~access.errors.TooManyRequests` to raise, whose ``retry_after`` says when the same request
would pass (when enough of the window's jobs or bytes have aged out of it).

Fair scheduling: every job carries a priority level, 0 (first) to 9 (last), from the number of
jobs its tenant already has queued or running when it is submitted (:func:`priority_level`). A
tenant that sends one job goes ahead of another tenant's backlog of fifty; the backlog still runs
in its own order, and a lone tenant's jobs all run at once when nobody else is waiting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from access.errors import QuotaExceeded, RateLimited, TooManyRequests

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
LOWEST_PRIORITY = 9
LIMITS = ("jobs_per_minute", "concurrent_jobs", "bytes_per_day")
NEAR, NEAR_JOBS = 0.1, 32      # near a limit: within a tenth of it, and at least 32 jobs


@dataclass(frozen=True)
class Quota:
    jobs_per_minute: int
    concurrent_jobs: int
    bytes_per_day: int
    busy_retry_after: int = 15          # Retry-After when the tenant has too many jobs in flight

    @classmethod
    def of(cls, settings: Any, own: dict[str, int | None] | None = None) -> Quota:
        """The settings' defaults, overridden by a tenant's own values (None: the default)."""
        own = own or {}
        values = {name: own.get(name) if own.get(name) is not None else getattr(settings, f"quota_{name}")
                  for name in LIMITS}
        return cls(**values, busy_retry_after=settings.quota_busy_retry_after)

    @property
    def limited(self) -> bool:
        """Whether any limit is set (0 everywhere: nothing to count but the priority)."""
        return bool(self.jobs_per_minute or self.concurrent_jobs or self.bytes_per_day)

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in LIMITS}


@dataclass
class Usage:
    """What the tenant has used, as the windows see it at ``now``."""

    active: int = 0                                            # jobs queued or running
    recent_count: int = 0                                      # jobs submitted in the last minute
    bytes_today: int = 0                                       # bytes uploaded in the last 24 hours
    # read only when a limit is reached (for Retry-After), oldest first:
    recent: list[datetime] = field(default_factory=list)      # the last minute's submission times
    uploads: list[tuple[datetime, int]] = field(default_factory=list)   # the last day's (time, bytes)


def refusal(quota: Quota, usage: Usage, new_bytes: int, now: datetime) -> TooManyRequests | None:
    """The error that refuses one more job of ``new_bytes`` bytes, or None when it may go in."""
    if quota.jobs_per_minute and usage.recent_count >= quota.jobs_per_minute:
        # the job that has to leave the window for one more to fit
        overflow = len(usage.recent) - quota.jobs_per_minute
        wait = _seconds_until(usage.recent[overflow] + MINUTE, now) if overflow >= 0 else int(MINUTE.total_seconds())
        return RateLimited(f"At most {quota.jobs_per_minute} jobs a minute may be submitted; "
                           "try again after Retry-After seconds.", retry_after=wait, limit="jobs_per_minute")
    if quota.concurrent_jobs and usage.active >= quota.concurrent_jobs:
        return RateLimited(f"At most {quota.concurrent_jobs} jobs may be queued or running at once; "
                           "wait for some to finish.", retry_after=quota.busy_retry_after, limit="concurrent_jobs")
    if quota.bytes_per_day and usage.bytes_today + new_bytes > quota.bytes_per_day:
        if new_bytes > quota.bytes_per_day:
            return QuotaExceeded(f"The upload ({new_bytes} bytes) is larger than the daily allowance of "
                                 f"{quota.bytes_per_day} bytes.", retry_after=int(DAY.total_seconds()),
                                 limit="bytes_per_day")
        return QuotaExceeded(f"The daily allowance of {quota.bytes_per_day} uploaded bytes is used up; "
                             "try again after Retry-After seconds.",
                             retry_after=_bytes_free_at(quota, usage, new_bytes, now), limit="bytes_per_day")
    return None


def near_limit(quota: Quota, usage: Usage, new_bytes: int) -> bool:
    """Whether one more job of ``new_bytes`` would bring the tenant within :data:`NEAR` (a tenth,
    and at least :data:`NEAR_JOBS` jobs) of a limit: there the usage is counted again with the
    tenant locked, so concurrent submissions cannot overshoot; below it they need not wait for
    each other (fewer than that many submissions of one tenant are ever in flight at once)."""

    def near(used: int, limit: int, floor: int) -> bool:
        return bool(limit) and used >= limit - max(floor, math.ceil(limit * NEAR))

    return (near(usage.recent_count + 1, quota.jobs_per_minute, NEAR_JOBS)
            or near(usage.active + 1, quota.concurrent_jobs, NEAR_JOBS)
            or near(usage.bytes_today + new_bytes, quota.bytes_per_day, 0))


def _bytes_free_at(quota: Quota, usage: Usage, new_bytes: int, now: datetime) -> int:
    """Seconds until enough of the last day's uploads have aged out for ``new_bytes`` more."""
    excess = usage.bytes_today + new_bytes - quota.bytes_per_day
    freed = 0
    for when, size in usage.uploads:
        freed += size
        if freed >= excess:
            return _seconds_until(when + DAY, now)
    return int(DAY.total_seconds())


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def priority_level(active: int, step: int) -> int:
    """A new job's priority (0 first ... 9 last) when its tenant already has ``active`` jobs
    queued or running: one level down for every ``step`` of them."""
    return min(LOWEST_PRIORITY, max(0, active) // max(1, step))
