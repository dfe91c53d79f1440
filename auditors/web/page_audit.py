"""Audit one page in a browser session: load, axe-core, our own checks, links."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from axe_selenium_python import Axe
from selenium.common.exceptions import TimeoutException, WebDriverException

from access.browsing import Action
from access.errors import ActionFailed, SessionLost
from access.models import AuditedPart, AuditOptions, Finding, Location
from access.rulerun import RuleRun, run_rules
from auditors.web.actions import SETTLE, SETTLE_MAX_MS, SETTLE_QUIET_MS, hide, run_actions, settle
from auditors.web.axe_run import RUN_AXE, adapt, axe_options, decode
from auditors.web.browser import BrowserSession, axe_script_path
from auditors.web.devtools import CommandFailed, DevToolsSocket, DevToolsTimeout, DevToolsUnavailable
from auditors.web.fixture_runner import RULES as OWN_RULES
from auditors.web.screenshots import picture_violations
from rules.web import Gathered, gather

if TYPE_CHECKING:
    from auditors.web.session import Keeper

log = logging.getLogger(__name__)


@dataclass
class PageResult:
    url: str
    part: AuditedPart
    findings: list[Finding] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    final_url: str | None = None
    session_broken: bool = False
    session_lost: bool = False         # the page showed the site had signed the audit out


@dataclass(frozen=True)
class PageRecipe:
    """What else happens to a page besides load → axe-core → our checks: a session to check, elements
    to hide, a state's actions, a root to scope to, rules left out, a folder for screenshots."""

    keeper: Keeper | None = None
    actions: tuple[Action, ...] = ()
    hide: tuple[str, ...] = ()
    root: str | None = None
    wait_for: str | None = None
    disabled: frozenset[str] = frozenset()
    shots: Path | None = None
    shot_key: str = ""                  # what, besides the URL, names this rendering (viewport, state)

    @property
    def plain(self) -> bool:
        """Nothing beyond the plain audit and a session check (the axe-only audit may then go straight
        down DevTools)."""
        return not (self.actions or self.hide or self.root or self.wait_for or self.disabled or self.shots)

    @classmethod
    def of(cls, options: AuditOptions, **kwargs: Any) -> PageRecipe:
        return cls(hide=tuple(options.hide), root=options.root, wait_for=options.wait_for,
                   disabled=frozenset(options.disable_rules), **kwargs)


def _failed(url: str, code: str, message: str, timings: dict[str, float]) -> AuditedPart:
    return AuditedPart(id=url, status="failed", error={"code": code, "message": message}, timings=timings)


