"""Sites behind a sign-in, apps, states, viewports and screenshots, in the real headless Chromium, on
a course site served by the test (tests/course_site.py): two-screen sign-in with a CSRF token and
a session cookie, pages only visible when signed in, a sign-out link on every page, a hash-routed
app rendered by script, a menu whose barrier shows only when open, a session that expires."""

from __future__ import annotations

import http.server
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from access import services
from access.auditconfig import parse_config
from access.context import Context
from access.errors import SignInFailed
from access.models import AuditOptions, Outcome, Report
from tests.course_site import USER, CourseSite

pytestmark = pytest.mark.browser


@pytest.fixture()
def course() -> Iterator[CourseSite]:
    site = CourseSite(expire_after=4).start()
    yield site
    site.stop()


def site_options(course: CourseSite, extra: str = "", password: str | None = None, **overrides: object) -> AuditOptions:
    config = parse_config(course.config(extra=extra), "access.yml",
                          {"LMS_USER": USER, "LMS_PASSWORD": password or course.password})
    return config.sites[0].options(allow_private=True, **overrides)


def violations(report: Report, rule: str) -> list:
    return [f for f in report.findings if f.rule == rule and f.outcome is Outcome.VIOLATION]


def test_signed_in_crawl_audits_the_hidden_pages_routes_and_states(course: CourseSite, web_settings,
                                                                    tmp_path: Path) -> None:
    ctx = Context(settings=web_settings, artifacts_dir=tmp_path / "shots")
    report = services.audit_url(course.url("/my/"), site_options(course), ctx)
    parts = {p.id: p for p in report.parts}
    o = course.origin
    assert set(parts) == {f"{o}/my/", f"{o}/course/1", f"{o}/course/2", f"{o}/course/3", f"{o}/app/",
                          f"{o}/app/#/topics/1", f"{o}/app/#/topics/2", f"{o}/menu.html",
                          f"{o}/menu.html [state: menu open]"}, sorted(parts)
    assert all(p.status == "audited" for p in parts.values()), [(p.id, p.error) for p in parts.values()]
    assert parts[f"{o}/course/1"].title == "Cells"          # the page itself, not the sign-in page
    # signed in before the crawl, signed in once more when the session expired, never signed out
    assert (course.sign_ins, course.expired, course.logouts) == (2, 1, 0)
    assert not [p for p in course.paths if p.startswith("/logout")]
    assert report.metadata["sign_in"] == {"signed_in": True, "signed_in_again": 1, "session_lost_pages": [],
                                          "states": ["menu open"], "viewports": []}
    # the barriers behind the sign-in, each where it is
    assert {f.location.url for f in violations(report, "axe-image-alt") if f.location.state is None} == {
        f"{o}/course/1"}
    assert [f.location.url for f in violations(report, "axe-color-contrast")] == [f"{o}/course/2"]
    assert [f.location.url for f in violations(report, "axe-label")] == [f"{o}/course/3"]
    # the app's route rendered by script after load is a page of its own; #top is not
    assert [f.location.url for f in violations(report, "axe-button-name")] == [f"{o}/app/#/topics/1"]
    # the menu's barrier exists only when it is open: in the state's part, tagged with the state
    (menu_link,) = violations(report, "axe-link-name")
    assert (menu_link.location.url, menu_link.location.state) == (f"{o}/menu.html", "menu open")
    assert parts[f"{o}/menu.html [state: menu open]"].state == "menu open"
    assert not violations(report, "axe-region")                     # disable_rules
    assert course.password not in report.model_dump_json()
    # one picture per rule and page, named from the finding, each a PNG in the folder
    pictured = [f for f in report.findings if f.screenshot]
    assert {f.rule for f in pictured} >= {"axe-image-alt", "axe-color-contrast", "axe-label", "axe-link-name"}
    assert max(Counter((f.location.url, f.location.state, f.rule) for f in pictured).values()) == 1
    for f in pictured:
        assert (tmp_path / "shots" / f.screenshot).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert not [f for f in report.findings if f.screenshot and f.outcome is not Outcome.VIOLATION]


def test_a_wrong_password_fails_the_audit_without_showing_it(course: CourseSite, ctx) -> None:
    wrong = "wrong-" + course.password
    with pytest.raises(SignInFailed) as caught:
        services.audit_url(course.url("/my/"), site_options(course, password=wrong), ctx)
    assert caught.value.code == "sign_in_failed"
    assert "Signing in to " in caught.value.message and wrong not in caught.value.message
    assert course.sign_ins == 0


