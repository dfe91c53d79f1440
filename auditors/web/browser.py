"""Long-lived headless Chromium sessions with axe-core preloaded, and a per-process pool of them.

A session is started once (≈ 0.5 s) and audits many pages: axe-core and our page hooks are
registered once through the DevTools protocol (``Page.addScriptToEvaluateOnNewDocument``), so
every document the tab loads already has ``window.axe``. In guarded mode (API audits) the browser
sends every request through :mod:`auditors.web.guard_proxy`, which refuses private addresses.
"""

from __future__ import annotations

import atexit
import base64
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from access.config import plugin_settings
from access.errors import EngineUnavailable
from auditors.web.devtools import DEVTOOLS_KEYS, DevToolsSocket, DevToolsTimeout, DevToolsUnavailable
from auditors.web.settings import WebSettings

if TYPE_CHECKING:
    from access.config import Settings
    from auditors.web.guard_proxy import GuardProxy
    from auditors.web.site_headers import SiteHeaders

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
HOOKS_JS = Path(__file__).with_name("hooks.js")
RECYCLE_AFTER_PAGES = 500          # a fresh browser now and then keeps memory use flat

CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic", "--disable-extensions", "--disable-default-apps",
    # BackForwardCache + RenderDocument off: no kept-alive previous document and no fresh render
    # frame (with its DevTools agent and the preloaded axe re-attached) per navigation; together
    # about 18 % less CPU per page here, invisible to the page (we never navigate back)
    "--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions,"
    "BackForwardCache,RenderDocument",
    "--mute-audio", "--autoplay-policy=no-user-gesture-required", "--hide-scrollbars",
    "--window-size=1280,1024", "--metrics-recording-only", "--no-default-browser-check",
    "--password-store=basic", "--use-mock-keychain",
    # nothing the audited site stores reaches the disk, and no history/session writes per page
    # (about 3 % less CPU per page here)
    "--incognito",
)
# No WebRTC from audited pages: a page's RTCPeerConnection with stun:/turn: servers sends UDP
# straight to any address (127.0.0.1 included), around the guarding proxy, which only sees HTTP.
# The profile preferences (what chrome.privacy.network.webRTCIPHandlingPolicy sets; the
# command-line flag alone does not take effect here) allow no UDP that does not go through the
# proxy, in every frame and process of the browser; TURN over TCP goes through the guarding proxy
# like any request. hooks.js also replaces RTCPeerConnection before any page script runs.
WEBRTC_PREFS = {"webrtc": {"ip_handling_policy": "disable_non_proxied_udp", "multiple_routes_enabled": False,
                           "nonproxied_udp_enabled": False}}


def axe_script_path(settings: Settings) -> Path:
    path = plugin_settings(WebSettings, settings).axe_path or ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not Path(path).is_file():
        raise EngineUnavailable(
            f"axe-core was not found at {path}; run `npm ci` in the project folder (scripts/bootstrap.sh).")
    return Path(path)


def axe_version_of(script: str) -> str:
    head = script[:200]
    marker = "axe v"
    return head[head.index(marker) + len(marker):].split()[0] if marker in head else "unknown"


