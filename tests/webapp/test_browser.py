"""The web app in a real browser (Selenium + the Debian Chromium the web auditor uses), against
`access serve` (the API, the web app and the embedded worker as one real process): sign in,
convert a DOCX to audio and a web page and download both, the keyboard-only walk of the convert
flow, the whole flow with JavaScript off, a site audit of a local fixture site with its report
and history, and our own auditor over every page with zero violations."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from tests.auditors.web.local_site import local_site
from tests.conftest import Deployment, wait_for
from tests.documents import document

pytestmark = pytest.mark.browser
SHARE_SECRET = "b" * 40


@pytest.fixture(scope="module")
def served(deployment_factory: Callable[..., Deployment]) -> Iterator[tuple[Deployment, str]]:
    dep = deployment_factory(share_secret=SHARE_SECRET, worker_concurrency=2)
    dep.start_serve()
    key = dep.store().create_api_key("school")
    yield dep, key


@pytest.fixture
def make_driver(tmp_path: Path) -> Iterator[Callable[..., WebDriver]]:
    drivers: list[WebDriver] = []

    def make(*, javascript: bool = True, width: int = 1280, height: int = 1024) -> WebDriver:
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}", "--mute-audio"):
            options.add_argument(flag)
        prefs: dict[str, Any] = {"download.default_directory": str(tmp_path / "downloads"),
                                 "download.prompt_for_download": False}
        if not javascript:
            prefs["profile.managed_default_content_settings.javascript"] = 2
        options.add_experimental_option("prefs", prefs)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        driver.implicitly_wait(0)
        drivers.append(driver)
        return driver

    yield make
    for driver in drivers:
        driver.quit()


def sign_in(driver: WebDriver, dep: Deployment, key: str) -> None:
    driver.get(dep.base_url + "/")
    assert driver.current_url.startswith(dep.base_url + "/sign-in")
    field = driver.find_element(By.ID, "key")
    field.send_keys(key)
    field.send_keys(Keys.ENTER)
    wait_for(lambda: driver.current_url == dep.base_url + "/", 20, "the home page after signing in")
    assert "What would you like to do?" in driver.find_element(By.TAG_NAME, "h1").text


def wait_finished(driver: WebDriver, timeout: float = 180, refresh: bool = False) -> str:
    """Wait for the job page to say the job ended (by itself, or by following the refresh link)."""

    def ended() -> str | None:
        if refresh and driver.find_elements(By.ID, "refresh"):
            driver.find_element(By.ID, "refresh").click()
            time.sleep(0.5)
        try:
            text = driver.find_element(By.ID, "status-text").text
        except (StaleElementReferenceException, NoSuchElementException):     # the page is reloading
            return None
        return text if text.startswith(("succeeded", "failed", "cancelled")) else None

    return wait_for(ended, timeout, "the job to end", interval=0.5)


def shows(driver: WebDriver, tag: str, text: str, timeout: float = 30) -> None:
    """Wait until the page that a click loads has ``text`` in its ``tag`` (a loaded machine may
    still be between the two pages when the click returns)."""

    def found() -> bool:
        try:
            return any(text in e.text for e in driver.find_elements(By.TAG_NAME, tag))
        except StaleElementReferenceException:
            return False

    wait_for(found, timeout, f"{text!r} in <{tag}>", interval=0.2)


def downloaded(folder: Path, name: str) -> Path:
    return wait_for(lambda: (folder / name) if (folder / name).is_file() and not list(folder.glob("*.crdownload"))
                    else None, 30, f"the download of {name}")


# ----------------------------------------------------------------------------- the producer


def test_sign_in_convert_a_docx_to_audio_and_a_web_page_and_download_both(
        served: tuple[Deployment, str], make_driver: Callable[..., WebDriver], tmp_path: Path) -> None:
    dep, key = served
    driver = make_driver()
    sign_in(driver, dep, key)
    driver.find_element(By.LINK_TEXT, "Convert a document").click()
    driver.find_element(By.ID, "file").send_keys(str(document("docx", "handout", tmp_path / "handout.docx")))
    driver.find_element(By.ID, "target-mp3").click()
    assert driver.find_element(By.ID, "target-html").is_selected()
    driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    status = wait_finished(driver)
    assert status.startswith("succeeded"), status
    assert driver.find_element(By.TAG_NAME, "audio").get_attribute("src").endswith("/files/handout.mp3")
    chapters = driver.find_elements(By.CSS_SELECTOR, "[data-seek]")
    assert chapters and all(c.is_enabled() for c in chapters)
    chapters[-1].click()
    played = driver.execute_script("return document.querySelector('audio').currentTime")
    assert played >= float(chapters[-1].get_attribute("data-seek")) - 0.5
    folder = tmp_path / "downloads"
    for name in ("handout.mp3", "handout.html"):
        link = driver.find_element(By.LINK_TEXT, name)
        size = int(dep.client().get(link.get_attribute("href").replace(dep.base_url, ""),
                                    cookies={"access_session": driver.get_cookie("access_session")["value"]}
                                    ).headers["content-length"])
        link.click()
        assert downloaded(folder, name).stat().st_size == size > 1000
    assert (folder / "handout.mp3").read_bytes()[:3] in (b"ID3", b"\xff\xfb\x90")


# ----------------------------------------------------------------------------- keyboard only


def press(driver: WebDriver, key: str) -> None:
    """A key press sent to whatever has the focus, as a person's keyboard would."""
    ActionChains(driver).send_keys(key).perform()