def audit_page(session: BrowserSession, url: str, options: AuditOptions,
               page_timeout: float | None = None, recipe: PageRecipe | None = None) -> PageResult:
    """Everything about one page; a page that fails to load is a failed part, never an exception."""
    recipe = recipe or PageRecipe()
    if page_timeout:
        session.use_timeout(page_timeout)
    if "#" in url and session.driver.current_url.split("#")[0] == url.split("#")[0]:
        session.blank()        # another route of the same app: load it afresh, not as a same-document jump
    if options.axe_only and recipe.plain:
        try:
            socket = session.devtools()
            socket.enable_page_events(time.monotonic() + min(10.0, session.timeout or 30.0))
        except (DevToolsUnavailable, DevToolsTimeout, CommandFailed):
            log.debug("DevTools socket unavailable; auditing through WebDriver", exc_info=True)
        else:
            return audit_page_devtools(session, socket, url, options, recipe.keeper)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        session.driver.get(url)
        session.pages_loaded += 1
    except TimeoutException:
        # the tab may be hung (a script loop, a server that never answers): a fresh browser is
        # quicker and safer than waiting on it again
        timings["load"] = round(time.perf_counter() - started, 4)
        return PageResult(url, _failed(url, "timeout", f"The page did not load within "
                                       f"{session.timeout:g} s.", timings), session_broken=True)
    except WebDriverException as exc:
        timings["load"] = round(time.perf_counter() - started, 4)
        message = (exc.msg or str(exc)).splitlines()[0][:300]
        blocked = _blocked(session, url)
        return PageResult(url, _failed(url, "url_forbidden" if blocked else "url_unreachable",
                                       f"The page could not be loaded: {blocked or message}", timings),
                          session_broken=not session.alive())
    timings["load"] = round(time.perf_counter() - started, 4)
    result = PageResult(url, AuditedPart(id=url, timings=timings))
    try:
        t = time.perf_counter()
        lost = _prepare(session, url, recipe)
        timings["prepare"] = round(time.perf_counter() - t, 4)
        if lost:
            result.part = _failed(url, SessionLost.code, SIGNED_OUT, timings)
            result.session_lost = True
            return result
        t = time.perf_counter()
        axe_opts, context = _axe_run_options(options, recipe)
        raw = decode(session.run_async(RUN_AXE, axe_opts, context))
        if raw.get("error") == "axe-missing":        # a document the preload did not reach
            Axe(session.driver, script_url=str(axe_script_path(session.settings))).inject()
            raw = decode(session.run_async(RUN_AXE, axe_opts, context))
        if not _take_axe_results(session, result, raw, url, timings):
            return result
        timings["axe"] = round(time.perf_counter() - t, 4)
        if not options.axe_only:
            t = time.perf_counter()
            gathered = gather(session, url)
            rules = [r for r in OWN_RULES.rules() if r.id not in recipe.disabled]
            own = run_rules(rules, gathered.facts, standard=options.standard, where=Location(url=url))
            result.findings.extend(_inside_root(session, recipe.root, own.findings))
            timings["own_checks"] = round(time.perf_counter() - t, 4)
            result.part.error = _own_checks_error(gathered, own)
        if recipe.shots is not None:
            t = time.perf_counter()
            picture_violations(session, result.findings, recipe.shots, recipe.shot_key)
            timings["screenshots"] = round(time.perf_counter() - t, 4)
    except ActionFailed as exc:
        result.part = _failed(url, ActionFailed.code, exc.message, timings)
        result.findings = []
    except TimeoutException:
        result.part = _failed(url, "timeout", "The page's scripts did not finish within "
                              f"{session.timeout:g} s.", timings)
        result.findings = []
        result.session_broken = True
    except WebDriverException as exc:
        alive = session.alive()
        message = (exc.msg or str(exc)).splitlines()[0][:300]
        result.part = _failed(url, "url_unreachable" if not alive else "engine_failed",
                              f"The page could not be audited: {message}", timings)
        result.findings = []
        result.session_broken = not alive
    timings["total"] = round(time.perf_counter() - started, 4)
    result.part.timings = timings
    return result


def _prepare(session: BrowserSession, url: str, recipe: PageRecipe) -> bool:
    """After the load: let the page settle (script-rendered content, ``wait_for``), check the
    session (True: it was lost), hide elements, run the state's actions and let it settle again."""
    settle(session, recipe.wait_for)
    keeper = recipe.keeper
    if keeper is not None and (probe := keeper.probe) and keeper.lost(session.run(f"return {probe}"), url):
        return True
    hide(session, recipe.hide)
    if recipe.actions:
        run_actions(session, recipe.actions, url, session.timeout or 30.0)
        settle(session, recipe.wait_for)
    if recipe.root and not session.run("return !!document.querySelector(arguments[0])", recipe.root):
        raise ActionFailed(f"the root element {recipe.root!r} is not on the page")
    return False


def _axe_run_options(options: AuditOptions, recipe: PageRecipe) -> tuple[dict[str, Any], Any]:
    """axe-core's options (the standard's rules, minus disabled ``axe-*`` rules) and its context."""
    disabled = frozenset(rule[4:] for rule in recipe.disabled if rule.startswith("axe-"))
    axe_opts = axe_options(options.standard, options.best_practice, disabled)
    return axe_opts, ({"include": [[recipe.root]]} if recipe.root else None)


