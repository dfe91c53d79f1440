"""The `access` command: local audits (no server), keys, rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from access.cli import app
from access.config import get_settings
from access.store import Store

CLEAN_HTML = (b"<!DOCTYPE html><html lang=\"en\"><head><title>Fractions</title></head><body><main>"
              b"<h1>Fractions</h1><p>Half of two is one.</p></main></body></html>")


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("ACCESS_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.fixture
def lesson(tmp_path: Path, sample_html: bytes) -> Path:
    path = tmp_path / "lesson.html"
    path.write_bytes(sample_html)
    return path


def test_audit_prints_the_json_report_on_stdout(runner: CliRunner, lesson: Path) -> None:
    result = runner.invoke(app, ["audit", str(lesson)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["target_kind"] == "html" and report["summary"]["violations"] >= 2
    assert "violation(s)" in result.stderr


def test_fail_on_threshold_exits_2(runner: CliRunner, lesson: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", str(lesson), "--fail-on", "critical", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert json.loads(out.read_text())["findings"]
    clean = tmp_path / "clean.html"
    clean.write_bytes(CLEAN_HTML)
    assert runner.invoke(app, ["audit", str(clean), "--fail-on", "minor", "-o", str(out)]).exit_code == 0


def test_baseline_keeps_only_new_findings(runner: CliRunner, lesson: Path, tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    assert runner.invoke(app, ["audit", str(lesson), "-o", str(base)]).exit_code == 0
    result = runner.invoke(app, ["audit", str(lesson), "--baseline", str(base), "--fail-on", "minor"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"] == []


def test_unsupported_input_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    result = runner.invoke(app, ["audit", str(image)])
    assert result.exit_code == 1 and "unsupported_format" in result.stderr
    missing = runner.invoke(app, ["audit", str(tmp_path / "nope.html")])
    assert missing.exit_code == 1 and "No such file" in missing.stderr
    bad_format = runner.invoke(app, ["audit", str(image), "--format", "docx"])
    assert bad_format.exit_code == 1 and "Unknown report format" in bad_format.stderr


def test_convert_to_an_unknown_target_fails_clearly(runner: CliRunner, lesson: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["convert", str(lesson), "--to", "hologram", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "hologram" in result.stderr


def test_rules_markdown_lists_the_catalogue(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rules", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "| html-img-alt |" in result.stdout and "## html-img-alt" in result.stdout
    listed = json.loads(runner.invoke(app, ["rules", "--format", "json", "--target", "html"]).stdout)
    assert listed and all(r["target"] == "html" for r in listed)


def test_keys_create_prints_only_the_key(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}
    env["ACCESS_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run([sys.executable, "-m", "access.cli", "keys", "create", "--tenant", "school-7"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip()
    assert "\n" not in key and key.startswith("acc_")
    store = Store(f"sqlite:///{tmp_path / 'data' / 'access.sqlite'}")
    assert store.tenant_for_key(key) == "school-7", "the schema was created on first use"
    store.dispose()


def test_convert_writes_outputs_and_prints_the_gate(runner: CliRunner, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    lesson = tmp_path / "lesson.txt"
    lesson.write_text("Fractions\n\nHalf of two is one. A quarter of four is one.\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["convert", str(lesson), "--to", "html", "-o", "out"])
    assert result.exit_code == 0, result.output
    produced = list((tmp_path / "out").glob("*.html"))
    assert produced and "Half of two is one" in produced[0].read_text()
    assert "quality gate html: passed" in result.stderr


def test_several_targets_give_one_report_each_in_the_folder(runner: CliRunner, lesson: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean.html"
    clean.write_bytes(CLEAN_HTML)
    refused = runner.invoke(app, ["audit", str(lesson), str(clean)])
    assert refused.exit_code == 1 and "-o DIR" in refused.stderr
    out = tmp_path / "reports"
    result = runner.invoke(app, ["audit", str(lesson), str(clean), "-o", str(out), "--format", "sarif",
                                 "--fail-on", "critical"])
    assert result.exit_code == 2, result.output
    assert sorted(p.name for p in out.iterdir()) == ["clean.sarif", "lesson.sarif"]
    assert json.loads((out / "lesson.sarif").read_text())["runs"][0]["results"]
    assert "threshold exceeded for lesson:" in result.stderr and "html-img-alt" in result.stderr
    assert "  - html-img-alt (critical) " in result.stderr          # which findings, and where
    assert "threshold exceeded for clean" not in result.stderr
    # a target that fails is reported and the others are still audited: exit 1
    missing = runner.invoke(app, ["audit", str(tmp_path / "gone.html"), str(clean), "-o", str(out)])
    assert missing.exit_code == 1 and "gone: No such file" in missing.stderr and (out / "clean.json").is_file()


def test_a_config_error_names_the_line_and_the_key(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "access.yml"
    config.write_text("sites:\n  - name: course\n    url: https://lms.example.org/\n    viewports: [wide]\n"
                      "    login:\n      - fill: {selector: '#p', value: '${NO_SUCH_VARIABLE_X}'}\n")
    result = runner.invoke(app, ["audit", "--config", str(config)])
    assert result.exit_code == 1
    assert "access.yml, line 6, sites[0].login[0].fill.value: the environment variable NO_SUCH_VARIABLE_X" \
        in " ".join(result.stderr.split())
    config.write_text(config.read_text().replace("${NO_SUCH_VARIABLE_X}", "x"))
    result = runner.invoke(app, ["audit", "--config", str(config)])
    assert result.exit_code == 1 and "access.yml, line 4, sites[0].viewports:" in " ".join(result.stderr.split())
    assert runner.invoke(app, ["audit"]).exit_code == 1


def test_keys_secret_prints_a_fernet_key(runner: CliRunner) -> None:
    from cryptography.fernet import Fernet

    result = runner.invoke(app, ["keys", "secret"])
    assert result.exit_code == 0
    Fernet(result.stdout.strip().encode())
def test_keys_lifecycle_from_the_command_line(runner: CliRunner, tmp_path: Path) -> None:
    made = runner.invoke(app, ["keys", "create", "--tenant", "school-8", "--name", "LMS", "--scopes", "audit,read",
                               "--expires", "30d", "--show-secret"])
    assert made.exit_code == 0, made.output
    key, secret, legacy = made.stdout.strip().splitlines()
    assert key.startswith("acc_") and secret.startswith("webhook secret: whsec_")
    assert "deprecated" in legacy and "audit, read" in made.stderr and key[:12] in made.stderr
    listed = runner.invoke(app, ["keys", "list", "--json"])
    (row,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert row["prefix"] == key[:12] and row["scopes"] == ["audit", "read"] and row["status"] == "active"
    assert key not in listed.stdout

    rotated = runner.invoke(app, ["keys", "rotate", key[:12]])
    assert rotated.exit_code == 0, rotated.output
    new_key = rotated.stdout.strip()
    store = Store(f"sqlite:///{tmp_path / 'data' / 'access.sqlite'}")
    try:
        assert store.tenant_for_key(key) is None, "rotation without grace stops the old key at once"
        assert store.tenant_for_key(new_key) == "school-8"
        assert runner.invoke(app, ["keys", "revoke", new_key[:12]]).exit_code == 0
        assert store.tenant_for_key(new_key) is None
    finally:
        store.dispose()
    missing = runner.invoke(app, ["keys", "revoke", "acc_nothere"])
    assert missing.exit_code == 1 and "not_found" in missing.stderr
    bad = runner.invoke(app, ["keys", "create", "--tenant", "x", "--scopes", "root"])
    assert bad.exit_code == 1 and "Unknown scope" in bad.stderr


def test_keys_quota_sets_and_shows_a_tenants_limits(runner: CliRunner) -> None:
    result = runner.invoke(app, ["keys", "quota", "school-9", "--jobs-per-minute", "30", "--concurrent-jobs", "0"])
    assert result.exit_code == 0, result.output
    assert "jobs_per_minute" in result.stderr and "30" in result.stderr and "no limit" in result.stderr
    back = runner.invoke(app, ["keys", "quota", "school-9", "--jobs-per-minute", "default"])
    assert back.exit_code == 0 and "300" in back.stderr
    assert runner.invoke(app, ["keys", "quota", "school-9", "--bytes-per-day", "-5"]).exit_code != 0
# ----------------------------------------------------------------------------- first run and polish


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}
    return subprocess.run([sys.executable, "-m", "access.cli", *args], capture_output=True, text=True,
                          env={**clean, **env}, cwd=tmp_path, timeout=120)


def test_keys_say_which_database_they_use(tmp_path: Path) -> None:
    result = _run(["keys", "create", "--tenant", "school-8"], tmp_path, ACCESS_DATA_DIR=str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("acc_") and "\n" not in result.stdout.strip()
    assert f"database: sqlite:///{tmp_path / 'd' / 'access.sqlite'}" in result.stderr


def test_the_default_data_folder_does_not_depend_on_the_current_directory(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from access.config import Settings, default_data_dir

    here = default_data_dir()
    monkeypatch.chdir(tmp_path)
    assert default_data_dir() == here and here.is_absolute()
    assert Settings(_env_file=None).resolved_data_dir == here
    # an installed package (no checkout around it) uses the per-user data folder
    installed = tmp_path / "site-packages" / "access"
    installed.mkdir(parents=True)
    user = default_data_dir(installed)
    assert user.is_absolute() and user.name == "access" and tmp_path not in user.parents
    # a checkout keeps its data/ folder
    checkout = Path(__file__).resolve().parents[2]
    assert default_data_dir(checkout / "access") == checkout / "data"


def test_version(runner: CliRunner) -> None:
    from access import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"access {__version__}"


@pytest.mark.parametrize("command", [[], ["audit"], ["convert"], ["rules"], ["serve"], ["worker"]])
def test_help_shows_no_python_types_and_has_examples(command: list[str], tmp_path: Path) -> None:
    result = _run([*command, "--help"], tmp_path, COLUMNS="200")
    assert result.returncode == 0, result.stderr
    for python_type in ("<str>", "<int", "<float", "<bool>", "<path>", "<list[", "<file>", "<text>"):
        assert python_type not in result.stdout, (python_type, result.stdout)
    if command in ([], ["audit"], ["convert"], ["rules"]):
        assert "Examples:" in result.stdout and "access " in result.stdout.split("Examples:")[1]


def test_progress_is_plain_lines_when_stderr_is_not_a_terminal(lesson: Path, tmp_path: Path) -> None:
    result = _run(["audit", str(lesson), "-o", str(tmp_path / "r.json")], tmp_path,
                  ACCESS_DATA_DIR=str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    progress = [line for line in result.stderr.splitlines() if line[:4].strip().endswith("%")]
    assert progress and "\r" not in result.stderr and "\x1b[" not in result.stderr
    assert progress[-1].startswith("100%") or any(line.startswith("100%") for line in progress)
    assert len(progress) <= 2 * (100 // 10 + 1) * 4, progress     # one line per stage or step, no redraws


def test_line_progress_prints_once_per_step_or_stage() -> None:
    from rich.console import Console

    from access.cli import LineProgress

    console = Console(record=True, width=200)
    now = [0.0]
    update = LineProgress(console, clock=lambda: now[0])
    for pct in (0, 1, 2, 5, 9, 10, 11, 35, 36):
        update(pct, "reading")
    for done in range(1, 6):
        now[0] += 0.1
        update(40, f"audited {done} of 9 queued pages")
    now[0] += 1
    update(41, "audited 6 of 9 queued pages")
    update(100, "done")
    lines = console.export_text().splitlines()
    assert lines == ["  0% reading", " 10% reading", " 35% reading", " 40% audited 1 of 9 queued pages",
                     " 41% audited 6 of 9 queued pages", "100% done"]


def test_fail_on_says_which_findings_tripped_it(runner: CliRunner, lesson: Path) -> None:
    result = runner.invoke(app, ["audit", str(lesson), "--fail-on", "serious"])
    assert result.exit_code == 2
    assert "--fail-on serious:" in result.stderr
    report = json.loads(result.stdout)
    tripped = {f["rule"] for f in report["findings"]
               if f["outcome"] == "violation" and f["impact"] in ("critical", "serious")}
    assert tripped and all(f"  {rule} (" in result.stderr for rule in tripped)


def test_rules_table_shows_whole_ids(tmp_path: Path) -> None:
    from access.registry import get_registry

    result = _run(["rules", "--target", "pdf"], tmp_path, COLUMNS="60")
    assert result.returncode == 0, result.stderr
    ids = [r.id for r in get_registry().rules.values() if r.target == "pdf"]
    assert ids and all(rule_id in result.stdout for rule_id in ids)
    assert "…" not in result.stdout


def test_crawl_progress_counts_pages_done_of_pages_queued() -> None:
    from types import SimpleNamespace

    from access.auditing import LedgerCounts, progress_stage

    site = SimpleNamespace(unit_noun="page")
    assert progress_stage(site, LedgerCounts(done=3, total=12, over_limit=0)) == "audited 3 of 12 queued pages"
    assert progress_stage(site, LedgerCounts(done=3, total=12, over_limit=4)) == \
        "audited 3 of 12 queued pages (+4 over the limit)"
    assert progress_stage(site, LedgerCounts(done=0, total=1, over_limit=0)) == "auditing the page"
