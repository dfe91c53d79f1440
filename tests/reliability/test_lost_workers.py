"""Issue 14, "jobs lost, stuck or wrongly failed": a worker SIGKILLed mid-job loses no job with
the default settings on Redis, RabbitMQ and the embedded broker; a job whose worker keeps dying
fails with ``resource_limit`` after ``job_max_attempts`` starts and is never picked up again; a
long job that is still alive is never run twice (its lease is renewed, a duplicate delivery is
dropped)."""

from __future__ import annotations

import pytest

from access.queue import RUN_JOB_TASK, make_celery, send_job
from tests.reliability.conftest import html_job, wait_until

JOBS = 6


def _deployment(kind: str, deployment_factory, pg_database_factory, redis_prefix, rabbitmq_vhost, **settings):
    if kind == "redis":
        return deployment_factory(database_url=pg_database_factory(), broker_url="redis://127.0.0.1:6379/0",
                                  broker_key_prefix=f"{redis_prefix}lost-{id(settings)}:", **settings)
    if kind == "rabbitmq":
        return deployment_factory(database_url=pg_database_factory(), broker_url=rabbitmq_vhost(), **settings)
    return deployment_factory(**settings)      # embedded: SQLite store, SQLite broker


@pytest.mark.postgres
@pytest.mark.timeout(240)
@pytest.mark.parametrize("broker", [pytest.param("redis", marks=pytest.mark.redis),
                                    pytest.param("rabbitmq", marks=pytest.mark.rabbitmq), "embedded"])
def test_sigkilled_worker_loses_no_job_with_defaults(broker, deployment_factory, pg_database_factory, redis_prefix,
                                                     rabbitmq_vhost, sample_html: bytes) -> None:
    """Default lease, sweep and visibility settings: the jobs a SIGKILLed worker was running, and
    those still waiting, all succeed once a new worker runs, long before any broker timeout."""
    dep = _deployment(broker, deployment_factory, pg_database_factory, redis_prefix, rabbitmq_vhost,
                      progress_interval=0.2)
    store = dep.store()
    celery = make_celery(dep.settings())
    doomed = dep.start_worker(concurrency=2, debug_task_delay=120)
    ids = [html_job(dep, store, sample_html) for _ in range(JOBS)]
    for job_id in ids:
        send_job(celery, RUN_JOB_TASK, job_id, "documents", task_id=job_id)
    running = wait_until(lambda: [j for j in ids if store.status_of(j) == "running"] if
                         sum(store.status_of(j) == "running" for j in ids) >= 2 else None, 60, "two running jobs")
    dep.kill(doomed)
    dep.start_worker(concurrency=2)
    wait_until(lambda: all(store.status_of(j) in ("succeeded", "failed", "cancelled") for j in ids), 120,
               "every job to end")
    for job_id in ids:
        job = store.get_job(job_id)
        assert job.status == "succeeded", (job_id, job.error_code, job.error_message)
        assert job.lease_owner is None and job.lease_until is None
    assert all(store.get_job(j).attempts == 2 for j in running), "the lost ones ran twice, no more"
    store.dispose()
    dep.stop()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(240)
def test_job_whose_worker_keeps_dying_fails_with_resource_limit(deployment_factory, pg_database_factory,
                                                                redis_prefix, sample_html: bytes) -> None:
    """A poison job (its worker dies each time it runs it) is started ``job_max_attempts`` times,
    then fails with ``resource_limit``; a later delivery of its task does not run it again."""
    dep = deployment_factory(database_url=pg_database_factory(), broker_url="redis://127.0.0.1:6379/0",
                             broker_key_prefix=f"{redis_prefix}poison:", job_max_attempts=2, progress_interval=0.2)
    store = dep.store()
    celery = make_celery(dep.settings())
    job_id = html_job(dep, store, sample_html)
    send_job(celery, RUN_JOB_TASK, job_id, "documents", task_id=job_id)
    for attempt in (1, 2):
        worker = dep.start_worker(concurrency=1, debug_task_delay=120)
        wait_until(lambda a=attempt: (j := store.get_job(job_id)).status == "running" and j.attempts == a, 60,
                   f"start number {attempt}")
        dep.kill(worker)
    dep.start_worker(concurrency=1)
    job = wait_until(lambda: (j := store.get_job(job_id)).status == "failed" and j, 60, "the job to be given up")
    assert (job.error_code, job.attempts) == ("resource_limit", 2), job.error_message
    assert "lost 2 times" in (job.error_message or "")
    send_job(celery, RUN_JOB_TASK, job_id, "documents")        # delivered once more: never run again
    wait_until(lambda: "nothing to do" in "".join(dep.log(p) for p in dep.procs), 30, "the task to be dropped")
    job = store.get_job(job_id)
    assert (job.status, job.attempts) == ("failed", 2)
    store.dispose()
    dep.stop()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(180)
def test_live_long_job_is_never_run_twice(deployment_factory, pg_database_factory, redis_prefix,
                                          sample_html: bytes) -> None:
    """A job running for several times its lease keeps it (renewed by its worker): the sweeps,
    every half second, leave it alone, and a second delivery of its task, taken by the worker's
    other pool process while the job runs, is dropped."""
    dep = deployment_factory(database_url=pg_database_factory(), broker_url="redis://127.0.0.1:6379/0",
                             broker_key_prefix=f"{redis_prefix}alive:", job_lease_seconds=2,
                             lease_sweep_interval=0.5, progress_interval=0.2)
    store = dep.store()
    celery = make_celery(dep.settings())
    worker = dep.start_worker(concurrency=2, debug_task_delay=12)
    job_id = html_job(dep, store, sample_html)
    send_job(celery, RUN_JOB_TASK, job_id, "documents", task_id=job_id)
    wait_until(lambda: store.status_of(job_id) == "running", 60, "the job to run")
    send_job(celery, RUN_JOB_TASK, job_id, "documents")        # a duplicate delivery while it runs
    wait_until(lambda: "running elsewhere" in dep.log(worker), 30, "the duplicate to be dropped")
    assert store.status_of(job_id) == "running"
    job = wait_until(lambda: (j := store.get_job(job_id)).status != "running" and j, 90, "the job to end")
    assert (job.status, job.attempts) == ("succeeded", 1), (job.error_code, job.error_message)
    assert "lost with its worker" not in dep.log(worker)
    store.dispose()
    dep.stop()
