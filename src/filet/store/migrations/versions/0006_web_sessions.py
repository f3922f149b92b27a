"""Web sessions and login throttle (filet.web).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_sha256", sa.String(64), primary_key=True),
        sa.Column("account", sa.Unicode(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_sessions_account", "web_sessions", ["account"])
    op.create_table(
        "web_login_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_login_attempts_client", "web_login_attempts", ["client"])


def downgrade() -> None:
    op.drop_index("ix_web_login_attempts_client", "web_login_attempts")
    op.drop_table("web_login_attempts")
    op.drop_index("ix_web_sessions_account", "web_sessions")
    op.drop_table("web_sessions")
