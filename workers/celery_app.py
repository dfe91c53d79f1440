"""The Celery app the workers run: ``celery -A workers.celery_app worker`` (``access worker`` does it).

It loads the tasks of ``workers/tasks.py`` and of every ``workers/*_tasks.py`` module other
capabilities add (e.g. ``web_tasks.py`` for a web-audit fan-out).
"""

from __future__ import annotations

import importlib
import pkgutil

import workers
from access.config import get_settings
from access.queue import make_celery

app = make_celery(get_settings())


def _load_task_modules() -> list[str]:
    names = ["workers.tasks"]
    names += sorted(f"workers.{m.name}" for m in pkgutil.iter_modules(workers.__path__)
                    if m.name.endswith("_tasks"))
    for name in names:
        importlib.import_module(name)
    return names


TASK_MODULES = _load_task_modules()
