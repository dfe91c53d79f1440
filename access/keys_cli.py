"""``access keys …``: API keys and tenants' quotas from the command line (the same use-cases as
``/v1/admin``, :mod:`access.keyadmin`). A new key is printed alone on standard output, everything
else on standard error, so ``KEY=$(access keys create --tenant x)`` works."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from access.errors import AccessError

if TYPE_CHECKING:
    from access.store import Store

keys_app = typer.Typer(no_args_is_help=True, help="API keys (one tenant per key) and tenants' quotas.")
err = Console(stderr=True)


@keys_app.callback()
def keys_options() -> None:
    """API keys (one tenant per key) and tenants' quotas. Every keys command says which database
    it uses (on standard error), so a key is never made in a database the service does not read."""
    from access.config import get_settings, redact_url

    err.print(f"database: {redact_url(get_settings().resolved_database_url)}", highlight=False, soft_wrap=True)


@contextlib.contextmanager
def _store() -> Iterator[Store]:
    from access.config import get_settings
    from access.store import Store

    store = Store(get_settings().resolved_database_url)
    try:
        store.ensure_schema()
        yield store
    except AccessError as exc:
        err.print(f"[bold red]error:[/] {escape(f'{exc.message} [{exc.code}]')}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    finally:
        store.dispose()


def _when(value: str | None) -> str:
    return value[:16].replace("T", " ") if value else "—"


@keys_app.command("create")
def keys_create(
    tenant: Annotated[str, typer.Option(help="The tenant (school, platform) the key belongs to.")],
    name: Annotated[str, typer.Option(help="What the key is for, shown in lists.")] = "",
    scopes: Annotated[str, typer.Option(help="Comma-separated: audit, convert, read, admin.")] = "audit,convert,read",
    expires: Annotated[str | None, typer.Option(help="A duration (90d, 12h) or an ISO 8601 date; default never.")]
    = None,
    show_secret: Annotated[bool, typer.Option(help="Also print the tenant's webhook signing secret.")] = False,
) -> None:
    """Create an API key; prints only the key (it is not stored, only its hash).

    Example: access keys create --tenant my-school --name "LMS plug-in" --scopes audit,read --expires 90d
    """
    from access import keyadmin
    from access.webhooks import standard_secret

    with _store() as store:
        key, info = keyadmin.create_key(store, tenant, name=name, scopes=scopes, expires=expires)
        typer.echo(key)
        err.print(f"key {info.label} (#{info.id}) for tenant {escape(info.tenant)}: "
                  f"{', '.join(sorted(info.scopes))}" + (f", expires {_when(info.expires_at.isoformat())} UTC"
                                                          if info.expires_at else ""), highlight=False)
        if show_secret:
            secret = store.webhook_secret(info.tenant) or ""
            typer.echo(f"webhook secret: {standard_secret(secret)}")
            typer.echo(f"webhook secret (X-Access-Signature, deprecated): {secret}")


@keys_app.command("list")
def keys_list(
    tenant: Annotated[str | None, typer.Option(help="Only this tenant's keys.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """List keys by prefix (never the keys): tenant, name, scopes, created, last used, expiry, status."""
    from access.models import utcnow

    with _store() as store:
        rows = [k.as_dict(utcnow()) for k in store.list_keys(tenant)]
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row))
        return
    table = Table("#", "prefix", "tenant", "name", "scopes", "created", "last used", "expires", "status")
    for r in rows:
        table.add_row(str(r["id"]), str(r["prefix"] or "—"), str(r["tenant"]), str(r["name"]),
                      ",".join(r["scopes"]), _when(r["created_at"]), _when(r["last_used_at"]),  # type: ignore[arg-type]
                      _when(r["expires_at"]), str(r["status"]))  # type: ignore[arg-type]
    Console().print(table)


@keys_app.command("revoke")
def keys_revoke(key: Annotated[str, typer.Argument(help="The key's number or prefix (acc_AbCdEfGh).")]) -> None:
    """Revoke a key: it fails at once, in every API process."""
    from access import keyadmin

    with _store() as store:
        info = keyadmin.revoke_key(store, key)
    err.print(f"revoked key {info.label} of tenant {escape(info.tenant)}", highlight=False)


@keys_app.command("rotate")
def keys_rotate(
    key: Annotated[str, typer.Argument(help="The key's number or prefix (acc_AbCdEfGh).")],
    grace: Annotated[str | None, typer.Option(help="How long the old key keeps working (1h); default: none.")]
    = None,
) -> None:
    """Replace a key with a new one (same tenant, name, scopes and expiry); prints the new key.

    Example: access keys rotate acc_AbCdEfGh --grace 1h
    """
    from access import keyadmin

    with _store() as store:
        new_key, new, old = keyadmin.rotate_key(store, key, grace)
    typer.echo(new_key)
    until = f"until {_when(old.revoked_at.isoformat())} UTC" if grace and old.revoked_at else "no longer"
    err.print(f"key {new.label} replaces {old.label}, which works {until}", highlight=False)


def _limit(value: str | None) -> int | bool | None:
    """A limit given on the command line: a number, or ``default``; False when not given."""
    if value is None:
        return False
    if value.strip().lower() == "default":
        return None
    if not value.strip().isdigit():
        raise typer.BadParameter(f"{value!r}: give a number (0: no limit) or 'default'.")
    return int(value)


@keys_app.command("quota")
def keys_quota(
    tenant: Annotated[str, typer.Argument(help="The tenant.")],
    jobs_per_minute: Annotated[str | None, typer.Option(help="Jobs submitted per minute; 0: no limit; 'default'.")]
    = None,
    concurrent_jobs: Annotated[str | None, typer.Option(help="Jobs queued or running at once.")] = None,
    bytes_per_day: Annotated[str | None, typer.Option(help="Bytes uploaded per 24 hours.")] = None,
) -> None:
    """Show a tenant's limits and usage, or set its own limits.

    Example: access keys quota my-school --jobs-per-minute 30 --concurrent-jobs 10
    """
    from access import keyadmin
    from access.config import get_settings

    given: dict[str, Any] = {"jobs_per_minute": _limit(jobs_per_minute), "concurrent_jobs": _limit(concurrent_jobs),
                             "bytes_per_day": _limit(bytes_per_day)}
    changes = {k: v for k, v in given.items() if v is not False}
    with _store() as store:
        view = (keyadmin.set_quota(store, get_settings(), tenant, changes) if changes
                else keyadmin.quota_view(store, get_settings(), tenant))
    table = Table("limit", "in force", "own", "default", title=f"tenant {view['tenant']}", title_justify="left")
    for name, value in view["limits"].items():
        own = view["own"][name]
        table.add_row(name, str(value or "no limit"), "—" if own is None else str(own), str(view["defaults"][name]))
    err.print(table)
    err.print(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in view["usage"].items()), highlight=False)


@keys_app.command("secret")
def keys_secret() -> None:
    """Print a new server secret key for ACCESS_SECRET_KEY (it seals sign-in credentials of API audits)."""
    from access.vault import new_key

    typer.echo(new_key())
