"""Alert sources: the datasets and entities each alert was drawn from (access policy).

Alerts stored before this revision have no source and stay hidden in a secured
workspace until ``filet detect`` finds them again and records their sources.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_sources",
        sa.Column("alert_id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("ref", sa.Unicode(256), primary_key=True),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("alert_sources")
