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
import functools
import hashlib
import logging
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    case,
    create_engine,
    delete,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from access.auditing import LedgerCounts, Unit, UnitResult
from access.errors import ResourceLimit, StoreUnavailable, ValidationFailed
from access.jobfilters import JobFilter, document_key, site_of
from access.keys import TENANT_SCOPES, KeyInfo, Scope, format_scopes, key_problem, new_key, parse_scopes, prefix_of
from access.leases import Lease
from access.models import JobKind, JobStatus, utcnow
from access.quotas import DAY, LIMITS, MINUTE, Quota, Usage, near_limit, priority_level, refusal
from access.storage import write_atomic

log = logging.getLogger(__name__)
T = TypeVar("T")
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
ACTIVE = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
FINISHED = (JobStatus.SUCCEEDED.value, JobStatus.FAILED.value, JobStatus.CANCELLED.value)
KEYS_COUNTER = "keys"
PENDING_DELIVERY, DELIVERED, UNDELIVERED = "pending", "delivered", "failed"     # webhook messages


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
    __table_args__ = (
        UniqueConstraint("tenant", "idempotency_key", name="uq_jobs_tenant_idempotency"),
        # a tenant's jobs over time (lists, quota windows), by site and by document (job filters)
        Index("ix_jobs_tenant_created", "tenant", "created_at"),
        Index("ix_jobs_tenant_status", "tenant", "status"),
        Index("ix_jobs_tenant_site", "tenant", "site_origin", "site_path", "created_at"),
        Index("ix_jobs_tenant_document", "tenant", "document_name", "created_at"),
        Index("ix_jobs_status_lease", "status", "lease_until"),     # the sweeper's lost jobs
    )

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
    site_origin: Mapped[str | None] = mapped_column(String(300), nullable=True)    # URL audits: scheme://host[:port]
    site_path: Mapped[str | None] = mapped_column(String(1000), nullable=True)     # ... and the start path
    document_name: Mapped[str | None] = mapped_column(String(255), nullable=True)  # file jobs: the file's name
    input_bytes: Mapped[int] = mapped_column(BigInteger, default=0)                # uploaded bytes (quota)
    priority: Mapped[int] = mapped_column(Integer, default=0)     # fair scheduling: 0 first ... 9 last
    # the worker process running the job and until when it is known alive (access.leases)
    lease_owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

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


class JobSecret(Base):
    """A job's sign-in credentials, sealed with the server key (:mod:`access.vault`); the row goes
    when the job ends (:meth:`Store.finish`) or is deleted."""

    __tablename__ = "job_secrets"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    sealed: Mapped[str] = mapped_column(Text)


