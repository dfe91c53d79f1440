"""Through the HTTP API with a real worker: `access serve` (API + embedded worker) converts a DOCX to
mp3 and daisy; the MP3 downloads with HTTP Range so a browser can seek."""

from __future__ import annotations

import io

import pytest
from mutagen.id3 import ID3

from tests.converters.audio.audio_docs import HEADINGS


@pytest.fixture(scope="module")
def served(deployment_factory):
    dep = deployment_factory()            # embedded defaults: SQLite store and broker, worker beside the API
    dep.serve = dep.start_serve()
    yield dep
    dep.stop()


def test_docx_to_mp3_and_talking_books_over_http(served, docx_file) -> None:
    store = served.store()
    key = store.create_api_key("audio-coordinator")
    store.dispose()
    with served.client(key) as client:
        r = client.post("/v1/conversions", data={"targets": "mp3,daisy", "rate": "190"},
                        files={"file": (docx_file.name, docx_file.read_bytes(),
                                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")})
        assert r.status_code == 202, r.text
        job = served.wait_job(client, r.json()["id"], timeout=240)
        assert job["status"] == "succeeded", job
        gate = job["result"]["gate"]
        assert gate["mp3"]["passed"] and gate["daisy"]["passed"], gate
        names = {a["name"]: a for a in job["artifacts"]}
        assert {"audio-course.mp3", "audio-course-daisy202.zip", "audio-course-talking.epub"} <= set(names)
        mp3 = names["audio-course.mp3"]
        whole = client.get(mp3["url"])
        assert whole.status_code == 200 and whole.headers["content-type"].startswith("audio/mpeg")
        part = client.get(mp3["url"], headers={"Range": "bytes=1000-1999"})
        assert part.status_code == 206 and part.content == whole.content[1000:2000]
        chapters = sorted(ID3(io.BytesIO(whole.content)).getall("CHAP"), key=lambda c: c.start_time)
        assert [str(c.sub_frames["TIT2"].text[0]) for c in chapters] == HEADINGS
