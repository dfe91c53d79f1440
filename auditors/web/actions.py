"""Acting on a loaded page before it is audited: the steps of a sign-in or of a page state
(navigate, fill, click, press, wait for a selector or a URL, submit, wait), waiting until a page
that renders with script has settled, and hiding elements.

Every action waits for what it needs (an element present, visible or clickable) up to the page
timeout; one that cannot be done raises :class:`ActionFailed` naming the step and its selector,
never the value it would have typed.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit

from selenium.common.exceptions import (
    ElementClickInterceptedException,
    ElementNotInteractableException,
    InvalidSelectorException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from access.browsing import Action
from access.errors import ActionFailed
from auditors.web.browser import BrowserSession

SETTLE_QUIET_MS = 150          # no request in flight and no DOM change for this long: settled
SETTLE_MAX_MS = 5000

# Resolves when the document is complete, ``selector`` (if any) is present, and the page has been
# quiet for ``quiet`` ms (no fetch/XHR in flight, no DOM change: hooks.js counts them); a page that
# never changed after it was parsed is settled at once. Gives up after ``max`` ms (false).
SETTLE = """
const [quiet, max, selector] = arguments, done = arguments[arguments.length - 1];
const start = performance.now();
(function check() {
  const a = window.__accessActivity, now = performance.now();
  let ready = document.readyState === "complete";
  try { ready = ready && (!selector || !!document.querySelector(selector)); } catch (e) { ready = false; }
  const idle = !a || (a.inflight === 0 && (a.last === 0 || now - a.last >= quiet));
  if ((ready && idle) || now - start > max) { done(ready && idle); return; }
  setTimeout(check, 25);
})();
"""

HIDE = """
const style = document.createElement("style");
style.setAttribute("data-access-hide", "");
style.textContent = arguments[0].map(s => s + " { display: none !important; }").join("\\n");
(document.head || document.documentElement).appendChild(style);
"""

SUBMIT = """
const el = arguments[0] || document.activeElement;
const form = el && (el.form || (el.closest && el.closest("form")));
if (!form) return false;
if (form.requestSubmit) form.requestSubmit(); else form.submit();
return true;
"""


def settle(browser: BrowserSession, selector: str | None = None, max_ms: int = SETTLE_MAX_MS) -> bool:
    """Wait until the page has settled (see SETTLE); whether it did in time."""
    return bool(browser.run_async(SETTLE, SETTLE_QUIET_MS, max_ms, selector))


def hide(browser: BrowserSession, selectors: Sequence[str]) -> None:
    if selectors:
        browser.run(HIDE, list(selectors))


def key_of(name: str) -> str:
    """``Enter``, ``Escape``, ``ArrowDown``, ``Space`` … → the WebDriver key; one character as itself."""
    if len(name) == 1:
        return name
    attr = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name.strip()).upper().replace(" ", "_")
    aliases = {"ESC": "ESCAPE", "DOWN": "ARROW_DOWN", "UP": "ARROW_UP", "LEFT": "ARROW_LEFT",
               "RIGHT": "ARROW_RIGHT", "PAGEDOWN": "PAGE_DOWN", "PAGEUP": "PAGE_UP"}
    attr = aliases.get(attr, attr)
    if not hasattr(Keys, attr):
        raise ActionFailed(f"unknown key {name!r}")
    return str(getattr(Keys, attr))


def _http_url(url: str, base: str) -> str:
    target = urljoin(base, url)
    if urlsplit(target).scheme not in ("http", "https"):
        raise ActionFailed(f"navigate takes an http(s) URL, got {url!r}")
    return target


def run_action(browser: BrowserSession, action: Action, base: str, timeout: float) -> None:
    """Do one action on the page; ``ActionFailed`` (why, without values) when it cannot be done."""
    driver = browser.driver
    wait = WebDriverWait(driver, timeout, poll_frequency=0.05)
    selector = action.selector
    by = (By.CSS_SELECTOR, selector or "")
    try:
        if action.kind == "navigate":
            driver.get(_http_url(action.url or "", base))
            browser.pages_loaded += 1
        elif action.kind == "fill":
            element = wait.until(ec.element_to_be_clickable(by))
            element.clear()
            element.send_keys(action.value or "")
        elif action.kind == "click":
            element = wait.until(ec.element_to_be_clickable(by))
            try:
                element.click()
            except (ElementClickInterceptedException, ElementNotInteractableException):
                driver.execute_script("arguments[0].click()", element)     # covered by an overlay
        elif action.kind == "press":
            key = key_of(action.key or "")
            if selector:
                wait.until(ec.presence_of_element_located(by)).send_keys(key)
            else:
                ActionChains(driver, duration=0).send_keys(key).perform()
        elif action.kind == "wait_for" and selector:
            wait.until(ec.visibility_of_element_located(by))
        elif action.kind == "wait_for":
            wanted = action.url or ""
            wait.until(lambda d: wanted in d.current_url)
        elif action.kind == "submit":
            element = wait.until(ec.presence_of_element_located(by)) if selector else None
            if not driver.execute_script(SUBMIT, element):
                raise ActionFailed("no form to submit")
        elif action.kind == "wait":
            time.sleep((action.ms or 0) / 1000)
    except TimeoutException as exc:
        what = f"url containing {action.url!r}" if action.kind == "wait_for" and not selector else repr(selector)
        raise ActionFailed(f"nothing matched {what} within {timeout:g} s") from exc
    except InvalidSelectorException as exc:
        raise ActionFailed(f"{selector!r} is not a valid CSS selector") from exc
    except WebDriverException as exc:
        raise ActionFailed((exc.msg or type(exc).__name__).splitlines()[0][:200]) from exc


def run_actions(browser: BrowserSession, actions: Sequence[Action], base: str, timeout: float,
                what: str = "action") -> None:
    """Run ``actions`` in order, letting the page settle after each; the first that fails raises
    ``ActionFailed`` naming its number and what it is."""
    for number, action in enumerate(actions, start=1):
        try:
            run_action(browser, action, base, timeout)
            if action.kind in ("navigate", "click", "submit", "press"):
                # the action may lead to another page: then the next step waits for it
                with contextlib.suppress(WebDriverException):
                    settle(browser, max_ms=int(min(timeout, SETTLE_MAX_MS / 1000) * 1000))
        except ActionFailed as exc:
            raise ActionFailed(f"{what} {number} ({action.describe()}) failed: {exc.message}") from exc
