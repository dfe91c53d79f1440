"""A course package and an EPUB through the real API (`access serve`: uvicorn + embedded worker):
uploaded like any file, recognised from their content, audited in the guarded browser."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser


def wait(client, job_id: str) -> dict:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError("the job did not finish")


def test_package_uploads_are_audited_like_any_file(deployment_factory, packages) -> None:
    dep = deployment_factory()
    dep.start_serve()
    store = dep.store()
    key = store.create_api_key("course-school")
    store.dispose()
    with dep.client(key) as client:
        jobs = {}
        for name in ("course.zip", "clean.epub"):
            with packages[name].open("rb") as fh:
                r = client.post("/v1/audits", files={"file": (name, fh, "application/octet-stream")})
            assert r.status_code == 202, r.text
            jobs[name] = r.json()["id"]
        for name, job_id in jobs.items():
            job = wait(client, job_id)
            assert job["status"] == "succeeded", job
            assert job["input"]["format"] == {"course.zip": "scorm", "clean.epub": "epub"}[name]
        scorm = client.get(f"/v1/jobs/{jobs['course.zip']}/report").json()
        assert scorm["parts"][1]["id"] == "Week 1: Light › Introduction"
        assert all(p["status"] == "audited" for p in scorm["parts"])
        assert any(f["rule"] == "axe-label" and f["location"]["url"] == "content/quiz.html"
                   for f in scorm["findings"])
        epub = client.get(f"/v1/jobs/{jobs['clean.epub']}/report").json()
        assert epub["summary"]["violations"] == 0 and epub["target_kind"] == "epub"
        sarif = client.get(f"/v1/jobs/{jobs['course.zip']}/report", params={"format": "sarif"})
        assert sarif.status_code == 200
    dep.stop()
