"""What a site audit does in the browser besides loading pages: actions (click, fill, press, wait),
named page states, viewports, sign-in, and the threshold a site's report is held to.

Pure data, shared by the config file (:mod:`access.auditconfig`), the API body, the job options and
the web auditor. An action is written in the config as one key (``{click: "#menu"}``,
``{fill: {selector: "#q", value: "cells"}}``, ``{wait_for: {url: "/my/"}}``) and kept flat
(``{"kind": "click", "selector": "#menu"}``).

:class:`SignIn` holds everything secret about a site (headers, cookies, basic auth, the sign-in
steps with their values): it is never serialised with the options (``AuditOptions.sign_in`` is
excluded from every dump), its ``repr`` names no value, and the job store keeps it only encrypted
(:mod:`access.vault`) until the job ends.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

ACTION_KINDS = ("navigate", "fill", "click", "press", "wait_for", "submit", "wait")
VIEWPORT = re.compile(r"^(\d{2,5})x(\d{2,5})$")
DESKTOP = "1280x1024"
# URL patterns of sign-out links, never followed by a crawl (the config's ``sign_out`` adds more)
DEFAULT_SIGN_OUT = (
    r"(?i)/(log|sign)[-_]?(out|off)\b",       # /logout, /log-out, /sign_out, /logoff, Moodle /login/logout.php
    r"(?i)[?&](action|do)=(log|sign)[-_]?(out|off)\b",
    r"(?i)/accounts?/(logout|signout)\b",
    r"(?i)/saml/(slo|logout)\b",
)


class Action(BaseModel):
    """One step in the browser: ``navigate URL``, ``fill SELECTOR with VALUE``, ``click SELECTOR``,
    ``press KEY`` (on SELECTOR or the focused element), ``wait_for SELECTOR`` / ``wait_for url``,
    ``submit`` (the form of SELECTOR or of the focused element), ``wait MS``."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["navigate", "fill", "click", "press", "wait_for", "submit", "wait"]
    selector: str | None = None
    value: str | None = None
    url: str | None = None
    key: str | None = None
    ms: int | None = Field(None, ge=0, le=60_000)

    @model_validator(mode="before")
    @classmethod
    def _one_key(cls, data: Any) -> Any:
        """``{click: "#x"}`` (the config's form) → ``{"kind": "click", "selector": "#x"}``."""
        if isinstance(data, str) and data == "submit":
            return {"kind": "submit"}
        if not isinstance(data, dict) or "kind" in data:
            return data
        if len(data) != 1:
            raise ValueError(f"an action is one of {', '.join(ACTION_KINDS)} (one key), got {sorted(data)}")
        kind, arg = next(iter(data.items()))
        if kind not in ACTION_KINDS:
            raise ValueError(f"unknown action {kind!r} (known: {', '.join(ACTION_KINDS)})")
        if kind == "navigate":
            return {"kind": kind, "url": arg}
        if kind == "wait":
            return {"kind": kind, "ms": arg}
        if kind in ("click", "submit"):
            return {"kind": kind, "selector": arg}
        if kind == "press":
            return {"kind": kind, **arg} if isinstance(arg, dict) else {"kind": kind, "key": arg}
        if kind == "wait_for":
            return {"kind": kind, **arg} if isinstance(arg, dict) else {"kind": kind, "selector": arg}
        if not isinstance(arg, dict):          # fill
            raise ValueError("fill takes {selector: ..., value: ...}")
        return {"kind": kind, **arg}

    @model_validator(mode="after")
    def _complete(self) -> Action:
        needs = {"navigate": ("url",), "fill": ("selector", "value"), "click": ("selector",), "press": ("key",),
                 "wait": ("ms",)}.get(self.kind, ())
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{self.kind} needs {' and '.join(missing)}")
        if self.kind == "wait_for" and (self.selector is None) == (self.url is None):
            raise ValueError("wait_for takes a selector or a url (one of them)")
        return self

    def __repr_args__(self) -> Any:
        """The value an action types is never shown (it may be a password)."""
        for name, value in super().__repr_args__():
            yield name, ("***" if name == "value" and value is not None else value)

    def describe(self) -> str:
        """The action in words, for progress and error messages: never the value it types."""
        target = {"navigate": self.url, "wait_for": self.selector or f"url {self.url}", "wait": f"{self.ms} ms",
                  "press": f"{self.key}" + (f" on {self.selector}" if self.selector else "")}.get(
            self.kind, self.selector or "")
        return f"{self.kind} {target}".strip()


