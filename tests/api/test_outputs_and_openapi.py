"""What the API says about a conversion's outputs (target, gate, duration, chapters, pages), the
zip of all of them, the OpenAPI document (refs, error codes, form bounds), OPTIONS, and the
counters and histograms /metrics serves, in process with the real engines."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from fastapi.testclient import TestClient

from access.jobs import Runtime, run_job
from tests.api.test_api_contract import assert_error

LESSON = (b"# Cells\n\nThe cell is the basic unit of life. Plants and animals are made of cells.\n\n"
          b"## Roots\n\nWater moves up through the roots of a plant.\n")


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one series in a Prometheus text exposition (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.fixture(scope="module")
def converted(app_client: TestClient, keys: dict, runtime: Runtime) -> dict:
    headers = {"Authorization": f"Bearer {keys['alpha']}"}
    before = app_client.get("/metrics").text
    r = app_client.post("/v1/conversions", headers=headers, files={"file": ("cells.md", LESSON, "text/markdown")},
                        data={"targets": "html,brf,mp3", "rate": "200"})
    assert r.status_code == 202, r.text
    assert run_job(r.json()["id"], runtime) is not None
    job = app_client.get(f"/v1/jobs/{r.json()['id']}", headers=headers).json()
    assert job["status"] == "succeeded", job
    return {"job": job, "metrics_before": before, "headers": headers}


def test_every_output_names_its_target_and_carries_its_gate(converted: dict) -> None:
    job = converted["job"]
    by_target: dict[str, list[dict]] = {}
    for art in job["artifacts"]:
        by_target.setdefault(art["target"], []).append(art)
    assert set(by_target) == {"html", "brf", "mp3"}
    for target, arts in by_target.items():
        for art in arts:
            assert art["gate"] == job["result"]["gate"][target]
            assert art["gate"]["target"] == target and isinstance(art["gate"]["passed"], bool)
            assert {"checks", "needs_review", "problems"} <= set(art["gate"])


def test_audio_carries_duration_and_chapters_and_braille_its_pages(converted: dict) -> None:
    arts = {a["name"]: a for a in converted["job"]["artifacts"]}
    mp3 = next(a for a in arts.values() if a["media_type"] == "audio/mpeg")
    assert mp3["duration"] > 3
    assert [c["title"] for c in mp3["chapters"]] == ["Cells", "Roots"]
    assert mp3["chapters"][0]["start"] == 0 and mp3["chapters"][-1]["end"] == pytest.approx(mp3["duration"], abs=0.5)
    brf = next(a for a in arts.values() if a["name"].endswith(".brf"))
    assert brf["pages"] >= 1
    html = next(a for a in arts.values() if a["target"] == "html")
    assert html.get("duration") is None and html.get("chapters") is None


def test_all_outputs_in_one_zip(app_client: TestClient, converted: dict, beta: dict) -> None:
    job, headers = converted["job"], converted["headers"]
    r = app_client.get(f"/v1/jobs/{job['id']}/artifacts.zip", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert re.search(r'filename="cells-[0-9a-f]{8}\.zip"', r.headers["content-disposition"])
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == sorted(a["name"] for a in job["artifacts"])
    for art in job["artifacts"]:
        single = app_client.get(f"/v1/jobs/{job['id']}/artifacts/{art['name']}", headers=headers).content
        assert archive.read(art["name"]) == single
    assert archive.getinfo(next(a["name"] for a in job["artifacts"] if a["name"].endswith(".mp3"))).compress_type \
        == zipfile.ZIP_STORED
    assert_error(app_client.get(f"/v1/jobs/{job['id']}/artifacts.zip", headers=beta), 404, "not_found")


def test_zip_of_an_unfinished_job_is_a_conflict(app_client: TestClient, alpha: dict) -> None:
    r = app_client.post("/v1/conversions", headers=alpha, files={"file": ("a.md", LESSON, "text/markdown")},
                        data={"targets": "html"})
    assert_error(app_client.get(f"/v1/jobs/{r.json()['id']}/artifacts.zip", headers=alpha), 409, "conflict")


# ----------------------------------------------------------------------------- OpenAPI


@pytest.fixture(scope="module")
def openapi(app_client: TestClient) -> dict:
    return app_client.get("/openapi.json").json()


def test_every_ref_resolves(openapi: dict) -> None:
    text = json.dumps(openapi)
    refs = set(re.findall(r'"\$ref": "([^"]+)"', text))
    assert refs and "$defs" not in text
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in openapi["components"]["schemas"], ref
    body = openapi["paths"]["/v1/audits"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    one_site, config = body["oneOf"]          # one site's keys, or the config document {"sites": [...]}
    assert one_site["properties"]["url"] and config["properties"]["sites"]
    assert "standard" in one_site["properties"]


def test_error_codes_that_can_happen_are_declared(openapi: dict) -> None:
    paths = openapi["paths"]

    def codes(path: str, method: str) -> set[str]:
        return set(paths[path][method]["responses"])

    for path, method in (("/v1/audits", "post"), ("/v1/conversions", "post")):
        assert {"202", "401", "413", "415", "422", "429", "503"} <= codes(path, method)
    assert {"200", "206", "404", "416"} <= codes("/v1/jobs/{job_id}/artifacts/{name}", "get")
    assert {"200", "404", "409"} <= codes("/v1/jobs/{job_id}/report", "get")
    assert {"200", "404", "409"} <= codes("/v1/jobs/{job_id}/artifacts.zip", "get")
    assert {"202", "204", "404"} <= codes("/v1/jobs/{job_id}", "delete") and "200" not in codes("/v1/jobs/{job_id}",
                                                                                               "delete")
    for path, item in paths.items():
        for method, op in item.items():
            for status, response in op["responses"].items():
                if (status.startswith(("4", "5")) and status != "503") or path.startswith("/v1/jobs"):
                    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                    if status == "429":       # also says which limit and when to try again
                        assert schema == {"$ref": "#/components/schemas/LimitErrorOut"}, (method, path, status)
                    elif status.startswith(("4", "5")):
                        assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)


def test_form_fields_carry_their_bounds(openapi: dict) -> None:
    convert = openapi["paths"]["/v1/conversions"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    props = convert["properties"]
    assert set(convert["required"]) == {"file", "targets"}
    assert (props["rate"]["minimum"], props["rate"]["maximum"]) == (80, 450)
    assert (props["braille_grade"]["minimum"], props["braille_grade"]["maximum"]) == (1, 2)
    assert (props["pitch"]["minimum"], props["pitch"]["maximum"]) == (0, 99)
    assert props["validation"]["pattern"] == "^(off|report|abort)$"
    assert props["file"]["format"] == "binary" and props["targets"]["type"] == "string"
    audit = openapi["paths"]["/v1/audits"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert audit["properties"]["max_pages"]["minimum"] == 1 and "allow_private" not in audit["properties"]
    assert audit["properties"]["standard"]["$ref"] == "#/components/schemas/Standard"


def test_artifact_schema_is_typed(openapi: dict) -> None:
    art = openapi["components"]["schemas"]["ArtifactInfo"]["properties"]
    assert {"target", "gate", "duration", "chapters", "pages"} <= set(art)
    assert "GateRecord" in json.dumps(art["gate"]) and "ChapterMark" in json.dumps(art["chapters"])


def test_options_lists_every_method_of_the_path(app_client: TestClient) -> None:
    r = app_client.options("/v1/jobs/anything")
    assert r.status_code == 204 and r.headers["allow"] == "GET, DELETE, OPTIONS"
    assert app_client.options("/v1/conversions").headers["allow"] == "POST, OPTIONS"
    assert_error(app_client.options("/v1/no-such-thing"), 404, "not_found")
    r = app_client.put("/v1/jobs/anything")
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "GET, DELETE, OPTIONS"


# ----------------------------------------------------------------------------- metrics


def test_metrics_count_what_happened(app_client: TestClient, converted: dict) -> None:
    before, after = converted["metrics_before"], app_client.get("/metrics").text
    assert metric(after, "access_jobs_submitted_total", kind="conversion") \
        >= metric(before, "access_jobs_submitted_total", kind="conversion") + 1
    assert metric(after, "access_jobs_finished_total", kind="conversion", status="succeeded") \
        >= metric(before, "access_jobs_finished_total", kind="conversion", status="succeeded") + 1
    assert metric(after, "access_job_duration_seconds_count", kind="conversion") \
        >= metric(before, "access_job_duration_seconds_count", kind="conversion") + 1
    assert metric(after, "access_http_requests_total", method="POST", route="/v1/conversions", status="202") >= 1
    assert metric(after, "access_http_requests_total", method="GET", route="/v1/jobs/{job_id}", status="200") >= 1
    assert not re.search(r'route="/v1/jobs/[0-9a-f-]{36}', after), "job ids must not become labels"
    assert "tenant=" not in after
    assert 'access_queue_depth{queue="media"}' in after


def test_a_failed_job_counts_by_its_code(app_client: TestClient, alpha: dict, runtime: Runtime) -> None:
    before = app_client.get("/metrics").text
    broken = b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
    r = app_client.post("/v1/conversions", headers=alpha, files={"file": ("broken.pdf", broken, "application/pdf")},
                        data={"targets": "html"})
    assert r.status_code == 202, r.text
    run_job(r.json()["id"], runtime)
    job = app_client.get(f"/v1/jobs/{r.json()['id']}", headers=alpha).json()
    assert job["status"] == "failed"
    after = app_client.get("/metrics").text
    code = job["error"]["code"]
    assert metric(after, "access_jobs_failed_total", kind="conversion", code=code) \
        == metric(before, "access_jobs_failed_total", kind="conversion", code=code) + 1
