"""Settings. Every setting is read from ``ACCESS_*`` environment variables (or a ``.env`` file);
nothing else in the code base reads ``os.environ`` for configuration.

:class:`Settings` holds what the core and every deployment need. A plugin declares its own settings
as a :class:`PluginSettings` subclass (same ``ACCESS_`` prefix) beside its code and reads them with
``ctx.plugin_settings(SpeechSettings)``; values given to ``Settings(...)`` by name (tests, the CLI)
override the environment for plugin settings too.

Defaults are the *embedded* mode: SQLite job store and an SQLite-backed Celery broker under the
data dir, so ``make run`` needs no server. Point ``ACCESS_DATABASE_URL`` at PostgreSQL and
``ACCESS_BROKER_URL`` at Redis or RabbitMQ for the distributed mode.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

import platformdirs
from pydantic import Field, PrivateAttr, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

APP_NAME = "access"


def default_data_dir(package_dir: Path | None = None) -> Path:
    """Where jobs' files and the default SQLite databases live unless ``ACCESS_DATA_DIR`` says
    otherwise; never the current directory, so every command finds the same database wherever it
    is run from. From a source checkout (``make run``, ``pip install -e .``) it is the checkout's
    ``data/`` folder, where it has always been; an installed package uses the per-user data folder
    of the platform (``~/.local/share/access`` on Linux, ``%LOCALAPPDATA%\\access`` on Windows,
    ``~/Library/Application Support/access`` on macOS)."""
    checkout = (package_dir or Path(__file__).resolve().parent).parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "access" / "config.py").is_file():
        return checkout / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def redact_url(url: str) -> str:
    """A URL with its credentials hidden (``postgresql://***@db/access``), for messages and logs."""
    return re.sub(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", r"\1***@", url)


class AuthMode(StrEnum):
    API_KEY = "api_key"      # every request needs Authorization: Bearer <key>
    NONE = "none"            # single-user local mode: everything runs as tenant "local"


class Settings(BaseSettings):
    # extra="allow": a plugin's setting given here by name (Settings(browser_pool_size=2)) reaches the
    # plugin through plugin_settings(); the environment is read by each settings class itself.
    model_config = SettingsConfigDict(env_prefix="ACCESS_", env_file=".env", extra="allow")

    # plugin settings class -> (the values given here for it, the settings made from them)
    _plugin_cache: dict[type[PluginSettings], tuple[dict[str, Any], PluginSettings]] = PrivateAttr(
        default_factory=dict)

    data_dir: Path = Field(default_factory=default_data_dir,
                           description="Jobs' files and the default SQLite databases (see default_data_dir).")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite under data_dir.")
    broker_url: str | None = Field(None, description="Celery broker; default embedded SQLite broker.")
    broker_polling_interval: float = Field(0.05, description="Embedded broker polling interval (s).")
    broker_visibility_timeout: int = Field(
        7200, description="Redis: seconds before an unacknowledged task of a lost worker is re-delivered.")
    broker_key_prefix: str = Field("", description="Redis: prefix of every broker key (share one Redis).")

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = Field(None, description="Base URL used in artifact links; default from request.")

    auth_mode: AuthMode = AuthMode.API_KEY

    # the HTTP edge of `access serve` (api.httpedge); behind a reverse proxy in production
    http_max_header_bytes: int = Field(
        32 * 1024, ge=1024, description="Largest request head (request line and headers); more: 431.")
    http_header_timeout: float = Field(
        10.0, gt=0, description="Seconds a client has to send a request's headers (slow-loris guard); then 408.")
    http_keep_alive: float = Field(5.0, gt=0, description="Seconds an idle kept-alive connection stays open.")
    http_max_connections: int = Field(
        1000, ge=1, description="Connections and requests one API process takes at once; past that: 503.")
    api_workers: int = Field(1, ge=1, description="API processes `access serve` runs (uvicorn workers).")
    metrics_token: SecretStr | None = Field(
        None, description="When set, GET /metrics needs 'Authorization: Bearer <token>'.")

    # limits
    max_upload_bytes: int = Field(200 * 1024 * 1024, description="Largest accepted upload.")
    max_unpacked_bytes: int = Field(1024 * 1024 * 1024, description="Largest total size inside a zip.")
    max_pages: int = Field(1000, description="Largest number of pages/slides a document may have.")
    max_crawl_pages: int = Field(500, description="Upper bound on max_pages for a site audit.")
    # what an input may expand to, checked while reading (access.limits): limit_exceeded past them
    job_memory_limit: int = Field(
        2 * 1024 ** 3, ge=0, description="Memory (bytes) a worker process may commit while it runs a job "
                                         "(RLIMIT_DATA); past it the job ends with limit_exceeded. 0: no ceiling.")
    max_stream_bytes: int = Field(
        256 * 1024 * 1024, ge=0, description="Largest decompressed size of one document's compressed streams "
                                             "(PDF page content) in all.")
    max_zip_members: int = Field(10_000, ge=1, description="Most files a zip container may hold.")
    max_member_bytes: int = Field(
        64 * 1024 * 1024, ge=0, description="Largest decompressed size of one markup file inside a zip "
                                            "container (an HTML page, a DOCX/PPTX/EPUB XML part).")
    max_document_nodes: int = Field(
        300_000, ge=0, description="Most elements a parsed document (an HTML page, a DOCX body) may have.")
    max_document_depth: int = Field(
        128, ge=0, description="Deepest nesting of elements in a parsed document (tables in tables...).")
    max_paragraph_chars: int = Field(
        100_000, ge=0, description="Longest paragraph (or line of a text file) converted, in characters.")
    task_time_limit: int = Field(3600, description="Hard time limit of one task (s).")
    task_soft_time_limit: int = Field(3300, description="Soft time limit of one task (s).")

    # lost workers (access.leases): a running job's lease, renewed by its worker, and the sweeper
    job_lease_seconds: float = Field(
        60.0, gt=0, description="A running job's lease (s), renewed every quarter of it while its worker lives; "
                                "a job whose lease ran out was lost with its worker and is sent again.")
    job_max_attempts: int = Field(
        3, ge=1, description="Starts of a job whose worker keeps being lost before it fails with resource_limit.")
    lease_sweep_interval: float = Field(
        15.0, gt=0, description="Seconds between two looks for lost jobs by each worker (and one at its start).")

    # network guard for URL audits
    allow_private_networks: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="CIDR blocks URL audits may reach although private/loopback (e.g. 127.0.0.0/8).")

    # webhooks
    webhook_secret: str | None = Field(None, description="HMAC key for callback signatures; per-tenant keys win.")
    # secrets at rest (access.vault): sign-in credentials of API audits are sealed with it
    secret_key: SecretStr | None = Field(
        None, description="Fernet key(s), comma separated (the first seals): make one with `access keys secret`.")

    webhook_attempts: int = Field(5, ge=1, description="Delivery attempts of one webhook message, the first included.")
    webhook_timeout: float = 10.0
    webhook_backoff: float = Field(
        5.0, gt=0, description="Seconds before the first retry; each next retry waits 6 times longer.")
    webhook_backoff_max: float = Field(6 * 3600, gt=0, description="Longest wait between two attempts (s).")

    # API keys and tenants' quotas (a tenant's own quota, set with `access keys quota`, wins)
    admin_key: str | None = Field(
        None, description="A key that may use /v1/admin (besides keys with the admin scope); keep it secret.")
    key_cache_seconds: float = Field(60.0, ge=0, description="How long the API trusts a key it has checked.")
    quota_jobs_per_minute: int = Field(300, ge=0, description="Jobs a tenant may submit per minute (0: no limit).")
    quota_concurrent_jobs: int = Field(
        200, ge=0, description="Jobs a tenant may have queued or running at once (0: no limit).")
    quota_bytes_per_day: int = Field(
        50 * 1024 ** 3, ge=0, description="Bytes a tenant may upload per 24 hours (0: no limit).")
    quota_busy_retry_after: int = Field(
        15, ge=1, description="Retry-After (s) when a tenant has too many jobs queued or running.")
    fair_share_step: int = Field(
        2, ge=1, description="Fair scheduling: a tenant's job goes one priority level down for every this "
                             "many jobs it already has queued or running (Redis broker).")

    # the web app (webapp/): browser sessions opened by signing in with a key, and share links
    session_hours: float = Field(12.0, gt=0, description="Web app: hours a signed-in browser session lasts.")
    secure_cookies: bool | None = Field(
        None, description="Web app: mark cookies Secure; default: when the request came over HTTPS.")
    share_secret: SecretStr | None = Field(
        None, description="Web app: HMAC key of share links (signed, expiring download URLs); default: derived "
                          "from ACCESS_SECRET_KEY, else a random key kept in data_dir/share-link.key.")
    share_link_days: float = Field(7.0, gt=0, description="Web app: days a share link works.")

    # embedded worker started by `access serve`
    embedded_worker: bool = True
    worker_concurrency: int = 2

    # engines
    chromium_path: str = "/usr/bin/chromium"

    # fault injection for tests of the job machinery (seconds a task sleeps before its work)
    debug_task_delay: float = 0.0
    progress_interval: float = Field(0.5, description="Seconds between progress writes to a job row.")

    log_level: str = "INFO"
    log_format: str = Field("json", pattern="^(json|text)$",
                            description="Service logs: one JSON object per line (json) or plain lines (text).")

    # metrics (access.metrics): prometheus_client's multiprocess mode, one folder per host under data_dir
    metrics_dir: Path | None = Field(None, description="Metrics files of every process; default data_dir/metrics.")
    metrics_tenant_labels: bool = Field(
        False, description="Label job metrics with the tenant (one series per tenant: only with few tenants).")

    @field_validator("allow_private_networks", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, list):
            for net in value:
                ipaddress.ip_network(net, strict=False)
        return value

    # derived ------------------------------------------------------------------------------

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.resolved_data_dir / 'access.sqlite'}"

    @property
    def resolved_broker_url(self) -> str:
        return self.broker_url or f"sqla+sqlite:///{self.resolved_data_dir / 'broker.sqlite'}"

    @property
    def embedded_broker(self) -> bool:
        return self.resolved_broker_url.startswith("sqla+")

    @property
    def files_dir(self) -> Path:
        return self.resolved_data_dir / "files"

    @property
    def resolved_metrics_dir(self) -> Path:
        return (self.metrics_dir or self.resolved_data_dir / "metrics").expanduser().resolve()


@lru_cache
def get_settings() -> Settings:
    return Settings()


class PluginSettings(BaseSettings):
    """Base of a plugin's own settings: ``ACCESS_*`` variables, declared beside the plugin."""

    model_config = SettingsConfigDict(env_prefix="ACCESS_", env_file=".env", extra="ignore")


S = TypeVar("S", bound=PluginSettings)


def plugin_settings(cls: type[S], settings: Settings) -> S:
    """A plugin's settings: the environment, overridden by values given to ``settings`` by name.
    Made once per (settings object, class, given values): a copy made with ``model_copy(update=...)``
    shares the cache but not the values, so it gets its own."""
    given = {k: v for k, v in (settings.model_extra or {}).items() if k in cls.model_fields}
    cached = settings._plugin_cache.get(cls)
    if cached is None or cached[0] != given:
        cached = settings._plugin_cache[cls] = (given, cls(**given))
    return cached[1]  # type: ignore[return-value]
