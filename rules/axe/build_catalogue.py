"""Regenerate ``axe_rules.json`` from the pinned axe-core (run after changing package.json):

    .venv/bin/python -m rules.axe.build_catalogue

Reads the rule metadata of ``node_modules/axe-core`` through Node (``axe.getRules()`` plus each
rule's impact) at build time only; the service reads the JSON file and never runs Node.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "axe_rules.json"
SC_TAG = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")

NODE_SCRIPT = """
const axe = require(process.argv[1]);
const impact = Object.fromEntries(axe._audit.rules.map(r => [r.id, r.impact]));
const enabled = Object.fromEntries(axe._audit.rules.map(r => [r.id, r.enabled !== false]));
const rules = axe.getRules().map(r => ({id: r.ruleId, help: r.help, description: r.description,
  helpUrl: r.helpUrl, tags: r.tags, actIds: r.actIds || [], impact: impact[r.ruleId] || null,
  enabled: enabled[r.ruleId]}));
process.stdout.write(JSON.stringify({version: axe.version, rules}));
"""


def sc_from_tag(tag: str) -> str | None:
    """``wcag1410`` → ``1.4.10``; level tags such as ``wcag21aa`` → None."""
    match = SC_TAG.match(tag)
    return ".".join(match.groups()) if match else None


def build(axe_dir: Path) -> dict:
    out = subprocess.run(["node", "-e", NODE_SCRIPT, str(axe_dir)], check=True, capture_output=True,
                         text=True).stdout
    raw = json.loads(out)
    rules = []
    for r in sorted(raw["rules"], key=lambda r: r["id"]):
        rules.append({
            "id": r["id"], "help": r["help"], "description": r["description"],
            "impact": r["impact"] or "moderate",
            "wcag": [sc for sc in (sc_from_tag(t) for t in r["tags"]) if sc],
            "act_ids": r["actIds"], "tags": r["tags"], "enabled": r["enabled"],
            "category": next((t[4:] for t in r["tags"] if t.startswith("cat.")), "other"),
            "help_url": r["helpUrl"].split("?")[0],
        })
    return {"axe_version": raw["version"], "rules": rules}


def main() -> None:
    root = HERE.parent.parent
    data = build(root / "node_modules" / "axe-core")
    DATA.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(data['rules'])} rules of axe-core {data['axe_version']} to {DATA}")


if __name__ == "__main__":
    main()
