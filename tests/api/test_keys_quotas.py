"""Keys, scopes, revocation, the admin API, quotas (429 + Retry-After), job list filters and the
webhook delivery log, through the real app (real store and embedded broker; no worker runs, so
submitted jobs stay queued)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from access.config import Settings
from access.jobs import Runtime
from access.keys import Scope
from access.models import JobKind, JobStatus, utcnow
from access.store import Store
from access.webhooks import deliver
from api.app import create_app

ADMIN_KEY = "operator-admin-key-for-tests"
HTML = b"<!DOCTYPE html><html lang='en'><head><title>T</title></head><body><main><h1>T</h1></main></body></html>"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("keys") / "data", public_url="http://testserver",
                    admin_key=ADMIN_KEY, allow_private_networks=["127.0.0.0/8"])


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def rt(settings: Settings, client: TestClient) -> Iterator[Runtime]:
    runtime = Runtime.from_settings(settings)       # another process's view of the same database
    yield runtime
    runtime.store.dispose()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


ADMIN = bearer(ADMIN_KEY)


def upload(client: TestClient, key: str, path: str = "/v1/audits", name: str = "lesson.html",
           body: bytes = HTML, **data: str):
    return client.post(path, headers=bearer(key), files={"file": (name, body, "text/html")}, data=data)


# ----------------------------------------------------------------------------- scopes


def test_a_scoped_key_is_refused_where_its_scope_does_not_reach(client: TestClient, rt: Runtime) -> None:
    reader = rt.store.create_api_key("scoped", scopes={Scope.READ})
    auditor = rt.store.create_api_key("scoped", scopes={Scope.AUDIT})
    refused = upload(client, reader)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert "'audit' scope" in refused.json()["error"]["message"]
    job = upload(client, auditor)
    assert job.status_code == 202, job.text
    assert upload(client, auditor, "/v1/conversions", targets="html").status_code == 403, "convert needs convert"
    assert client.get("/v1/jobs", headers=bearer(auditor)).status_code == 403, "reading needs read"
    assert client.get(f"/v1/jobs/{job.json()['id']}", headers=bearer(reader)).status_code == 200
    assert client.delete(f"/v1/jobs/{job.json()['id']}", headers=bearer(reader)).status_code == 403
    assert client.delete(f"/v1/jobs/{job.json()['id']}", headers=bearer(auditor)).status_code == 202
    assert client.get("/v1/admin/keys", headers=bearer(reader)).status_code == 403


def test_existing_keys_keep_every_tenant_scope(client: TestClient, rt: Runtime) -> None:
    key = rt.store.create_api_key("plain")
    assert upload(client, key).status_code == 202
    assert client.get("/v1/jobs", headers=bearer(key)).status_code == 200
    assert client.get("/v1/admin/keys", headers=bearer(key)).status_code == 403, "admin is never a default"


# ----------------------------------------------------------------------------- revocation, expiry, rotation


def test_a_revoked_key_fails_at_once_although_the_api_cached_it(client: TestClient, settings: Settings) -> None:
    other = Store(settings.resolved_database_url)     # the CLI, or another API process
    try:
        key, info = other.issue_key("revoking")
        assert client.get("/v1/jobs", headers=bearer(key)).status_code == 200      # now in the 60 s cache
        other.revoke_key(info.id)
        refused = client.get("/v1/jobs", headers=bearer(key))
        assert refused.status_code == 401 and "revoked" in refused.json()["error"]["message"]
        assert info.prefix and info.prefix in refused.json()["error"]["message"], "named by its prefix"
    finally:
        other.dispose()


def test_an_expired_key_fails(client: TestClient, rt: Runtime) -> None:
    key, info = rt.store.issue_key("expiring", expires_at=utcnow() + timedelta(days=1))
    assert client.get("/v1/jobs", headers=bearer(key)).status_code == 200
    rt.store.update_key(info.id, expires_at=utcnow() - timedelta(seconds=1))
    refused = client.get("/v1/jobs", headers=bearer(key))
    assert refused.status_code == 401 and "expired" in refused.json()["error"]["message"]


def test_admin_api_creates_lists_rotates_and_revokes_keys(client: TestClient) -> None:
    made = client.post("/v1/admin/keys", headers=ADMIN, json={"tenant": "partner", "name": "LMS", "scopes":
                                                                ["audit", "read"], "expires": "90d"})
    assert made.status_code == 201, made.text
    issued = made.json()
    key, prefix = issued["key"], issued["prefix"]
    assert key.startswith(prefix) and issued["scopes"] == ["audit", "read"] and issued["expires_at"]
    assert client.get("/v1/jobs", headers=bearer(key)).status_code == 200
    listed = client.get("/v1/admin/keys?tenant=partner", headers=ADMIN).json()["data"]
    assert [k["prefix"] for k in listed] == [prefix] and listed[0]["last_used_at"]
    assert key not in json.dumps(listed), "lists show prefixes, never keys"

    rotated = client.post(f"/v1/admin/keys/{prefix}/rotate?grace=1h", headers=ADMIN).json()
    new_key = rotated["new"]["key"]
    assert rotated["new"]["scopes"] == ["audit", "read"] and rotated["old"]["status"] == "active"
    assert client.get("/v1/jobs", headers=bearer(key)).status_code == 200, "the old key works for the grace hour"
    assert client.get("/v1/jobs", headers=bearer(new_key)).status_code == 200
    revoked = client.delete(f"/v1/admin/keys/{prefix}", headers=ADMIN)
    assert revoked.json()["status"] == "revoked"
    assert client.get("/v1/jobs", headers=bearer(key)).status_code == 401
    assert client.get("/v1/jobs", headers=bearer(new_key)).status_code == 200

    admin_made = client.post("/v1/admin/keys", headers=ADMIN, json={"tenant": "ops", "scopes": ["admin"]}).json()
    assert client.get("/v1/admin/keys", headers=bearer(admin_made["key"])).status_code == 200, "admin scope"
    assert client.post("/v1/admin/keys", headers=ADMIN, json={"tenant": "x", "scopes": ["root"]}).status_code == 422
    assert client.get("/v1/admin/keys/acc_nothere", headers=ADMIN).status_code == 404
    assert client.get("/v1/admin/keys", headers=bearer("acc_wrong")).status_code == 401


# ----------------------------------------------------------------------------- quotas


def test_jobs_per_minute_answers_429_with_retry_after(client: TestClient, rt: Runtime) -> None:
    key = rt.store.create_api_key("bursty")
    calm = rt.store.create_api_key("calm")
    put = client.put("/v1/admin/tenants/bursty/quota", headers=ADMIN, json={"jobs_per_minute": 2})
    assert put.status_code == 200 and put.json()["limits"]["jobs_per_minute"] == 2
    assert [upload(client, key).status_code for _ in range(2)] == [202, 202]
    refused = upload(client, key)
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "rate_limited" and error["limit"] == "jobs_per_minute"
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 60 and error["retry_after"] == retry_after
    url = client.post("/v1/audits", headers=bearer(key), json={"url": "http://127.0.0.1:9/"})
    assert url.status_code == 429, "URL audits count too"
    assert upload(client, calm).status_code == 202, "another tenant is not limited"
    view = client.get("/v1/admin/tenants/bursty/quota", headers=ADMIN).json()
    assert view["usage"]["jobs_last_minute"] == 2 and view["own"]["jobs_per_minute"] == 2


def test_concurrent_jobs_answers_429_until_one_ends(client: TestClient, rt: Runtime) -> None:
    key = rt.store.create_api_key("busy")
    client.put("/v1/admin/tenants/busy/quota", headers=ADMIN, json={"concurrent_jobs": 1})
    first = upload(client, key).json()
    refused = upload(client, key)
    assert refused.status_code == 429 and refused.json()["error"]["limit"] == "concurrent_jobs"
    assert int(refused.headers["Retry-After"]) == rt.settings.quota_busy_retry_after
    rt.store.finish(first["id"], JobStatus.SUCCEEDED)
    assert upload(client, key).status_code == 202


def test_bytes_per_day_answers_429_quota_exceeded_and_keeps_no_file(client: TestClient, rt: Runtime) -> None:
    key = rt.store.create_api_key("heavy")
    client.put("/v1/admin/tenants/heavy/quota", headers=ADMIN, json={"bytes_per_day": len(HTML) + 10})
    assert upload(client, key).status_code == 202
    refused = upload(client, key)
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "quota_exceeded" and error["limit"] == "bytes_per_day"
    assert 86_000 < int(refused.headers["Retry-After"]) <= 86_400, "when the first upload leaves the 24 h window"
    tenant_dir = rt.settings.files_dir / "heavy"
    assert len([p for p in tenant_dir.iterdir() if p.is_dir()]) == 1, "the refused upload was not kept"
    back = client.put("/v1/admin/tenants/heavy/quota", headers=ADMIN, json={"bytes_per_day": None}).json()
    assert back["own"]["bytes_per_day"] is None and back["limits"]["bytes_per_day"] == rt.settings.quota_bytes_per_day
    assert upload(client, key).status_code == 202


# ----------------------------------------------------------------------------- job list filters


def test_jobs_filter_by_site_document_and_search(client: TestClient, rt: Runtime) -> None:
    key = rt.store.create_api_key("filters")
    for url in ("https://Example.org/", "https://example.org/courses/maths/", "https://example.org/courses2",
                "https://other.org/courses/maths"):
        rt.store.create_job(tenant="filters", kind=JobKind.AUDIT, input={"url": url}, options={})
    for name in ("Week 1.pdf", "week 1.PDF", "week 2.pdf"):
        rt.store.create_job(tenant="filters", kind=JobKind.AUDIT, input={"path": "/x", "filename": name,
                                                                        "format": "pdf", "size": 1}, options={})

    def ids(query: str) -> list[str]:
        r = client.get(f"/v1/jobs?{query}", headers=bearer(key))
        assert r.status_code == 200, r.text
        return [j["input"].get("url") or j["input"]["filename"] for j in r.json()["data"]]

    assert sorted(ids("site=https://example.org")) == ["https://Example.org/", "https://example.org/courses/maths/",
                                                      "https://example.org/courses2"]
    assert ids("site=https://example.org/courses") == ["https://example.org/courses/maths/"]
    assert ids("site=https://EXAMPLE.org:443/courses/maths/") == ["https://example.org/courses/maths/"]
    assert sorted(ids("document=WEEK%201.pdf")) == ["Week 1.pdf", "week 1.PDF"]
    assert sorted(ids("q=maths")) == ["https://example.org/courses/maths/", "https://other.org/courses/maths"]
    assert sorted(ids("q=week%202")) == ["week 2.pdf"]
    assert ids("q=50%25") == [], "a % in the search is a character, not a wildcard"
    page = client.get("/v1/jobs?site=https://example.org&limit=1", headers=bearer(key)).json()
    assert page["count"] == 3 and "site=https%3A%2F%2Fexample.org" in page["next"]
    bad = client.get("/v1/jobs?site=ftp://example.org", headers=bearer(key))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"


# ----------------------------------------------------------------------------- webhook deliveries


def test_delivery_log_and_redelivery(client: TestClient, rt: Runtime, settings: Settings,
                                     tmp_path: Path) -> None:
    from tests.access.test_webhooks import Receiver

    receiver = Receiver(fail_first=1)
    try:
        key = rt.store.create_api_key("hooks")
        job, _ = rt.store.create_job(tenant="hooks", kind=JobKind.AUDIT, input={"url": "https://example.org"},
                                     options={}, callback_url=receiver.url)
        early = client.post(f"/v1/jobs/{job.id}/deliveries", headers=bearer(key))
        assert early.status_code == 409, "a job's callback goes when it ends"
        rt.store.finish(job.id, JobStatus.SUCCEEDED, result={})
        assert client.get(f"/v1/jobs/{job.id}/deliveries", headers=bearer(key)).json() == {"data": []}
        sent = client.post(f"/v1/jobs/{job.id}/deliveries", headers=bearer(key))
        assert sent.status_code == 202 and sent.json()["status"] == "pending" and sent.json()["trigger"] == "redelivery"
        message_id = sent.json()["id"]
        assert deliver(rt.store, settings, message_id) == settings.webhook_backoff     # what the task does
        log = client.get(f"/v1/jobs/{job.id}/deliveries", headers=bearer(key)).json()["data"]
        (pending,) = log
        assert pending["status"] == "pending" and pending["next_attempt_at"]
        assert [(a["number"], a["status_code"]) for a in pending["attempts"]] == [(1, 500)]
        again = client.post(f"/v1/jobs/{job.id}/deliveries", headers=bearer(key)).json()
        assert again["id"] != message_id
        assert deliver(rt.store, settings, again["id"]) is None
        log = client.get(f"/v1/jobs/{job.id}/deliveries", headers=bearer(key)).json()["data"]
        assert [(m["id"], m["status"]) for m in log] == [(message_id, "pending"), (again["id"], "delivered")]
        assert json.loads(receiver.requests[-1][1])["id"] == job.id
        other = rt.store.create_api_key("not-hooks")
        assert client.get(f"/v1/jobs/{job.id}/deliveries", headers=bearer(other)).status_code == 404
    finally:
        receiver.close()
