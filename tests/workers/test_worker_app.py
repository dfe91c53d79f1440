"""The Celery app as the workers run it: task names, queues, delivery guarantees, routing."""

from __future__ import annotations

import importlib
from pathlib import Path

from access.config import Settings
from access.queue import QUEUES, RUN_JOB_TASK, RUN_UNITS_TASK, WEBHOOK_TASK, broker_transport_options, make_celery


def test_worker_app_registers_the_thin_tasks() -> None:
    module = importlib.import_module("workers.celery_app")
    tasks = importlib.import_module("workers.tasks")
    names = set(module.app.tasks)
    assert {RUN_JOB_TASK, RUN_UNITS_TASK, WEBHOOK_TASK, *tasks.OLD_JOB_TASKS} <= names, "first-wave names still run"
    assert module.app.tasks[RUN_JOB_TASK].max_retries == module.app.tasks[RUN_UNITS_TASK].max_retries == 3
    assert module.app.tasks["access.audit"].max_retries == 3


def test_delivery_guarantees_and_queues(tmp_path: Path) -> None:
    app = make_celery(Settings(_env_file=None, data_dir=tmp_path, task_time_limit=120, task_soft_time_limit=100))
    conf = app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost and conf.task_ignore_result
    assert conf.worker_prefetch_multiplier == 1
    assert (conf.task_time_limit, conf.task_soft_time_limit) == (120, 100)
    assert {q.name for q in conf.task_queues} == set(QUEUES) == {"default", "browser", "documents", "media"}
    assert app.conf.broker_url.startswith("sqla+sqlite:///") and str(tmp_path) in app.conf.broker_url


def test_embedded_polling_interval_is_set_on_the_transport_class(tmp_path: Path) -> None:
    from kombu.transport import sqlalchemy as sqla

    app = make_celery(Settings(_env_file=None, data_dir=tmp_path, broker_polling_interval=0.07))
    assert sqla.Transport.polling_interval == 0.07
    assert "polling_interval" not in (app.conf.broker_transport_options or {}), "kombu 5.7 would crash"


def test_redis_transport_options_follow_settings() -> None:
    options = broker_transport_options(Settings(_env_file=None, broker_url="redis://127.0.0.1:6379/0",
                                                broker_visibility_timeout=30, broker_key_prefix="t1:"))
    assert options["visibility_timeout"] == 30 and options["global_keyprefix"] == "t1:"
    assert options["unacked_restore_interval"] <= 10
