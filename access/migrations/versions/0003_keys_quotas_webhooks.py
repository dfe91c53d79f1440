"""Keys with names, prefixes, scopes, expiry and revocation; tenants' quotas; jobs' site, document,
uploaded bytes and priority (job filters, quotas, fair scheduling); the webhook delivery log.

Existing keys keep working with every scope a key had before (audit, convert, read); admin is new
and given to none. Existing jobs get their site and document columns from their input.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-09
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from alembic import op

from access.jobfilters import document_key, site_of

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("prefix", sa.String(20), nullable=True))
        batch.add_column(sa.Column("name", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("scopes", sa.String(100), nullable=False, server_default="audit convert read"))
        batch.add_column(sa.Column("expires_at", TS, nullable=True))
        batch.add_column(sa.Column("revoked_at", TS, nullable=True))
        batch.create_unique_constraint("uq_api_keys_prefix", ["prefix"])
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("jobs_per_minute", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("concurrent_jobs", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("bytes_per_day", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("site_origin", sa.String(300), nullable=True))
        batch.add_column(sa.Column("site_path", sa.String(1000), nullable=True))
        batch.add_column(sa.Column("document_name", sa.String(255), nullable=True))
        batch.add_column(sa.Column("input_bytes", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
    _fill_listing_columns()
    op.create_index("ix_jobs_tenant_created", "jobs", ["tenant", "created_at"])
    op.create_index("ix_jobs_tenant_status", "jobs", ["tenant", "status"])
    op.create_index("ix_jobs_tenant_site", "jobs", ["tenant", "site_origin", "site_path", "created_at"])
    op.create_index("ix_jobs_tenant_document", "jobs", ["tenant", "document_name", "created_at"])
    counters = op.create_table(
        "counters",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("value", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(counters, [{"name": "keys", "value": 0}])     # the key generation (api/deps.py)
    op.create_table(
        "webhook_messages",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("job_id", sa.String(36), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=True),
    )
    op.create_index("ix_webhook_messages_job_id", "webhook_messages", ["job_id"])
    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(40), sa.ForeignKey("webhook_messages.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.UniqueConstraint("message_id", "number", name="uq_webhook_attempts_number"),
    )


def _fill_listing_columns() -> None:
    jobs = sa.table("jobs", sa.column("id", sa.String), sa.column("input", sa.JSON),
                    sa.column("site_origin", sa.String), sa.column("site_path", sa.String),
                    sa.column("document_name", sa.String), sa.column("input_bytes", sa.BigInteger))
    conn = op.get_bind()
    for job_id, data in conn.execute(sa.select(jobs.c.id, jobs.c.input)).all():
        data = data or {}
        values: dict[str, object] = {"document_name": document_key(data.get("filename")),
                                     "input_bytes": int(data.get("size") or 0)}
        if data.get("url"):
            with contextlib.suppress(Exception):
                values["site_origin"], values["site_path"] = site_of(str(data["url"]))
        conn.execute(sa.update(jobs).where(jobs.c.id == job_id).values(**values))


def downgrade() -> None:
    op.drop_table("webhook_attempts")
    op.drop_index("ix_webhook_messages_job_id", "webhook_messages")
    op.drop_table("webhook_messages")
    op.drop_table("counters")
    for name in ("ix_jobs_tenant_document", "ix_jobs_tenant_site", "ix_jobs_tenant_status", "ix_jobs_tenant_created"):
        op.drop_index(name, "jobs")
    with op.batch_alter_table("jobs") as batch:
        for column in ("priority", "input_bytes", "document_name", "site_path", "site_origin"):
            batch.drop_column(column)
    with op.batch_alter_table("tenants") as batch:
        for column in ("bytes_per_day", "concurrent_jobs", "jobs_per_minute"):
            batch.drop_column(column)
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint("uq_api_keys_prefix", type_="unique")
        for column in ("revoked_at", "expires_at", "scopes", "name", "prefix"):
            batch.drop_column(column)
