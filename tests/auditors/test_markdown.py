"""`access audit lesson.md`: the page the Markdown renders to, audited by the static HTML rules, each
finding at the author's Markdown line (Location.line and the SARIF region)."""

from __future__ import annotations

import json

import pytest

from access import services
from access.config import Settings
from access.markdown import render_markdown
from access.models import AuditOptions, Outcome

LESSON = """---
title: Photosynthesis
lang: en
---

# Photosynthesis

Plants make food from light.
A second line of the same paragraph, with a [click here](more.html) link.

::: note
A note in a fenced div: <img src="leaf.png">
:::

## Steps
#### Too deep

![Leaf](leaf.png){width=40}

```python
print("code")
```
"""


@pytest.fixture()
def lesson(tmp_path):
    path = tmp_path / "lesson.md"
    path.write_text(LESSON, encoding="utf-8")
    return path


def audit(path, settings=None):
    settings = settings or Settings(_env_file=None)
    source = services.source_file(path, path.name, settings)
    assert source.format == "markdown"
    return services.audit_file(source, AuditOptions(), services.make_context(settings))


def flagged(report):
    return {(f.rule, f.location.line) for f in report.findings if f.outcome in (Outcome.VIOLATION,
                                                                                  Outcome.NEEDS_REVIEW)}


def test_findings_point_at_markdown_lines(lesson) -> None:
    report = audit(lesson)
    assert report.target_kind == "markdown"
    assert flagged(report) == {("html-link-text-generic", 9), ("html-img-alt", 12), ("html-heading-order", 16)}
    assert all(f.location.url == "lesson.md" for f in report.findings)


def test_front_matter_gives_the_page_its_title_and_language(lesson, tmp_path) -> None:
    rendered = render_markdown(LESSON)
    assert '<html lang="en">' in rendered.html and "<title>Photosynthesis</title>" in rendered.html
    assert "data-md-line" not in rendered.html
    assert rendered.front_matter == {"title": "Photosynthesis", "lang": "en"}
    bare = tmp_path / "bare.md"
    bare.write_text("Some text without a heading.\n\nMore.\n", encoding="utf-8")
    report = audit(bare)
    assert {("html-lang", 1), ("html-title", 1)} <= flagged(report)     # fix: add lang/title at the top


def test_missing_language_points_at_the_front_matter_line(tmp_path) -> None:
    path = tmp_path / "lang.md"
    path.write_text("---\ntitle: Cells\nlang: not a language!\n---\n\n# Cells\n", encoding="utf-8")
    report = audit(path)
    assert ("html-lang-valid", 3) in flagged(report)


def test_sarif_regions_land_on_the_authors_lines(lesson) -> None:
    report = audit(lesson)
    body, _ = services.render_report(report, "sarif")
    sarif = json.loads(body)
    lines = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
             for r in sarif["runs"][0]["results"]}
    assert lines == {("html-link-text-generic", 9), ("html-img-alt", 12), ("html-heading-order", 16)}
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]} \
        == {"lesson.md"}


def test_line_map_follows_paragraphs_lists_and_code() -> None:
    rendered = render_markdown("# T\n\n- one\n- two\n  continued\n\n```\na\nb\n```\n")
    html_lines = rendered.html.split("\n")
    def line_of(text: str) -> int | None:
        return rendered.source_line(next(i for i, h in enumerate(html_lines, 1) if text in h))
    assert line_of("<h1") == 1 and line_of("one") == 3 and line_of("two") == 4 and line_of("continued") == 5
    assert line_of("<pre><code>a") == 8
    assert rendered.source_line(html_lines.index("b") + 1) == 9
