"""A per-host politeness limit on every request a site audit makes: page loads in the browser and
the plain fetches (robots.txt, sitemaps, linked documents), so an audit cannot hammer a school's
server, however many workers its pages fan out to.

Each request to a host first reserves its *slot*: at least ``interval`` seconds after the host's
previous request, where the interval is ``1 / host_rate`` (a web setting, requests per second) or
the pause the site's robots.txt asks for (``Crawl-delay``), whichever is longer; the caller sleeps
until its slot. Every request is recorded, also one made before the Crawl-delay was known (the
robots.txt fetch itself). Reserving is one atomic step, so the limit holds for concurrent callers:

- with a Redis broker (distributed mode) the slots live in Redis (one key per host, set by a Lua
  script that reads the Redis server's clock), shared by every worker on every machine;
- otherwise (the CLI, the embedded worker: one process) in this process.

With a RabbitMQ broker each worker process keeps its own slots, so the limit holds per worker
process there (README: Distributed mode). Two audits of one host share its slots.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlsplit

from access.config import Settings, plugin_settings
from auditors.web.settings import WebSettings

log = logging.getLogger(__name__)
KEY = "access:polite:"             # + host, after the deployment's broker key prefix
NAP = 0.25                         # seconds between cancellation checks while waiting

# KEYS[1]: the host's key (the time of its last request); ARGV[1]: the interval, ARGV[2]: how long
# to remember the host, both in microseconds. Returns the microseconds to wait.
RESERVE = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, last + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], string.format('%.0f', slot), 'PX', math.ceil((slot - now + tonumber(ARGV[2])) / 1000))
return slot - now
"""
REMEMBER = 120.0                   # seconds a host's last request is kept (past the longest interval)


class Slots(Protocol):
    def reserve(self, host: str, interval: float) -> float:
        """Reserve the host's next slot; the seconds to wait until it."""
        ...


class LocalSlots:
    """Slots kept in this process (threads of one process share them)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, host: str, interval: float) -> float:
        with self._lock:
            now = self.clock()
            last = self._last.get(host)
            slot = now if last is None else max(now, last + interval)
            self._last[host] = slot
            if len(self._last) > 10_000:           # forget hosts not asked for a while
                self._last = {h: t for h, t in self._last.items() if t > now - REMEMBER}
            return slot - now


class RedisSlots:
    """Slots in Redis, shared by every worker of a deployment; this process's own slots while
    Redis cannot be reached (the audit goes on, more slowly limited)."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.script = self.client.register_script(RESERVE)
        self.prefix = prefix + KEY
        self.fallback = LocalSlots()

    def reserve(self, host: str, interval: float) -> float:
        import redis

        try:
            remember = max(REMEMBER, 2 * interval)
            wait = self.script(keys=[self.prefix + host], args=[int(interval * 1_000_000), int(remember * 1_000_000)])
            return max(0.0, int(wait) / 1_000_000)
        except redis.RedisError as exc:
            log.warning("politeness limit: Redis unreachable (%s); limiting in this process", exc)
            return self.fallback.reserve(host, interval)


_LOCAL = LocalSlots()
_SHARED: dict[tuple[str, str], RedisSlots] = {}
_SHARED_LOCK = threading.Lock()


def slots_for(settings: Settings) -> Slots:
    """Redis slots when the broker is Redis, else this process's."""
    url = settings.broker_url or ""
    if not url.startswith(("redis://", "rediss://")):
        return _LOCAL
    key = (url, settings.broker_key_prefix)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = RedisSlots(url, settings.broker_key_prefix)
        return _SHARED[key]


def interval_for(settings: Settings, crawl_delay: float = 0.0) -> float:
    """Seconds between two requests to one host: the rate setting, or the site's Crawl-delay
    (at most ``max_crawl_delay``) when that is longer."""
    web = plugin_settings(WebSettings, settings)
    base = 1.0 / web.host_rate if web.host_rate > 0 else 0.0
    return max(base, min(crawl_delay, web.max_crawl_delay))


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc or parts.path).lower()


def wait_turn(url: str, settings: Settings, crawl_delay: float = 0.0,
              check_cancelled: Callable[[], None] | None = None) -> float:
    """Wait until this process may send one request to ``url``'s host; returns the seconds waited.
    ``check_cancelled`` is called while waiting (it raises to stop)."""
    wait = slots_for(settings).reserve(host_of(url), interval_for(settings, crawl_delay))
    end = time.monotonic() + wait
    while (left := end - time.monotonic()) > 0:
        if check_cancelled is not None:
            check_cancelled()
        time.sleep(min(NAP, left))
    return wait
