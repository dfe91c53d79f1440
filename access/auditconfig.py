"""The audit config file (``access audit --config access.yml``; the same document as JSON in
``POST /v1/audits``): a list of sites, each with its start URLs, crawl limits, sign-in, states,
viewports, rules to disable, elements to hide and a threshold.

In a config file, ``${NAME}`` is replaced by the environment variable NAME when the file is read
(``$${`` keeps a literal ``${``), in memory only: the values are never written back anywhere. Over
the API values are taken as sent (the server's environment is never read on a tenant's behalf).
Errors name the file, the line and the key (``access.yml, line 12, sites[0].login[2].fill: ...``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from access.browsing import Action, BasicAuth, Cookie, SignIn, Threshold
from access.errors import ValidationFailed
from access.models import AuditOptions, Impact, Outcome, Report

ENV_REF = re.compile(r"\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}")
MAX_ERRORS = 8


class ConfigError(ValidationFailed):
    """The audit config is not valid."""


class SiteConfig(AuditOptions):
    """One site of the config: the audit options plus its name, start URL(s) and sign-in."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=100)
    url: str | None = None
    login: list[Action] = Field(default_factory=list)
    signed_in: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    cookies: list[Cookie] = Field(default_factory=list)
    basic_auth: BasicAuth | None = None

    @field_validator("sign_in", mode="before")
    @classmethod
    def _no_sign_in(cls, value: Any) -> Any:
        if value is not None:
            raise ValueError("give login, signed_in, headers, cookies and basic_auth as keys of the site")
        return value

    @model_validator(mode="after")
    def _start(self) -> SiteConfig:
        if not self.url and not self.urls:
            raise ValueError("a site needs url (or urls)")
        if self.allow_private:
            raise ValueError("allow_private cannot be set here")
        return self

    @property
    def start(self) -> str:
        return self.url or self.urls[0]

    @property
    def label(self) -> str:
        """The site's name, or one made from its start URL (report file names)."""
        return self.name or label_of(self.start)

    def credentials(self) -> SignIn | None:
        """The site's secrets (headers, cookies, basic auth, sign-in steps) in one :class:`SignIn`."""
        found = SignIn(headers=self.headers, cookies=self.cookies, basic_auth=self.basic_auth, login=self.login,
                       signed_in=self.signed_in)
        return None if found.empty else found

    def options(self, **overrides: Any) -> AuditOptions:
        """The site as the options of one audit (with its sign-in, never dumped)."""
        own = set(type(self).model_fields) - set(AuditOptions.model_fields)
        data = self.model_dump(exclude=own | {"sign_in"})
        data["urls"] = [u for u in ([self.url] if self.url else []) + self.urls if u != self.start]
        data.update(overrides)
        options = AuditOptions.model_validate(data)
        options.sign_in = self.credentials()
        return options


def label_of(url: str) -> str:
    """A name for a site from its URL: host and path (``lms.example.org-course-view.php``)."""
    parts = urlsplit(url)
    return (parts.hostname or "site") + parts.path.rstrip("/").replace("/", "-")


class AuditConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sites: list[SiteConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> AuditConfig:
        labels = [s.label for s in self.sites]
        repeated = sorted({n for n in labels if labels.count(n) > 1})
        if repeated:
            raise ValueError(f"site names must be unique (repeated: {', '.join(repeated)}); give each a name")
        return self


# ----------------------------------------------------------------------------- reading a file


def expand_env(value: Any, environ: Mapping[str, str], where: list[str | int], missing: list[list[str | int]]) -> Any:
    """``${NAME}`` in every string of ``value`` replaced from ``environ``; the places of names not
    set are appended to ``missing`` (with the name last)."""
    if isinstance(value, dict):
        return {k: expand_env(v, environ, [*where, k], missing) for k, v in value.items()}
    if isinstance(value, list):
        return [expand_env(v, environ, [*where, i], missing) for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        if match[1]:                       # $${NAME}: a literal ${NAME}
            return match[0][1:]
        if match[2] not in environ:
            missing.append([*where, match[2]])
            return ""
        return environ[match[2]]

    return ENV_REF.sub(replace, value)


def _node_at(node: yaml.Node, path: list[str | int]) -> yaml.Node:
    """The deepest YAML node along ``path`` (a pydantic error location)."""
    for step in path:
        if isinstance(node, yaml.MappingNode):
            found = next((v if isinstance(step, str) and isinstance(k, yaml.ScalarNode) and k.value == step else None
                          for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == step), None)
            if found is None:
                return node
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
        else:
            return node
    return node


def _key_node_at(node: yaml.Node, path: list[str | int]) -> yaml.Node:
    """The key node of the last step when it names a key that exists (an extra key's own line)."""
    parent = _node_at(node, path[:-1])
    if path and isinstance(parent, yaml.MappingNode):
        for k, _ in parent.value:
            if isinstance(k, yaml.ScalarNode) and k.value == path[-1]:
                return k
    return _node_at(node, path)


def dotted(path: list[str | int] | tuple[Any, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _clean_loc(loc: tuple[Any, ...]) -> list[str | int]:
    """A pydantic location without the model-internal steps (union branches, validator names)."""
    return [p for p in loc if isinstance(p, int) or (isinstance(p, str) and not p.startswith(("function-", "[")))]


def parse_config(text: str, source: str = "config", environ: Mapping[str, str] | None = None) -> AuditConfig:
    """The config from YAML (or JSON) ``text``; ``ConfigError`` naming ``source``, the line and the
    key of each problem. ``${NAME}`` comes from ``environ`` (default: this process's environment)."""
    environ = os.environ if environ is None else environ
    try:
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{source}{line}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from exc
    if root is None or not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping with a 'sites:' list at the top.")
    missing: list[list[str | int]] = []
    data = expand_env(data, environ, [], missing)
    if missing:
        problems = [f"{source}, line {_node_at(root, path[:-1]).start_mark.line + 1}, {dotted(path[:-1])}: "
                    f"the environment variable {path[-1]} is not set" for path in missing[:MAX_ERRORS]]
        raise ConfigError("; ".join(problems))
    try:
        return AuditConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False)[:MAX_ERRORS]:
            path = _clean_loc(error["loc"])
            node = _key_node_at(root, path) if error["type"] == "extra_forbidden" else _node_at(root, path)
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{source}, line {node.start_mark.line + 1}, {dotted(path) or 'top level'}: {message}")
        raise ConfigError("; ".join(problems)) from None


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> AuditConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read the config file {path}: {exc}") from exc
    return parse_config(text, path.name, environ)


# ----------------------------------------------------------------------------- thresholds


class ThresholdResult(BaseModel):
    impact: str
    max: int
    violations: int
    passed: bool
    by_rule: dict[str, int] = Field(default_factory=dict)

    def describe(self) -> str:
        rules = ", ".join(f"{rule} ({n})" for rule, n in sorted(self.by_rule.items(), key=lambda kv: -kv[1]))
        return (f"{self.violations} violation(s) of impact {self.impact} or worse, {self.max} allowed"
                + (f": {rules}" if rules else ""))


def check_threshold(report: Report, threshold: Threshold) -> ThresholdResult:
    """How ``report`` stands against ``threshold`` (more than ``max`` violations of ``impact`` or worse fails)."""
    worst = [f for f in report.worst_at_or_above(Impact(threshold.impact)) if f.outcome is Outcome.VIOLATION]
    by_rule: dict[str, int] = {}
    for f in worst:
        by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
    return ThresholdResult(impact=threshold.impact, max=threshold.max, violations=len(worst),
                           passed=len(worst) <= threshold.max, by_rule=by_rule)
