"""`access audit --config access.yml` on the course site behind its sign-in, as a user runs it: the
password comes from the environment, the report and the screenshots go to the -o folder, the
threshold trips (exit 2, naming the site and the rules), and the password is in no byte written
or printed, whatever the report format."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from access import services
from access.models import Report
from tests.course_site import USER, CourseSite, files_holding

pytestmark = pytest.mark.browser


def test_config_file_audit_from_the_command_line(tmp_path: Path) -> None:
    course = CourseSite(expire_after=4).start()
    config = tmp_path / "access.yml"
    config.write_text(course.config())
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCESS_")}
    env.update(LMS_USER=USER, LMS_PASSWORD=course.password, ACCESS_DATA_DIR=str(tmp_path / "data"))
    try:
        done = subprocess.run([sys.executable, "-m", "access.cli", "audit", "--config", str(config), "-o",
                               str(tmp_path / "out"), "--axe-only"], env=env, capture_output=True, timeout=300,
                              check=False, cwd=tmp_path)
    finally:
        course.stop()
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr[-3000:]
    assert "threshold exceeded for course:" in stderr and "axe-image-alt" in stderr
    assert "course: 0% signing in" in stderr and "course: 100% done" in stderr     # progress lines in a log
    report = Report.model_validate_json((tmp_path / "out" / "course.json").read_text())
    assert len(report.parts) == 9 and all(p.status == "audited" for p in report.parts)
    assert (course.sign_ins, course.logouts) == (2, 0)
    shots = {f.screenshot for f in report.findings if f.screenshot}
    assert shots and all((tmp_path / "out" / name).is_file() for name in shots)
    # the secret: not in what was printed, not in any file (reports, screenshots, data dir), in no format
    assert course.password.encode() not in done.stdout + done.stderr
    assert files_holding(course.password, tmp_path) == []
    for fmt in services.report_formats():
        body, _ = services.render_report(report, fmt)
        assert course.password.encode() not in body, fmt