def test_a_site_that_keeps_signing_out_is_reported_not_audited_again_and_again(ctx) -> None:
    course = CourseSite(lock_after=3).start()
    try:
        report = services.audit_url(course.url("/my/"), site_options(course, axe_only=True), ctx)
    finally:
        course.stop()
    lost = [p for p in report.parts if (p.error or {}).get("code") == "session_lost"]
    assert lost and report.metadata["sign_in"]["session_lost_pages"] == [p.id for p in lost]
    assert course.sign_ins == 2, "signed in before the crawl and once again, then gave up"
    assert "/app/" not in course.paths, "pages after the session was given up on are not loaded"
    assert not [p for p in report.parts if p.title == "Sign in"], "the sign-in page is never audited as a page"
    assert "signing in again failed" in lost[0].error["message"].lower()


def test_viewports_each_audited_and_tagged(course: CourseSite, ctx) -> None:
    options = site_options(course, viewports=["1280x1024", "320x640"], max_pages=1, states=[], axe_only=True)
    report = services.audit_url(course.url("/course/1"), options, ctx)
    o = course.origin
    assert [(p.id, p.viewport) for p in report.parts] == [(f"{o}/course/1", "1280x1024"),
                                                          (f"{o}/course/1 [320x640]", "320x640")]
    assert {f.location.viewport for f in report.findings} == {"1280x1024", "320x640"}
    # the tip shown only on narrow screens has its contrast barrier at 320x640 only
    assert [f.location.viewport for f in violations(report, "axe-color-contrast")] == ["320x640"]
    assert {f.location.viewport for f in violations(report, "axe-image-alt")} == {"1280x1024", "320x640"}


@pytest.fixture()
def other_origin() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """Another origin a page embeds from; it records the headers of every request."""
    seen: list[dict[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(dict(self.headers))
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.2:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_basic_auth_and_headers_go_to_the_site_only_and_nothing_stays_behind(course: CourseSite, ctx,
                                                                              other_origin) -> None:
    from access.browsing import SignIn

    course.embedded, seen = other_origin
    options = AuditOptions(max_pages=2, axe_only=True, allow_private=True, urls=[course.url("/embed")],
                           sign_in=SignIn.model_validate({"basic_auth": {"username": USER, "password": course.password},
                                                         "headers": {"X-Course-Token": "t-42"}}))
    report = services.audit_url(course.url("/course/2"), options, ctx)
    assert [p.title for p in report.parts] == ["Photosynthesis", "Embedded"]
    assert seen, "the embedded image was requested"
    assert not [h for h in seen if {"Authorization", "X-Course-Token"} & set(h)], seen
    # the pooled browser keeps nothing of it: an anonymous audit of the same page gets the sign-in page
    anonymous = services.audit_url(course.url("/course/2"), AuditOptions(max_pages=1, axe_only=True,
                                                                         allow_private=True), ctx)
    assert [p.title for p in anonymous.parts] == ["Sign in"]


def test_hide_wait_for_root_and_disabled_rules(course: CourseSite, ctx) -> None:
    def rules_on_late(**overrides: object) -> set[str]:
        given = {"max_pages": 1, "states": [], "hide": [], "disable_rules": [], "axe_only": True, **overrides}
        options = site_options(course, **given)
        report = services.audit_url(course.url("/late"), options, ctx)
        assert [p.status for p in report.parts] == ["audited"], report.parts
        return {f.rule for f in report.findings if f.outcome is Outcome.VIOLATION}

    plain = rules_on_late()
    assert "axe-label" in plain and "axe-image-alt" not in plain      # the chart comes after the page settled
    waited = rules_on_late(hide=[".cookie-banner"], wait_for="#chart")
    assert "axe-image-alt" in waited and "axe-label" not in waited    # waited for the chart; the banner hidden
    assert "axe-label" not in rules_on_late(root="#late", wait_for="#chart")      # outside the root
    assert "axe-image-alt" not in rules_on_late(wait_for="#chart", disable_rules=["axe-image-alt"])


def test_a_state_reached_with_the_keyboard(course: CourseSite, ctx) -> None:
    from access.browsing import PageState

    state = PageState.model_validate({"name": "menu by keyboard", "actions": [
        {"press": {"key": "Enter", "selector": "#menu-button"}}, {"wait_for": {"selector": "#drawer"}},
        {"wait": 50}]})
    options = site_options(course, max_pages=1, states=[state], axe_only=True)
    report = services.audit_url(course.url("/menu.html"), options, ctx)
    assert [(p.id, p.status) for p in report.parts] == [(course.url("/menu.html"), "audited"), (
        course.url("/menu.html") + " [state: menu by keyboard]", "audited")]
    assert [f.location.state for f in violations(report, "axe-link-name")] == ["menu by keyboard"]
    broken = PageState.model_validate({"name": "no such button", "actions": [{"click": "#nope"}]})
    report = services.audit_url(course.url("/menu.html"), site_options(course, max_pages=1, states=[broken],
                                                                       axe_only=True), ctx)
    failed = report.parts[1]
    assert failed.status == "failed" and failed.error["code"] == "action_failed"
    assert failed.error["message"].startswith("action 1 (click #nope) failed: nothing matched '#nope'")
