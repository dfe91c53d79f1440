"""The README's screenshots of the web app, taken in the Debian Chromium against a real
`access serve` (own data folder, embedded worker): sign-in, home, convert (and its errors), a
conversion with the audio player, a site audit's report of a small local site, the jobs list,
and the convert page at 320 CSS px. Run from the checkout: `.venv/bin/python scripts/webapp_screenshots.py`."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "images"
SITE = {
    "/": b"<!DOCTYPE html><html lang='en'><head><title>Biology 101</title></head><body><main><h1>Biology 101</h1>"
         b"<img src='/logo.png'><p><a href='/week1'>Week 1</a> <a href='/week2'>Week 2</a> <a href='/more'></a></p>"
         b"</main></body></html>",
    "/week1": b"<!DOCTYPE html><html lang='en'><head><title>Week 1</title></head><body><main><h1>Week 1</h1>"
              b"<img src='/logo.png'><p style='color:#aaa'>Cells.</p></main></body></html>",
    "/week2": b"<!DOCTYPE html><html><head><title>Week 2</title></head><body><main><h1>Week 2</h1>"
              b"<img src='/logo.png'><p>Plants.</p></main></body></html>",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_site() -> str:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = SITE.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


def wait(predicate, timeout: float = 240):  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if value := predicate():
                return value
        except Exception:
            pass
        time.sleep(0.5)
    raise TimeoutError


def shot(driver: webdriver.Chrome, name: str, width: int = 1280) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(height + 120, 600), 2200))
    time.sleep(0.3)
    driver.save_screenshot(str(OUT / f"webapp-{name}.png"))


def main() -> None:
    sys.path.insert(0, str(REPO))
    from tests.documents import document

    root = Path(tempfile.mkdtemp(prefix="access-shots-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}, "ACCESS_DATA_DIR": str(root),
           "ACCESS_PORT": str(port), "ACCESS_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8", "ACCESS_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen([sys.executable, "-m", "access.cli", "serve"], env=env, cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait(lambda: httpx.get(base + "/healthz").status_code == 200, 60)
        key = subprocess.run([sys.executable, "-m", "access.cli", "keys", "create", "--tenant", "riverside-school"],
                             env=env, capture_output=True, text=True, check=True).stdout.split()[-1]
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--hide-scrollbars",
                     "--mute-audio", "--force-device-scale-factor=1"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            driver.get(base + "/")
            shot(driver, "sign-in")
            driver.find_element(By.ID, "key").send_keys(key + "\n")
            wait(lambda: driver.current_url == base + "/")
            driver.get(base + "/convert")
            shot(driver, "convert")
            driver.set_window_size(320, 900)
            shot(driver, "convert-320", width=320)
            driver.set_window_size(1280, 900)
            driver.find_element(By.ID, "target-html").click()
            driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
            shot(driver, "convert-errors")
            driver.get(base + "/convert")
            driver.find_element(By.ID, "file").send_keys(str(document("docx", "handout", root / "week3-handout.docx")))
            driver.find_element(By.ID, "target-mp3").click()
            driver.find_element(By.ID, "target-brf").click()
            driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
            wait(lambda: driver.find_element(By.ID, "status-text").text.startswith("succeeded"))
            shot(driver, "job-audio")
            driver.get(base + "/audit")
            driver.find_element(By.ID, "url").send_keys(serve_site())
            driver.find_element(By.XPATH, "//button[normalize-space(.)='Audit the site']").click()
            wait(lambda: driver.find_element(By.ID, "status-text").text.startswith("succeeded"))
            driver.find_element(By.LINK_TEXT, "Open the report").click()
            shot(driver, "report")
            driver.get(base + "/jobs")
            shot(driver, "jobs")
            driver.get(base + "/")
            shot(driver, "home")
        finally:
            driver.quit()
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
