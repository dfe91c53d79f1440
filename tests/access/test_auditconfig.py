"""The audit config file: the issue's example parses into the options of one audit; values come
from the environment and are never dumped; every error names the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.auditconfig import ConfigError, check_threshold, load_config, parse_config
from access.browsing import Action, SignIn, Threshold
from access.models import AuditOptions, Finding, Impact, Location, Outcome, Report

EXAMPLE = """\
sites:
  - name: biology-course
    url: https://lms.example.org/course/view.php?id=42   # start URL; `urls:` lists more
    max_pages: 50
    max_depth: 4
    include: ["/course/", "/mod/"]
    exclude: ["/login/logout.php"]
    sitemap: https://lms.example.org/sitemap.xml.gz
    login:                                  # steps run once in the audit browser, before the crawl
      - navigate: https://lms.example.org/login/index.php
      - fill: {selector: "#username", value: "${LMS_USER}"}
      - fill: {selector: "#password", value: "${LMS_PASSWORD}"}
      - click: "#loginbtn"
      - wait_for: {url: "/my/"}             # or {selector: "..."}
    signed_in: ".usermenu"                  # present while signed in; gone = session lost
    states:
      - name: menu open
        url: https://lms.example.org/course/view.php?id=42
        actions: [{click: "#nav-drawer-toggle"}, {wait_for: {selector: "#nav-drawer"}}]
    viewports: ["1280x1024", "320x640"]
    hide: [".cookie-banner"]
    disable_rules: ["axe-region"]
    threshold: {impact: serious, max: 0}
  - url: https://lms.example.org/other/
    urls: [https://lms.example.org/other/a, https://lms.example.org/other/b]
    root: main
"""
ENV = {"LMS_USER": "teacher", "LMS_PASSWORD": "s3cret-Horse-battery"}


def errors_of(text: str, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "access.yml", ENV if environ is None else environ)
    assert caught.value.code == "invalid_request"
    return caught.value.message


def test_the_issue_example_becomes_the_options_of_each_site(tmp_path: Path) -> None:
    path = tmp_path / "access.yml"
    path.write_text(EXAMPLE)
    config = load_config(path, ENV)
    site, other = config.sites
    options = site.options(allow_private=True)
    assert site.start == "https://lms.example.org/course/view.php?id=42" and site.label == "biology-course"
    assert (options.max_pages, options.max_depth, options.include, options.exclude) == (
        50, 4, ["/course/", "/mod/"], ["/login/logout.php"])
    assert options.sitemap == "https://lms.example.org/sitemap.xml.gz"
    assert options.viewports == ["1280x1024", "320x640"] and options.hide == [".cookie-banner"]
    assert options.disable_rules == ["axe-region"] and options.threshold == Threshold(impact="serious", max=0)
    (state,) = options.states
    assert state.name == "menu open" and [a.kind for a in state.actions] == ["click", "wait_for"]
    assert options.sign_in is not None and options.sign_in.signed_in == ".usermenu"
    assert [a.kind for a in options.sign_in.login] == ["navigate", "fill", "fill", "click", "wait_for"]
    assert options.sign_in.login[2].value == ENV["LMS_PASSWORD"]          # read from the environment
    assert options.sign_in.login[4].url == "/my/"
    # the second site: named after its URL, more start URLs, a root
    other_options = other.options()
    assert other.label == "lms.example.org-other" and other_options.root == "main"
    assert other_options.urls == ["https://lms.example.org/other/a", "https://lms.example.org/other/b"]
    assert other_options.sign_in is None


def test_secrets_are_never_dumped_nor_shown() -> None:
    options = parse_config(EXAMPLE, "access.yml", ENV).sites[0].options()
    secret = ENV["LMS_PASSWORD"]
    assert secret not in options.model_dump_json()
    assert "sign_in" not in options.model_dump(mode="json")
    assert secret not in repr(options) and secret not in str(options.sign_in)
    assert secret not in repr(options.sign_in.login[2]) and "***" in repr(options.sign_in.login[2])
    assert options.sign_in.login[2].describe() == "fill #password"
    # a job row's options come back without the secrets (the job store keeps them sealed)
    assert AuditOptions.model_validate(options.model_dump(mode="json")).sign_in is None
    assert "sign_in" not in AuditOptions.model_json_schema()["properties"]


def test_a_missing_environment_variable_names_line_and_key() -> None:
    message = errors_of(EXAMPLE, {"LMS_USER": "teacher"})
    assert message == ("access.yml, line 12, sites[0].login[2].fill.value: the environment variable "
                       "LMS_PASSWORD is not set")


def test_dollar_dollar_keeps_a_literal_reference() -> None:
    text = EXAMPLE.replace('value: "${LMS_USER}"', 'value: "$${LMS_USER}"')
    site = parse_config(text, "access.yml", ENV).sites[0]
    assert site.login[1].value == "${LMS_USER}"


@pytest.mark.parametrize(("change", "expected"), [
    (("max_depth: 4", "max_dept: 4"), "access.yml, line 5, sites[0].max_dept: Extra inputs are not permitted"),
    (('{click: "#nav-drawer-toggle"}', '{clik: "#x"}'),
     "access.yml, line 19, sites[0].states[0].actions[0]: unknown action 'clik'"),
    (('"320x640"', '"320by640"'), "access.yml, line 20, sites[0].viewports: a viewport is WIDTHxHEIGHT"),
    (("impact: serious", "impact: bad"), "access.yml, line 23, sites[0].threshold.impact: Input should be"),
    (("max_pages: 50", "max_pages: -1"), "access.yml, line 4, sites[0].max_pages: Input should be greater"),
    (('- fill: {selector: "#password", value: "${LMS_PASSWORD}"}', '- fill: {selector: "#password"}'),
     "access.yml, line 12, sites[0].login[2]: fill needs value"),
    (('- wait_for: {url: "/my/"}', "- wait_for: {url: /my/, selector: x}"),
     "access.yml, line 14, sites[0].login[4]: wait_for takes a selector or a url"),
    (("    root: main", "    name: biology-course"), "site names must be unique"),
])
def test_validation_errors_name_the_line_and_the_key(change: tuple[str, str], expected: str) -> None:
    assert change[0] in EXAMPLE
    message = errors_of(EXAMPLE.replace(*change))
    assert expected in message, message
    assert ENV["LMS_PASSWORD"] not in message


def test_shape_errors_are_clear() -> None:
    assert "line 3: not valid YAML" in errors_of("sites:\n  - name: a\n   url: [\n")
    assert "expected a mapping with a 'sites:' list" in errors_of("- a\n- b\n")
    assert errors_of("sites:\n  - name: a\n    max_pages: 3\n") == \
        "access.yml, line 2, sites[0]: a site needs url (or urls)"
    assert "sites: List should have at least 1 item" in errors_of("sites: []\n")
    assert "line 3, sites[0].sign_in: give login" in errors_of(
        "sites:\n  - url: https://a.example/\n    sign_in: {headers: {X: y}}\n")


def test_actions_in_every_written_form() -> None:
    forms = [({"navigate": "/login"}, "navigate /login"), ({"click": "#go"}, "click #go"),
             ({"press": "Enter"}, "press Enter"), ({"press": {"key": "Escape", "selector": "#menu"}},
                                                   "press Escape on #menu"),
             ({"wait_for": "#done"}, "wait_for #done"), ({"wait_for": {"url": "/my/"}}, "wait_for url /my/"),
             ("submit", "submit"), ({"submit": "#form"}, "submit #form"), ({"wait": 250}, "wait 250 ms"),
             ({"fill": {"selector": "#q", "value": "cells"}}, "fill #q")]
    for written, described in forms:
        action = Action.model_validate(written)
        assert action.describe() == described
        assert Action.model_validate(action.model_dump()) == action       # the flat form round-trips


def test_threshold_counts_violations_at_or_above_the_impact() -> None:
    def finding(rule: str, impact: Impact, outcome: Outcome = Outcome.VIOLATION) -> Finding:
        return Finding(rule=rule, outcome=outcome, impact=impact, message="m", location=Location(url="u"))

    report = Report(target="u", target_kind="web", findings=[
        finding("axe-color-contrast", Impact.SERIOUS), finding("axe-color-contrast", Impact.SERIOUS),
        finding("axe-image-alt", Impact.CRITICAL), finding("axe-region", Impact.MODERATE),
        finding("axe-label", Impact.CRITICAL, Outcome.NEEDS_REVIEW)]).finish()
    verdict = check_threshold(report, Threshold(impact="serious", max=2))
    assert (verdict.violations, verdict.passed) == (3, False)
    assert verdict.by_rule == {"axe-color-contrast": 2, "axe-image-alt": 1}
    assert verdict.describe() == ("3 violation(s) of impact serious or worse, 2 allowed: "
                                  "axe-color-contrast (2), axe-image-alt (1)")
    assert check_threshold(report, Threshold(impact="critical", max=1)).passed


def test_sign_in_lists_its_secret_values_for_masking() -> None:
    sign_in = SignIn.model_validate({"headers": {"X-Token": "tok-123"}, "cookies": [{"name": "s", "value": "c-456"}],
                                     "basic_auth": {"username": "u", "password": "p-789"},
                                     "login": [{"fill": {"selector": "#p", "value": "v-000"}}]})
    assert sorted(sign_in.secret_values()) == ["c-456", "p-789", "tok-123", "v-000"]
    assert "tok-123" not in repr(sign_in) and not sign_in.empty


def test_the_readme_example_is_a_valid_config() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Sites behind a sign-in"):]
    example = section[section.index("```yaml") + len("```yaml"):section.index("```", section.index("```yaml") + 7)]
    names = {"COURSE_TOKEN", "STAGING_USER", "STAGING_PASSWORD", "LMS_USER", "LMS_PASSWORD"}
    config = parse_config(example, "README.md", {name: f"value-of-{name}" for name in names})
    site = config.sites[0]
    options = site.options()
    assert [s.name for s in options.states] == ["menu open", "quiz started"] and options.root == "#region-main"
    assert options.sign_in is not None and options.sign_in.basic_auth is not None
    assert options.sign_in.headers == {"X-Course-Token": "value-of-COURSE_TOKEN"}
    assert set(site.model_fields_set) == set(type(site).model_fields) - {"allow_private", "sign_in"}, "every key shown"
