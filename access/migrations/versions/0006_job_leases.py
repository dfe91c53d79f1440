"""Job leases: the worker running a job (``lease_owner``) and until when it is known alive
(``lease_until``), so a lost worker's job is found and sent again (:mod:`access.leases`).

Jobs left running by the previous release (but fanned-out audits, which their units tasks carry)
get a lease that has already run out: the first sweep sends them again (as the embedded worker did
with every running job at its start).

Revision ID: 0006
Revises: 0004 (0005 once the lead chains it after the other branch's 0005)
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("lease_owner", sa.String(200), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_jobs_status_lease", "jobs", ["status", "lease_until"])
    # not fanned-out audits: their units tasks carry them, and no process holds them
    op.execute("UPDATE jobs SET lease_until = started_at WHERE status = 'running' "
               "AND id NOT IN (SELECT job_id FROM job_units)")


def downgrade() -> None:
    op.drop_index("ix_jobs_status_lease", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("lease_owner")
