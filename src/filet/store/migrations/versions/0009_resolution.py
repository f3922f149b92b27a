"""Entity resolution: same-as links with their match probability, the review queue (filet.network).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resolution_links",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("family", sa.String(32), nullable=False),
        sa.Column("entity_a", sa.String(128), nullable=False),
        sa.Column("entity_b", sa.String(128), nullable=False),
        sa.Column("probability", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("compartments_a", sa.UnicodeText, nullable=False),
        sa.Column("compartments_b", sa.UnicodeText, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_resolution_links_entity_a", "resolution_links", ["entity_a"])
    op.create_index("ix_resolution_links_entity_b", "resolution_links", ["entity_b"])
    op.create_index("ix_resolution_links_status", "resolution_links", ["status"])
    op.create_table(
        "resolution_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("link_id", sa.String(40), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("previous", sa.String(16), nullable=True),
        sa.Column("actor", sa.Unicode(256), nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_resolution_decisions_link_id", "resolution_decisions", ["link_id"])


def downgrade() -> None:
    op.drop_index("ix_resolution_decisions_link_id", "resolution_decisions")
    op.drop_table("resolution_decisions")
    op.drop_index("ix_resolution_links_status", "resolution_links")
    op.drop_index("ix_resolution_links_entity_b", "resolution_links")
    op.drop_index("ix_resolution_links_entity_a", "resolution_links")
    op.drop_table("resolution_links")
