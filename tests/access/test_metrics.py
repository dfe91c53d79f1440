"""Metrics in prometheus_client's multiprocess mode: every process of every host that shares the data
folder counts into its own files and a scrape merges them; the example dashboard and alert rules
parse and name metrics the service serves."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from access.config import Settings

REPO = Path(__file__).resolve().parents[2]
RECORD = """
import os, sys
os.environ["PROMETHEUS_MULTIPROC_DIR"] = sys.argv[1]
from access import metrics
for _ in range(int(sys.argv[2])):
    metrics.job_finished("conversion", "failed", code="engine_failed", seconds=1.5)
metrics.job_submitted("audit")
metrics.heartbeat()
"""
SCRAPE = """
import os, sys
os.environ["PROMETHEUS_MULTIPROC_DIR"] = sys.argv[1]
from prometheus_client import generate_latest
from access import metrics
sys.stdout.write(generate_latest(metrics.registry()).decode())
"""


def _python(code: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCESS_", "PROMETHEUS_"))}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_scrape_sums_every_process_of_every_host(tmp_path: Path) -> None:
    for host, times in (("host-a", 2), ("host-a", 1), ("host-b", 4)):
        (tmp_path / host).mkdir(exist_ok=True)
        _python(RECORD, str(tmp_path / host), str(times))
    text = _python(SCRAPE, str(tmp_path / "host-a"))
    assert 'access_jobs_finished_total{kind="conversion",status="failed"} 7.0' in text
    assert 'access_jobs_failed_total{code="engine_failed",kind="conversion"} 7.0' in text
    assert 'access_job_duration_seconds_count{kind="conversion"} 7.0' in text
    assert 'access_job_duration_seconds_bucket{kind="conversion",le="2.5"} 7.0' in text
    assert 'access_jobs_submitted_total{kind="audit"} 3.0' in text
    assert "access_worker_heartbeat_timestamp_seconds " in text


def test_enabling_removes_the_files_of_processes_that_are_gone(tmp_path: Path) -> None:
    code = """
import sys, socket
from pathlib import Path
from access.config import Settings
from access import metrics
folder = Path(sys.argv[1]) / socket.gethostname()
folder.mkdir(parents=True)
(folder / "counter_999999999.db").write_bytes(b"")
(folder / "counter_1.db").write_bytes(b"")          # pid 1 is alive
metrics.enable_multiprocess(Settings(_env_file=None, data_dir=sys.argv[1], metrics_dir=sys.argv[1]))
metrics.job_submitted("audit")
print(sorted(p.name for p in folder.iterdir()))
"""
    names = _python(code, str(tmp_path))
    assert "counter_999999999.db" not in names and "counter_1.db" in names
    assert re.search(r"counter_\d+\.db", names.replace("counter_1.db", ""))


# ----------------------------------------------------------------------------- dashboard and alerts


@pytest.fixture(scope="module")
def served_metrics(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The metric families /metrics declares (counters as *_total, histograms by their base name)."""
    from api.app import create_app

    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("metrics") / "data")
    with TestClient(create_app(settings)) as client:
        client.get("/healthz")
        text = client.get("/metrics").text
    return set(re.findall(r"^# TYPE (\S+) ", text, re.M))


def _named(expr: str) -> set[str]:
    return {re.sub(r"_(bucket|count|sum)$", "", name) for name in re.findall(r"\baccess_[a-z_]+", expr)}


def test_alert_rules_parse_and_name_served_metrics(served_metrics: set[str]) -> None:
    rules = yaml.safe_load((REPO / "deploy/prometheus/access-alerts.yml").read_text(encoding="utf-8"))
    alerts = {rule["alert"]: rule for group in rules["groups"] for rule in group["rules"]}
    assert {"AccessWorkerDown", "AccessQueueBackingUp", "AccessJobsFailing"} <= set(alerts)
    for name, rule in alerts.items():
        assert rule["labels"]["severity"] in ("critical", "warning") and rule["annotations"]["summary"]
        named = _named(rule["expr"])
        assert named and named <= served_metrics, (name, named - served_metrics)
        assert rule["expr"].count("(") == rule["expr"].count(")"), name


def test_dashboard_parses_and_names_served_metrics(served_metrics: set[str]) -> None:
    dashboard = json.loads((REPO / "deploy/grafana/access-dashboard.json").read_text(encoding="utf-8"))
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    assert len(exprs) >= 10
    named = set().union(*(_named(e) for e in exprs))
    assert named <= served_metrics, named - served_metrics
    assert {"access_jobs_submitted_total", "access_jobs_finished_total", "access_job_duration_seconds",
            "access_queue_depth", "access_http_requests_total", "access_webhook_deliveries_total",
            "access_worker_heartbeat_timestamp_seconds"} <= named
