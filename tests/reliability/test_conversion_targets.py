"""Issue 14: one target failing does not throw away the others. A conversion of a document with
nothing to read aloud to html + mp3 + brf delivers html and brf, ends ``succeeded`` and says that
mp3 failed (``empty_file``); the same document to mp3 alone ends ``failed``. Real app, real
store, real converters (the job runs in this process with the one job runner)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from access.config import Settings
from access.jobs import Runtime, run_job
from api.app import create_app

PICTURE_ONLY = (b'<!DOCTYPE html><html lang="en"><head><title>Picture</title></head><body><main>'
                b'<img src="cell.png" alt=""></main></body></html>')


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Runtime, dict[str, str]]]:
    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("targets") / "data",
                        public_url="http://testserver")
    with TestClient(create_app(settings)) as client:
        rt = Runtime.from_settings(settings)
        yield client, rt, {"Authorization": f"Bearer {rt.store.create_api_key('ops')}"}


def _convert(service, targets: str) -> dict:
    client, rt, auth = service
    r = client.post("/v1/conversions", headers=auth, data={"targets": targets},
                    files={"file": ("picture.html", PICTURE_ONLY, "text/html")})
    assert r.status_code == 202, r.text
    run_job(r.json()["id"], rt)
    return client.get(f"/v1/jobs/{r.json()['id']}", headers=auth).json()


@pytest.mark.timeout(120)
def test_one_failing_target_keeps_the_others(service) -> None:
    job = _convert(service, "html,mp3,brf")
    assert job["status"] == "succeeded" and job["error"] is None
    assert job["targets"]["html"] == {"status": "succeeded", "error": None}
    assert job["targets"]["brf"]["status"] == "succeeded"
    assert job["targets"]["mp3"]["status"] == "failed"
    assert job["targets"]["mp3"]["error"]["code"] == "empty_file"
    made = {a["target"] for a in job["artifacts"]}
    assert made == {"html", "brf"}, "no file from the failed target"
    assert any("mp3" in w and "empty_file" in w for w in job["result"]["warnings"])
    client, _, auth = service
    for art in job["artifacts"]:
        assert client.get(art["url"].replace("http://testserver", ""), headers=auth).status_code == 200


@pytest.mark.timeout(120)
def test_conversion_fails_only_when_no_target_was_delivered(service) -> None:
    job = _convert(service, "mp3")
    assert job["status"] == "failed" and job["error"]["code"] == "empty_file"
    assert job["artifacts"] == []


def test_openapi_says_which_target_failed(service) -> None:
    client, _, _ = service
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert "targets" in schema["JobOut"]["properties"]
    outcome = schema["TargetOutcome"]
    assert set(outcome["properties"]) == {"status", "error"}
    assert outcome["properties"]["status"]["enum"] == ["succeeded", "failed"]
