"""Submitting audits with sign-in credentials: refused clearly by a server without a secret key;
with one, sealed at rest (never in the job row, its JSON or an error) and one job per site of a
config document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from access.config import Settings
from access.jobs import Runtime
from access.vault import new_key
from api.app import create_app

SECRET = "pw-Submission-7f3e9a"
SITE = {"name": "course", "url": "http://93.184.216.34/my/", "signed_in": ".usermenu",
        "login": [{"navigate": "http://93.184.216.34/login"},
                  {"fill": {"selector": "#password", "value": SECRET}}, {"click": "#signin"}],
        "headers": {"X-Course-Token": SECRET + "-header"}, "viewports": ["1280x1024", "320x640"],
        "states": [{"name": "menu open", "actions": [{"click": "#menu"}]}],
        "threshold": {"impact": "serious", "max": 0}}


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Runtime, dict[str, str]]]:
    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("keyed") / "data",
                        public_url="http://testserver", secret_key=new_key())
    with TestClient(create_app(settings)) as client:
        rt = Runtime.from_settings(settings)
        headers = {"Authorization": f"Bearer {rt.store.create_api_key('school')}"}
        yield client, rt, headers


def test_credentials_are_refused_without_a_server_key(app_client: TestClient, alpha: dict[str, str]) -> None:
    for body in (SITE, {"sites": [SITE]}, {"url": "http://93.184.216.36/", "basic_auth": {"username": "u",
                                                                                      "password": SECRET}}):
        r = app_client.post("/v1/audits", json=body, headers=alpha)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "invalid_request"
        assert "ACCESS_SECRET_KEY" in r.json()["error"]["message"] and SECRET not in r.text
    assert app_client.get("/v1/capabilities", headers=alpha).json()["web_sign_in"] is False
    # a site without credentials is fine on the same server
    plain = {k: v for k, v in SITE.items() if k not in ("login", "headers", "signed_in")}
    assert app_client.post("/v1/audits", json=plain, headers=alpha).status_code == 202


def test_invalid_documents_name_the_key_and_never_the_values(keyed) -> None:
    client, _, headers = keyed
    bad = {"sites": [{**SITE, "login": [{"fill": {"selector": "#p"}}, {"clik": "#x"}]}]}
    r = client.post("/v1/audits", json=bad, headers=headers)
    assert r.status_code == 422
    message = r.json()["error"]["message"]
    assert "sites.0.login.0: Value error, fill needs value" in message
    assert "sites.0.login.1: Value error, unknown action 'clik'" in message
    r = client.post("/v1/audits", json={**SITE, "disable_rules": ["axe-regoin"]}, headers=headers)
    assert r.status_code == 422 and "disable_rules: no rule 'axe-regoin'" in r.json()["error"]["message"]
    assert SECRET not in r.text


def test_credentials_are_sealed_and_one_job_per_site(keyed) -> None:
    client, rt, headers = keyed
    assert client.get("/v1/capabilities", headers=headers).json()["web_sign_in"] is True
    other = {"name": "library", "url": "http://93.184.216.35/"}
    r = client.post("/v1/audits", json={"sites": [SITE, other]}, headers={**headers, "Idempotency-Key": "k1"})
    assert r.status_code == 202, r.text
    jobs = r.json()["jobs"]
    assert [j["input"] for j in jobs] == [{"url": SITE["url"], "name": "course"},
                                          {"url": other["url"], "name": "library"}]
    assert SECRET not in r.text
    course, library = (rt.store.get_job(j["id"]) for j in jobs)
    assert course.options["viewports"] == ["1280x1024", "320x640"] and "sign_in" not in course.options
    assert course.options["threshold"] == {"impact": "serious", "max": 0}
    sealed = rt.store.get_secret(course.id)
    assert sealed and SECRET not in sealed and rt.store.get_secret(library.id) is None
    from access.jobs import audit_options

    opened = audit_options(course, rt).sign_in
    assert opened is not None and opened.login[1].value == SECRET and opened.signed_in == ".usermenu"
    assert SECRET not in client.get(f"/v1/jobs/{course.id}", headers=headers).text
    again = client.post("/v1/audits", json={"sites": [SITE, other]}, headers={**headers, "Idempotency-Key": "k1"})
    assert [j["id"] for j in again.json()["jobs"]] == [j["id"] for j in jobs]
    assert not [p for p in Path(rt.settings.resolved_data_dir).rglob("*")
                if p.is_file() and SECRET.encode() in p.read_bytes()]
