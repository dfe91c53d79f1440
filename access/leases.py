"""Job leases: how a lost worker's job is found and run again, and a live one never twice.

A worker that starts a job takes a *lease* on its row (``jobs.lease_owner``: host and process id;
``jobs.lease_until``: a time a little ahead) and a :class:`LeaseKeeper` thread in that process
pushes the time ahead while the job runs, whatever the job is doing. A job whose lease has run
out, or whose owner is a process of this host that no longer exists, was lost with its worker:
the sweeper (:func:`access.jobs.sweep_lost_jobs`, run by every worker at start and then
periodically) sends it again, or fails it with ``resource_limit`` once it has been started
``job_max_attempts`` times (a poison job that kills its worker is not run forever). A task
delivered again while the job's lease is alive (the broker redelivers a task that is still running
elsewhere) is dropped: a long job that is still alive is never run twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


def owner_id(pid: int | None = None) -> str:
    """This process as a lease owner: ``host:pid``."""
    return f"{socket.gethostname() or 'host'}:{pid or os.getpid()}"


def owner_is_dead(owner: str | None) -> bool:
    """Whether ``owner`` is a process of this host that no longer exists (an owner on another host
    is never known dead: its lease runs out instead)."""
    if not owner or ":" not in owner:
        return False
    host, _, pid_text = owner.rpartition(":")
    if host != (socket.gethostname() or "host") or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    return pid != os.getpid() and not process_alive(pid)


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this host exists and has not exited (a zombie its parent has
    not reaped yet is dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:          # exists, another user's
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


@dataclass(frozen=True)
class Lease:
    """What a worker asks for when it starts a job: who it is, for how long, and how many starts a
    job may have had before it is given up on."""

    owner: str
    seconds: float
    max_attempts: int
    is_dead: Callable[[str | None], bool] = owner_is_dead


class LeaseKeeper:
    """One thread per process renewing the leases of the jobs this process runs, every quarter of
    the lease. A renewal that fails (the database is away) is tried again at the next beat; the
    lease is long enough to outlive a few failures."""

    def __init__(self, renew: Callable[[list[str], float], object], seconds: float) -> None:
        self.renew, self.seconds = renew, seconds
        self._jobs: dict[str, int] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def hold(self, job_id: str) -> None:
        with self._lock:
            self._jobs[job_id] = self._jobs.get(job_id, 0) + 1
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="access-leases", daemon=True)
                self._thread.start()

    def release(self, job_id: str) -> None:
        with self._lock:
            left = self._jobs.get(job_id, 0) - 1
            if left <= 0:
                self._jobs.pop(job_id, None)
            else:
                self._jobs[job_id] = left

    def held(self) -> list[str]:
        with self._lock:
            return list(self._jobs)

    def _run(self) -> None:
        interval = max(0.5, self.seconds / 4)
        while not self._wake.wait(interval):
            with self._lock:
                ids = list(self._jobs)
                if not ids:                  # nothing held: the thread ends (the next hold starts one)
                    self._thread = None
                    return
            try:
                self.renew(ids, self.seconds)
            except Exception as exc:        # the database is away: the next beat tries again
                log.warning("could not renew the lease of %d job(s): %s", len(ids), type(exc).__name__)
