"""The HTTP contract of DESIGN.md, in process: routes, error shape, auth, tenants, idempotency,
limits, reports and ranged downloads."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from access import services
from access.config import Settings
from access.jobs import Runtime, run_job
from access.registry import Registry
from api.app import create_app


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body


def submit_html(client: TestClient, headers: dict, html: bytes, **extra) -> dict:
    r = client.post("/v1/audits", headers=headers, files={"file": ("lesson.html", html, "text/html")},
                    data=extra.pop("data", {}), **extra)
    assert r.status_code == 202, r.text
    return r.json()


# ----------------------------------------------------------------------------- auth


def test_missing_key_is_unauthorized(app_client: TestClient) -> None:
    r = app_client.get("/v1/jobs")
    assert_error(r, 401, "unauthorized")
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_invalid_key_is_unauthorized(app_client: TestClient) -> None:
    assert_error(app_client.get("/v1/jobs", headers={"Authorization": "Bearer acc_wrong"}), 401, "unauthorized")
    assert_error(app_client.get("/v1/jobs", headers={"Authorization": "Basic dTpw"}), 401, "unauthorized")


# ----------------------------------------------------------------------------- errors


def test_unknown_job_and_route_are_not_found(app_client: TestClient, alpha: dict) -> None:
    assert_error(app_client.get("/v1/jobs/does-not-exist", headers=alpha), 404, "not_found")
    assert_error(app_client.get("/v1/nothing-here", headers=alpha), 404, "not_found")
    assert_error(app_client.put("/v1/jobs", headers=alpha), 405, "method_not_allowed")


def test_malformed_json_is_invalid_request(app_client: TestClient, alpha: dict) -> None:
    headers = {**alpha, "Content-Type": "application/json"}
    assert_error(app_client.post("/v1/audits", headers=headers, content=b'{"url": '), 422, "invalid_request")
    assert_error(app_client.post("/v1/audits", headers=headers, content=b"[1, 2]"), 422, "invalid_request")
    body = assert_error(app_client.post("/v1/audits", headers=alpha, json={"url": "https://e.org", "max_pages": 0}),
                        422, "invalid_request")
    assert "max_pages" in body["error"]["message"]
    assert_error(app_client.post("/v1/audits", headers=alpha, json={"url": "https://e.org", "colour": "red"}),
                 422, "invalid_request")
    assert_error(app_client.get("/v1/jobs?limit=0", headers=alpha), 422, "invalid_request")


@pytest.mark.parametrize("url", ["ftp://example.org/file", "javascript:alert(1)", "http://127.0.0.1:8000/",
                                 "http://169.254.169.254/latest/meta-data"])
def test_forbidden_urls(app_client: TestClient, alpha: dict, url: str) -> None:
    assert_error(app_client.post("/v1/audits", headers=alpha, json={"url": url}), 422, "url_forbidden")


def test_unknown_format_is_refused(app_client: TestClient, alpha: dict) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
    r = app_client.post("/v1/audits", headers=alpha, files={"file": ("photo.png", png, "image/png")})
    assert_error(r, 415, "unsupported_format")


def test_empty_file_is_refused(app_client: TestClient, alpha: dict) -> None:
    r = app_client.post("/v1/audits", headers=alpha, files={"file": ("empty.html", b"", "text/html")})
    assert_error(r, 422, "empty_file")


def test_multipart_without_file_and_unknown_option(app_client: TestClient, alpha: dict,
                                                   sample_html: bytes) -> None:
    r = app_client.post("/v1/audits", headers=alpha, data={"standard": "wcag22aa"},
                        files={"other": ("a.txt", b"x", "text/plain")})
    assert_error(r, 422, "invalid_request")
    r = app_client.post("/v1/audits", headers=alpha, data={"loudness": "11"},
                        files={"file": ("a.html", sample_html, "text/html")})
    assert_error(r, 422, "invalid_request")


def test_unknown_conversion_target(app_client: TestClient, alpha: dict) -> None:
    r = app_client.post("/v1/conversions", headers=alpha, data={"targets": "hologram"},
                        files={"file": ("a.txt", b"Hello world", "text/plain")})
    body = assert_error(r, 415, "unsupported_format")
    assert "hologram" in body["error"]["message"]


def test_upload_over_the_limit(app_client: TestClient, alpha: dict, api_settings: Settings) -> None:
    big = b"<p>" + b"x" * (api_settings.max_upload_bytes + 10) + b"</p>"
    r = app_client.post("/v1/audits", headers=alpha, files={"file": ("big.html", big, "text/html")})
    assert_error(r, 413, "file_too_large")
    huge = b"x" * (api_settings.max_upload_bytes + 2 * 1024 * 1024)     # refused from Content-Length
    r = app_client.post("/v1/audits", headers=alpha, files={"file": ("huge.html", huge, "text/html")})
    assert_error(r, 413, "file_too_large")
    inputs = list(api_settings.files_dir.glob("alpha/*/input/big.html"))
    assert inputs == [], "nothing of a refused upload is kept"


# ----------------------------------------------------------------------------- jobs


def test_submit_then_status_list_and_tenant_isolation(app_client: TestClient, alpha: dict, beta: dict,
                                                      sample_html: bytes) -> None:
    job = submit_html(app_client, alpha, sample_html, data={"standard": "wcag21aa"})
    assert job["status"] == "queued" and job["kind"] == "audit" and job["progress"] == 0
    assert job["options"]["standard"] == "wcag21aa" and job["input"]["format"] == "html"
    got = app_client.get(f"/v1/jobs/{job['id']}", headers=alpha).json()
    assert got["id"] == job["id"]
    assert_error(app_client.get(f"/v1/jobs/{job['id']}", headers=beta), 404, "not_found")
    assert_error(app_client.delete(f"/v1/jobs/{job['id']}", headers=beta), 404, "not_found")
    listing = app_client.get("/v1/jobs?limit=1", headers=alpha).json()
    assert listing["count"] >= 1 and len(listing["data"]) == 1
    assert all(j["id"] != job["id"] for j in app_client.get("/v1/jobs", headers=beta).json()["data"])


def test_idempotency_key_returns_the_same_job(app_client: TestClient, alpha: dict, beta: dict,
                                              sample_html: bytes) -> None:
    first = submit_html(app_client, {**alpha, "Idempotency-Key": "lesson-1"}, sample_html)
    r = app_client.post("/v1/audits", headers={**alpha, "Idempotency-Key": "lesson-1"},
                        files={"file": ("lesson.html", sample_html, "text/html")})
    assert r.status_code == 202 and r.json()["id"] == first["id"]
    assert r.headers["Idempotent-Replayed"] == "true"
    other = submit_html(app_client, {**beta, "Idempotency-Key": "lesson-1"}, sample_html)
    assert other["id"] != first["id"]


def test_cancel_a_queued_job_then_delete_it(app_client: TestClient, alpha: dict, sample_html: bytes,
                                            api_settings: Settings) -> None:
    job = submit_html(app_client, alpha, sample_html)
    r = app_client.delete(f"/v1/jobs/{job['id']}", headers=alpha)
    assert r.status_code == 202 and r.json()["status"] == "cancelled"
    assert r.json()["error"]["code"] == "cancelled"
    folder = api_settings.files_dir / "alpha" / job["id"]
    assert folder.exists()
    assert app_client.delete(f"/v1/jobs/{job['id']}", headers=alpha).status_code == 204
    assert not folder.exists()
    assert_error(app_client.get(f"/v1/jobs/{job['id']}", headers=alpha), 404, "not_found")


@pytest.fixture(scope="module")
def finished_job(app_client: TestClient, keys: dict, runtime: Runtime, sample_html: bytes) -> dict:
    headers = {"Authorization": f"Bearer {keys['alpha']}"}
    job = submit_html(app_client, headers, sample_html)
    assert run_job(job["id"], runtime) is not None          # the real auditor, in process
    return app_client.get(f"/v1/jobs/{job['id']}", headers=headers).json()


def test_report_json_and_unknown_format(app_client: TestClient, alpha: dict, finished_job: dict) -> None:
    assert finished_job["status"] == "succeeded", finished_job
    r = app_client.get(f"/v1/jobs/{finished_job['id']}/report", headers=alpha)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    report = r.json()
    assert report["target_kind"] == "html" and report["summary"]["violations"] >= 2
    assert_error(app_client.get(f"/v1/jobs/{finished_job['id']}/report?format=pptx", headers=alpha),
                 415, "unsupported_format")


def test_report_of_an_unfinished_job_is_a_conflict(app_client: TestClient, alpha: dict,
                                                   sample_html: bytes) -> None:
    job = submit_html(app_client, alpha, sample_html)
    assert_error(app_client.get(f"/v1/jobs/{job['id']}/report", headers=alpha), 409, "conflict")


def test_artifact_download_with_ranges(app_client: TestClient, alpha: dict, beta: dict,
                                       finished_job: dict) -> None:
    (art,) = finished_job["artifacts"]
    assert art["name"] == "report.json" and art["media_type"] == "application/json"
    url = f"/v1/jobs/{finished_job['id']}/artifacts/report.json"
    full = app_client.get(url, headers=alpha)
    assert full.status_code == 200 and len(full.content) == art["size"]
    assert full.headers["accept-ranges"] == "bytes"
    assert full.headers["content-type"].startswith("application/json")
    part = app_client.get(url, headers={**alpha, "Range": "bytes=10-29"})
    assert part.status_code == 206 and part.content == full.content[10:30]
    assert part.headers["content-range"] == f"bytes 10-29/{art['size']}"
    tail = app_client.get(url, headers={**alpha, "Range": "bytes=-5"})
    assert tail.status_code == 206 and tail.content == full.content[-5:]
    r = app_client.get(url, headers={**alpha, "Range": f"bytes={art['size']}-"})
    assert_error(r, 416, "range_not_satisfiable")
    assert r.headers["content-range"] == f"bytes */{art['size']}"
    assert_error(app_client.get(url, headers=beta), 404, "not_found")
    assert_error(app_client.get(f"/v1/jobs/{finished_job['id']}/artifacts/nope.mp3", headers=alpha),
                 404, "not_found")


# ----------------------------------------------------------------------------- system


def test_health_metrics_docs_and_capabilities(app_client: TestClient, alpha: dict, finished_job: dict) -> None:
    assert app_client.get("/healthz").json() == {"status": "ok"}
    metrics = app_client.get("/metrics").text
    assert 'access_jobs{status="succeeded"}' in metrics
    assert 'access_queue_depth{queue="documents"}' in metrics
    assert 'access_job_duration_seconds_count{kind="audit"}' in metrics
    assert app_client.get("/docs").status_code == 200
    paths = app_client.get("/openapi.json").json()["paths"]
    assert {"/v1/audits", "/v1/conversions", "/v1/jobs", "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/report",
            "/v1/jobs/{job_id}/artifacts/{name}", "/v1/capabilities"} <= set(paths)
    caps = app_client.get("/v1/capabilities", headers=alpha).json()
    assert "html" in caps["audit_formats"] and "json" in caps["report_formats"]


def test_readyz_checks_database_broker_and_plugins(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    with TestClient(create_app(settings, registry=Registry())) as client:
        r = client.get("/readyz")
        assert r.status_code == 200, r.text
        assert r.json()["checks"] == {"database": "ok", "broker": "ok", "plugins": "ok"}
    broken = Registry()
    broken.auditors._eps()["pdf"] = EntryPoint("pdf", "auditors.no_such_module:AUDITOR", "access.auditors")
    with TestClient(create_app(settings, registry=broken)) as client:
        body = assert_error(client.get("/readyz"), 503, "not_ready")
        failed = body["checks"]["plugins"]["failed"]
        assert list(failed) == ["auditor pdf"] and "ModuleNotFoundError" in failed["auditor pdf"]
    dead = Settings(_env_file=None, data_dir=tmp_path / "data", broker_url="redis://127.0.0.1:1/0")
    with TestClient(create_app(dead, registry=Registry())) as client:
        body = assert_error(client.get("/readyz"), 503, "not_ready")
        assert body["checks"]["broker"] != "ok" and body["checks"]["database"] == "ok"


def test_landing_page_passes_our_own_auditor(app_client: TestClient, tmp_path: Path) -> None:
    r = app_client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = tmp_path / "index.html"
    page.write_bytes(r.content)
    report = services.audit_file(services.source_file(page), services.AuditOptions(), services.make_context())
    violations = [f"{f.rule}: {f.message}" for f in report.findings if f.outcome == "violation"]
    assert violations == []
    assert report.parts, "the auditor looked at the page"


def test_unreachable_broker_fails_the_submission_cleanly(tmp_path: Path, sample_html: bytes) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", broker_url="redis://127.0.0.1:1/0")
    app = create_app(settings)
    with TestClient(app) as client:
        key = app.state.services.store.create_api_key("offline")
        headers = {"Authorization": f"Bearer {key}"}
        r = client.post("/v1/audits", headers=headers, files={"file": ("a.html", sample_html, "text/html")})
        assert_error(r, 503, "engine_unavailable")
        (job,) = client.get("/v1/jobs", headers=headers).json()["data"]
        assert job["status"] == "failed" and job["error"]["code"] == "engine_unavailable"
        assert client.get("/healthz").status_code == 200
