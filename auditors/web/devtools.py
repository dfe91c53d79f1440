"""A direct DevTools websocket to one tab, for what WebDriver does slowly: many key presses.

chromedriver dispatches each W3C key action and waits for it (≈ 3.5 ms per press here); sending
``Input.dispatchKeyEvent`` commands down the tab's own DevTools socket one after another and
collecting the answers afterwards gives the same trusted key events (page handlers see them,
``preventDefault`` works, focus moves) about three times faster.
"""

from __future__ import annotations

import contextlib
import json
import urllib.request
from dataclasses import dataclass
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


@dataclass
class DevToolsSocket:
    target: str
    ws: Any
    next_id: int = 0
    closed: bool = False

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
            ws = websocket.create_connection(url, suppress_origin=True, timeout=30)
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

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(Exception):        # closing a broken socket
            self.ws.close()
