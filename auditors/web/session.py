"""Signing in, and keeping the session for every page of a site audit, in every worker.

- :func:`begin` (discovery, once per audit): signs in in a browser of the pool (extra headers,
  cookies and basic auth first, then the sign-in steps), checks the ``signed_in`` marker, and
  captures the session (every cookie, the site's local and session storage) *sealed* with the server
  key (:mod:`access.vault`) into the discovery, so a worker on another machine can use it and
  nothing readable lies in the job's folder.
- :class:`Keeper` (one per audit and process): puts the session into each browser before a page
  (:func:`enter`; a browser that held another audit's cookies is wiped first, so nothing passes
  between audits or tenants), notices a lost session (the page landed on the sign-in page, or the
  ``signed_in`` marker is gone) and signs in again once; when the session is lost again right after,
  it gives up and the remaining pages are reported as ``session_lost`` instead of auditing the
  sign-in page over and over.

Headers and basic auth go only with requests to the audited site's origin
(:mod:`auditors.web.site_headers`), never to the other hosts a page embeds; cookies go to their own
site as cookies do.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, Field
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from access.browsing import SignIn
from access.config import Settings
from access.errors import ActionFailed, EngineUnavailable, SignInFailed
from access.vault import seal, unseal
from auditors.web.actions import run_actions
from auditors.web.browser import BrowserSession
from auditors.web.crawl import origin
from auditors.web.devtools import CommandFailed, DevToolsTimeout, DevToolsUnavailable
from auditors.web.site_headers import SiteHeaders

log = logging.getLogger(__name__)
MAX_SIGN_INS_AGAIN = 5          # per audit and process, however often the site signs out
KEEPERS_KEPT = 64
COOKIE_FIELDS = ("name", "value", "domain", "path", "secure", "httpOnly", "sameSite", "expires")

CAPTURE_STORAGE = """
const copy = s => {
  const o = {}; for (let i = 0; i < s.length; i++) { const k = s.key(i); o[k] = s.getItem(k); } return o; };
try { return {origin: location.origin, local: copy(localStorage), session: copy(sessionStorage)}; }
catch (e) { return {origin: location.origin, local: {}, session: {}}; }
"""
# put back a captured session's storage in every document of its origin (keys the page set itself win)
RESTORE_STORAGE = """(() => { const all = %s; const s = all[location.origin]; if (!s) return;
  const put = (area, items) => { for (const [k, v] of Object.entries(items || {})) if (area.getItem(k) === null)
    area.setItem(k, v); };
  try { put(localStorage, s.local); put(sessionStorage, s.session); } catch (e) { /* storage disabled */ } })();"""
# where the page is and whether the signed-in marker (its selector the argument) is on it
PROBE = "(function (m) { return {url: location.href, marker: m ? !!document.querySelector(m) : null}; })"


class SessionState(BaseModel):
    """What a sign-in leaves in the browser: cookies (as the DevTools protocol gives them) and the
    local/session storage of the origin the sign-in ended on."""

    cookies: list[dict[str, Any]] = Field(default_factory=list)
    storage: dict[str, dict[str, dict[str, str]]] = Field(default_factory=dict)


class Browsing(BaseModel):
    """The session part of a discovery (``Discovery.data["browsing"]``): no secret in clear."""

    audit_id: str
    signed_in: bool = False            # the audit has a sign-in (steps, cookies, headers)
    sealed: str | None = None          # SessionState, sealed
    login_url: str | None = None       # the sign-in page (a page that lands there lost its session)


def mask(text: str, secrets: list[str]) -> str:
    for value in secrets:
        text = text.replace(value, "***")
    return text


# ----------------------------------------------------------------------------- the browser's identity


def forget(browser: BrowserSession) -> None:
    """Wipe what an audit left in the browser: cookies, cache, storage of the origins it visited,
    extra headers and the storage preload."""
    browser.cdp("Network.clearBrowserCookies", {})
    browser.cdp("Network.clearBrowserCache", {})
    for visited in sorted(browser.origins):
        try:
            browser.cdp("Storage.clearDataForOrigin", {"origin": visited, "storageTypes": "all"})
        except WebDriverException:
            log.debug("could not clear the storage of %s", visited, exc_info=True)
    browser.origins.clear()
    if browser.site_headers is not None:
        browser.site_headers.close()
        browser.site_headers = None
    if browser.storage_script is not None:
        browser.cdp("Page.removeScriptToEvaluateOnNewDocument", {"identifier": browser.storage_script})
        browser.storage_script = None
    browser.identity = None


def _headers(sign_in: SignIn) -> dict[str, str]:
    headers = dict(sign_in.headers)
    if sign_in.basic_auth is not None:
        pair = f"{sign_in.basic_auth.username}:{sign_in.basic_auth.password}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    return headers


def _cookie_param(cookie: dict[str, Any]) -> dict[str, Any]:
    param = {k: cookie[k] for k in COOKIE_FIELDS if k in cookie and cookie[k] not in (None, "")}
    if cookie.get("session") or (isinstance(param.get("expires"), int | float) and param["expires"] < 0):
        param.pop("expires", None)
    return param


def enter(browser: BrowserSession, identity: object, sign_in: SignIn | None, state: SessionState | None,
          start: str) -> None:
    """Give the browser this audit's session (a no-op when it already holds it)."""
    if browser.identity == identity:
        return
    forget(browser)
    if sign_in is not None and (headers := _headers(sign_in)):
        address = browser.driver.capabilities.get("goog:chromeOptions", {}).get("debuggerAddress", "")
        try:
            browser.site_headers = SiteHeaders(address, browser.driver.current_window_handle, origin(start), headers)
        except (DevToolsUnavailable, DevToolsTimeout, CommandFailed) as exc:
            raise EngineUnavailable(f"The browser's DevTools connection failed: {exc}") from exc
    cookies = [_cookie_param(c) for c in state.cookies] if state is not None else []
    if sign_in is not None:       # the config's own cookies (a captured state already holds them)
        known = {c["name"] for c in cookies}
        cookies += [{"name": c.name, "value": c.value, "path": c.path,
                     **({"domain": c.domain} if c.domain else {"url": start})}
                    for c in sign_in.cookies if c.name not in known]
    if cookies:
        browser.cdp("Network.setCookies", {"cookies": cookies})
    if state is not None and state.storage:
        answer = browser.cdp("Page.addScriptToEvaluateOnNewDocument",
                             {"source": RESTORE_STORAGE % json.dumps(state.storage)})
        browser.storage_script = str(answer.get("identifier"))
        browser.origins.update(state.storage)
    browser.identity = identity


