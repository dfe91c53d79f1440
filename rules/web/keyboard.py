"""Keyboard rules: tab through the page with real key events and read what focus did.

One pass collects everything (:func:`collect`): the tabbable elements and how they look unfocused,
the elements that act on click but are not focusable, and a log of every Tab key press (which
element had focus) and every focus move (where focus went and how the element looked then).
The four rules below read that log.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from access.catalogue import rule
from access.models import Finding, Location, Outcome
from access.requirements import ACT, WCAG
from rules.web.page import BrowserPage, script

MAX_TABS = 80
MAX_CLICK_CANDIDATES = 50
MAX_FINDINGS_PER_RULE = 20
CHECK_ORDER = "Check that the focus order follows the reading order."


@dataclass
class KeyboardLog:
    url: str
    tabbables: list[int] = field(default_factory=list)
    unfocused: dict[int, str] = field(default_factory=dict)
    click_only: list[dict[str, Any]] = field(default_factory=list)
    keys: list[int] = field(default_factory=list)          # element with focus at each Tab press
    focus: list[dict[str, Any]] = field(default_factory=list)  # each focus move, in order
    elements: list[dict[str, Any]] = field(default_factory=list)
    active: int = -1                                      # element with focus after the last press
    presses: int = 0
    # elements whose own style did not change on focus: whether the page's rendering changed anywhere
    # when a real Tab press focused them (an indicator drawn by another element), None: not measured
    page_changed: dict[int, bool | None] = field(default_factory=dict)

    def location(self, index: int) -> Location:
        el = self.elements[index] if 0 <= index < len(self.elements) else {}
        return Location(url=self.url, selector=el.get("selector"), html=el.get("html"))


def collect(page: BrowserPage, url: str) -> KeyboardLog:
    """Tab through the page with real key presses and log where focus went (it moves focus, so
    it runs before the other collectors)."""
    prepared = page.run(script("keyboard_prepare"), MAX_CLICK_CANDIDATES) or {}
    log = KeyboardLog(url=url, tabbables=list(prepared.get("tabbables", [])),
                      unfocused={int(k): v for k, v in (prepared.get("unfocused") or {}).items()},
                      click_only=list(prepared.get("clickOnly", [])))
    log.presses = min(len(log.tabbables) + 3, MAX_TABS) if log.tabbables else 0
    page.press("tab", log.presses)
    collected = page.run(script("keyboard_collect")) or {}
    log.keys = list(collected.get("keys", []))
    log.focus = list(collected.get("focus", []))
    log.elements = list(collected.get("elements", []))
    log.active = int(collected.get("active", -1))
    for i in unchanged_look(log)[:MAX_FINDINGS_PER_RULE]:
        log.page_changed[i] = page_changes_on_focus(page, i)
    return log


def unchanged_look(log: KeyboardLog) -> list[int]:
    """Elements reached with Tab whose own computed style (and its pseudo-elements' and parent's)
    is the same focused and unfocused, in focus order (frames left out: focus moves into them)."""
    out: list[int] = []
    for move in log.focus:
        i = move["i"]
        if i in out or i not in log.unfocused or (i < len(log.elements) and log.elements[i].get("tag") == "iframe"):
            continue
        if move["look"] == log.unfocused[i]:
            out.append(i)
    return out


def page_changes_on_focus(page: BrowserPage, index: int) -> bool | None:
    """Whether the rendered viewport changes anywhere when a real Tab press moves focus onto the
    element (ACT oj04fd: the indicator may be another element's change); None when it could not be
    measured (Tab did not land on it)."""
    if not page.run(script("focus_page"), index, "start"):
        return None
    before = page.screenshot()
    page.press("tab", 1)
    after = page.screenshot()
    if not page.run(script("focus_page"), index, "done"):
        return None
    return before != after


def trapped_at(log: KeyboardLog) -> tuple[str, list[int]] | None:
    """("stuck", [element]) when Tab stopped moving focus, ("cycle", elements) when focus circles
    inside a group it cannot leave while other parts of the page were never reached."""
    if len(log.tabbables) < 2 or log.presses < 3:
        return None
    tail = log.keys[-3:]
    if len(tail) == 3 and tail[0] >= 0 and len(set(tail)) == 1 and log.active == tail[0]:
        return "stuck", [tail[0]]
    order = [f["i"] for f in log.focus]
    unreached = set(log.tabbables) - set(order)
    left_page = any(k < 0 for k in log.keys[1:])
    if unreached and not left_page and len(order) > len(set(order)):
        loop = list(dict.fromkeys(order[len(order) // 2:]))
        if not all(log.elements[i].get("modal") for i in loop if 0 <= i < len(log.elements)):
            return "cycle", loop
    return None


@rule(id="web-keyboard-trap", target="web", impact="critical", requirements=(WCAG("2.1.2"), ACT("80af7b")),
      reads="keyboard",
      messages={"no-trap": "Tab moved focus through the page's {focusable} focusable element(s) without getting "
                           "stuck.",
                "stuck": "Focus stays on this element when Tab is pressed, so the rest of the page cannot be "
                         "reached with the keyboard.",
                "cycle": "Focus circles among {count} element(s) and never reaches the rest of the page: "
                         "{first_elements}."})
def keyboard_trap(log: KeyboardLog) -> Iterator[Finding]:
    """Keyboard focus must not get trapped

    Pressing Tab from the start of the page should move through every control and eventually
    leave the page. A keyboard trap keeps focus on one element, or circles inside a group (a
    widget, an embedded player, a non-modal pop-up) so the rest of the page cannot be reached.

    **Why it matters**: A learner who uses the keyboard (motor impairment, screen reader, switch
    access) and gets trapped in a video player or a quiz widget cannot reach the rest of the
    lesson, the "Next" button or the submit button. They are stuck until they reload the page,
    and often cannot finish the activity at all.

    **How to fix**: Never cancel the Tab key (`preventDefault` on keydown) without moving
    focus onwards; let Tab and Shift+Tab leave custom widgets. Only modal dialogs may keep focus
    inside, and they must close with Escape and return focus to the control that opened them.
    """
    trap = trapped_at(log)
    if trap is None:
        if log.presses:
            yield keyboard_trap.finding(Outcome.PASS, "no-trap", Location(url=log.url), focusable=len(log.tabbables))
        return
    kind, where = trap
    if kind == "stuck":
        yield keyboard_trap.finding(Outcome.VIOLATION, "stuck", log.location(where[0]), kind=kind)
    else:
        selectors = [log.elements[i]["selector"] for i in where if 0 <= i < len(log.elements)]
        yield keyboard_trap.finding(Outcome.VIOLATION, "cycle", log.location(where[0]), kind=kind, loop=selectors,
                                    count=len(selectors), first_elements=", ".join(selectors[:5]))


@rule(id="web-click-not-keyboard", target="web", impact="serious", requirements=(WCAG("2.1.1"),),
      reads="keyboard",
      messages={"none": "No element acts on click without being reachable by keyboard.",
                "click-only": "This element looks clickable ({reason}) but cannot receive keyboard focus.",
                "click-only-labelled": "This element looks clickable ({reason}) (“{text}”) but cannot receive "
                                       "keyboard focus."})
def click_not_keyboard(log: KeyboardLog) -> Iterator[Finding]:
    """Elements that act on click must be reachable by keyboard

    Finds elements that respond to the mouse (a click handler, or a pointer cursor that marks them
    as clickable) but that keyboard users cannot focus: `<div onclick>`, `<span>` "buttons",
    `<a>` without `href`.

    **Why it matters**: A "Show answer", "Next slide" or "Start quiz" control built from a
    `<div>` works for a mouse user but simply does not exist for a learner using a keyboard, a
    switch or a screen reader. They miss the content behind it or cannot progress.

    **How to fix**: Use a real `<button>` (or `<a href>` for navigation): it is focusable and
    works with Enter and Space for free. If you must use another element, add `tabindex="0"`,
    a suitable `role` and key handlers for Enter and Space.
    """
    if not log.click_only:
        yield click_not_keyboard.finding(Outcome.PASS, "none", Location(url=log.url))
    for item in log.click_only[:MAX_FINDINGS_PER_RULE]:
        where = Location(url=log.url, selector=item["selector"], html=item["html"])
        if item.get("text"):
            yield click_not_keyboard.finding(Outcome.VIOLATION, "click-only-labelled", where, reason=item["why"],
                                             text=item["text"])
        else:
            yield click_not_keyboard.finding(Outcome.VIOLATION, "click-only", where, reason=item["why"])


@rule(id="web-focus-visible", target="web", impact="serious", requirements=(WCAG("2.4.7"), ACT("oj04fd")),
      reads="keyboard",
      messages={"unchanged": "Nothing about this element's appearance changes when it receives keyboard focus "
                             "(outline, border, shadow, background, colour and underline are identical), and "
                             "nothing else on the page changes either.",
                "all-visible": "All {checked} element(s) reached with Tab change their appearance when focused."})
def focus_visible(log: KeyboardLog) -> Iterator[Finding]:
    """Keyboard focus must be visible

    When a control receives keyboard focus its rendering must change: an outline, a ring, a
    border, a background or an underline, on the element or elsewhere (an indicator beside it). The
    rule compares each element's computed style (and its `::before`/`::after` and parent) with and
    without focus, reached with real Tab presses; where that style does not change, it compares the
    whole rendered page before and after a Tab press focuses the element, and fails it only when
    nothing on the page changed.

    **Why it matters**: Sighted keyboard users — including many learners with motor impairments
    and people who cannot use a mouse on a school laptop — need to see where they are. With
    `outline: none` and nothing instead, they tab "blind" through a quiz and cannot tell which
    answer they are about to select.

    **How to fix**: Do not remove the browser's focus outline (`outline: none`) unless you
    replace it with a clearly visible `:focus-visible` style, for example
    `:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }`.
    """
    seen: set[int] = set()
    count = checked = 0
    for move in log.focus:
        i = move["i"]
        if i in seen or i not in log.unfocused or count >= MAX_FINDINGS_PER_RULE:
            continue
        seen.add(i)
        element = log.elements[i] if i < len(log.elements) else {}
        if element.get("tag") == "iframe":
            continue                               # focus moves into the frame's own document
        checked += 1
        if move["look"] == log.unfocused[i] and log.page_changed.get(i) is not True:
            count += 1
            yield focus_visible.finding(Outcome.VIOLATION, "unchanged", log.location(i))
    if checked and not count:
        yield focus_visible.finding(Outcome.PASS, "all-visible", Location(url=log.url), checked=checked)


@rule(id="web-focus-order", target="web", impact="moderate", requirements=(WCAG("2.4.3"),),
      needs_review_only=True, reads="keyboard",
      messages={"in-order": "Focus moved down the page in reading order.",
                "positive-tabindex": "{positive_count} element(s) have a positive tabindex. " + CHECK_ORDER,
                "jumps": "Focus moves back up the page {jump_count} time(s). " + CHECK_ORDER,
                "positive-tabindex-and-jumps": "{positive_count} element(s) have a positive tabindex; focus moves "
                                               "back up the page {jump_count} time(s). " + CHECK_ORDER})
def focus_order(log: KeyboardLog) -> Iterator[Finding]:
    """Focus order should follow the visual reading order

    Tabbing should move through the page in the order a sighted reader reads it: left to right
    and top to bottom (for left-to-right languages). The rule flags positive `tabindex` values
    and Tab moves that jump back up the page, for a person to check.

    **Why it matters**: When focus jumps around, keyboard and screen-magnifier users lose their
    place: the focus lands on an answer option before its question, or on the footer before the
    lesson. They may answer or submit the wrong thing.

    **How to fix**: Make the source order match the visual order instead of rearranging content
    with CSS (`order`, absolute positioning, floats); remove positive `tabindex` values.
    """
    positive = [i for i in log.tabbables if log.elements[i].get("tabindex", 0) > 0]
    jumps = []
    moves = [m for m in log.focus if m["i"] >= 0]
    for prev, nxt in pairwise(moves):
        if nxt["i"] == moves[0]["i"]:
            break                                  # wrapped around to the start
        if nxt["y"] + nxt["h"] < prev["y"] - 40:
            jumps.append((prev["i"], nxt["i"]))
    if not positive and not jumps:
        if len(moves) >= 2:
            yield focus_order.finding(Outcome.PASS, "in-order", Location(url=log.url))
        return
    key = "positive-tabindex-and-jumps" if positive and jumps else "positive-tabindex" if positive else "jumps"
    first = positive[0] if positive else jumps[0][1]
    yield focus_order.finding(
        Outcome.NEEDS_REVIEW, key, log.location(first), positive_count=len(positive), jump_count=len(jumps),
        positive_tabindex=[log.elements[i]["selector"] for i in positive[:10]],
        jumps=[[log.elements[a]["selector"], log.elements[b]["selector"]] for a, b in jumps[:10]])
