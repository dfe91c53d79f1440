"""A direct DevTools websocket to one tab, for what WebDriver does slowly: many key presses.

chromedriver dispatches each W3C key action and waits for it (≈ 3.5 ms per press here); sending
``Input.dispatchKeyEvent`` commands down the tab's own DevTools socket one after another and
collecting the answers afterwards gives the same trusted key events (page handlers see them,
``preventDefault`` works, focus moves) about three times faster.

The same socket also loads pages and runs axe-core in axe-only audits (:meth:`DevToolsSocket.call`,
:meth:`DevToolsSocket.wait_event`): ``Page.navigate`` + the main frame's ``load`` lifecycle event and
one ``Runtime.evaluate`` skip chromedriver's per-command round trips and navigation polling (about
15 % less wall and CPU time per page here). Every wait has a deadline; a dialog the page opens is
dismissed (it would block the load) and a crashed tab ends the wait at once.
"""

from __future__ import annotations

import contextlib
import json
import time
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import websocket

DEVTOOLS_KEYS: dict[str, dict[str, Any]] = {
    "tab": {"key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9, "nativeVirtualKeyCode": 9},
    "escape": {"key": "Escape", "code": "Escape", "windowsVirtualKeyCode": 27, "nativeVirtualKeyCode": 27},
}


class DevToolsUnavailable(Exception):
    """The tab's DevTools socket could not be used."""


class DevToolsTimeout(Exception):
    """The page did not answer in time."""


class TargetCrashed(DevToolsUnavailable):
    """The tab's renderer crashed."""


class CommandFailed(Exception):
    """The browser answered a command with an error (the socket itself is fine)."""


@dataclass
class DevToolsSocket:
    target: str
    ws: Any
    next_id: int = 0
    closed: bool = False
    page_events: bool = False          # Page/lifecycle/Inspector events are on (see enable_page_events)
    backlog: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=500))

    @classmethod
    def connect(cls, address: str, target: str) -> DevToolsSocket:
        """Connect to the page target ``target`` (chromedriver's window handle is the target id)
        of the browser whose DevTools listen on ``address`` (``host:port``, on loopback)."""
        if not address:
            raise DevToolsUnavailable("no debuggerAddress")
        try:
            with urllib.request.urlopen(f"http://{address}/json/list", timeout=5) as answer:
                targets = json.loads(answer.read())
            url = next(t["webSocketDebuggerUrl"] for t in targets if t.get("id") == target)
            # Chromium sends valid UTF-8 (json.loads still checks); websocket-client's own check is
            # pure Python, byte by byte, and cost more than the axe results' transfer
            ws = websocket.create_connection(url, suppress_origin=True, timeout=30, skip_utf8_validation=True)
        except (OSError, StopIteration, KeyError, ValueError, websocket.WebSocketException) as exc:
            raise DevToolsUnavailable(str(exc)) from exc
        return cls(target=target, ws=ws)

    def dispatch_keys(self, key: dict[str, Any], times: int, timeout: float) -> None:
        self.ws.settimeout(timeout)
        waiting = set()
        try:
            for _ in range(times):
                for kind in ("rawKeyDown", "keyUp"):
                    self.next_id += 1
                    waiting.add(self.next_id)
                    self.ws.send(json.dumps({"id": self.next_id, "method": "Input.dispatchKeyEvent",
                                             "params": {"type": kind, **key}}))
            while waiting:
                message = json.loads(self.ws.recv())
                if message.get("id") in waiting:
                    waiting.discard(message["id"])
                    if "error" in message:
                        raise DevToolsUnavailable(str(message["error"]))
        except websocket.WebSocketTimeoutException as exc:
            self.close()
            raise DevToolsTimeout(str(exc)) from exc
        except (OSError, websocket.WebSocketException) as exc:
            self.close()
            raise DevToolsUnavailable(str(exc)) from exc

    def enable_page_events(self, deadline: float) -> None:
        """Lifecycle events (to wait for a page's load), dialog and crash events."""
        if not self.page_events:
            self.call("Page.enable", {}, deadline)
            self.call("Page.setLifecycleEventsEnabled", {"enabled": True}, deadline)
            self.call("Inspector.enable", {}, deadline)
            self.page_events = True

    def call(self, method: str, params: dict[str, Any], deadline: float) -> dict[str, Any]:
        """Send one command and return its result; events arriving meanwhile go to the backlog."""
        self.next_id += 1
        ident = self.next_id
        self._send({"id": ident, "method": method, "params": params})
        while True:
            message = self._receive(deadline)
            if message.get("id") == ident:
                if "error" in message:
                    raise CommandFailed(f"{method}: {message['error'].get('message', message['error'])}")
                return dict(message.get("result") or {})
            if "method" in message:
                self.backlog.append(message)

    def wait_event(self, wanted: Callable[[dict[str, Any]], bool], deadline: float) -> dict[str, Any]:
        """The first event (backlog first) for which ``wanted(event)`` is true."""
        while self.backlog:
            event = self.backlog.popleft()
            self._watch(event)
            if wanted(event):
                return event
        while True:
            message = self._receive(deadline)
            if "method" in message:
                self._watch(message)
                if wanted(message):
                    return message

    def _watch(self, event: dict[str, Any]) -> None:
        method = event.get("method")
        if method == "Inspector.targetCrashed":
            self.close()
            raise TargetCrashed("the tab crashed")
        if method == "Page.javascriptDialogOpening":      # an alert() would block the load for good
            self.next_id += 1
            self._send({"id": self.next_id, "method": "Page.handleJavaScriptDialog",
                        "params": {"accept": False}})

    def _send(self, message: dict[str, Any]) -> None:
        try:
            self.ws.send(json.dumps(message))
        except (OSError, websocket.WebSocketException) as exc:
            self.close()
            raise DevToolsUnavailable(str(exc)) from exc

    def _receive(self, deadline: float) -> dict[str, Any]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DevToolsTimeout("deadline passed")
        try:
            self.ws.settimeout(remaining)
            return dict(json.loads(self.ws.recv()))
        except websocket.WebSocketTimeoutException as exc:
            self.close()
            raise DevToolsTimeout(str(exc)) from exc
        except (OSError, ValueError, websocket.WebSocketException) as exc:
            self.close()
            raise DevToolsUnavailable(str(exc)) from exc

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(Exception):        # closing a broken socket
            self.ws.close()
