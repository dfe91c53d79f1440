"""The Celery app the workers run: ``celery -A workers.celery_app worker`` (``access worker`` does it)."""

from __future__ import annotations

import importlib

from access.config import get_settings
from access.queue import make_celery

app = make_celery(get_settings())
TASK_MODULES = ["workers.tasks"]
for _name in TASK_MODULES:
    importlib.import_module(_name)
