"""Fair scheduling between tenants on a real Redis broker and a real worker: a tenant's burst
does not hold back another tenant's job beyond a bound (``fair_share_step`` jobs of the burst,
whatever its length). Ordering only, no timing."""

from __future__ import annotations

import pytest

from tests.conftest import REDIS_URL
from tests.workers.fairness import burst_and_lone

BURST = 12


@pytest.mark.redis
def test_a_tenants_burst_does_not_hold_back_another_tenants_job(deployment_factory, redis_prefix) -> None:
    dep = deployment_factory(broker_url=REDIS_URL, broker_key_prefix=f"{redis_prefix}fair:",
                             embedded_worker="false", debug_task_delay="0.2", fair_share_step="2")
    outcome = burst_and_lone(dep, BURST, concurrency=1)
    assert outcome.lone_status == "succeeded"
    assert outcome.burst_started_before <= 2, (
        f"{outcome.burst_started_before} of the {BURST} burst jobs ran first; the bound is fair_share_step (2)")