def capture(browser: BrowserSession) -> SessionState:
    cookies = browser.cdp("Network.getAllCookies", {}).get("cookies", [])
    storage = browser.run(CAPTURE_STORAGE) or {}
    kept = {storage["origin"]: {"local": storage.get("local") or {}, "session": storage.get("session") or {}}} \
        if storage.get("origin", "null") != "null" and (storage.get("local") or storage.get("session")) else {}
    return SessionState(cookies=list(cookies), storage=kept)


# ----------------------------------------------------------------------------- signing in


def login_url(sign_in: SignIn | None, start: str) -> str | None:
    first = next((a.url for a in (sign_in.login if sign_in else []) if a.kind == "navigate" and a.url), None)
    return urljoin(start, first) if first else None


def sign_in_here(browser: BrowserSession, sign_in: SignIn, start: str, timeout: float) -> SessionState:
    """Run the sign-in in ``browser`` (which holds nothing of another audit) and capture the session;
    ``SignInFailed`` saying which step failed, never with a value."""
    forget(browser)
    enter(browser, ("signing-in", uuid.uuid4().hex), sign_in, None, start)
    browser.origins.add(origin(start))
    try:
        run_actions(browser, sign_in.login, start, timeout, what="sign-in step")
        if sign_in.signed_in:
            if not sign_in.login:
                browser.driver.get(start)
            try:
                WebDriverWait(browser.driver, timeout, poll_frequency=0.05).until(
                    ec.presence_of_element_located((By.CSS_SELECTOR, sign_in.signed_in)))
            except TimeoutException as exc:
                raise SignInFailed(f"the signed-in marker {sign_in.signed_in!r} is not on the page after the "
                                   "sign-in steps (wrong user name or password, or another page came up?)") from exc
        state = capture(browser)
    except ActionFailed as exc:
        raise SignInFailed(mask(exc.message, sign_in.secret_values())) from exc
    except SignInFailed:
        raise
    except WebDriverException as exc:
        raise SignInFailed(mask(f"the browser failed: {(exc.msg or type(exc).__name__).splitlines()[0][:200]}",
                                sign_in.secret_values())) from exc
    browser.origins.update(state.storage)
    return state


def begin(browser: BrowserSession, sign_in: SignIn | None, start: str, timeout: float,
          settings: Settings) -> Browsing:
    """The session of a new audit: signed in (when it has sign-in steps, cookies or headers) and sealed."""
    browsing = Browsing(audit_id=uuid.uuid4().hex, login_url=login_url(sign_in, start))
    if sign_in is None:
        return browsing
    try:
        state = sign_in_here(browser, sign_in, start, timeout)
    except SignInFailed as exc:
        raise SignInFailed(f"Signing in to {origin(start)} failed: {exc.message}") from None
    finally:
        forget(browser)           # the pooled browser keeps nothing
    browsing.sealed = seal(state.model_dump_json().encode(), settings)
    browsing.signed_in = True
    return browsing


