"""The job store: jobs, their artifacts, the units of fanned-out audits, tenants and API keys
(SQLAlchemy 2, SQLite or PostgreSQL).

The schema is owned by Alembic (``access/migrations``); :func:`upgrade_schema` brings any database
to the newest revision and is called by every command on first use, so nobody runs a migration by
hand. State changes are single conditional UPDATEs, so a cancelled job never flips back to running
and two workers racing on a redelivered task cannot both finish it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from access.auditing import LedgerCounts, Unit, UnitResult
from access.models import JobKind, JobStatus, utcnow
from access.storage import write_atomic

KEY_PREFIX = "acc_"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
ACTIVE = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
FINISHED = (JobStatus.SUCCEEDED.value, JobStatus.FAILED.value, JobStatus.CANCELLED.value)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("tenant", "idempotency_key", name="uq_jobs_tenant_idempotency"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    input: Mapped[dict[str, Any]] = mapped_column(JSON)
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), index=True, default=JobStatus.QUEUED.value)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str | None] = mapped_column(String(200), default="queued")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(50), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    callback_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    queue: Mapped[str | None] = mapped_column(String(50), nullable=True)
    task: Mapped[str | None] = mapped_column(String(100), nullable=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    finisher: Mapped[str | None] = mapped_column(String(100), nullable=True)   # fanned-out audits

    artifacts: Mapped[list[Artifact]] = relationship(
        back_populates="job", cascade="all, delete-orphan", lazy="selectin", order_by="Artifact.id")

    @property
    def job_status(self) -> JobStatus:
        return JobStatus(self.status)


class Artifact(Base):
    __tablename__ = "artifacts"
    __table_args__ = (UniqueConstraint("job_id", "name", name="uq_artifacts_job_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)

    job: Mapped[Job] = relationship(back_populates="artifacts")


class JobUnit(Base):
    """One unit (a page ...) of an audit whose units fan out over workers (:class:`StoreLedger`)."""

    __tablename__ = "job_units"
    __table_args__ = (UniqueConstraint("job_id", "key_hash", name="uq_job_units_job_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(Text)
    key_hash: Mapped[str] = mapped_column(String(64))     # unique per job: keys (URLs) may be long
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)   # order in the plan; None: not in it
    depth: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10))
    result_path: Mapped[str | None] = mapped_column(Text, nullable=True)


class Tenant(Base):
    __tablename__ = "tenants"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    webhook_secret: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant: Mapped[str] = mapped_column(String(100), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def make_engine(url: str) -> Engine:
    """An engine for the job store. SQLite gets WAL and a busy timeout: the API and the worker
    processes write to the same file."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            _use_wal(cur)
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    # no pre-ping (a round trip per checkout); connections are recycled instead and a dead one
    # raises once, which the API answers with a 500 and the next request gets a fresh connection
    return create_engine(url, pool_recycle=1800, pool_size=10, max_overflow=20)


def _use_wal(cur: Any, attempts: int = 100) -> None:
    """Switch a SQLite file to WAL (kept in the file: only its first connections do it). Switching
    needs the file to itself and SQLite answers "database is locked" at once, without waiting,
    while another process's first connection holds it, so the switch is tried again for a while."""
    for attempt in range(attempts):
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (the only PostgreSQL driver installed)."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


