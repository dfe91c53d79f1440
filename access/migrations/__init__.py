"""Alembic migrations of the job store (run by access.store.upgrade_schema)."""