def focused(driver: WebDriver) -> str:
    return driver.execute_script(
        "const e = document.activeElement; return e.id || e.getAttribute('href') || e.textContent.trim()")


def test_the_convert_flow_by_keyboard_alone(served: tuple[Deployment, str], make_driver: Callable[..., WebDriver],
                                           tmp_path: Path) -> None:
    dep, key = served
    driver = make_driver()
    sign_in(driver, dep, key)
    driver.get(dep.base_url + "/convert")
    order: list[str] = []
    for _ in range(40):
        press(driver, Keys.TAB)
        order.append(focused(driver))
        if order[-1] == "Convert":
            break
    assert order[0] == "#main", order                      # the skip link comes first
    wanted = ["/", "/convert", "/audit", "/jobs", "file", "target-html", "target-epub", "target-mp3", "target-daisy",
              "target-brf", "target-easy-read", "language", "voice", "rate", "listen", "grade-2", "Convert"]
    positions = [order.index(w) for w in wanted]
    assert positions == sorted(positions), order
    # the skip link moves to the content
    driver.get(dep.base_url + "/convert")
    press(driver, Keys.TAB)
    press(driver, Keys.ENTER)
    assert driver.execute_script("return location.hash") == "#main"
    # a whole submission: the file chosen (the one step that is not a key press), then Tab, Space and Enter
    driver.find_element(By.ID, "file").send_keys(str(document("docx", "handout", tmp_path / "handout.docx")))
    driver.execute_script("document.getElementById('file').focus()")
    while focused(driver) != "target-html":
        press(driver, Keys.TAB)
    press(driver, Keys.SPACE)                   # html off
    while focused(driver) != "target-brf":
        press(driver, Keys.TAB)
    press(driver, Keys.SPACE)                   # braille on
    assert not driver.find_element(By.ID, "target-html").is_selected()
    assert driver.find_element(By.ID, "target-brf").is_selected()
    while focused(driver) != "Convert":
        press(driver, Keys.TAB)
    press(driver, Keys.ENTER)
    assert wait_finished(driver).startswith("succeeded")
    assert driver.find_elements(By.LINK_TEXT, "handout.brf")
    # errors: the summary takes the focus, each link goes to its field
    driver.get(dep.base_url + "/convert")
    driver.execute_script("document.getElementById('target-html').focus()")
    press(driver, Keys.SPACE)
    driver.execute_script("document.querySelector('form.stack button[type=submit]').focus()")
    press(driver, Keys.ENTER)
    wait_for(lambda: focused(driver) == "error-summary", 10, "the error summary to take the focus")
    press(driver, Keys.TAB)
    assert focused(driver) == "#file"
    press(driver, Keys.ENTER)
    assert focused(driver) == "file"


# ----------------------------------------------------------------------------- JavaScript off


def test_the_whole_flow_with_javascript_off(served: tuple[Deployment, str], make_driver: Callable[..., WebDriver],
                                           tmp_path: Path) -> None:
    dep, key = served
    driver = make_driver(javascript=False)
    sign_in(driver, dep, key)
    assert driver.execute_script is not None
    driver.get(dep.base_url + "/convert")
    assert driver.find_element(By.CSS_SELECTOR, "[data-drop-hint]").get_attribute("hidden") is not None  # no script ran
    driver.find_element(By.ID, "file").send_keys(str(document("docx", "handout", tmp_path / "lesson.docx")))
    driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    assert driver.find_elements(By.ID, "refresh") or driver.find_element(By.ID, "status-text").text
    assert wait_finished(driver, refresh=True).startswith("succeeded")
    driver.find_element(By.LINK_TEXT, "lesson.html").click()
    assert downloaded(tmp_path / "downloads", "lesson.html").stat().st_size > 500
    driver.find_element(By.LINK_TEXT, "Jobs").click()
    shows(driver, "table", "lesson.docx")
    driver.find_element(By.XPATH, "//button[starts-with(normalize-space(.), 'Delete')]").click()
    shows(driver, "main", "were deleted")


# ----------------------------------------------------------------------------- the trainer

SITE_PAGES = {
    "/": b"<!DOCTYPE html><html lang='en'><head><title>Course home</title></head><body><main><h1>Biology</h1>"
         b"<img src='/logo.png'><p><a href='/week1'>Week 1</a> <a href='/week2'>Week 2</a></p></main></body></html>",
    "/week1": b"<!DOCTYPE html><html lang='en'><head><title>Week 1</title></head><body><main><h1>Week 1</h1>"
              b"<img src='/logo.png'><p>Cells.</p></main></body></html>",
    "/week2": b"<!DOCTYPE html><html lang='en'><head><title>Week 2</title></head><body><main><h1>Week 2</h1>"
              b"<img src='/logo.png'><p>Plants.</p></main></body></html>",
}


