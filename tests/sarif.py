"""SARIF checks shared by the tests: the official SARIF 2.1.0 JSON schema (tests/data/sarif/,
source in SOURCES there) and what GitHub code scanning needs beyond it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA = Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json"


@cache
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def check_sarif(data: bytes) -> dict[str, Any]:
    """The SARIF log, once it validates against the schema and meets GitHub code scanning's needs:
    a location on every result, a startLine in every region, driver access with its version,
    engines as extensions, unique rule ids, a fingerprint on every result."""
    log = json.loads(data)
    errors = sorted(validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert driver["name"] == "access" and driver["version"][0].isdigit()
        assert run["tool"].get("extensions"), "the engines are tool extensions"
        rule_ids = [r["id"] for r in driver["rules"]]
        assert len(rule_ids) == len(set(rule_ids))
        for rule in driver["rules"]:
            assert len(rule["properties"]["tags"]) <= 20 and len(rule["fullDescription"]["text"]) <= 1024
        for result in run["results"]:
            assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
            assert result["locations"], "GitHub needs a location"
            assert result["partialFingerprints"]
            assert result["kind"] == "fail" or result["level"] == "none"        # SARIF 2.1.0 §3.27.10
            for loc in result["locations"] + result.get("relatedLocations", []):
                physical = loc["physicalLocation"]
                assert physical["artifactLocation"]["uri"]
                assert " " not in physical["artifactLocation"]["uri"]
                if "region" in physical:
                    assert physical["region"]["startLine"] >= 1, "no region without a startLine"
    return log
