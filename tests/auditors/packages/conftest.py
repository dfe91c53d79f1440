"""Packages built once per session (tests/courses.py, rules/epub/build.py) and the browser settings
the package audits share with the web auditor's tests (one browser pool)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from access.config import Settings
from access.context import Context
from auditors.web.browser import close_all_pools
from rules.epub.build import build_epub, epub_bytes
from tests.courses import common_cartridge, moodle_backup, scorm_2004

BAD_EPUB = {
    "meta": {"schema:accessMode": None, "schema:accessibilityFeature": ["alternativeText", "tableHeaders"]},
    "docs": [
        {"name": "ch1.xhtml", "title": "Leaves",
         "body": "<h1>Leaves</h1><img src='leaf.png'/><p style='color:#bbb'>Faint text.</p>"
                 "<span id='p1' epub:type='pagebreak' role='doc-pagebreak' aria-label='1'/>"},
        {"name": "ch2.xhtml", "title": "Roots", "lang": None, "body": "<h1>Roots</h1><p>Roots take up water.</p>"},
    ],
    "manifest": [{"id": "leaf", "href": "leaf.png"}],
}


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("packages")
    (root / "clean.epub").write_bytes(epub_bytes(build_epub()))
    (root / "barriers.epub").write_bytes(epub_bytes(build_epub(BAD_EPUB)))
    return {"clean.epub": root / "clean.epub", "barriers.epub": root / "barriers.epub",
            "course.zip": scorm_2004(root / "course.zip"), "course.imscc": common_cartridge(root / "course.imscc"),
            "backup.mbz": moodle_backup(root / "backup.mbz")}


@pytest.fixture(scope="session")
def package_settings() -> Iterator[Settings]:
    yield Settings(_env_file=None, page_timeout=10.0, allow_private_networks=[])
    close_all_pools()


@pytest.fixture()
def ctx(package_settings: Settings) -> Context:
    return Context(settings=package_settings)