# ----------------------------------------------------------------------------- migrations


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[Any]:
    """One upgrader at a time: an advisory lock on PostgreSQL, a file lock next to a SQLite file."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(724242)"))
            try:
                yield conn
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(724242)"))
                conn.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield None
        return
    lock_path = Path(database).with_suffix(".migrate.lock")
    with lock_path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield None
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def upgrade_schema(engine: Engine) -> bool:
    """Bring the schema to the newest revision; returns True when something was applied.
    Safe to call from several processes at once."""
    from alembic import command

    head = head_revision()
    if current_revision(engine) == head:
        return False
    with _migration_lock(engine):
        if current_revision(engine) == head:        # someone else did it while we waited
            return False
        cfg = alembic_config(str(engine.url.render_as_string(hide_password=False)))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    return True


# ----------------------------------------------------------------------------- the store


class Store:
    """Everything the API, the workers and the CLI do with job rows."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = normalise_url(url)
        self.engine = engine or make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._upgraded = False

    def ensure_schema(self) -> None:
        if not self._upgraded:
            upgrade_schema(self.engine)
            self._upgraded = True

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()

    # jobs -----------------------------------------------------------------------------

    def create_job(self, *, tenant: str, kind: JobKind | str, input: dict[str, Any],
                   options: dict[str, Any], callback_url: str | None = None,
                   idempotency_key: str | None = None, queue: str | None = None,
                   task: str | None = None, job_id: str | None = None) -> tuple[Job, bool]:
        """Insert a queued job; returns (job, created). With an idempotency key already used by
        this tenant, returns the existing job and False."""
        if idempotency_key:
            existing = self.find_by_idempotency_key(tenant, idempotency_key)
            if existing is not None:
                return existing, False
        job = Job(id=job_id or str(uuid.uuid4()), tenant=tenant, kind=JobKind(kind).value, input=input,
                  options=options, status=JobStatus.QUEUED.value, progress=0, stage="queued",
                  created_at=utcnow(), callback_url=callback_url, idempotency_key=idempotency_key,
                  attempts=0, queue=queue, task=task, result={}, artifacts=[])
        columns = {c.key: getattr(job, c.key) for c in Job.__table__.columns}
        try:
            with self.engine.begin() as conn:        # a Core insert: the submit path's hot spot
                conn.execute(Job.__table__.insert().values(**columns))
        except IntegrityError:
            if idempotency_key:
                existing = self.find_by_idempotency_key(tenant, idempotency_key)
                if existing is not None:
                    return existing, False
            raise
        return job, True

    def find_by_idempotency_key(self, tenant: str, key: str) -> Job | None:
        with self.sessions() as s:
            return s.scalars(select(Job).where(Job.tenant == tenant, Job.idempotency_key == key)).first()

    def get_job(self, job_id: str, tenant: str | None = None) -> Job | None:
        with self.sessions() as s:
            stmt = select(Job).where(Job.id == job_id)
            if tenant is not None:
                stmt = stmt.where(Job.tenant == tenant)
            return s.scalars(stmt).first()

    def list_jobs(self, tenant: str, *, limit: int = 50, offset: int = 0,
                  status: str | None = None, kind: str | None = None) -> tuple[list[Job], int]:
        with self.sessions() as s:
            where = [Job.tenant == tenant]
            if status:
                where.append(Job.status == status)
            if kind:
                where.append(Job.kind == kind)
            total = s.scalar(select(func.count()).select_from(Job).where(*where)) or 0
            rows = s.scalars(select(Job).where(*where).order_by(Job.created_at.desc(), Job.id)
                             .limit(limit).offset(offset)).all()
            return list(rows), int(total)

    def status_of(self, job_id: str) -> str | None:
        with self.sessions() as s:
            return s.scalar(select(Job.status).where(Job.id == job_id))

    def mark_running(self, job_id: str) -> bool:
        """queued/running → running (a redelivered task re-runs), counting the attempt.
        False when the job is gone, cancelled or already finished."""
        with self.sessions.begin() as s:
            done = s.execute(update(Job).where(Job.id == job_id, Job.status.in_(ACTIVE)).values(
                status=JobStatus.RUNNING.value, started_at=utcnow(), attempts=Job.attempts + 1,
                progress=0, stage="starting", error_code=None, error_message=None))
            return done.rowcount == 1

    def set_progress(self, job_id: str, progress: float, stage: str | None) -> None:
        with self.sessions.begin() as s:
            if self.engine.dialect.name == "postgresql":      # progress is ephemeral: skip the fsync wait
                s.execute(text("SET LOCAL synchronous_commit TO OFF"))
            s.execute(update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING.value).values(
                progress=max(0, min(100, int(progress))), stage=(stage or "")[:200]))

    def finish(self, job_id: str, status: JobStatus, *, error_code: str | None = None,
               error_message: str | None = None, result: dict[str, Any] | None = None) -> bool:
        """Record the end of a job unless it was cancelled (or finished) meanwhile."""
        values: dict[str, Any] = {"status": status.value, "finished_at": utcnow(),
                                  "error_code": error_code, "error_message": error_message}
        if status is JobStatus.SUCCEEDED:
            values.update(progress=100, stage="done")
        else:
            values["stage"] = status.value
        if result is not None:
            values["result"] = result
        with self.sessions.begin() as s:
            done = s.execute(update(Job).where(Job.id == job_id, Job.status.in_(ACTIVE)).values(**values))
            return done.rowcount == 1

    def cancel(self, job_id: str) -> bool:
        """queued/running → cancelled. False when the job had already finished."""
        return self.finish(job_id, JobStatus.CANCELLED, error_code="cancelled",
                           error_message="The job was cancelled.")

    def requeue(self, job_id: str) -> bool:
        """running → queued (its worker was lost and the task is sent again)."""
        with self.sessions.begin() as s:
            done = s.execute(update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING.value)
                             .values(status=JobStatus.QUEUED.value, stage="requeued"))
            return done.rowcount == 1

    def claim_finish(self, job_id: str, token: str, status: JobStatus = JobStatus.RUNNING) -> bool:
        """The right to end a fanned-out audit whose status is ``status``: with ``running``, to
        assemble its report; with ``cancelled``, to send its callback. Granted to one task per job,
        and again only to the same ``token`` (that task delivered again after its worker was lost)."""
        with self.sessions.begin() as s:
            done = s.execute(update(Job).where(
                Job.id == job_id, Job.status == status.value,
                (Job.finisher.is_(None)) | (Job.finisher == token)).values(finisher=token))
            return done.rowcount == 1

    def jobs_with_status(self, status: JobStatus, older_than: timedelta | None = None) -> list[Job]:
        with self.sessions() as s:
            stmt = select(Job).where(Job.status == status.value)
            if older_than is not None:
                stmt = stmt.where(Job.created_at < utcnow() - older_than)
            return list(s.scalars(stmt).all())

    def delete_job(self, job_id: str) -> bool:
        with self.sessions.begin() as s:
            s.execute(delete(Artifact).where(Artifact.job_id == job_id))
            s.execute(delete(JobUnit).where(JobUnit.job_id == job_id))
            return s.execute(delete(Job).where(Job.id == job_id)).rowcount == 1

    # artifacts ------------------------------------------------------------------------

    def add_artifact(self, job_id: str, *, name: str, media_type: str, size: int, path: str,
                     metadata: dict[str, Any] | None = None) -> None:
        """Add or replace (a re-run overwrites) one artifact of a job."""
        with self.sessions.begin() as s:
            s.execute(delete(Artifact).where(Artifact.job_id == job_id, Artifact.name == name))
            s.add(Artifact(job_id=job_id, name=name, media_type=media_type, size=size, path=path,
                           meta=metadata or {}))

    def get_artifact(self, job_id: str, name: str) -> Artifact | None:
        with self.sessions() as s:
            return s.scalars(select(Artifact).where(Artifact.job_id == job_id, Artifact.name == name)).first()

    # metrics --------------------------------------------------------------------------

    def counts_by_status(self) -> dict[str, int]:
        with self.sessions() as s:
            rows = s.execute(select(Job.status, func.count()).group_by(Job.status)).all()
        counts = {st.value: 0 for st in JobStatus}
        counts.update({status: int(n) for status, n in rows})
        return counts

    def recent_durations(self, limit: int = 1000) -> list[tuple[str, float]]:
        """(kind, seconds from start to finish) of the most recently finished jobs."""
        with self.sessions() as s:
            rows = s.execute(select(Job.kind, Job.started_at, Job.finished_at)
                             .where(Job.finished_at.is_not(None), Job.started_at.is_not(None))
                             .order_by(Job.finished_at.desc()).limit(limit)).all()
        return [(kind, max(0.0, (end - start).total_seconds())) for kind, start, end in rows]

    # tenants and keys -----------------------------------------------------------------

    def ensure_tenant(self, name: str) -> Tenant:
        with self.sessions() as s:
            tenant = s.get(Tenant, name)
            if tenant is not None:
                return tenant
        try:
            with self.sessions.begin() as s:
                s.add(Tenant(name=name, webhook_secret=secrets.token_hex(32), created_at=utcnow()))
        except IntegrityError:
            pass
        with self.sessions() as s:
            tenant = s.get(Tenant, name)
            assert tenant is not None
            return tenant

    def webhook_secret(self, tenant: str) -> str | None:
        with self.sessions() as s:
            row = s.get(Tenant, tenant)
            return row.webhook_secret if row else None

    def create_api_key(self, tenant: str) -> str:
        """A new key for ``tenant`` (created with its webhook secret if new). Only the hash is kept."""
        self.ensure_tenant(tenant)
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        with self.sessions.begin() as s:
            s.add(ApiKey(tenant=tenant, key_hash=hash_key(key), created_at=utcnow()))
        return key

    def tenant_for_key(self, key: str) -> str | None:
        """The tenant owning ``key`` (None when unknown); stamps last use at most once a minute."""
        digest = hash_key(key)
        with self.sessions() as s:
            row = s.execute(select(ApiKey.id, ApiKey.tenant, ApiKey.last_used_at)
                            .where(ApiKey.key_hash == digest)).first()
        if row is None:
            return None
        now = utcnow()
        if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
            with self.sessions.begin() as s:
                s.execute(update(ApiKey).where(ApiKey.id == row.id).values(last_used_at=now))
        return str(row.tenant)


