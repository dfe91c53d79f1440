"""The Jinja2 environment of the web app: autoescaped templates under ``webapp/templates``, and the
few filters pages share (sizes, durations, dates)."""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from access.storage import human_size

TEMPLATES_DIR = Path(str(resources.files("webapp").joinpath("templates")))
STATIC_DIR = Path(str(resources.files("webapp").joinpath("static")))
STATIC_URL = "/static/app"


def duration(seconds: Any) -> str:
    """``75.4`` → ``1 min 15 s``; ``3725`` → ``1 h 2 min``."""
    if not isinstance(seconds, int | float):
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def clock(seconds: Any) -> str:
    """``75.4`` → ``1:15`` (a chapter's start, as a player shows it)."""
    total = round(seconds) if isinstance(seconds, int | float) else 0
    minutes, secs = divmod(total, 60)
    return f"{minutes}:{secs:02d}"


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else ""


def make_templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(size=lambda n: human_size(int(n or 0)), duration=duration, clock=clock, when=when)
    env.globals["static"] = lambda name: f"{STATIC_URL}/{name}"
    return Jinja2Templates(env=env)


templates = make_templates()
