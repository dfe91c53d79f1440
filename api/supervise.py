"""The embedded worker of ``access serve``, supervised: started beside the API, started again when
it dies (with a growing pause), reported by ``/readyz``, and ended when ``access serve`` ends, even
by SIGKILL (Linux: the child asks the kernel for SIGTERM when its parent dies, ``PR_SET_PDEATHSIG``),
so a new ``access serve`` never finds an orphaned worker beside its own.

The supervisor writes where the worker stands to ``<data_dir>/embedded-worker.json``; the API
process(es) of the same ``access serve`` (itself, or its children with ``--workers N``) read it
for ``/readyz``. An API started otherwise (``uvicorn``, a container) has no embedded worker to
report.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import logging
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from access.config import Settings
from access.leases import process_alive
from access.storage import write_atomic

log = logging.getLogger(__name__)
STATE_FILE = "embedded-worker.json"
PR_SET_PDEATHSIG = 1
CHECK_SECONDS = 0.5
FIRST_PAUSE, LONGEST_PAUSE = 2.0, 60.0          # before a restart; doubled after each quick death
STEADY_SECONDS = 60.0                           # a worker that lived this long: the pause starts over

try:            # loaded before any fork: the child only calls into it
    _LIBC: Any = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
except OSError:
    _LIBC = None


def state_path(settings: Settings) -> Path:
    return settings.resolved_data_dir / STATE_FILE


def _die_with_parent(parent: int) -> None:
    """In the child, between fork and exec: SIGTERM when the parent dies (Linux); gone already
    (the parent died before the call), end now."""
    if _LIBC is not None:
        with contextlib.suppress(Exception):
            _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        os._exit(0)


class WorkerSupervisor:
    """Runs ``argv`` as the embedded worker and keeps it running until :meth:`stop`."""

    def __init__(self, argv: list[str], state: Path, stop_grace: float = 15.0) -> None:
        self.argv, self.state, self.stop_grace = argv, state, stop_grace
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stop = threading.Event()
        self._started = threading.Event()
        # the thread that forks the worker lives as long as the supervisor: PR_SET_PDEATHSIG
        # fires when the forking *thread* ends
        self._thread = threading.Thread(target=self._run, name="access-worker-supervisor", daemon=True)

    def start(self) -> subprocess.Popen[bytes]:
        self._thread.start()
        self._started.wait(30)
        assert self.proc is not None
        return self.proc

    def _spawn(self) -> None:
        parent = os.getpid()
        self.proc = subprocess.Popen(self.argv, start_new_session=True,
                                     preexec_fn=lambda: _die_with_parent(parent))
        self._write(alive=True)

    def _write(self, *, alive: bool) -> None:
        data = {"serve_pid": os.getpid(), "worker_pid": self.proc.pid if self.proc else None, "alive": alive,
                "restarts": self.restarts, "at": time.time()}
        with contextlib.suppress(OSError):
            write_atomic(self.state, json.dumps(data))

    def _run(self) -> None:
        pause = FIRST_PAUSE
        self._spawn()
        self._started.set()
        born = time.monotonic()
        while not self._stop.wait(CHECK_SECONDS):
            assert self.proc is not None
            code = self.proc.poll()
            if code is None:
                continue
            self._write(alive=False)
            pause = FIRST_PAUSE if time.monotonic() - born > STEADY_SECONDS else pause
            log.error("the embedded worker (pid %s) ended with %s: starting it again in %.0f s", self.proc.pid,
                      code, pause)
            if self._stop.wait(pause):
                break
            self.restarts += 1
            self._spawn()
            born = time.monotonic()
            pause = min(LONGEST_PAUSE, pause * 2)
        if self.proc is not None:
            stop_process(self.proc, self.stop_grace)
        with contextlib.suppress(OSError):
            self.state.unlink()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(self.stop_grace + 15)


def stop_process(child: subprocess.Popen[bytes], grace: float = 15.0) -> None:
    """SIGTERM (a Celery worker finishes its current task), then SIGKILL after ``grace`` seconds."""
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.1)
    if child.poll() is None:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def worker_check(settings: Settings) -> str | None:
    """For ``/readyz``: "ok" while the embedded worker of the ``access serve`` running this API is
    alive, a reason when it is not; None when this API has no embedded worker."""
    try:
        data = json.loads(state_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("serve_pid") not in (os.getpid(), os.getppid()):
        return None            # another process's file (or a stale one)
    pid = data.get("worker_pid")
    if not data.get("alive") or not isinstance(pid, int) or not process_alive(pid):
        return f"the embedded worker is not running (restarts so far: {data.get('restarts', 0)})"
    return "ok"