@dataclass
class BrowserSession:
    """One Chromium + chromedriver, its temporary profile, and the scripts it preloads."""

    settings: Settings
    proxy: GuardProxy | None = None
    driver: Any = None
    profile_dir: str = ""
    axe_version: str = "unknown"
    browser_version: str = "unknown"
    pages_loaded: int = 0
    timeout: float = 0.0
    identity: object = None            # whose cookies/storage/headers the browser holds (auditors.web.session)
    storage_script: str | None = None  # the preload script that puts a signed-in session's storage back
    site_headers: SiteHeaders | None = None            # headers added to the audited site's requests
    origins: set[str] = field(default_factory=set)   # origins whose storage an audit may have left
    viewport: tuple[int, int] | None = None          # the audit's viewport; None: the window (1280x1024)
    _axe_source: str = field(default="", repr=False)
    _socket: DevToolsSocket | None = field(default=None, repr=False)
    _window_width: int | None = field(default=None, repr=False)   # the inner width without an override

    def start(self) -> BrowserSession:
        web = plugin_settings(WebSettings, self.settings)
        self.profile_dir = tempfile.mkdtemp(prefix="access-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = self.settings.chromium_path
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile_dir}")
        if self.proxy is not None:
            options.add_argument(f"--proxy-server=http://127.0.0.1:{self.proxy.port}")
            options.add_argument("--proxy-bypass-list=<-loopback>")   # loopback goes through it too
        options.add_argument("--force-webrtc-ip-handling-policy=disable_non_proxied_udp")
        options.add_experimental_option("prefs", WEBRTC_PREFS)
        options.page_load_strategy = "normal"
        try:
            self.driver = webdriver.Chrome(service=Service(web.chromedriver_path), options=options)
        except WebDriverException as exc:
            shutil.rmtree(self.profile_dir, ignore_errors=True)
            raise EngineUnavailable(f"Chromium could not be started: {exc.msg or exc}") from exc
        self.use_timeout(web.page_timeout)
        self.browser_version = str(self.driver.capabilities.get("browserVersion", "unknown"))
        self._axe_source = axe_script_path(self.settings).read_text(encoding="utf-8")
        self.axe_version = axe_version_of(self._axe_source)
        self.cdp("Page.enable", {})
        self.cdp("Page.addScriptToEvaluateOnNewDocument",
                 {"source": HOOKS_JS.read_text(encoding="utf-8") + "\n" + self._axe_source})
        return self

    @property
    def axe_source(self) -> str:
        return self._axe_source

    def use_timeout(self, seconds: float) -> None:
        """Page-load and script timeout (set again only when it changes)."""
        if seconds != self.timeout:
            self.driver.set_page_load_timeout(seconds)
            self.driver.set_script_timeout(seconds)
            self.timeout = seconds

    # ------------------------------------------------------------------ driving the page

    def cdp(self, method: str, params: dict[str, Any]) -> Any:
        return self.driver.execute_cdp_cmd(method, params)

    def run(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def run_async(self, script: str, *args: Any) -> Any:
        return self.driver.execute_async_script(script, *args)

    def press(self, key: str, times: int) -> None:
        """Real key events, ``times`` presses: sent down the DevTools socket one after the other
        without waiting for each (about 3× faster than W3C actions); W3C actions as the fallback."""
        if times <= 0:
            return
        if key in DEVTOOLS_KEYS:
            try:
                self._devtools().dispatch_keys(DEVTOOLS_KEYS[key], times, self.timeout or 30.0)
                return
            except DevToolsTimeout as exc:
                raise TimeoutException(f"the page did not handle key presses: {exc}") from exc
            except DevToolsUnavailable:
                log.debug("DevTools socket unavailable; using W3C actions", exc_info=True)
        chain = ActionChains(self.driver, duration=0)
        named = {"tab": Keys.TAB, "escape": Keys.ESCAPE}
        for _ in range(times):
            chain.send_keys(named.get(key, key))
        chain.perform()

    def screenshot(self, clip: Mapping[str, float] | None = None) -> bytes:
        """The viewport as rendered now (PNG), or a box of the page, for rules that compare renderings
        or read the text in an image."""
        params: dict[str, Any] = {"format": "png"}
        if clip is not None:
            params.update(clip={"scale": 1, **clip}, captureBeyondViewport=True)
        return base64.b64decode(self.cdp("Page.captureScreenshot", params)["data"])

    def devtools(self) -> DevToolsSocket:
        """The DevTools socket of the session's tab (connected on first use, again if it broke)."""
        return self._devtools()

    def _devtools(self) -> DevToolsSocket:
        handle = self.driver.current_window_handle
        if self._socket is None or self._socket.closed or self._socket.target != handle:
            if self._socket is not None:
                self._socket.close()
            address = self.driver.capabilities.get("goog:chromeOptions", {}).get("debuggerAddress", "")
            self._socket = DevToolsSocket.connect(address, handle)
        return self._socket

    def set_viewport(self, width: int, height: int) -> None:
        """Lay the page out at ``width`` × ``height`` CSS px, and wait until it is (the renderer
        applies the override a little after DevTools answers; on a busy machine a measurement taken
        at once can still see the old width)."""
        if self._window_width is None and self.viewport is None:      # the window's own width, no override
            self._window_width = self._inner_width()
        self.cdp("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self._wait_for_width(width)

    def reset_viewport(self) -> None:
        """Back to the audit's viewport (after a measurement at another size), waiting until the page is
        laid out at it."""
        if self.viewport is None:
            self.cdp("Emulation.clearDeviceMetricsOverride", {})
            if self._window_width is not None:
                self._wait_for_width(self._window_width)
        else:
            width, height = self.viewport
            self.cdp("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 768})
            self._wait_for_width(width)

    def use_viewport(self, size: tuple[int, int] | None) -> None:
        """Lay pages out at ``size`` (a phone-sized one as a mobile device) until told otherwise."""
        if size != self.viewport:
            self.viewport = size
            self.reset_viewport()

    def _inner_width(self) -> int:
        return int(self.driver.execute_script("return window.innerWidth") or 0)

    def _wait_for_width(self, width: int, timeout: float = 3.0) -> None:
        deadline = time.monotonic() + timeout
        while self._inner_width() != width and time.monotonic() < deadline:
            time.sleep(0.02)

    def alive(self) -> bool:
        try:
            self.driver.execute_script("return 1")
            return True
        except Exception:
            return False

    def blank(self) -> None:
        """Leave the current page (stops its scripts and media) before the next one."""
        try:
            self.driver.get("about:blank")
        except Exception:
            log.debug("could not navigate to about:blank", exc_info=True)

    def close(self) -> None:
        if self.site_headers is not None:
            self.site_headers.close()
            self.site_headers = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        try:
            if self.driver is not None:
                self.driver.quit()
        except Exception:
            log.debug("chromedriver quit failed", exc_info=True)
        finally:
            self.driver = None
            if self.profile_dir:
                shutil.rmtree(self.profile_dir, ignore_errors=True)


class BrowserPool:
    """Idle sessions kept per mode (guarded or not) for the life of the process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._idle: dict[bool, list[BrowserSession]] = {True: [], False: []}
        self._lock = threading.Lock()
        self._proxy: GuardProxy | None = None
        self.started = 0

    @contextmanager
    def local_port(self, port: int) -> Iterator[None]:
        """Guarded sessions of this pool may reach ``127.0.0.1:port`` (a server of this process)
        while the block runs; see :meth:`auditors.web.guard_proxy.GuardProxy.local_port`."""
        with self._guard_proxy().local_port(port):
            yield

    def _guard_proxy(self) -> GuardProxy:
        from auditors.web.guard_proxy import GuardProxy

        with self._lock:
            if self._proxy is None:
                self._proxy = GuardProxy(self.settings).start()
            return self._proxy

    def acquire(self, guarded: bool) -> BrowserSession:
        with self._lock:
            idle = self._idle[guarded]
            session = idle.pop() if idle else None
        if session is not None:
            return session
        proxy = self._guard_proxy() if guarded else None
        session = BrowserSession(self.settings, proxy=proxy).start()
        self.started += 1
        return session

    def release(self, session: BrowserSession, guarded: bool, *, broken: bool = False) -> None:
        if broken or session.driver is None or session.pages_loaded >= RECYCLE_AFTER_PAGES:
            session.close()
            return
        with self._lock:
            self._idle[guarded].append(session)

    @contextmanager
    def session(self, guarded: bool) -> Iterator[BrowserSession]:
        session = self.acquire(guarded)
        broken = False
        try:
            yield session
        except BaseException:
            broken = not session.alive()
            raise
        finally:
            self.release(session, guarded, broken=broken)

    def close(self) -> None:
        with self._lock:
            sessions = self._idle[True] + self._idle[False]
            self._idle = {True: [], False: []}
            proxy, self._proxy = self._proxy, None
        for s in sessions:
            s.close()
        if proxy is not None:
            proxy.stop()


_POOLS: dict[tuple[object, ...], BrowserPool] = {}
_POOLS_LOCK = threading.Lock()


def pool_key(settings: Settings) -> tuple[object, ...]:
    """Settings that change how a browser is started; sessions are shared when these match."""
    web = plugin_settings(WebSettings, settings)
    return (settings.chromium_path, web.chromedriver_path, str(web.axe_path), tuple(settings.allow_private_networks))


def get_pool(settings: Settings) -> BrowserPool:
    """The process's browser pool for these engine settings."""
    key = pool_key(settings)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            if not _POOLS:
                atexit.register(close_all_pools)
            pool = _POOLS[key] = BrowserPool(settings)
        return pool


def close_all_pools() -> None:
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close()
