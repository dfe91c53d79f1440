"""The job store on SQLite and on PostgreSQL (a fresh database per module)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from access.models import JobKind, JobStatus
from access.store import Store, current_revision, hash_key, head_revision, upgrade_schema


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          pg_database_factory) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'jobs.sqlite'}"
    else:
        url = pg_database_factory()
    s = Store(url)
    s.ensure_schema()
    yield s
    s.dispose()


def new_job(store: Store, tenant: str = "t1", **kwargs) -> str:
    job, created = store.create_job(tenant=tenant, kind=JobKind.AUDIT, input={"url": "https://example.org"},
                                    options={"max_pages": 1}, **kwargs)
    assert created
    return job.id


def test_schema_is_at_head_with_all_tables(store: Store) -> None:
    assert current_revision(store.engine) == head_revision()
    assert {"jobs", "artifacts", "api_keys", "tenants"} <= set(inspect(store.engine).get_table_names())
    assert upgrade_schema(store.engine) is False          # nothing left to do


def test_job_round_trip_keeps_json_and_aware_timestamps(store: Store) -> None:
    job_id = new_job(store, callback_url="https://example.org/hook")
    job = store.get_job(job_id)
    assert job is not None
    assert job.status == "queued" and job.progress == 0 and job.attempts == 0
    assert job.input == {"url": "https://example.org"} and job.options == {"max_pages": 1}
    assert job.created_at.tzinfo is not None
    assert job.callback_url == "https://example.org/hook"


def test_lifecycle_running_progress_succeeded(store: Store) -> None:
    job_id = new_job(store)
    assert store.mark_running(job_id)
    store.set_progress(job_id, 42.7, "auditing page 2")
    job = store.get_job(job_id)
    assert (job.status, job.progress, job.stage, job.attempts) == ("running", 42, "auditing page 2", 1)
    assert store.finish(job_id, JobStatus.SUCCEEDED, result={"summary": {"violations": 3}})
    job = store.get_job(job_id)
    assert job.status == "succeeded" and job.progress == 100 and job.result["summary"]["violations"] == 3
    assert job.finished_at >= job.started_at
    assert not store.mark_running(job_id), "a finished job never runs again"
    assert not store.finish(job_id, JobStatus.FAILED, error_code="x"), "nor changes its end"


def test_redelivered_job_counts_attempts(store: Store) -> None:
    job_id = new_job(store)
    assert store.mark_running(job_id)
    assert store.mark_running(job_id)
    assert store.get_job(job_id).attempts == 2


def test_cancelled_job_cannot_be_finished_or_restarted(store: Store) -> None:
    job_id = new_job(store)
    store.mark_running(job_id)
    assert store.cancel(job_id)
    assert not store.finish(job_id, JobStatus.SUCCEEDED)
    assert not store.mark_running(job_id)
    job = store.get_job(job_id)
    assert job.status == "cancelled" and job.error_code == "cancelled"
    assert not store.cancel(job_id)


def test_failure_keeps_code_and_message(store: Store) -> None:
    job_id = new_job(store)
    store.mark_running(job_id)
    store.finish(job_id, JobStatus.FAILED, error_code="invalid_document", error_message="Damaged PDF.")
    job = store.get_job(job_id)
    assert (job.status, job.error_code, job.error_message) == ("failed", "invalid_document", "Damaged PDF.")


def test_idempotency_key_is_per_tenant(store: Store) -> None:
    first, created = store.create_job(tenant="idem-a", kind="audit", input={}, options={}, idempotency_key="k1")
    again, created_again = store.create_job(tenant="idem-a", kind="audit", input={}, options={},
                                            idempotency_key="k1")
    other, created_other = store.create_job(tenant="idem-b", kind="audit", input={}, options={},
                                            idempotency_key="k1")
    assert created and not created_again and again.id == first.id
    assert created_other and other.id != first.id


def test_concurrent_idempotent_submissions_make_one_job(store: Store) -> None:
    ids: list[str] = []
    barrier = threading.Barrier(6)

    def submit() -> None:
        barrier.wait()
        job, _ = store.create_job(tenant="race", kind="audit", input={}, options={}, idempotency_key="same")
        ids.append(job.id)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 6 and len(set(ids)) == 1


def test_tenant_scoping_and_pagination(store: Store) -> None:
    mine = [new_job(store, tenant="page-a") for _ in range(5)]
    new_job(store, tenant="page-b")
    assert store.get_job(mine[0], tenant="page-b") is None
    assert store.get_job(mine[0], tenant="page-a") is not None
    rows, total = store.list_jobs("page-a", limit=2, offset=0)
    rest, _ = store.list_jobs("page-a", limit=10, offset=2)
    assert total == 5 and len(rows) == 2 and len(rest) == 3
    assert {r.id for r in rows} | {r.id for r in rest} == set(mine)
    store.mark_running(mine[0])
    running, n = store.list_jobs("page-a", status="running")
    assert n == 1 and running[0].id == mine[0]


def test_artifacts_replace_and_delete_with_job(store: Store, tmp_path: Path) -> None:
    job_id = new_job(store)
    store.add_artifact(job_id, name="report.json", media_type="application/json", size=10, path="/x/a")
    store.add_artifact(job_id, name="report.json", media_type="application/json", size=12, path="/x/b")
    store.add_artifact(job_id, name="book.epub", media_type="application/epub+zip", size=99, path="/x/c",
                       metadata={"gate": "passed"})
    job = store.get_job(job_id)
    assert [(a.name, a.size) for a in job.artifacts] == [("report.json", 12), ("book.epub", 99)]
    assert store.get_artifact(job_id, "book.epub").meta == {"gate": "passed"}
    assert store.delete_job(job_id)
    assert store.get_job(job_id) is None and store.get_artifact(job_id, "book.epub") is None


def test_api_keys_store_only_the_hash(store: Store) -> None:
    key = store.create_api_key("school-1")
    assert key.startswith("acc_") and len(key) > 40
    assert store.tenant_for_key(key) == "school-1"
    assert store.tenant_for_key(key + "x") is None
    with store.engine.connect() as conn:
        hashes = [row[0] for row in conn.exec_driver_sql("SELECT key_hash FROM api_keys")]
    assert hash_key(key) in hashes and key not in hashes
    secret = store.webhook_secret("school-1")
    assert secret and len(secret) == 64
    store.create_api_key("school-1")
    assert store.webhook_secret("school-1") == secret, "a second key keeps the tenant's secret"


def test_metrics_queries(store: Store) -> None:
    job_id = new_job(store, tenant="metrics")
    store.mark_running(job_id)
    store.finish(job_id, JobStatus.SUCCEEDED)
    counts = store.counts_by_status()
    assert set(counts) == {s.value for s in JobStatus} and counts["succeeded"] >= 1
    assert any(kind == "audit" and seconds >= 0 for kind, seconds in store.recent_durations())


def test_concurrent_first_upgrades_are_safe(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    errors: list[BaseException] = []

    def up() -> None:
        try:
            s = Store(url)
            s.ensure_schema()
            s.dispose()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=up) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    s = Store(url)
    assert current_revision(s.engine) == head_revision()


@pytest.mark.postgres
def test_concurrent_first_upgrades_on_postgresql(pg_database_factory) -> None:
    url = pg_database_factory()
    errors: list[BaseException] = []

    def up() -> None:
        try:
            s = Store(url)
            s.ensure_schema()
            s.dispose()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=up) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    s = Store(url)
    assert current_revision(s.engine) == head_revision()
    s.dispose()


def test_models_and_migrations_agree(store: Store) -> None:
    """A model change without its Alembic revision fails here (autogenerate finds no difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from access.store import Base

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
