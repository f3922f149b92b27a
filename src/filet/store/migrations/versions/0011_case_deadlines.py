"""Case deadlines: authorizations of special investigative techniques and custody.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_deadlines",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("compartment", sa.Unicode(128), nullable=False, index=True),
        sa.Column("technique", sa.String(64), nullable=False),
        sa.Column("target", sa.Unicode(256), nullable=False),
        sa.Column("authorized_by", sa.Unicode(256), nullable=False),
        sa.Column("authorized_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("renewals", sa.Integer, nullable=False),
        sa.Column("recorded_by", sa.Unicode(128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("case_deadlines")
