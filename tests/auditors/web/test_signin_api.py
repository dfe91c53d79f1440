"""The course site behind its sign-in audited through the real API (`access serve`: uvicorn and the
embedded worker, SQLite): the config document as JSON, credentials sealed with the server key and
deleted when the job ends, the report with the hidden pages, screenshots as job artifacts, the
threshold's verdict in the job, and the password in no stored or emitted byte: database files, the
data folder, the logs, every report format, the job JSON and the webhook body."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from access.vault import new_key
from tests.api.test_api_e2e import HookReceiver
from tests.course_site import CourseSite, files_holding

pytestmark = pytest.mark.browser


@pytest.fixture()
def hook() -> Iterator[HookReceiver]:
    receiver = HookReceiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def test_signed_in_site_audit_through_the_api_keeps_the_secret(deployment_factory, hook: HookReceiver) -> None:
    course = CourseSite(expire_after=4).start()
    dep = deployment_factory(progress_interval=0.05, secret_key=new_key())
    dep.start_serve()
    store = dep.store()
    key = store.create_api_key("school")
    emitted: list[bytes] = []
    try:
        with dep.client(key) as client:
            r = client.post("/v1/audits", json={"sites": [course.site_json(axe_only=True)], "callback_url": hook.url})
            assert r.status_code == 202, r.text
            emitted.append(r.content)
            (job,) = r.json()["jobs"]
            assert store.get_secret(job["id"]) is not None          # sealed while the job lives
            job = dep.wait_job(client, job["id"], timeout=180)
            assert job["status"] == "succeeded", job
            assert job["result"]["threshold"]["passed"] is False
            assert job["result"]["threshold"]["by_rule"]["axe-image-alt"] >= 1
            report = client.get(f"/v1/jobs/{job['id']}/report").json()
            pages = {p["id"] for p in report["parts"]}
            assert {course.url("/course/1"), course.url("/app/#/topics/1"),
                    course.url("/menu.html") + " [state: menu open]"} <= pages
            assert all(p["status"] == "audited" for p in report["parts"])
            assert report["metadata"]["sign_in"]["signed_in_again"] == 1
            assert (course.sign_ins, course.logouts) == (2, 0)
            shots = {f["screenshot"] for f in report["findings"] if f.get("screenshot")}
            artifacts = {a["name"]: a for a in job["artifacts"]}
            assert shots and shots <= set(artifacts)
            png = client.get(f"/v1/jobs/{job['id']}/artifacts/{sorted(shots)[0]}")
            assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
            for fmt in ("json", "html", "csv", "sarif", "junit", "earl"):
                body = client.get(f"/v1/jobs/{job['id']}/report", params={"format": fmt})
                assert body.status_code == 200, fmt
                emitted.append(body.content)
            emitted.append(client.get(f"/v1/jobs/{job['id']}").content)
            emitted.append(client.get("/v1/jobs").content)
        assert hook.got.wait(30), "the webhook was sent"
        emitted += [body for _, body in hook.calls]
        assert store.get_secret(job["id"]) is None, "the credentials are deleted when the job ends"
        dep.stop()
        secret = course.password
        assert not [n for n, body in enumerate(emitted) if secret.encode() in body]
        assert files_holding(secret, dep.root) == [], "data folder, SQLite files and logs"
    finally:
        store.dispose()
        course.stop()
