"""Ingestion checkpoints and the quarantine of rejected records.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("path", sa.Unicode(1024), nullable=False),
        sa.Column("format", sa.String(64), nullable=False),
        sa.Column("mapping", sa.UnicodeText, nullable=True),
        sa.Column("columns", sa.JSON, nullable=True),
        sa.Column("provenance", sa.JSON, nullable=False),
        sa.Column("batches_done", sa.Integer, nullable=False),
        sa.Column("records_done", sa.Integer, nullable=False),
        sa.Column("rows_stored", sa.Integer, nullable=False),
        sa.Column("rows_quarantined", sa.Integer, nullable=False),
        sa.Column("entities_stored", sa.Integer, nullable=False),
        sa.Column("event_rows", sa.Integer, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "quarantine",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("file_path", sa.Unicode(1024), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("field", sa.Unicode(256), nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=False),
        sa.Column("raw", sa.UnicodeText, nullable=False),
        sa.Column("record", sa.JSON, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.UnicodeText, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_quarantine_file_sha256", "quarantine", ["file_sha256"])
    op.create_index("ix_quarantine_status", "quarantine", ["status"])


def downgrade() -> None:
    op.drop_table("quarantine")
    op.drop_table("ingest_files")
