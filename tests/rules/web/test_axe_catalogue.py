"""The axe-core catalogue: generated from the pinned axe-core, one entry per axe rule, our guidance."""

from __future__ import annotations

import json
from pathlib import Path

from access.models import WCAG_CRITERIA
from rules.axe import axe_metadata, axe_rule, axe_rules, catalogue_axe_version, guidance
from rules.axe.build_catalogue import build, sc_from_tag

ROOT = Path(__file__).resolve().parents[3]


def test_catalogue_matches_the_installed_axe_core() -> None:
    """Regenerate with `python -m rules.axe.build_catalogue` after changing package.json."""
    installed = json.loads((ROOT / "node_modules" / "axe-core" / "package.json").read_text())["version"]
    assert catalogue_axe_version() == installed
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/axe-core"]["version"] == installed
    assert build(ROOT / "node_modules" / "axe-core") == axe_metadata()


def test_every_axe_rule_has_an_entry_with_our_guidance() -> None:
    rules = axe_rules()
    assert len(rules) == len(axe_metadata()["rules"]) >= 100
    fixes = guidance()["fix_by_rule"]
    categories = guidance()["why_by_category"]
    for meta in axe_metadata()["rules"]:
        entry = rules[meta["id"]]
        assert entry.id == f"axe-{meta['id']}" and entry.validate() == []
        assert f"axe:{meta['id']}" in entry.standard_refs
        assert all(f"act:{a}" in entry.standard_refs for a in meta["act_ids"])
        assert all(sc in WCAG_CRITERIA for sc in entry.wcag)
        assert meta["id"] in fixes and meta["category"] in categories
        assert entry.help == " ".join(fixes[meta["id"]].split())
    assert set(fixes) <= set(rules), "guidance for rules axe does not have"


def test_wcag_criteria_come_from_axe_tags() -> None:
    assert sc_from_tag("wcag1410") == "1.4.10" and sc_from_tag("wcag111") == "1.1.1"
    assert sc_from_tag("wcag21aa") is None and sc_from_tag("wcag2a") is None
    assert axe_rules()["target-size"].wcag == ("2.5.8",)
    assert axe_rules()["color-contrast"].wcag == ("1.4.3",)


def test_unknown_axe_ids_still_get_a_usable_entry() -> None:
    entry = axe_rule("rule-from-a-newer-axe")
    assert entry.id == "axe-rule-from-a-newer-axe" and entry.validate() == []


def test_the_rules_axe_runs_follow_the_standard_and_best_practice_on_request() -> None:
    from access.models import Standard
    from auditors.web.axe_run import rules_run

    aa, aaa, bp = (set(rules_run(Standard.WCAG22AA)), set(rules_run(Standard.WCAG22AAA)),
                   set(rules_run(Standard.WCAG22AA, best_practice=True)))
    assert {"color-contrast", "target-size"} <= aa           # target-size: off in axe by default, WCAG 2.2 AA
    assert not aa & {"color-contrast-enhanced", "presentation-role-conflict", "css-orientation-lock"}
    assert "target-size" not in rules_run(Standard.WCAG21AA)
    assert {"color-contrast-enhanced", "meta-refresh-no-exceptions"} <= aaa            # off in axe by default
    assert {"presentation-role-conflict", "css-orientation-lock"} <= bp               # ACT 46ca7f, b33eff
    assert aa < aaa and aa < bp


def test_our_act_mapping_adds_what_axe_metadata_lacks() -> None:
    from rules.axe import axe_rule

    assert axe_rule("summary-name").refs("act") == ("2t702h",)
    assert axe_rule("image-alt").refs("act") == ("23a2a8",)
