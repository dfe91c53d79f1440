"""The job store on SQLite and on PostgreSQL (a fresh database per module)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from access.auditing import LedgerCounts, Unit, UnitResult
from access.leases import Lease
from access.models import AuditedPart, JobKind, JobStatus
from access.store import Start, Store, StoreLedger, current_revision, hash_key, head_revision, upgrade_schema


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
    assert {"jobs", "artifacts", "job_units", "api_keys", "tenants"} <= set(inspect(store.engine).get_table_names())
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


def test_a_lease_keeps_a_live_job_from_a_second_start_and_the_sweeper_finds_a_lost_one(store: Store) -> None:
    alive = Lease(owner="elsewhere:1", seconds=60, max_attempts=3, is_dead=lambda owner: False)
    job_id = new_job(store)
    assert store.start(job_id, alive) is Start.RUN
    other = Lease(owner="elsewhere:2", seconds=60, max_attempts=3, is_dead=lambda owner: False)
    assert store.start(job_id, other) is Start.SKIP, "running under a live lease: not twice"
    assert store.renew_leases([job_id], 60) == 1
    assert [j.id for j in store.lost_jobs(lambda owner: False) if j.id == job_id] == []
    lost = [j for j in store.lost_jobs(lambda owner: owner == "elsewhere:1") if j.id == job_id]
    assert len(lost) == 1, "its owner is dead: lost"
    assert store.recover_lost(lost[0], max_attempts=3) is Start.RUN
    assert store.recover_lost(lost[0], max_attempts=3) is Start.SKIP, "one sweeper takes it"
    job = store.get_job(job_id)
    assert (job.status, job.lease_owner, job.lease_until) == ("queued", None, None)


def test_a_job_lost_too_often_fails_with_resource_limit(store: Store) -> None:
    dead = Lease(owner="gone:1", seconds=0.001, max_attempts=2, is_dead=lambda owner: True)
    job_id = new_job(store)
    assert store.start(job_id, dead) is Start.RUN
    assert store.start(job_id, dead) is Start.RUN         # redelivered after its worker was lost
    assert store.start(job_id, dead) is Start.GAVE_UP
    job = store.get_job(job_id)
    assert (job.status, job.error_code, job.attempts) == ("failed", "resource_limit", 2)
    assert store.start(job_id, dead) is Start.SKIP, "never picked up again"


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


def at_once(n: int, fn: Callable[[int], object]) -> list[BaseException]:
    """Run ``fn(0)`` … ``fn(n - 1)`` in ``n`` threads released together; what they raised."""
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            fn(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_idempotent_submissions_make_one_job(store: Store) -> None:
    ids: list[str] = []

    def submit(_: int) -> None:
        job, _ = store.create_job(tenant="race", kind="audit", input={}, options={}, idempotency_key="same")
        ids.append(job.id)

    assert at_once(6, submit) == []
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


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_concurrent_first_upgrades_are_safe(database: str, tmp_path: Path, pg_database_factory) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}" if database == "sqlite" else pg_database_factory()

    def up(_: int) -> None:
        s = Store(url)
        s.ensure_schema()
        s.dispose()

    assert at_once(4, up) == []
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


# ----------------------------------------------------------------------------- the units of fanned-out audits


def units(*keys: str, depth: int = 0) -> list[Unit]:
    return [Unit(key=k, depth=depth, data={"url": f"https://example.org/{k}"}) for k in keys]


def test_store_ledger_keeps_units_in_plan_order_within_the_limit(store: Store, tmp_path: Path) -> None:
    ledger = StoreLedger(store, new_job(store), tmp_path / "units", limit=3)
    assert [u.key for u in ledger.add(units("a", "b", "a", "c", "d"))] == ["a", "b", "c"]
    assert [u.key for u in ledger.add(units("b", "e"))] == []
    assert ledger.counts() == LedgerCounts(done=0, total=3, over_limit=2)          # d, e
    assert [u.key for u in ledger.claim(2)] == ["a", "b"]
    assert [(u.key, u.data) for u in ledger.claim(5)] == [("c", {"url": "https://example.org/c"})]
    assert ledger.claim(1) == []
    # b turns out to be d too (a redirect): d is no longer a unit past the limit, nor ever added
    found = ledger.complete(units("b")[0], UnitResult(key="b", aliases=["d"]), units("x", depth=1))
    assert found == [] and ledger.counts() == LedgerCounts(done=1, total=3, over_limit=2)   # e, x
    assert ledger.add(units("d")) == []
    ledger.complete(units("a")[0], UnitResult(key="a", parts=[AuditedPart(id="a")]))
    assert [u.key for u in ledger.unfinished(["a", "b", "c", "zz"])] == ["c"]
    assert [r.key for r in ledger.results()] == ["a", "b"], "plan order, not completion order"
    ledger.complete(units("c")[0], UnitResult(key="c"))
    ledger.complete(units("c")[0], UnitResult(key="c"))                            # done twice: same file
    assert ledger.counts().finished and len(list((tmp_path / "units").glob("*.json"))) == 3


def test_store_ledger_dispatch_sends_each_pending_unit_at_least_once(store: Store, tmp_path: Path) -> None:
    ledger = StoreLedger(store, new_job(store), tmp_path / "units", limit=10)
    ledger.add(units("a", "b", "c", "d", "e"))
    sent: list[list[str]] = []

    def flaky(keys: list[str]) -> None:
        if len(sent) == 1:
            raise ConnectionError("broker down")
        sent.append(keys)

    with pytest.raises(ConnectionError):
        ledger.dispatch(2, flaky)
    assert [u.key for u in ledger.claim(10)] == ["a", "b", "c", "d", "e"], "nothing was marked sent"
    ledger2 = StoreLedger(store, new_job(store), tmp_path / "units2", limit=10)
    ledger2.add(units("a", "b", "c"))
    sent.clear()
    assert ledger2.dispatch(2, sent.append) == 2 and sent == [["a", "b"], ["c"]]
    assert ledger2.dispatch(2, sent.append) == 0


def test_store_ledger_holds_the_limit_when_workers_add_at_once(store: Store, tmp_path: Path) -> None:
    ledger = StoreLedger(store, new_job(store), tmp_path / "units", limit=15)
    assert at_once(6, lambda worker: ledger.add(units(*(f"w{worker}-{i}" for i in range(10))))) == []
    assert ledger.counts() == LedgerCounts(done=0, total=15, over_limit=45)
    assert len(ledger.claim(100)) == 15


def test_one_task_claims_the_end_of_a_fanned_out_job(store: Store) -> None:
    job_id = new_job(store)
    assert not store.claim_finish(job_id, "t1"), "only a running job is assembled"
    store.mark_running(job_id)
    assert store.claim_finish(job_id, "t1")
    assert not store.claim_finish(job_id, "t2")
    assert store.claim_finish(job_id, "t1"), "the same task, delivered again"
    other = new_job(store)
    store.mark_running(other)
    store.cancel(other)
    assert not store.claim_finish(other, "t1")
    assert store.claim_finish(other, "t2", JobStatus.CANCELLED) and not store.claim_finish(other, "t3",
                                                                                           JobStatus.CANCELLED)
