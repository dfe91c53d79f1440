"""GET /v1/voices lists the real espeak-ng voices, so a coordinator can pick one per language."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_voices_list_real_espeak_voices(app_client: TestClient) -> None:
    voices = app_client.get("/v1/voices").json()["voices"]
    ids = {v["id"] for v in voices}
    assert {"espeak:en", "espeak:sw", "espeak:am"} <= ids | {v["id"].split("-")[0] for v in voices}
    assert all({"id", "engine", "language", "name"} <= set(v) for v in voices)


def test_voices_filter_by_language(app_client: TestClient) -> None:
    swahili = app_client.get("/v1/voices", params={"language": "sw"}).json()["voices"]
    assert swahili and all(v["language"].split("-")[0] == "sw" for v in swahili)
    assert app_client.get("/v1/voices", params={"language": "xx"}).json() == {"voices": []}
