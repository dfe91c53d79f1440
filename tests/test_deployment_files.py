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
    for script in ("scripts/bootstrap.sh", ".ci/run"):
        assert subprocess.run(["bash", "-n", str(REPO / script)]).returncode == 0, script
    makefile = (REPO / "Makefile").read_text()
    assert "\nrun: bootstrap" in makefile and "\ntest: bootstrap" in makefile
    assert "make test" in (REPO / ".ci/run").read_text()
