"""The web app through plain HTTP, as a browser without script would use it: sign-in, sessions,
CSRF, tenant isolation, the forms and their errors, downloads, previews and share links."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from access.config import AuthMode, Settings
from access.jobs import Runtime
from access.models import utcnow
from access.store import WebSession, hash_key
from api.app import create_app
from tests.documents import document
from tests.webapp.conftest import LIMIT, csrf, job_id_of, run
from webapp import share

Browser = Callable[..., TestClient]
LESSON = b"# Cells\n\nEvery living thing is made of cells.\n\n## Parts of a cell\n\nThe nucleus holds the DNA.\n"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def field_error(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"><span class="visually-hidden">Error: </span>(.*?)</span>', html, re.S)
    assert match, f"no error next to {field}"
    return text_of(match.group(1))


def convert(client: TestClient, content: bytes = LESSON, name: str = "cells.md", **fields: object) -> object:
    data = {"csrf_token": csrf(client), "targets": ["html"], "rate": "175", "braille_grade": "2", **fields}
    return client.post("/convert", data=data, files={"file": (name, content, "application/octet-stream")})


# ----------------------------------------------------------------------------- sign-in and sessions


def test_sign_in_opens_a_server_side_session_and_sign_out_ends_it(browser: Browser, keys: dict,
                                                                  runtime: Runtime) -> None:
    client = browser()
    r = client.get("/jobs?kind=audit")
    assert r.url.path == "/sign-in" and r.url.params["next"] == "/jobs?kind=audit"
    assert 'name="csrf_token"' in r.text and "make key" in r.text
    r = client.post("/sign-in", data={"key": "acc_wrong", "csrf_token": csrf(client), "next": "/jobs"})
    assert r.status_code == 401 and "not known here" in field_error(r.text, "key")
    assert client.cookies.get("access_session") is None
    r = client.post("/sign-in", data={"key": keys["alpha"], "csrf_token": csrf(client), "next": "/jobs?kind=audit"})
    assert r.status_code == 200 and r.url.path == "/jobs" and "Sign out" in r.text
    cookie = next(c for c in r.history[0].headers.get_list("set-cookie") if c.startswith("access_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    token = client.cookies["access_session"]
    with runtime.store.sessions() as s:          # only the token's hash is kept
        stored = s.scalars(select(WebSession.token_hash)).all()
    assert hash_key(token) in stored and token not in stored
    r = client.post("/sign-out", data={"csrf_token": csrf(client)})
    assert r.url.path == "/sign-in" and "You have signed out" in r.text
    with runtime.store.sessions() as s:
        assert s.get(WebSession, hash_key(token)) is None
    assert client.get("/jobs").url.path == "/sign-in"
    r = client.post("/convert", data={"csrf_token": csrf(client)}, headers={"Referer": "http://testserver/convert"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/sign-in?next=%2Fconvert"


def test_a_sign_in_page_never_sends_you_to_another_site(browser: Browser, keys: dict) -> None:
    client = browser()
    r = client.post("/sign-in", data={"key": keys["alpha"], "csrf_token": csrf(client), "next": "//evil.example/x"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_sessions_expire_and_end_with_their_key(browser: Browser, runtime: Runtime) -> None:
    key = runtime.store.create_api_key("gamma")
    client = browser(key)
    assert client.get("/jobs").url.path == "/jobs"
    with runtime.store.sessions.begin() as s:
        s.execute(update(WebSession).where(WebSession.token_hash == hash_key(client.cookies["access_session"]))
                  .values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get("/jobs").url.path == "/sign-in"
    client = browser(key)
    info = runtime.store.find_key(key)
    assert info is not None
    runtime.store.revoke_key(info.id)
    assert client.get("/jobs").url.path == "/sign-in"
    r = client.post("/sign-in", data={"key": key, "csrf_token": csrf(client), "next": "/"})
    assert r.status_code == 401 and "revoked" in field_error(r.text, "key")


def test_cookies_are_secure_over_https(browser: Browser, keys: dict) -> None:
    client = browser(base_url="https://testserver")
    r = client.post("/sign-in", data={"key": keys["alpha"], "csrf_token": csrf(client), "next": "/"},
                    follow_redirects=False)
    cookies = r.headers.get_list("set-cookie")
    assert all("Secure" in c and "HttpOnly" in c for c in cookies) and len(cookies) == 2


def test_auth_mode_none_needs_no_sign_in_but_still_checks_csrf(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", auth_mode=AuthMode.NONE)
    with TestClient(create_app(settings)) as client:
        r = client.get("/")
        assert r.url.path == "/" and "What would you like to do?" in r.text and "Sign out" not in r.text
        r = client.post("/convert", data={"targets": ["html"]}, files={"file": ("a.md", LESSON, "text/markdown")})
        assert r.status_code == 403
        r = convert(client)
        assert r.status_code == 200 and r.url.path.startswith("/jobs/")


# ----------------------------------------------------------------------------- CSRF and tenants


def test_every_form_refuses_a_post_without_the_csrf_token(browser: Browser, keys: dict, runtime: Runtime) -> None:
    client = browser(keys["alpha"])
    job = job_id_of(convert(client).url)
    other = browser()
    for path, data in [("/sign-in", {"key": keys["alpha"]}), ("/sign-out", {}), ("/convert", {"targets": "html"}),
                       ("/audit/site", {"url": "https://example.org"}), ("/audit/document", {}),
                       (f"/jobs/{job}/cancel", {}), (f"/jobs/{job}/delete", {}),
                       (f"/jobs/{job}/share", {"name": "x"})]:
        for token in (None, "forged" * 8, other.cookies.get("access_csrf") or csrf(other)):
            body = {**data, **({"csrf_token": token} if token else {})}
            r = client.post(path, data=body)
            assert r.status_code == 403 and "form has expired" in r.text, (path, token)
    assert runtime.store.get_job(job) is not None
    assert client.get("/jobs").text.count('href="/jobs/') == 1


def test_a_tenant_never_sees_another_tenants_jobs_or_files(browser: Browser, keys: dict, runtime: Runtime) -> None:
    alpha = browser(keys["alpha"])
    job = job_id_of(convert(alpha, name="alpha-secret.md").url)
    run(runtime, job)
    assert alpha.get(f"/jobs/{job}/files/alpha-secret.html").status_code == 200
    beta = browser(keys["beta"])
    assert "alpha-secret" not in beta.get("/jobs").text and "alpha-secret" not in beta.get("/").text
    assert "alpha-secret" not in beta.get("/jobs?q=alpha").text
    for path in (f"/jobs/{job}", f"/jobs/{job}/status", f"/jobs/{job}/files/alpha-secret.html",
                 f"/jobs/{job}/preview/alpha-secret.html", f"/jobs/{job}/report"):
        r = beta.get(path)
        assert r.status_code == 404 and "alpha-secret" not in r.text, path
    for action in ("cancel", "delete", "share"):
        r = beta.post(f"/jobs/{job}/{action}", data={"csrf_token": csrf(beta), "name": "alpha-secret.html"})
        assert r.status_code == 404, action
    assert runtime.store.get_job(job) is not None


# ----------------------------------------------------------------------------- convert, without script


def test_convert_download_preview_and_delete_with_plain_forms(browser: Browser, keys: dict, runtime: Runtime) -> None:
    client = browser(keys["alpha"])
    r = convert(client, targets=["html", "epub"])
    assert r.status_code == 200 and r.history[0].status_code == 303
    job = job_id_of(r.url)
    assert "queued" in r.text and f'href="/jobs/{job}" id="refresh"' in r.text     # a reload shows the state
    assert '<p role="status" aria-live="polite" id="status-text">' in r.text
    assert client.get(f"/jobs/{job}/status").json() == {"status": "queued", "progress": 0, "stage": "queued",
                                                        "finished": False}
    run(runtime, job)
    page = client.get(f"/jobs/{job}").text
    assert "succeeded" in text_of(page) and f'href="/jobs/{job}/files/cells.html"' in page
    assert re.search(r"cells\.epub</a></td>\s*<td>E-book</td>\s*<td>\d+\.\d KiB</td>", page)
    html = client.get(f"/jobs/{job}/files/cells.html")
    assert html.status_code == 200 and b"Every living thing" in html.content
    assert html.headers["content-disposition"].startswith("attachment")
    bundle = client.get(f"/jobs/{job}/files.zip")
    assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as zf:
        assert {"cells.html", "cells.epub"} <= set(zf.namelist())
    part = client.get(f"/jobs/{job}/files/cells.html", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and len(part.content) == 10
    preview = client.get(f"/jobs/{job}/preview/cells.html")
    assert preview.status_code == 200 and "sandbox" in preview.headers["content-security-policy"]
    assert "default-src 'none'" in preview.headers["content-security-policy"]
    assert f'sandbox="" src="/jobs/{job}/preview/cells.html"' in page
    r = client.post(f"/jobs/{job}/delete", data={"csrf_token": csrf(client)})
    assert r.url.path == "/jobs" and "were deleted" in r.text
    assert runtime.store.get_job(job) is None and client.get(f"/jobs/{job}").status_code == 404


def test_cancel_a_queued_job(browser: Browser, keys: dict, runtime: Runtime) -> None:
    client = browser(keys["alpha"])
    job = job_id_of(convert(client).url)
    r = client.post(f"/jobs/{job}/cancel", data={"csrf_token": csrf(client)})
    assert r.url.path == f"/jobs/{job}" and "cancelled" in text_of(r.text)
    assert runtime.store.get_job(job).status == "cancelled"


def test_form_errors_sit_next_to_their_field_keep_the_input_and_speak_plainly(browser: Browser, keys: dict) -> None:
    client = browser(keys["alpha"])
    r = convert(client, content=b"\x00\x01binary", name="slides.key", targets=["mp3", "brf"], rate="220",
                braille_grade="1", voice="espeak:fr", language="fr-fr")
    assert r.status_code == 200 and "<title>Error: " in r.text
    message = field_error(r.text, "file")
    assert "Word (.docx)" in message and "PDF" in message and "cannot be used here" in message
    assert 'id="error-summary"' in r.text and 'href="#file"' in r.text
    assert 'aria-describedby="file-hint file-error" aria-invalid="true"' in r.text
    for kept in ('value="mp3" checked', 'value="brf" checked', 'value="220" selected', 'value="1" checked',
                 'value="espeak:fr" selected', 'value="fr-fr" selected'):
        assert kept in r.text, kept
    assert 'value="html" checked' not in r.text
    r = convert(client, content=b"x" * (LIMIT + 10), name="big.txt")
    assert "the limit is 256.0 KiB" in field_error(r.text, "file") and "ACCESS_MAX_UPLOAD_BYTES" in r.text
    r = convert(client, targets=[])
    assert "at least one format" in field_error(r.text, "targets")
    r = client.post("/convert", data={"csrf_token": csrf(client), "targets": ["html"]})
    assert "Choose the file to convert" in field_error(r.text, "file")


def test_audit_form_errors_say_why_a_url_is_refused_and_which_setting_lifts_it(browser: Browser, keys: dict) -> None:
    client = browser(keys["alpha"])
    data = {"csrf_token": csrf(client), "url": "http://127.0.0.1:9/course", "max_pages": "7", "max_depth": "1",
            "standard": "wcag21aa"}
    r = client.post("/audit/site", data=data)
    assert r.status_code == 200 and "<title>Error: " in r.text
    message = field_error(r.text, "url")
    assert "loopback" in message and "ACCESS_ALLOW_PRIVATE_NETWORKS" in message
    assert 'value="http://127.0.0.1:9/course"' in r.text and 'value="7"' in r.text
    assert 'value="wcag21aa" selected' in r.text
    r = client.post("/audit/site", data={**data, "url": "https://example.org", "max_pages": "100000"})
    assert "from 1 to 500" in field_error(r.text, "max_pages")


# ----------------------------------------------------------------------------- audits, reports, history


def test_document_audit_report_exports_and_history(browser: Browser, keys: dict, runtime: Runtime,
                                                   sample_html: bytes) -> None:
    client = browser(keys["alpha"])
    made = []
    for _ in range(2):
        r = client.post("/audit/document", data={"csrf_token": csrf(client), "doc_standard": "wcag22aa"},
                        files={"file": ("Lesson-1.html", sample_html, "text/html")})
        made.append(job_id_of(r.url))
        run(runtime, made[-1])
    page = client.get(f"/jobs/{made[-1]}").text
    assert f'href="/jobs/{made[-1]}/report"' in page and "violations" in page
    report = client.get(f"/jobs/{made[-1]}/report")
    assert report.status_code == 200 and ("image-alt" in report.text or "img-alt" in report.text)
    for fmt in ("json", "html", "csv", "sarif", "junit", "earl"):
        href = f"/jobs/{made[-1]}/report/export?format={fmt}"
        assert href in report.text
        r = client.get(href)
        assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment"), fmt
    filtered = client.get(f"/jobs/{made[-1]}/report?impact=minor&rule=no-such-rule")
    assert "No issue matches these filters." in text_of(filtered.text)
    history = client.get("/history?document=lesson-1.html").text
    assert all(f"/jobs/{j}/report" in history for j in made)


def test_jobs_list_filters_searches_and_pages(browser: Browser, runtime: Runtime) -> None:
    key = runtime.store.create_api_key("delta")
    client = browser(key)
    for n in range(23):
        convert(client, name=f"lesson-{n:02d}.md")
    r = client.get("/jobs")
    assert "23 jobs" in text_of(r.text) and "lesson-22.md" in r.text and "lesson-02.md" not in r.text
    assert r.text.index("lesson-22.md") < r.text.index("lesson-21.md")          # newest first
    r = client.get("/jobs?page=2")
    assert "lesson-02.md" in r.text and "lesson-22.md" not in r.text and "Previous page" in r.text
    r = client.get("/jobs?q=LESSON-1&kind=conversion&status=queued")
    assert "10 jobs match" in text_of(r.text)
    assert "0 jobs match" in text_of(client.get("/jobs?kind=audit").text)


# ----------------------------------------------------------------------------- share links


def test_share_links_work_without_a_key_until_they_expire_or_the_job_goes(
        browser: Browser, keys: dict, runtime: Runtime, web_settings: Settings) -> None:
    client = browser(keys["alpha"])
    job = job_id_of(convert(client).url)
    run(runtime, job)
    r = client.post(f"/jobs/{job}/share", data={"csrf_token": csrf(client), "name": "cells.html"})
    link = re.search(r'id="share-url" readonly value="([^"]+)"', r.text)
    assert link, r.text
    url = unescape(link.group(1))
    stranger = browser()
    got = stranger.get(url)
    assert got.status_code == 200 and b"Every living thing" in got.content
    assert stranger.get(url.replace("sig=", "sig=0")).status_code == 403
    key = share.share_key(web_settings)
    assert key is not None
    old = share.make_link(key, "alpha", job, "cells.html", days=1, now=0)
    expired = stranger.get(old.path)
    assert expired.status_code == 403 and "expired" in expired.text
    assert stranger.get(share.make_link(key, "beta", job, "cells.html", days=1).path).status_code == 403
    client.post(f"/jobs/{job}/delete", data={"csrf_token": csrf(client)})
    assert stranger.get(url).status_code == 404


# ----------------------------------------------------------------------------- the rest


def test_api_docs_need_no_network(browser: Browser) -> None:
    client = browser()
    for path in ("/docs", "/redoc"):
        page = client.get(path).text
        sources = re.findall(r'(?:src|href)=["\']([^"\']+)["\']', page) + re.findall(r"url: ?'([^']+)'", page)
        assert sources and all(s.startswith("/") for s in sources), sources
        for src in sources:
            assert client.get(src).status_code == 200, src


@pytest.mark.parametrize("voice", ["", "espeak:fr"])
def test_listen_plays_a_sample_spoken_by_the_real_voice(browser: Browser, keys: dict, tmp_path: Path,
                                                        voice: str) -> None:
    from mutagen.mp3 import MP3

    client = browser(keys["alpha"])
    r = client.get(f"/voices/sample?voice={voice}&rate=140")
    assert r.status_code == 200 and r.headers["content-type"] == "audio/mpeg"
    sample = tmp_path / "sample.mp3"
    sample.write_bytes(r.content)
    assert MP3(sample).info.length > 2
    assert client.get("/voices/sample?voice=nobody:xx").status_code == 404


def test_a_docx_converts_to_audio_with_chapters_and_a_player(browser: Browser, keys: dict, runtime: Runtime) -> None:
    client = browser(keys["alpha"])
    r = convert(client, content=document("docx", "handout").read_bytes(), name="handout.docx", targets=["mp3"])
    job = job_id_of(r.url)
    run(runtime, job)
    page = client.get(f"/jobs/{job}").text
    assert "<audio controls" in page and 'data-seek="0' in page and "chapter" in page
    assert re.search(r"handout\.mp3</a></td>\s*<td>Audio</td>\s*<td>[\d.]+ KiB</td>\s*<td>\d+ s, \d+ chapters?", page)
    audio = client.get(f"/jobs/{job}/files/handout.mp3", headers={"Range": "bytes=100-"})
    assert audio.status_code == 206 and audio.headers["content-type"] == "audio/mpeg"


def test_share_links_need_no_setting_the_data_folder_keeps_a_key(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    key = share.share_key(settings)
    assert key is not None and len(key) >= 32 and share.share_key(settings) == key
    assert oct((tmp_path / "data" / share.KEY_FILE).stat().st_mode & 0o777) == "0o600"
    derived = share.share_key(Settings(_env_file=None, data_dir=tmp_path / "data", secret_key="k" * 44))
    assert derived not in (None, key)


def test_an_upload_far_over_the_limit_is_refused_with_a_page_not_json(browser: Browser, keys: dict) -> None:
    client = browser(keys["alpha"])
    r = convert(client, content=b"x" * (LIMIT + 2 * 1024 * 1024), name="huge.txt")
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert "The file is too large" in r.text and "256.0 KiB" in r.text and "ACCESS_MAX_UPLOAD_BYTES" in r.text
    api = client.post("/v1/conversions", files={"file": ("huge.txt", b"x" * (LIMIT + 2 * 1024 * 1024))})
    assert api.status_code == 413 and api.json()["error"]["code"] == "file_too_large"


def test_an_unknown_address_is_a_page_for_a_browser_and_json_for_the_api(browser: Browser) -> None:
    client = browser()
    page = client.get("/no-such-page", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404 and "<h1>Page not found</h1>" in page.text and 'lang="en"' in page.text
    api = client.get("/v1/no-such-thing", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
    assert client.get("/no-such-page").json()["error"]["code"] == "not_found"
