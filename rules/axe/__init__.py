"""The axe-core rules, as catalogue entries with our guidance.

Catalogue ids are ``axe-<axe rule id>``; findings also carry ``axe:<id>`` in ``standard_refs``.
``axe_rules.json`` is generated from the pinned axe-core (``python -m rules.axe.build_catalogue``);
``guidance.yml`` holds our words. Every axe rule id gets one :func:`access.catalogue.documented`
entry, so every axe finding has one documented home with WCAG criteria, ACT ids and help.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from access.catalogue import Rule, documented
from access.requirements import ACT, CRITERIA, WCAG, Axe
from access.ruleset import RuleSet

DATA_FILE = Path(__file__).with_name("axe_rules.json")
GUIDANCE_FILE = Path(__file__).with_name("guidance.yml")


@cache
def axe_metadata() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@cache
def guidance() -> dict[str, dict[str, str]]:
    """Our words: ``why_by_category`` and ``fix_by_rule``; ``act_ids_by_rule``: ACT rules an axe rule
    implements that axe's metadata does not name."""
    return yaml.safe_load(GUIDANCE_FILE.read_text(encoding="utf-8"))


def catalogue_axe_version() -> str:
    """The axe-core version the catalogue was generated from."""
    return str(axe_metadata()["axe_version"])


def catalogue_id(axe_id: str) -> str:
    """Our rule id for an axe rule: ``axe-`` + the axe id (``image-alt`` → ``axe-image-alt``), so axe
    ids never collide with our own rules (``html-lang-valid`` is both an axe id and an html rule)."""
    return f"axe-{axe_id}"


def _doc(meta: dict[str, Any]) -> str:
    why_by_category, fix_by_rule = guidance()["why_by_category"], guidance()["fix_by_rule"]
    why = why_by_category.get(meta["category"], why_by_category["other"])
    fix = fix_by_rule.get(meta["id"], meta["description"] + ".")
    kind = "best practice (not a WCAG requirement)" if not meta["wcag"] else "WCAG " + ", ".join(meta["wcag"])
    return (f"{meta['help']}\n\n{meta['description']} (axe-core rule, {kind}; axe's documentation: "
            f"{meta['help_url']}).\n\n**Why it matters**: {why}\n\n**How to fix**: {fix}")


def _entry(meta: dict[str, Any]) -> Rule:
    return documented(
        id=catalogue_id(meta["id"]), target="axe", impact=meta["impact"],
        requirements=(*(WCAG(sc) for sc in meta["wcag"] if sc in CRITERIA), Axe(meta["id"]),
                      *(ACT(a) for a in dict.fromkeys([*meta["act_ids"],
                                                       *guidance().get("act_ids_by_rule", {}).get(meta["id"], [])]))),
        doc=_doc(meta), tags=tuple(meta["tags"]),
        notes={"axe_help_url": meta["help_url"], "category": meta["category"]})


@cache
def axe_rules() -> dict[str, Rule]:
    """Catalogue entry by axe rule id."""
    return {meta["id"]: _entry(meta) for meta in axe_metadata()["rules"]}


def axe_rule(rule_id: str) -> Rule:
    """The entry for an axe rule id; an id the catalogue does not know (a newer axe) still gets a
    usable entry rather than a crash."""
    known = axe_rules().get(rule_id)
    if known is not None:
        return known
    return documented(id=catalogue_id(rule_id), target="axe", impact="moderate", requirements=(Axe(rule_id),),
                      doc=f"axe-core rule {rule_id}\n\n**Why it matters**: {guidance()['why_by_category']['other']}\n\n"
                          f"**How to fix**: See the axe-core documentation for {rule_id}.")


RULES = RuleSet(target="axe", package=__name__, description="Web pages (axe-core rules, with our guidance)",
                generated=lambda: list(axe_rules().values()))
