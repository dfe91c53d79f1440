"""docker-compose.yml validates; the set-up scripts are in place and well formed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")      # Debian's docker-compose (scripts/apt-packages.txt)
    return [legacy] if legacy else None


def test_docker_compose_config_is_valid() -> None:
    if shutil.which("docker") is None:
        pytest.skip("no docker client on this machine")
    command = compose_command()
    assert command, "docker is present but neither `docker compose` nor docker-compose is installed"
    result = subprocess.run([*command, "-f", str(REPO / "docker-compose.yml"), "config"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    config = result.stdout
    for service in ("api:", "worker:", "redis:", "postgres:"):
        assert service in config
    assert config.count("healthcheck:") >= 4 and "volumes:" in config


def test_setup_scripts_parse() -> None:
    for script in ("scripts/bootstrap.sh", "scripts/pythons.sh", "scripts/check-pythons.sh", ".ci/run"):
        assert subprocess.run(["bash", "-n", str(REPO / script)]).returncode == 0, script
    makefile = (REPO / "Makefile").read_text()
    assert "\nrun: bootstrap" in makefile and "\ntest: bootstrap" in makefile
    assert "make test" in (REPO / ".ci/run").read_text()
    assert "scripts/check-pythons.sh" in (REPO / ".ci/run").read_text()


def _choose(tmp_path: Path, **env: str) -> str:
    """The interpreter scripts/pythons.sh picks first, as the bootstrap does."""
    script = ('. scripts/pythons.sh; for c in $(python_candidates); do '
              'if v=$(python_version "$c"); then echo "$c $v"; exit 0; fi; done; exit 1')
    done = subprocess.run(["bash", "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={"PATH": f"{tmp_path}:/usr/bin:/bin", "HOME": str(tmp_path), **env})
    return done.stdout.strip() if done.returncode == 0 else ""


def test_bootstrap_takes_the_newest_python_that_runs(tmp_path: Path) -> None:
    real = shutil.which("python3.11", path="/usr/bin:/bin")
    if real is None:
        pytest.skip("no /usr/bin/python3.11 on this machine")
    (tmp_path / "python3.13").write_text("#!/bin/sh\necho 'pyenv: python3.13: command not found' >&2\nexit 127\n")
    (tmp_path / "python3.12").write_text("#!/bin/sh\necho 3.10\n")          # runs, but is not a supported version
    for fake in ("python3.13", "python3.12"):
        (tmp_path / fake).chmod(0o755)
    assert _choose(tmp_path) == "python3.11 3.11"
    assert _choose(tmp_path, PYTHON=real) == f"{real} 3.11"
    (tmp_path / "python3.12").write_text(f"#!/bin/sh\nexec {real} \"$@\"\n")   # a working 3.12 would win
    assert _choose(tmp_path).startswith("python3.12 ")
