"""Audit log entries, the leaves of the RFC 9162 Merkle tree.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("actor", sa.Unicode(256), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entry", sa.UnicodeText, nullable=False),
        sa.Column("leaf_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_entries_category", "audit_entries", ["category"])
    op.create_index("ix_audit_entries_actor", "audit_entries", ["actor"])


def downgrade() -> None:
    op.drop_table("audit_entries")