# ----------------------------------------------------------------------------- every page


@dataclass
class Keeper:
    """An audit's session in this process: put into each browser, renewed once when lost."""

    browsing: Browsing
    sign_in: SignIn | None
    state: SessionState | None
    start: str
    generation: int = 0
    signed_in_again: int = 0
    lost_in_a_row: int = 0
    broken: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def identity(self) -> tuple[str, int]:
        return (self.browsing.audit_id, self.generation)

    @property
    def checks(self) -> bool:
        """Whether pages are checked for a lost session (the audit signed in)."""
        return self.sign_in is not None and bool(self.sign_in.login or self.sign_in.signed_in)

    def enter(self, browser: BrowserSession) -> None:
        with self.lock:
            identity, state = self.identity, self.state
        enter(browser, identity, self.sign_in, state, self.start)

    @property
    def probe(self) -> str | None:
        """A JavaScript expression telling where a page is and whether it shows the signed-in
        marker (:meth:`lost` reads its value); None when the audit has no session to check."""
        if not self.checks or self.sign_in is None:
            return None
        return f"{PROBE}({json.dumps(self.sign_in.signed_in)})"

    def lost(self, probe: dict[str, Any] | None, requested: str) -> bool:
        """Whether the page loaded for ``requested``, as ``probe`` found it, shows the session is gone."""
        if not self.checks or probe is None:
            return False
        if probe.get("marker") is False:
            return True
        login = self.browsing.login_url
        return bool(login and _same_page(str(probe.get("url") or ""), login) and not _same_page(requested, login))

    def kept(self) -> None:
        with self.lock:
            self.lost_in_a_row = 0

    def sign_in_again(self, browser: BrowserSession, seen: object, timeout: float) -> bool:
        """After a lost session: sign in again (once for however many pages noticed it at the same
        time); False when the session cannot be had back (then ``broken`` says why)."""
        with self.lock:
            if self.broken is not None:
                return False
            if self.identity != seen:         # another page already signed in again
                return True
            self.lost_in_a_row += 1
            self.broken = self._why_not_again()
            if self.broken is not None or self.sign_in is None:
                return False
            try:
                self.state = sign_in_here(browser, self.sign_in, self.start, timeout)
            except SignInFailed as exc:
                self.broken = f"Signing in again failed: {exc.message}"
                return False
            self.generation += 1
            self.signed_in_again += 1
            browser.identity = self.identity          # it holds the new session already
            log.info("audit %s: signed in again after the session was lost", self.browsing.audit_id)
            return True


    def _why_not_again(self) -> str | None:
        if self.sign_in is None or not self.sign_in.login:
            return "The site signed the audit out and there are no sign-in steps to sign in again."
        if self.lost_in_a_row > 1:
            return "The site signed the audit out again right after it signed in again."
        if self.signed_in_again >= MAX_SIGN_INS_AGAIN:
            return f"The site signed the audit out more than {MAX_SIGN_INS_AGAIN} times."
        return None


def _same_page(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.netloc, pa.path.rstrip("/")) == (pb.scheme, pb.netloc, pb.path.rstrip("/"))


_KEEPERS: OrderedDict[str, Keeper] = OrderedDict()
_KEEPERS_LOCK = threading.Lock()


def keeper_for(data: dict[str, Any] | None, sign_in: SignIn | None, start: str, settings: Settings) -> Keeper:
    """This process's keeper of an audit's session (made on first use from the discovery's sealed state)."""
    browsing = Browsing.model_validate(data) if data else Browsing(audit_id=uuid.uuid4().hex)
    with _KEEPERS_LOCK:
        keeper = _KEEPERS.get(browsing.audit_id)
        if keeper is not None:
            _KEEPERS.move_to_end(browsing.audit_id)
            return keeper
    state = SessionState.model_validate_json(unseal(browsing.sealed, settings)) if browsing.sealed else None
    keeper = Keeper(browsing=browsing, sign_in=sign_in, state=state, start=start)
    with _KEEPERS_LOCK:
        keeper = _KEEPERS.setdefault(browsing.audit_id, keeper)
        while len(_KEEPERS) > KEEPERS_KEPT:
            _KEEPERS.popitem(last=False)
    return keeper


def drop_keepers(data: dict[str, Any] | None = None) -> None:
    """Forget an audit's keeper in this process (its credentials and session with it), or every
    keeper when ``data`` is None (the worker stops)."""
    with _KEEPERS_LOCK:
        if data is None:
            _KEEPERS.clear()
        else:
            _KEEPERS.pop(str(data.get("audit_id", "")), None)