class PageState(BaseModel):
    """A named state of a page, audited as its own part: load ``url`` (default: the site's start
    URL), run ``actions`` (open the menu, start the quiz), audit."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    url: str | None = None
    actions: list[Action] = Field(default_factory=list)


class Threshold(BaseModel):
    """Fail (exit 2, ``result.threshold.passed`` false) when more than ``max`` violations of
    ``impact`` or worse exist."""

    model_config = ConfigDict(extra="forbid")

    impact: Literal["critical", "serious", "moderate", "minor"] = "serious"
    max: int = Field(0, ge=0)


class Cookie(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    value: str
    domain: str | None = None          # default: the site's host
    path: str = "/"


class BasicAuth(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str
    password: str


class SignIn(BaseModel):
    """A site's secrets: extra HTTP headers, cookies, HTTP basic auth and the sign-in steps run once
    in the audit browser before the crawl; ``signed_in`` is a selector present while signed in."""

    model_config = ConfigDict(extra="forbid")

    headers: dict[str, str] = Field(default_factory=dict)
    cookies: list[Cookie] = Field(default_factory=list)
    basic_auth: BasicAuth | None = None
    login: list[Action] = Field(default_factory=list)
    signed_in: str | None = None

    def __repr_args__(self) -> Any:
        """Counts, never values: a SignIn printed in a log line or a traceback shows no secret."""
        yield "headers", len(self.headers)
        yield "cookies", len(self.cookies)
        yield "basic_auth", self.basic_auth is not None
        yield "login", [a.kind for a in self.login]
        yield "signed_in", self.signed_in

    @property
    def empty(self) -> bool:
        return not (self.headers or self.cookies or self.basic_auth or self.login or self.signed_in)

    def secret_values(self) -> list[str]:
        """Every value here that must never be shown (for masking error messages)."""
        values = [*self.headers.values(), *(c.value for c in self.cookies),
                  *(a.value for a in self.login if a.value)]
        if self.basic_auth is not None:
            values += [self.basic_auth.password]
        return [v for v in values if len(v) >= 3]


def parse_viewport(text: str) -> tuple[int, int]:
    """``"320x640"`` → (320, 640)."""
    match = VIEWPORT.match(text.strip())
    if not match:
        raise ValueError(f"a viewport is WIDTHxHEIGHT in CSS pixels such as 320x640, got {text!r}")
    width, height = int(match[1]), int(match[2])
    if not (200 <= width <= 4000 and 200 <= height <= 4000):
        raise ValueError(f"viewport {text!r}: width and height must be 200 to 4000 px")
    return width, height


def check_viewports(values: list[str]) -> list[str]:
    cleaned = [v.strip().lower() for v in values]
    for v in cleaned:
        parse_viewport(v)
    return list(dict.fromkeys(cleaned))


class BrowsingOptions(BaseModel):
    """The browser side of :class:`access.models.AuditOptions` (mixed in there)."""

    urls: list[str] = Field(default_factory=list)          # more start URLs of the same site
    sitemap: str | None = None                            # an explicit sitemap (.xml or .xml.gz)
    states: list[PageState] = Field(default_factory=list)  # named states, each audited as its own part
    viewports: list[str] = Field(default_factory=list)     # "1280x1024", "320x640"; empty: desktop, untagged
    hide: list[str] = Field(default_factory=list)          # selectors hidden before the audit
    disable_rules: list[str] = Field(default_factory=list)  # rule ids not run (axe-* and ours)
    root: str | None = None                               # audit only inside this element
    wait_for: str | None = None                           # a selector every page waits for after loading
    sign_out: list[str] = Field(default_factory=list)     # more URL regexes of sign-out links never followed
    screenshots: bool = True                              # a picture of each violation (where they can be kept)
    threshold: Threshold | None = None
    sign_in: SkipJsonSchema[SignIn | None] = Field(None, exclude=True)   # secrets: never in a dump (see SignIn)

    @field_validator("viewports")
    @classmethod
    def _viewports(cls, value: list[str]) -> list[str]:
        return check_viewports(value)

    @field_validator("states")
    @classmethod
    def _state_names(cls, value: list[PageState]) -> list[PageState]:
        names = [s.name for s in value]
        if len(set(names)) != len(names):
            raise ValueError("state names must be unique")
        return value

    @field_validator("sign_out")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid pattern {pattern!r}: {exc}") from exc
        return value

    def sign_out_patterns(self) -> list[str]:
        return [*DEFAULT_SIGN_OUT, *self.sign_out]