INSIDE = ("const root = document.querySelector(arguments[0]);"
          "return arguments[1].map(s => { try { const e = document.querySelector(s); return !e || !root || "
          "root.contains(e); } catch (x) { return true; } });")


def _inside_root(session: BrowserSession, root: str | None, findings: list[Finding]) -> list[Finding]:
    """Our own findings inside ``root`` (those about the whole page, or not found again, stay)."""
    if not root:
        return findings
    placed = [f for f in findings if f.location.selector]
    inside = session.run(INSIDE, root, [f.location.selector for f in placed]) or []
    dropped = {id(f) for f, keep in zip(placed, inside, strict=False) if not keep}
    return [f for f in findings if id(f) not in dropped]


def _take_axe_results(session: BrowserSession, result: PageResult, raw: dict[str, Any], url: str,
                      timings: dict[str, float]) -> bool:
    """Page facts and axe findings into ``result``; False when the page turned out to be an error
    page (the part is then failed). Raises WebDriverException when axe-core itself failed."""
    facts = raw.get("facts") or {}
    result.final_url = facts.get("url") or url
    result.links = list(facts.get("links", []))
    result.part.title = facts.get("title") or None
    status = int(facts.get("status") or 0)
    if status >= 400 or result.final_url.startswith("chrome-error:"):
        blocked = _blocked(session, result.final_url if status else url)
        message = (f"The address is not allowed: {blocked}" if blocked else
                   f"The server answered HTTP {status}." if status else "The page could not be loaded.")
        result.part = _failed(url, "url_forbidden" if blocked else "url_unreachable", message, timings)
        return False
    if raw.get("error"):
        raise WebDriverException(f"axe-core failed: {raw['error']}")
    session.axe_version = str(raw.get("version") or session.axe_version)     # the version that ran
    result.findings.extend(adapt(raw, url))
    return True


def _own_checks_error(gathered: Gathered, run: RuleRun) -> dict[str, str] | None:
    """The page part's error when a collector failed (``engine_failed``, naming the collector; the
    rules that read its fact were skipped) or one of our rules crashed (``internal_error``)."""
    problems = {**gathered.errors, **{f"rule {rule_id}": why for rule_id, why in run.errors.items()}}
    if not problems:
        return None
    return {"code": "engine_failed" if gathered.errors else "internal_error",
            "message": "; ".join(f"{name}: {why}" for name, why in problems.items())}


def _blocked(session: BrowserSession, url: str) -> str | None:
    """Why the guarding proxy refused this URL's host, if it did."""
    if session.proxy is None:
        return None
    host = (urlsplit(url).hostname or "").lower()
    for blocked_host, reason in reversed(session.proxy.blocked):
        if blocked_host.strip("[]").lower() == host:
            return reason
    return None


SIGNED_OUT = "The site showed its sign-in page instead of this page."
# RUN_AXE as one Runtime.evaluate expression: the script's ``arguments`` are (options, done).
AXE_EXPRESSION = "new Promise(done => (function () {\n%s\n}).apply(null, [%s, done]))"
SETTLE_EXPRESSION = AXE_EXPRESSION % (SETTLE, f"{SETTLE_QUIET_MS}, {SETTLE_MAX_MS}, null")


