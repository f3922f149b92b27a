"""Deconfliction notices and the hit/no-hit index (filet.security).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deconfliction_notices",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("compartment", sa.Unicode(128), nullable=False),
        sa.Column("own_entity", sa.String(128), nullable=False),
        sa.Column("other_compartment", sa.Unicode(128), nullable=False),
        sa.Column("match_kind", sa.String(32), nullable=False),
        sa.Column("other_service", sa.String(32), nullable=False),
        sa.Column("other_contact", sa.Unicode(256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_deconfliction_notices_compartment", "deconfliction_notices", ["compartment"]
    )
    op.create_table(
        "hit_index",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("compartment", sa.Unicode(128), primary_key=True),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("contact", sa.Unicode(256), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "hit_buckets",
        sa.Column("account", sa.Unicode(128), primary_key=True),
        sa.Column("tokens", sa.Float, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hit_buckets")
    op.drop_table("hit_index")
    op.drop_index("ix_deconfliction_notices_compartment", "deconfliction_notices")
    op.drop_table("deconfliction_notices")
