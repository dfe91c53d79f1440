"""A site audit through the real API (`access serve`: uvicorn + embedded worker, SQLite): submit a
URL, watch progress, read the report as JSON and HTML."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser


def test_url_audit_through_the_api_reports_progress(deployment_factory, site) -> None:
    dep = deployment_factory(progress_interval=0.05)
    dep.start_serve()
    store = dep.store()
    key = store.create_api_key("web-school")
    store.dispose()
    with dep.client(key) as client:
        forbidden = client.post("/v1/audits", json={"url": "http://169.254.169.254/latest/meta-data/"})
        assert forbidden.status_code == 422 and forbidden.json()["error"]["code"] == "url_forbidden"
        r = client.post("/v1/audits", json={"url": site.url("/course/"), "max_pages": 4, "max_depth": 2})
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        seen: list[tuple[str, int]] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job = client.get(f"/v1/jobs/{job_id}").json()
            seen.append((job["status"], job["progress"]))
            if job["status"] in ("succeeded", "failed", "cancelled"):
                break
            time.sleep(0.05)
        assert job["status"] == "succeeded", job
        assert any(status == "running" and 0 < progress < 100 for status, progress in seen), seen
        report = client.get(f"/v1/jobs/{job_id}/report").json()
        assert report["target_kind"] == "web" and len(report["parts"]) == 4
        assert {e["name"] for e in report["engines"]} >= {"chromium", "axe-core"}
        html = client.get(f"/v1/jobs/{job_id}/report", params={"format": "html"})
        assert html.status_code == 200 and "text/html" in html.headers["content-type"]
    dep.stop()