def audit_site(driver: WebDriver, dep: Deployment, url: str) -> str:
    driver.get(dep.base_url + "/audit")
    field = driver.find_element(By.ID, "url")
    field.clear()
    field.send_keys(url)
    pages = driver.find_element(By.ID, "max_pages")
    pages.clear()
    pages.send_keys("5")
    driver.find_element(By.XPATH, "//button[normalize-space(.)='Audit the site']").click()
    status = wait_finished(driver, timeout=240)
    assert status.startswith("succeeded"), status
    return driver.current_url.rsplit("/", 1)[-1]


def test_a_site_audit_its_report_and_the_history_of_two_audits(
        served: tuple[Deployment, str], make_driver: Callable[..., WebDriver]) -> None:
    dep, key = served
    driver = make_driver()
    sign_in(driver, dep, key)
    with local_site(dict(SITE_PAGES)) as site:
        first = audit_site(driver, dep, site.url("/"))
        assert "3 pages audited" in driver.find_element(By.TAG_NAME, "main").text
        driver.find_element(By.LINK_TEXT, "Open the report").click()
        shows(driver, "main", "fix it once")
        issues = driver.find_element(By.XPATH, "//h2[@id='issues-heading']/..").text
        assert "on 3 of 3 pages" in issues and "fix it once" in issues, issues    # the logo, rolled up
        export = driver.find_element(By.PARTIAL_LINK_TEXT, "SARIF").get_attribute("href")
        assert export.endswith(f"/jobs/{first}/report/export?format=sarif")
        second = audit_site(driver, dep, site.url("/"))
    driver.find_element(By.PARTIAL_LINK_TEXT, "Earlier audits").click()
    shows(driver, "main", "unchanged")
    assert "/history?site=" in driver.current_url
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "unchanged" in main, main                    # the diff of the two audits of the same site
    links = {a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main a")}
    assert {f"{dep.base_url}/jobs/{second}/report", f"{dep.base_url}/jobs/{first}/report"} <= links


# ----------------------------------------------------------------------------- our own auditor over every page


def test_every_page_passes_our_own_auditor_with_zero_violations(
        served: tuple[Deployment, str], tmp_path: Path, sample_html: bytes) -> None:
    from access import services
    from access.browsing import Action, Cookie, PageState, SignIn
    from access.config import Settings
    from access.context import Context
    from access.models import AuditOptions

    dep, key = served
    api = dep.client(key)
    docx = document("docx", "handout").read_bytes()
    conversion = api.post("/v1/conversions", files={"file": ("handout.docx", docx)},
                          data={"targets": "html,mp3,epub"}).json()["id"]
    audit = api.post("/v1/audits", files={"file": ("lesson.html", sample_html, "text/html")}).json()["id"]
    for job in (conversion, audit):
        assert dep.wait_job(api, job, timeout=240)["status"] == "succeeded"
    token = api.post("/sign-in", data={"key": key, "csrf_token": "t" * 40}, cookies={"access_csrf": "t" * 40},
                     follow_redirects=False).cookies["access_session"]
    base = dep.base_url
    pages = ["/", "/convert", "/audit", "/jobs", f"/jobs/{conversion}", f"/jobs/{audit}", f"/jobs/{audit}/report",
             "/history?document=lesson.html", "/jobs?kind=audit&q=lesson"]
    submit = "form.stack button[type=submit]"
    states = [PageState(name="convert form with errors", url=base + "/convert",
                        actions=[Action(kind="click", selector="#target-html"), Action(kind="click", selector=submit),
                                 Action(kind="wait_for", selector="#error-summary")]),
              PageState(name="audit form with errors", url=base + "/audit",
                        actions=[Action(kind="click", selector=submit),
                                 Action(kind="wait_for", selector="#error-summary")])]
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", page_timeout=20.0, host_rate=0.0)
    ctx = Context(settings=settings)
    signed_in = AuditOptions(max_pages=len(pages), max_depth=0, urls=[base + p for p in pages[1:]], allow_private=True,
                             viewports=["1280x1024", "320x640"], states=states, screenshots=False,
                             sign_in=SignIn(cookies=[Cookie(name="access_session", value=token)]))
    anonymous = AuditOptions(max_pages=1, max_depth=0, allow_private=True, viewports=["1280x1024", "320x640"],
                             screenshots=False)
    for url, options in ((base + "/", signed_in), (base + "/sign-in", anonymous)):
        report = services.audit_url(url, options, ctx)
        audited = {p.id for p in report.parts if p.status == "audited"}
        assert len(audited) >= (len(pages) if options is signed_in else 1), report.parts
        assert not [p for p in report.parts if p.status == "failed"], report.parts
        if options is signed_in:          # the pages themselves, not the sign-in page they would send a stranger to
            assert not [p.id for p in report.parts if (p.title or "").startswith("Sign in")]
        violations = [f"{f.rule} at {f.location.url} {f.location.viewport or ''} {f.location.state or ''} "
                      f"{f.location.selector}: {f.message}" for f in report.findings if f.outcome == "violation"]
        assert violations == [], "\n".join(violations)