class Tenant(Base):
    __tablename__ = "tenants"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    webhook_secret: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the tenant's own limits; None: the settings' default (access.quotas)
    jobs_per_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
    concurrent_jobs: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bytes_per_day: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ApiKey(Base):
    __tablename__ = "api_keys"
    __table_args__ = (UniqueConstraint("prefix", name="uq_api_keys_prefix"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant: Mapped[str] = mapped_column(String(100), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # the key's first characters: what identifies it in lists and logs (None: a key made before
    # prefixes were kept, until its first use)
    prefix: Mapped[str | None] = mapped_column(String(20), nullable=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    scopes: Mapped[str] = mapped_column(String(100), default="")          # space-separated
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    def info(self) -> KeyInfo:
        return KeyInfo(id=self.id, tenant=self.tenant, prefix=self.prefix, name=self.name,
                       scopes=parse_scopes(self.scopes), created_at=self.created_at,
                       last_used_at=self.last_used_at, expires_at=self.expires_at, revoked_at=self.revoked_at)


class WebSession(Base):
    """A browser's signed-in session (the web app): only the SHA-256 of its token is kept, with the
    key it was opened with (a revoked or expired key ends it) and when it expires."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(100), index=True)
    key_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Counter(Base):
    """Named counters shared by every process: ``keys`` grows with every change to a key, so an
    API process knows its cached keys are stale (a revoked key fails at once everywhere)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class WebhookMessage(Base):
    """One event sent to a job's callback URL (Standard Webhooks: one ``webhook-id``, the same
    on every attempt), with the exact body signed and where its delivery stands."""

    __tablename__ = "webhook_messages"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    trigger: Mapped[str] = mapped_column(String(20))         # finished | redelivery
    status: Mapped[str] = mapped_column(String(20))          # pending | delivered | failed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[list[WebhookAttempt]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="WebhookAttempt.number")


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"
    __table_args__ = (UniqueConstraint("message_id", "number", name="uq_webhook_attempts_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("webhook_messages.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class Start(StrEnum):
    """What :meth:`Store.start` did with a job a task came to run."""

    RUN = "run"              # the job is this task's to run
    SKIP = "skip"            # gone, finished, cancelled, or running elsewhere under a live lease
    GAVE_UP = "gave_up"      # lost with its worker too many times: failed with resource_limit


def _gave_up(attempts: int, now: datetime) -> dict[str, Any]:
    return {"status": JobStatus.FAILED.value, "finished_at": now, "stage": JobStatus.FAILED.value,
            "error_code": ResourceLimit.code, "lease_owner": None, "lease_until": None,
            "error_message": f"The job's worker was lost {attempts} times while running it (the job may need more "
                             "memory or time than a worker has); it is not run again."}


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _listing_columns(input: dict[str, Any]) -> dict[str, Any]:
    """A new job's columns for job lists and quotas, from its input."""
    origin = path = None
    if input.get("url"):
        with contextlib.suppress(ValidationFailed):
            origin, path = site_of(str(input["url"]))
    return {"site_origin": origin, "site_path": path, "document_name": document_key(input.get("filename")),
            "input_bytes": int(input.get("size") or 0)}


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
    # pre-ping: a connection the server closed (a restart, pg_terminate_backend) is replaced at
    # checkout instead of failing the statement; what still fails is retried (:func:`retrying`)
    return create_engine(url, pool_recycle=1800, pool_size=10, max_overflow=20, pool_pre_ping=True)


# ----------------------------------------------------------------------------- transient errors

RETRY_DELAYS = (0.05, 0.2, 0.5, 1.0, 2.0, 4.0)      # ~8 s in all, then StoreUnavailable
_retrying = threading.local()


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is the database going away or being busy (worth trying again), not a
    mistake in the statement or the data."""
    if isinstance(exc, StoreUnavailable | DisconnectionError):
        return True
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or isinstance(exc, OperationalError | InterfaceError)
    return False


def retrying(fn: Callable[..., T]) -> Callable[..., T]:
    """A store method that tries again, with backoff, when the database goes away for a moment
    (each try is a transaction of its own), and raises :class:`StoreUnavailable` when it stays
    away. A retried method that calls another does not multiply the tries."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        if getattr(_retrying, "active", False):
            return fn(*args, **kwargs)
        _retrying.active = True
        try:
            for delay in (*RETRY_DELAYS, None):
                try:
                    return fn(*args, **kwargs)
                except Exception as exc:
                    if not is_transient(exc):
                        raise
                    if delay is None:
                        raise StoreUnavailable("The job store is unavailable; try again in a moment.") from exc
                    log.warning("job store: %s in %s; trying again in %.2f s", type(exc).__name__,
                                fn.__name__, delay)
                    time.sleep(delay)
            raise AssertionError("unreachable")
        finally:
            _retrying.active = False

    return wrapper


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
                   task: str | None = None, job_id: str | None = None, sealed: str | None = None,
                   quota: Quota | None = None, fair_share_step: int = 0) -> tuple[Job, bool]:
        """Insert a queued job (with its sealed credentials, in the same transaction); returns (job,
        created). With an idempotency key already used by this tenant, returns the existing job and
        False. With a ``quota``, the tenant's usage is counted and the job refused
        (:class:`access.errors.TooManyRequests`) in the same transaction as the insert; near a limit
        (:func:`access.quotas.near_limit`) it is counted again with the tenant's row locked, so
        concurrent submissions cannot all slip under it, while far from every limit submissions do
        not wait for each other. With a ``fair_share_step``, the job's priority comes from the
        tenant's jobs in flight (:func:`access.quotas.priority_level`)."""
        if idempotency_key:
            existing = self.find_by_idempotency_key(tenant, idempotency_key)
            if existing is not None:
                return existing, False
        now = utcnow()
        job = Job(id=job_id or str(uuid.uuid4()), tenant=tenant, kind=JobKind(kind).value, input=input,
                  options=options, status=JobStatus.QUEUED.value, progress=0, stage="queued",
                  created_at=now, callback_url=callback_url, idempotency_key=idempotency_key,
                  attempts=0, queue=queue, task=task, result={}, artifacts=[], priority=0,
                  **_listing_columns(input))
        try:
            with self.engine.begin() as conn:        # a Core insert: the submit path's hot spot
                if (quota is not None and quota.limited) or fair_share_step:
                    usage = self._locked_usage(conn, tenant, quota, job.input_bytes, now, lock=False)
                    if quota is not None and near_limit(quota, usage, job.input_bytes):
                        usage = self._locked_usage(conn, tenant, quota, job.input_bytes, now)
                    refused = refusal(quota, usage, job.input_bytes, now) if quota is not None else None
                    if refused is not None:
                        raise refused
                    job.priority = priority_level(usage.active, fair_share_step) if fair_share_step else 0
                columns = {c.key: getattr(job, c.key) for c in Job.__table__.columns}
                conn.execute(Job.__table__.insert().values(**columns))
                if sealed is not None:
                    conn.execute(JobSecret.__table__.insert().values(job_id=job.id, sealed=sealed))
        except IntegrityError:
            if idempotency_key:
                existing = self.find_by_idempotency_key(tenant, idempotency_key)
                if existing is not None:
                    return existing, False
            mine = self.get_job(job.id, tenant)
            if mine is not None and job_id is not None:     # a retry after a commit whose answer was lost
                return mine, True
            raise
        return job, True

    def _locked_usage(self, conn: Connection, tenant: str, quota: Quota | None, new_bytes: int,
                      now: datetime, lock: bool = True) -> Usage:
        """The tenant's usage in one query, its row locked until the transaction ends when ``lock``
        (PostgreSQL: ``SELECT … FOR UPDATE`` on the tenant's row; SQLite: a write that changes
        nothing takes the database's write lock, as :class:`StoreLedger` does). The times in the
        windows are read only when a limit is reached (for Retry-After)."""
        mine, minute, day = Job.tenant == tenant, now - MINUTE, now - DAY
        if lock and self.engine.dialect.name == "postgresql":
            conn.execute(select(Tenant.name).where(Tenant.name == tenant).with_for_update())
        elif lock:
            conn.execute(update(Tenant).where(Tenant.name == tenant).values(webhook_secret=Tenant.webhook_secret))
        active, recent = Job.status.in_(ACTIVE), Job.created_at > minute
        today = (Job.created_at > day) & (Job.input_bytes > 0)
        row = conn.execute(select(func.sum(case((active, 1), else_=0)), func.sum(case((recent, 1), else_=0)),
                                  func.sum(case((today, Job.input_bytes), else_=0)))
                           .where(mine, active | (Job.created_at > day))).one()
        usage = Usage(active=int(row[0] or 0), recent_count=int(row[1] or 0), bytes_today=int(row[2] or 0))
        if quota is not None and quota.jobs_per_minute and usage.recent_count >= quota.jobs_per_minute:
            usage.recent = list(conn.scalars(select(Job.created_at).where(mine, recent).order_by(Job.created_at)))
        if quota is not None and quota.bytes_per_day and usage.bytes_today + new_bytes > quota.bytes_per_day:
            usage.uploads = [(when, int(size)) for when, size in conn.execute(
                select(Job.created_at, Job.input_bytes).where(mine, today).order_by(Job.created_at))]
        return usage

    def usage(self, tenant: str, quota: Quota | None = None) -> Usage:
        """The tenant's usage now, read without locking (an early check; what an admin sees)."""
        with self.engine.connect() as conn:
            return self._locked_usage(conn, tenant, quota, 0, utcnow(), lock=False)

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
                  status: str | None = None, kind: str | None = None,
                  filters: JobFilter | None = None) -> tuple[list[Job], int]:
        """A page of the tenant's jobs, newest first, and how many match in all."""
        f = filters or JobFilter(status=status, kind=kind)
        where = [Job.tenant == tenant]
        if f.status:
            where.append(Job.status == f.status)
        if f.kind:
            where.append(Job.kind == f.kind)
        if f.site:
            origin, path = site_of(f.site)
            where.append(Job.site_origin == origin)
            if path != "/":
                where.append((Job.site_path == path) | Job.site_path.startswith(path + "/", autoescape=True))
        if f.document:
            where.append(Job.document_name == document_key(f.document))
        if f.search:
            needle = f.search.strip().lower()
            where.append(Job.document_name.contains(needle, autoescape=True)
                         | (Job.site_origin + func.lower(Job.site_path)).contains(needle, autoescape=True))
        with self.sessions() as s:
            total = s.scalar(select(func.count()).select_from(Job).where(*where)) or 0
            rows = s.scalars(select(Job).where(*where).order_by(Job.created_at.desc(), Job.id)
                             .limit(limit).offset(offset)).all()
            return list(rows), int(total)

    def audit_history(self, tenant: str, *, site: str | None = None, document: str | None = None,
                      limit: int = 20) -> list[Job]:
        """The tenant's last ``limit`` succeeded audits of one site (exactly its origin and start
        path: ``https://x.org/courses/?a=1`` is ``https://x.org`` + ``/courses``) or of one document
        name (any case), oldest first (:mod:`access.history`)."""
        if (site is None) == (document is None):
            raise ValidationFailed("A history is of one site or one document: give site or document.")
        where = [Job.tenant == tenant, Job.kind == JobKind.AUDIT.value, Job.status == JobStatus.SUCCEEDED.value]
        if site is not None:
            origin, path = site_of(site)
            where += [Job.site_origin == origin, Job.site_path == path]
        else:
            where.append(Job.document_name == document_key(document))
        with self.sessions() as s:
            rows = s.scalars(select(Job).where(*where).order_by(Job.finished_at.desc(), Job.id.desc())
                             .limit(limit)).all()
            return list(reversed(rows))

    def status_of(self, job_id: str) -> str | None:
        with self.sessions() as s:
            return s.scalar(select(Job.status).where(Job.id == job_id))

    def mark_running(self, job_id: str, lease: Lease | None = None) -> bool:
        """queued/running → running (a redelivered task re-runs), counting the attempt.
        False when the job is gone, cancelled or already finished (or, with a ``lease``, still
        running elsewhere, or given up on: :meth:`start`)."""
        return self.start(job_id, lease) is Start.RUN

    def start(self, job_id: str, lease: Lease | None = None) -> Start:
        """Take the job to run it: queued → running, or running → running when the task comes
        again after its worker was lost; counts the attempt and, with a ``lease``, takes it.
        With a lease, a job still running under a live lease is left alone (``SKIP``), and a job
        found lost after ``lease.max_attempts`` starts ends ``failed`` with ``resource_limit``
        (``GAVE_UP``) instead of running again."""
        now = utcnow()
        with self.sessions.begin() as s:
            # a write that changes nothing first: PostgreSQL locks the row, SQLite the database
            s.execute(update(Job).where(Job.id == job_id).values(attempts=Job.attempts))
            row = s.execute(select(Job.status, Job.attempts, Job.lease_owner, Job.lease_until)
                            .where(Job.id == job_id)).first()
            if row is None or row.status not in ACTIVE:
                return Start.SKIP
            values: dict[str, Any] = {"status": JobStatus.RUNNING.value, "started_at": now,
                                      "attempts": Job.attempts + 1, "progress": 0, "stage": "starting",
                                      "error_code": None, "error_message": None}
            if lease is not None:
                if row.status == JobStatus.RUNNING.value:
                    alive = row.lease_until is not None and row.lease_until > now
                    # its own lease: this process gave the job up (the database was away) and its
                    # task came back (a pool process runs one task at a time)
                    if alive and row.lease_owner != lease.owner and not lease.is_dead(row.lease_owner):
                        return Start.SKIP
                    if row.attempts >= lease.max_attempts:
                        s.execute(update(Job).where(Job.id == job_id).values(**_gave_up(row.attempts, now)))
                        s.execute(delete(JobSecret).where(JobSecret.job_id == job_id))
                        return Start.GAVE_UP
                values.update(lease_owner=lease.owner, lease_until=now + timedelta(seconds=lease.seconds))
            s.execute(update(Job).where(Job.id == job_id).values(**values))
            return Start.RUN

    def renew_leases(self, job_ids: list[str], seconds: float) -> int:
        """Push the leases of running jobs ``seconds`` ahead (the jobs this process runs)."""
        if not job_ids:
            return 0
        with self.sessions.begin() as s:
            return s.execute(update(Job).where(Job.id.in_(job_ids), Job.status == JobStatus.RUNNING.value,
                                               Job.lease_until.is_not(None))
                             .values(lease_until=utcnow() + timedelta(seconds=seconds))).rowcount

    def release_lease(self, job_id: str) -> None:
        """The job goes on without this process (a fanned-out audit's units tasks carry it)."""
        with self.sessions.begin() as s:
            s.execute(update(Job).where(Job.id == job_id).values(lease_owner=None, lease_until=None))

    def lost_jobs(self, is_dead: Callable[[str | None], bool], limit: int = 500) -> list[Job]:
        """Running jobs whose lease ran out or whose owner is known dead."""
        now = utcnow()
        with self.sessions() as s:
            rows = list(s.scalars(select(Job).where(Job.status == JobStatus.RUNNING.value,
                                                    Job.lease_until.is_not(None))
                                  .order_by(Job.lease_until).limit(limit)))
        return [j for j in rows if j.lease_until is not None and (j.lease_until <= now or is_dead(j.lease_owner))]

    def recover_lost(self, job: Job, max_attempts: int) -> Start:
        """A lost job (from :meth:`lost_jobs`), unless another sweeper took it meanwhile: back to
        ``queued`` to be sent again (``RUN``), or ``failed`` with ``resource_limit`` after
        ``max_attempts`` starts (``GAVE_UP``); ``SKIP`` when its row changed since it was read."""
        now = utcnow()
        same = (Job.id == job.id, Job.status == JobStatus.RUNNING.value, Job.attempts == job.attempts,
                Job.lease_until == job.lease_until)
        with self.sessions.begin() as s:
            if job.attempts >= max_attempts:
                done = s.execute(update(Job).where(*same).values(**_gave_up(job.attempts, now))).rowcount
                if done:
                    s.execute(delete(JobSecret).where(JobSecret.job_id == job.id))
                return Start.GAVE_UP if done else Start.SKIP
            done = s.execute(update(Job).where(*same).values(
                status=JobStatus.QUEUED.value, stage="requeued", lease_owner=None, lease_until=None)).rowcount
            return Start.RUN if done else Start.SKIP

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
        values.update(lease_owner=None, lease_until=None)
        if status is JobStatus.SUCCEEDED:
            values.update(progress=100, stage="done")
        else:
            values["stage"] = status.value
        if result is not None:
            values["result"] = result
        with self.sessions.begin() as s:
            done = s.execute(update(Job).where(Job.id == job_id, Job.status.in_(ACTIVE)).values(**values))
            s.execute(delete(JobSecret).where(JobSecret.job_id == job_id))     # credentials end with the job
            return done.rowcount == 1

    def cancel(self, job_id: str) -> bool:
        """queued/running → cancelled. False when the job had already finished."""
        return self.finish(job_id, JobStatus.CANCELLED, error_code="cancelled",
                           error_message="The job was cancelled.")

    def requeue(self, job_id: str) -> bool:
        """running → queued (the task is sent again), its lease given back."""
        with self.sessions.begin() as s:
            done = s.execute(update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING.value)
                             .values(status=JobStatus.QUEUED.value, stage="requeued", lease_owner=None,
                                     lease_until=None))
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
            s.execute(delete(JobSecret).where(JobSecret.job_id == job_id))
            messages = select(WebhookMessage.id).where(WebhookMessage.job_id == job_id)
            s.execute(delete(WebhookAttempt).where(WebhookAttempt.message_id.in_(messages)))
            s.execute(delete(WebhookMessage).where(WebhookMessage.job_id == job_id))
            return s.execute(delete(Job).where(Job.id == job_id)).rowcount == 1

    # sealed credentials -----------------------------------------------------------------

    def get_secret(self, job_id: str) -> str | None:
        with self.sessions() as s:
            return s.scalar(select(JobSecret.sealed).where(JobSecret.job_id == job_id))

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

    def tenant_quota(self, tenant: str) -> dict[str, int | None]:
        """The tenant's own limits (None: the settings' default)."""
        with self.sessions() as s:
            row = s.get(Tenant, tenant)
            return {name: getattr(row, name) if row else None for name in LIMITS}

    def set_tenant_quota(self, tenant: str, values: dict[str, int | None]) -> dict[str, int | None]:
        """Set some of the tenant's own limits (None: back to the default); the tenant is created
        when new. Returns the tenant's own limits after the change."""
        unknown = set(values) - set(LIMITS)
        if unknown:
            raise ValueError(f"Unknown limits: {', '.join(sorted(unknown))}.")
        self.ensure_tenant(tenant)
        with self.sessions.begin() as s:
            s.execute(update(Tenant).where(Tenant.name == tenant).values(**values))
        return self.tenant_quota(tenant)

    def tenants(self) -> list[str]:
        with self.sessions() as s:
            return list(s.scalars(select(Tenant.name).order_by(Tenant.name)))

    # API keys -------------------------------------------------------------------------

    def create_api_key(self, tenant: str, **options: Any) -> str:
        """A new key for ``tenant`` (created with its webhook secret if new). Only the hash is kept."""
        return self.issue_key(tenant, **options)[0]

    def issue_key(self, tenant: str, *, name: str = "", scopes: Iterable[Scope] = TENANT_SCOPES,
                  expires_at: datetime | None = None) -> tuple[str, KeyInfo]:
        """A new key and what is kept of it (its hash, prefix, name, scopes, expiry)."""
        self.ensure_tenant(tenant)
        for _ in range(5):              # a prefix already taken (48 random bits): draw again
            key = new_key()
            row = ApiKey(tenant=tenant, key_hash=hash_key(key), prefix=prefix_of(key), name=name[:100],
                         scopes=format_scopes(scopes), created_at=utcnow(), expires_at=expires_at)
            try:
                with self.sessions.begin() as s:
                    s.add(row)
            except IntegrityError:
                continue
            return key, row.info()
        raise RuntimeError("Could not draw an unused key prefix.")

    def key_info(self, key: str) -> KeyInfo | None:
        """What is kept of ``key`` (None when unknown), whatever its state; stamps its last use at
        most once a minute, and keeps the prefix of a key made before prefixes were kept."""
        with self.sessions() as s:
            row = s.scalars(select(ApiKey).where(ApiKey.key_hash == hash_key(key))).first()
        if row is None:
            return None
        now = utcnow()
        stamp: dict[str, Any] = {}
        if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
            stamp["last_used_at"] = row.last_used_at = now
        if row.prefix is None:
            stamp["prefix"] = row.prefix = prefix_of(key)
        if stamp:
            try:
                with self.sessions.begin() as s:
                    s.execute(update(ApiKey).where(ApiKey.id == row.id).values(**stamp))
            except IntegrityError:       # an old key whose prefix another key has: it keeps none
                row.prefix = None
        return row.info()

    def tenant_for_key(self, key: str) -> str | None:
        """The tenant owning ``key`` while the key may be used (None when unknown, revoked or expired)."""
        info = self.key_info(key)
        return info.tenant if info is not None and key_problem(info, utcnow()) is None else None

    def find_key(self, ref: str | int) -> KeyInfo | None:
        """A key by its number or its prefix (``acc_AbCdEfGh``; the whole key works too)."""
        text_ref = str(ref).strip()
        with self.sessions() as s:
            if text_ref.isdigit():
                row = s.get(ApiKey, int(text_ref))
            else:
                row = s.scalars(select(ApiKey).where(ApiKey.prefix == prefix_of(text_ref))).first()
            return row.info() if row is not None else None

    def list_keys(self, tenant: str | None = None) -> list[KeyInfo]:
        with self.sessions() as s:
            stmt = select(ApiKey).order_by(ApiKey.tenant, ApiKey.created_at, ApiKey.id)
            if tenant is not None:
                stmt = stmt.where(ApiKey.tenant == tenant)
            return [row.info() for row in s.scalars(stmt)]

    def revoke_key(self, key_id: int, at: datetime | None = None) -> KeyInfo | None:
        """Revoke a key (now, or at ``at``: a rotation's grace period); an earlier revocation stands."""
        when = at or utcnow()
        with self.sessions.begin() as s:
            row = s.get(ApiKey, key_id)
            if row is None:
                return None
            if row.revoked_at is None or row.revoked_at > when:
                row.revoked_at = when
            self._bump_keys(s)
            return row.info()

    def update_key(self, key_id: int, *, name: str | None = None, scopes: Iterable[Scope] | None = None,
                   expires_at: datetime | bool | None = False) -> KeyInfo | None:
        """Change a key's name, scopes or expiry (``expires_at=None`` removes it; False keeps it)."""
        with self.sessions.begin() as s:
            row = s.get(ApiKey, key_id)
            if row is None:
                return None
            if name is not None:
                row.name = name[:100]
            if scopes is not None:
                row.scopes = format_scopes(scopes)
            if expires_at is not False:
                row.expires_at = expires_at if isinstance(expires_at, datetime) else None
            self._bump_keys(s)
            return row.info()

    def rotate_key(self, key_id: int, grace: timedelta = timedelta(0)) -> tuple[str, KeyInfo] | None:
        """A new key with the old one's tenant, name, scopes and expiry; the old key stops working
        after ``grace`` (at once by default). None when there is no such key."""
        old = self.find_key(key_id)
        if old is None:
            return None
        key, info = self.issue_key(old.tenant, name=old.name, scopes=old.scopes, expires_at=old.expires_at)
        self.revoke_key(old.id, utcnow() + grace)
        return key, info

    def key_generation(self) -> int:
        """Grows with every change to any key: a cache of keys older than this is stale."""
        with self.engine.connect() as conn:
            return int(conn.scalar(select(Counter.value).where(Counter.name == KEYS_COUNTER)) or 0)

    @staticmethod
    def _bump_keys(s: Session) -> None:
        if not s.execute(update(Counter).where(Counter.name == KEYS_COUNTER)
                         .values(value=Counter.value + 1)).rowcount:
            s.add(Counter(name=KEYS_COUNTER, value=1))

    # web app sessions -----------------------------------------------------------------

    def open_session(self, token: str, key: KeyInfo, expires_at: datetime) -> None:
        """Keep a new session (only the token's hash); expired sessions are swept on the way."""
        with self.sessions.begin() as s:
            s.execute(delete(WebSession).where(WebSession.expires_at <= utcnow()))
            s.add(WebSession(token_hash=hash_key(token), tenant=key.tenant, key_id=key.id,
                             created_at=utcnow(), expires_at=expires_at))

    def session_key(self, token: str) -> KeyInfo | None:
        """The key of the session ``token`` while the session has not expired (None otherwise);
        the caller checks that the key itself may still be used."""
        with self.sessions() as s:
            row = s.get(WebSession, hash_key(token))
            if row is None or row.expires_at <= utcnow():
                return None
            key = s.get(ApiKey, row.key_id)
            return key.info() if key is not None else None

    def close_session(self, token: str) -> None:
        with self.sessions.begin() as s:
            s.execute(delete(WebSession).where(WebSession.token_hash == hash_key(token)))

    # webhook deliveries ---------------------------------------------------------------

    def add_webhook_message(self, job_id: str, url: str, body: str, trigger: str) -> WebhookMessage:
        msg = WebhookMessage(id="msg_" + uuid.uuid4().hex, job_id=job_id, url=url, body=body, trigger=trigger,
                             status=PENDING_DELIVERY, created_at=utcnow(), next_attempt_at=utcnow(), attempts=[])
        with self.sessions.begin() as s:
            s.add(msg)
        return msg

    def webhook_message(self, message_id: str) -> WebhookMessage | None:
        with self.sessions() as s:
            return s.get(WebhookMessage, message_id)

    def webhook_messages(self, job_id: str) -> list[WebhookMessage]:
        with self.sessions() as s:
            return list(s.scalars(select(WebhookMessage).where(WebhookMessage.job_id == job_id)
                                  .order_by(WebhookMessage.created_at, WebhookMessage.id)))

    def record_attempt(self, message_id: str, *, number: int, started_at: datetime, duration_ms: int,
                       status_code: int | None, error: str | None, status: str,
                       next_attempt_at: datetime | None) -> bool:
        """Log one delivery attempt and where the message stands after it. False when attempt
        ``number`` was already logged (the same task ran twice): nothing changes then."""
        try:
            with self.sessions.begin() as s:
                s.add(WebhookAttempt(message_id=message_id, number=number, started_at=started_at,
                                     duration_ms=duration_ms, status_code=status_code, error=error))
                s.flush()
                s.execute(update(WebhookMessage).where(WebhookMessage.id == message_id)
                          .values(status=status, next_attempt_at=next_attempt_at))
        except IntegrityError:
            return False
        return True

    def due_webhooks(self) -> list[WebhookMessage]:
        """Messages still to be delivered, soonest first (a worker that restarts sends them again)."""
        with self.sessions() as s:
            return list(s.scalars(select(WebhookMessage).where(WebhookMessage.status == PENDING_DELIVERY)
                                  .order_by(WebhookMessage.next_attempt_at)))


NOT_RETRIED = {"ensure_schema", "ping", "dispose"}     # ping answers at once: readiness must not wait
for _name, _fn in list(vars(Store).items()):
    if callable(_fn) and not _name.startswith("_") and _name not in NOT_RETRIED:
        setattr(Store, _name, retrying(_fn))


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