def audit_page_devtools(session: BrowserSession, socket: DevToolsSocket, url: str,
                        options: AuditOptions, keeper: Keeper | None = None) -> PageResult:
    """The axe-only audit straight down the tab's DevTools socket: ``Page.navigate``, wait for the
    main frame's ``load``, one ``Runtime.evaluate`` of RUN_AXE. Same results as the WebDriver path
    (same script, same options, same load point), without chromedriver's round trips."""
    timeout = session.timeout or 30.0
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        error = _navigate(socket, url, time.monotonic() + timeout)
        session.pages_loaded += 1
    except DevToolsTimeout:
        timings["load"] = round(time.perf_counter() - started, 4)
        return PageResult(url, _failed(url, "timeout", f"The page did not load within {timeout:g} s.", timings),
                          session_broken=True)
    except (DevToolsUnavailable, CommandFailed) as exc:
        timings["load"] = round(time.perf_counter() - started, 4)
        blocked = _blocked(session, url)
        return PageResult(url, _failed(url, "url_forbidden" if blocked else "url_unreachable",
                                       f"The page could not be loaded: {blocked or exc}", timings),
                          session_broken=not session.alive())
    timings["load"] = round(time.perf_counter() - started, 4)
    if error:
        blocked = _blocked(session, url)
        return PageResult(url, _failed(url, "url_forbidden" if blocked else "url_unreachable",
                                       f"The page could not be loaded: {blocked or error}", timings))
    result = PageResult(url, AuditedPart(id=url, timings=timings))
    t = time.perf_counter()
    try:
        _evaluate(socket, SETTLE_EXPRESSION, time.monotonic() + timeout, promise=True)
        if keeper is not None and (probe := keeper.probe) and keeper.lost(
                _evaluate(socket, probe, time.monotonic() + timeout, promise=False), url):
            result.part = _failed(url, SessionLost.code, SIGNED_OUT, timings)
            result.session_lost = True
            return result
        raw = _evaluate_axe(socket, options, time.monotonic() + timeout)
        if raw.get("error") == "axe-missing":        # a document the preload did not reach
            _evaluate(socket, session.axe_source, time.monotonic() + timeout, promise=False)
            raw = _evaluate_axe(socket, options, time.monotonic() + timeout)
    except DevToolsTimeout:
        result.part = _failed(url, "timeout", f"The page's scripts did not finish within {timeout:g} s.", timings)
        result.session_broken = True
        return result
    except (DevToolsUnavailable, CommandFailed) as exc:
        alive = session.alive()
        result.part = _failed(url, "url_unreachable" if not alive else "engine_failed",
                              f"The page could not be audited: {str(exc)[:300]}", timings)
        result.session_broken = not alive
        return result
    try:
        if not _take_axe_results(session, result, raw, url, timings):
            return result
    except WebDriverException as exc:
        result.part = _failed(url, "engine_failed", f"The page could not be audited: {exc.msg}", timings)
        result.findings = []
        return result
    timings["axe"] = round(time.perf_counter() - t, 4)
    timings["total"] = round(time.perf_counter() - started, 4)
    result.part.timings = timings
    return result


def _navigate(socket: DevToolsSocket, url: str, deadline: float) -> str | None:
    """Load ``url`` in the tab and wait for its main frame's load event; the network error, if any."""
    socket.backlog.clear()                       # events of earlier pages
    navigation = socket.call("Page.navigate", {"url": url}, deadline)
    if navigation.get("errorText"):
        return str(navigation["errorText"])
    loader, frame = navigation.get("loaderId"), navigation.get("frameId")
    if loader:                                   # none for a same-document navigation
        socket.wait_event(lambda e: e.get("method") == "Page.lifecycleEvent"
                          and e["params"].get("name") == "load" and e["params"].get("loaderId") == loader
                          and e["params"].get("frameId") == frame, deadline)
    return None


def _evaluate(socket: DevToolsSocket, expression: str, deadline: float, *, promise: bool) -> Any:
    answer = socket.call("Runtime.evaluate", {"expression": expression, "awaitPromise": promise,
                                              "returnByValue": True}, deadline)
    if "exceptionDetails" in answer:
        details = answer["exceptionDetails"]
        raise CommandFailed(str((details.get("exception") or {}).get("description") or details.get("text")))
    return (answer.get("result") or {}).get("value")


def _evaluate_axe(socket: DevToolsSocket, options: AuditOptions, deadline: float) -> dict[str, Any]:
    expression = AXE_EXPRESSION % (RUN_AXE, json.dumps(axe_options(options.standard, options.best_practice)))
    return decode(_evaluate(socket, expression, deadline, promise=True))
