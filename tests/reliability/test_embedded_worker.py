"""Issue 14: the embedded worker of ``access serve`` is supervised. Killed, it is reported by
``/readyz`` and started again (and jobs run again); ``access serve`` SIGKILLed takes its worker
with it, so the next start runs one worker, not two."""

from __future__ import annotations

import json
import os
import signal

import pytest

from access.leases import process_alive
from tests.reliability.conftest import wait_until


def _state(dep) -> dict:
    try:
        return json.loads((dep.data_dir / "embedded-worker.json").read_text())
    except (OSError, ValueError):
        return {}


@pytest.mark.timeout(180)
def test_dead_embedded_worker_is_reported_restarted_and_never_orphaned(deployment_factory, sample_html) -> None:
    dep = deployment_factory()
    store = dep.store()
    key = store.create_api_key("ops")
    store.dispose()
    serve = dep.start_serve()
    first = wait_until(lambda: _state(dep).get("worker_pid"), 30, "the worker")
    with dep.client() as anon:
        wait_until(lambda: anon.get("/readyz").json().get("checks", {}).get("worker") == "ok", 60, "ready")
        os.kill(first, signal.SIGKILL)
        seen = wait_until(lambda: (r := anon.get("/readyz")).status_code == 503 and r.json(), 10, "not ready")
        assert "embedded worker is not running" in seen["checks"]["worker"]
        wait_until(lambda: _state(dep).get("restarts") == 1 and anon.get("/readyz").status_code == 200, 60,
                   "the worker started again")
    second = _state(dep)["worker_pid"]
    assert second != first and process_alive(second)
    with dep.client(key) as client:          # the new worker runs jobs
        r = client.post("/v1/audits", files={"file": ("lesson.html", sample_html, "text/html")})
        assert r.status_code == 202, r.text
        assert dep.wait_job(client, r.json()["id"], timeout=90)["status"] == "succeeded"
    # access serve dies without a word: its worker goes too
    os.kill(serve.pid, signal.SIGKILL)
    serve.wait(timeout=10)
    wait_until(lambda: not process_alive(second), 30, "the orphaned worker to end")
    serve = dep.start_serve()
    third = wait_until(lambda: (s := _state(dep)).get("serve_pid") == serve.pid and s.get("worker_pid"), 30,
                       "the new worker")
    assert process_alive(third) and not process_alive(second), "one worker, not two"
    dep.stop()