# ----------------------------------------------------------------------------- fanned-out units

PENDING, SENT, DONE = "pending", "sent", "done"      # units in the plan (they have a place: seq)
ALIAS, OVER = "alias", "over"                       # keys a unit turned out to be; keys past the limit
IN_CLAUSE = 500                                     # keys per IN (...) list


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class StoreLedger:
    """:class:`access.auditing.Ledger` in the job store, for an audit whose units fan out over
    workers: a row per unit in ``job_units`` (unique per job and key) and each result as a JSON
    file in ``folder``. Every change first locks the job's row, so the limit holds and a unit is
    handed out once while several workers add, claim and complete units of the same job."""

    def __init__(self, store: Store, job_id: str, folder: Path, limit: int) -> None:
        self.store, self.job_id, self.folder, self.limit = store, job_id, folder, limit

    @contextlib.contextmanager
    def _locked(self) -> Iterator[Session]:
        with self.store.sessions.begin() as s:
            # a write that changes nothing: PostgreSQL locks the row, SQLite the database, until commit
            s.execute(update(Job).where(Job.id == self.job_id).values(attempts=Job.attempts))
            yield s

    def _where(self, *conditions: Any) -> Any:
        return select(JobUnit).where(JobUnit.job_id == self.job_id, *conditions)

    def _known(self, s: Session, hashes: list[str]) -> dict[str, JobUnit]:
        rows: dict[str, JobUnit] = {}
        for i in range(0, len(hashes), IN_CLAUSE):
            rows.update((r.key_hash, r) for r in s.scalars(self._where(JobUnit.key_hash.in_(hashes[i:i + IN_CLAUSE]))))
        return rows

    def _add(self, s: Session, units: Iterable[Unit]) -> list[Unit]:
        fresh: dict[str, Unit] = {}
        for unit in units:
            fresh.setdefault(_key_hash(unit.key), unit)
        if not fresh:
            return []
        known = self._known(s, list(fresh))
        placed = s.scalar(select(func.count(JobUnit.seq)).where(JobUnit.job_id == self.job_id)) or 0
        added: list[Unit] = []
        rows: list[dict[str, Any]] = []
        for digest, unit in fresh.items():
            if digest in known:
                continue
            row = {"job_id": self.job_id, "key": unit.key, "key_hash": digest, "depth": unit.depth,
                   "data": unit.data, "seq": None, "status": OVER, "result_path": None}
            if placed < self.limit:
                row.update(seq=placed, status=PENDING)
                placed += 1
                added.append(unit)
            rows.append(row)
        if rows:
            s.execute(JobUnit.__table__.insert(), rows)
        return added

    def _claim(self, s: Session, n: int) -> list[Unit]:
        rows = list(s.scalars(self._where(JobUnit.status == PENDING).order_by(JobUnit.seq).limit(max(0, n))))
        if rows:
            s.execute(update(JobUnit).where(JobUnit.id.in_([r.id for r in rows])).values(status=SENT))
        return [Unit(key=r.key, depth=r.depth, data=r.data) for r in rows]

    # the Ledger protocol ---------------------------------------------------------------

    def add(self, units: Iterable[Unit]) -> list[Unit]:
        with self._locked() as s:
            return self._add(s, units)

    def claim(self, n: int) -> list[Unit]:
        with self._locked() as s:
            return self._claim(s, n)

    def complete(self, unit: Unit, result: UnitResult, found: Iterable[Unit] = ()) -> list[Unit]:
        digest = _key_hash(unit.key)
        path = self.folder / f"{digest}.json"
        write_atomic(path, result.model_dump_json())        # before the row says done
        aliases = {_key_hash(a): a for a in result.aliases}
        with self._locked() as s:
            s.execute(update(JobUnit).where(JobUnit.job_id == self.job_id, JobUnit.key_hash == digest)
                      .values(status=DONE, result_path=str(path)))
            known = self._known(s, list(aliases))
            for alias_hash, alias in aliases.items():
                row = known.get(alias_hash)
                if row is None:
                    s.add(JobUnit(job_id=self.job_id, key=alias, key_hash=alias_hash, depth=unit.depth, data={},
                                  seq=None, status=ALIAS))
                elif row.status == OVER:
                    row.status = ALIAS
            s.flush()
            return self._add(s, found)

    def results(self) -> list[UnitResult]:
        with self.store.sessions() as s:
            paths = s.scalars(select(JobUnit.result_path).where(JobUnit.job_id == self.job_id, JobUnit.status == DONE)
                              .order_by(JobUnit.seq)).all()
        return [UnitResult.model_validate_json(Path(p).read_text(encoding="utf-8")) for p in paths if p]

    def counts(self) -> LedgerCounts:
        with self.store.sessions() as s:
            rows = s.execute(select(JobUnit.status, func.count()).where(JobUnit.job_id == self.job_id)
                             .group_by(JobUnit.status)).all()
        n = {status: int(count) for status, count in rows}
        return LedgerCounts(done=n.get(DONE, 0), total=sum(n.get(k, 0) for k in (PENDING, SENT, DONE)),
                            over_limit=n.get(OVER, 0))

    def refused(self, most: int) -> list[str]:
        with self.store.sessions() as s:
            return list(s.scalars(self._where(JobUnit.status == OVER).order_by(JobUnit.id).limit(max(0, most))
                                  .with_only_columns(JobUnit.key)))

    # for the job runner ----------------------------------------------------------------

    def unfinished(self, keys: list[str]) -> list[Unit]:
        """The units among ``keys`` not done yet, in plan order (a task's batch, delivered again
        after a lost worker, skips what that worker finished)."""
        with self.store.sessions() as s:
            rows = [r for r in self._known(s, [_key_hash(k) for k in keys]).values()
                    if r.seq is not None and r.status != DONE]
        return [Unit(key=r.key, depth=r.depth, data=r.data) for r in sorted(rows, key=lambda r: r.seq or 0)]

    def dispatch(self, size: int, send: Callable[[list[str]], None]) -> int:
        """Hand every pending unit to ``send`` in batches of ``size`` keys; returns the batches sent.
        The units are marked sent only when every send went through (a failed send leaves them
        pending, to be sent again: at least once)."""
        batches = 0
        with self._locked() as s:
            while batch := self._claim(s, size):
                send([u.key for u in batch])
                batches += 1
        return batches


def migrate(url: str) -> None:
    """Bring the database at ``url`` up to date (every command does this on start)."""
    store = Store(url)
    try:
        store.ensure_schema()
    finally:
        store.dispose()
