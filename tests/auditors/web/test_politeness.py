"""The per-host politeness limit: slots reserved in this process or in Redis, the interval from
the rate setting and robots.txt's Crawl-delay, and, measured by a local server's own clock, two
worker processes sharing one limit through Redis (no timing assertions on our own speed)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from access.config import Settings
from auditors.web.politeness import LocalSlots, RedisSlots, host_of, interval_for, slots_for
from tests.auditors.web.local_site import assert_spaced, local_site
from tests.conftest import REDIS_URL


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_local_slots_space_requests_to_one_host() -> None:
    clock = Clock()
    slots = LocalSlots(clock)
    assert slots.reserve("a.org", 0.5) == 0                 # the first request goes at once
    assert slots.reserve("a.org", 0.5) == 0.5               # the next waits for its slot
    assert slots.reserve("a.org", 0.5) == 1.0               # and the one after that for the next
    assert slots.reserve("b.org", 0.5) == 0                 # another host has its own slots
    clock.now += 5
    assert slots.reserve("a.org", 0.5) == 0                 # slots long past do not pile up


def test_a_longer_interval_counts_from_the_last_request() -> None:
    clock = Clock()
    slots = LocalSlots(clock)
    slots.reserve("a.org", 0.0)                              # robots.txt, before its Crawl-delay was known
    assert slots.reserve("a.org", 2.0) == 2.0


def test_interval_from_rate_and_crawl_delay() -> None:
    settings = Settings(_env_file=None, host_rate=4.0, max_crawl_delay=10.0)
    assert interval_for(settings) == 0.25
    assert interval_for(settings, crawl_delay=1.5) == 1.5            # the site asks for more
    assert interval_for(settings, crawl_delay=0.1) == 0.25
    assert interval_for(settings, crawl_delay=600) == 10.0           # cut to max_crawl_delay
    assert interval_for(Settings(_env_file=None, host_rate=0.0)) == 0.0
    assert host_of("https://LMS.example.org:8443/course/") == "lms.example.org:8443"


def test_the_limit_lives_in_redis_only_with_a_redis_broker() -> None:
    assert isinstance(slots_for(Settings(_env_file=None)), LocalSlots)
    assert isinstance(slots_for(Settings(_env_file=None, broker_url="amqp://guest@127.0.0.1//")), LocalSlots)
    redis = slots_for(Settings(_env_file=None, broker_url="redis://127.0.0.1:1/0", broker_key_prefix="t:"))
    assert isinstance(redis, RedisSlots)


def test_unreachable_redis_falls_back_to_this_process() -> None:
    slots = RedisSlots("redis://127.0.0.1:1/0", "t:")              # nothing listens on port 1
    assert slots.reserve("a.org", 0.5) == 0 and slots.reserve("a.org", 0.5) == pytest.approx(0.5, abs=0.1)


WORKER = """
import sys
from access.config import Settings
from auditors.web.fetch import fetch
settings = Settings(_env_file=None)
for i in range(int(sys.argv[2])):
    fetch(sys.argv[1] + f"/w{i}", settings, allow_private=True, max_bytes=100)
"""


@pytest.mark.redis
def test_two_worker_processes_share_one_limit_through_redis(redis_prefix: str) -> None:
    """Two worker processes fetch four pages each under one limit of 5 requests/s kept in Redis."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}, "ACCESS_BROKER_URL": REDIS_URL,
           "ACCESS_BROKER_KEY_PREFIX": redis_prefix, "ACCESS_HOST_RATE": "5"}
    with local_site({f"/w{i}": b"ok" for i in range(4)}) as site:
        workers = [subprocess.Popen([sys.executable, "-c", WORKER, site.origin, "4"], env=env) for _ in range(2)]
        assert [w.wait(timeout=60) for w in workers] == [0, 0]
    times = site.times()
    assert len(times) == 8
    assert_spaced(times, 0.2)
