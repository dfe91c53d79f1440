"""The browser side's pure parts: app routes as pages, sign-out links never followed, which
violations are pictured and how, keys, recipes, renderings, start and state units."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from access.browsing import PageState
from access.errors import ActionFailed, UrlForbidden
from access.models import AuditedPart, AuditOptions, Finding, Location, Outcome
from auditors.web.actions import key_of
from auditors.web.crawl import crawl_scope, new_links, normalize_url, url_key
from auditors.web.page_audit import PageRecipe
from auditors.web.screenshots import MAX_PER_PAGE, chosen, clip_of, shot_name
from auditors.web.site import is_page, renderings, start_and_state_units

START = "https://lms.example.org/course/"


@pytest.mark.parametrize(("href", "expected"), [
    ("/app/#/topics/2", "https://lms.example.org/app/#/topics/2"),
    ("/app/#!/topics/2", "https://lms.example.org/app/#!/topics/2"),
    ("/app/#intro", "https://lms.example.org/app/"),          # an in-page anchor is the same page
    ("/app/#/", "https://lms.example.org/app/"),              # the app's root route is the app
    ("#top", "https://lms.example.org/course/"),
])
def test_app_routes_are_pages_and_anchors_are_not(href: str, expected: str) -> None:
    assert normalize_url(href, START) == expected


def test_routes_keep_their_own_keys() -> None:
    keys = {url_key(normalize_url(u, START) or "") for u in ("/app/#/topics/1", "/app/#/topics/2", "/app", "/app/#x")}
    assert keys == {"https://lms.example.org/app#/topics/1", "https://lms.example.org/app#/topics/2",
                    "https://lms.example.org/app"}


def test_sign_out_links_are_never_followed() -> None:
    links = ["/login/logout.php?sesskey=x", "/logout", "/users/sign_out", "/account/signout",
             "/index.php?action=logout", "/auth/log-off", "/course/logbook", "/course/sign-up-sheet", "/course/unit-1"]
    pages, _ = new_links(links, START, crawl_scope(START, None, AuditOptions()))
    assert pages == ["https://lms.example.org/course/logbook", "https://lms.example.org/course/sign-up-sheet",
                     "https://lms.example.org/course/unit-1"]
    extended = crawl_scope(START, None, AuditOptions(sign_out=["/unit-1$"]))
    assert new_links(links, START, extended)[0] == pages[:2]
    with pytest.raises(ValueError, match="invalid pattern"):
        AuditOptions(sign_out=["("])


def violation(rule: str, selector: str | None = "img", outcome: Outcome = Outcome.VIOLATION) -> Finding:
    return Finding(rule=rule, outcome=outcome, message="m", location=Location(url=START, selector=selector))


def test_one_picture_per_rule_and_page_and_a_cap() -> None:
    findings = [violation("axe-image-alt", "img:nth-child(1)"), violation("axe-image-alt", "img:nth-child(2)"),
                violation("axe-label", None), violation("axe-label", "input"),
                violation("axe-region", "div", Outcome.NEEDS_REVIEW), violation("axe-frame", "iframe >>> img")]
    assert [(f.rule, f.location.selector) for f in chosen(findings)] == [("axe-image-alt", "img:nth-child(1)"),
                                                                         ("axe-label", "input")]
    many = [violation(f"rule-{n}") for n in range(MAX_PER_PAGE + 5)]
    assert len(chosen(many)) == MAX_PER_PAGE


def test_pictures_are_cropped_with_a_margin_inside_the_page() -> None:
    assert clip_of({"x": 100, "y": 50, "width": 40, "height": 20, "pageWidth": 1280, "pageHeight": 900}) == {
        "x": 88, "y": 38, "width": 64, "height": 44, "scale": 1}
    corner = clip_of({"x": 2, "y": 0, "width": 3000, "height": 5000, "pageWidth": 3000, "pageHeight": 5000})
    assert (corner["x"], corner["y"], corner["width"], corner["height"]) == (0, 0, 1280, 800)
    name = shot_name(START, "320x640|", "axe-image-alt", "img")
    assert name.startswith("shot-axe-image-alt-") and name.endswith(".png")
    assert name == shot_name(START, "320x640|", "axe-image-alt", "img") != shot_name(START, "|", "axe-image-alt", "img")


def test_keys_by_name() -> None:
    assert (key_of("Enter"), key_of("Escape"), key_of("ArrowDown"), key_of("PageDown"), key_of("x")) == (
        Keys.ENTER, Keys.ESCAPE, Keys.ARROW_DOWN, Keys.PAGE_DOWN, "x")
    with pytest.raises(ActionFailed, match="unknown key"):
        key_of("Hyperjump")


def test_a_plain_recipe_only_when_nothing_else_is_asked() -> None:
    assert PageRecipe().plain and PageRecipe.of(AuditOptions()).plain
    assert not PageRecipe.of(AuditOptions(hide=[".banner"])).plain
    assert not PageRecipe.of(AuditOptions(disable_rules=["axe-region"])).plain


def test_renderings_and_which_parts_are_pages() -> None:
    assert renderings(AuditOptions()) == [(None, None)]
    options = AuditOptions(viewports=["1280x1024", "320x640"])
    assert renderings(options) == [("1280x1024", (1280, 1024)), ("320x640", (320, 640))]
    assert is_page(AuditedPart(id="u", viewport="1280x1024"), options)
    assert not is_page(AuditedPart(id="u [320x640]", viewport="320x640"), options)
    assert not is_page(AuditedPart(id="u [state: menu open]", state="menu open"), AuditOptions())


def test_more_start_pages_and_states_stay_on_the_site() -> None:
    scope = crawl_scope(START, None, AuditOptions())
    options = AuditOptions(urls=["/course/unit-2"], states=[PageState(name="menu open"),
                                                             PageState(name="quiz", url="/mod/quiz/1")])
    units = start_and_state_units(START, options, scope.same_site)
    assert [(u.key, u.data.get("state")) for u in units] == [
        ("https://lms.example.org/course/unit-2", None), ("state:menu open", "menu open"), ("state:quiz", "quiz")]
    assert units[1].data["url"] == START and units[2].depth == options.max_depth   # states lead nowhere
    with pytest.raises(UrlForbidden, match="on the site of the first"):
        start_and_state_units(START, AuditOptions(urls=["https://elsewhere.example/"]), scope.same_site)
    with pytest.raises(UrlForbidden, match="state 'x'"):
        start_and_state_units(START, AuditOptions(states=[PageState(name="x", url="https://elsewhere.example/")]),
                              scope.same_site)
