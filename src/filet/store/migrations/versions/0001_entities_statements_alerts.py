"""Entities as statements with provenance, and alerts.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("schema", sa.String(64), nullable=False),
        sa.Column("caption", sa.Unicode(512), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_entities_schema", "entities", ["schema"])
    op.create_table(
        "statements",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("entity_id", sa.String(128), nullable=False),
        sa.Column("schema", sa.String(64), nullable=False),
        sa.Column("prop", sa.String(64), nullable=False),
        sa.Column("prop_type", sa.String(32), nullable=False),
        sa.Column("value", sa.UnicodeText, nullable=False),
        sa.Column("original_value", sa.UnicodeText, nullable=True),
        sa.Column("lang", sa.String(8), nullable=True),
        sa.Column("dataset", sa.String(128), nullable=False),
        sa.Column("source_record", sa.Unicode(512), nullable=False),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("collecting_service", sa.Unicode(128), nullable=False),
        sa.Column("source_reliability", sa.String(1), nullable=False),
        sa.Column("information_assessment", sa.String(1), nullable=False),
        sa.Column("handling_code", sa.String(2), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_statements_entity_id", "statements", ["entity_id"])
    op.create_index("ix_statements_dataset", "statements", ["dataset"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("detector_id", sa.String(128), nullable=False),
        sa.Column("detector_version", sa.String(32), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_alerts_detector_id", "alerts", ["detector_id"])
    op.create_index("ix_alerts_score", "alerts", ["score"])
    op.create_index("ix_alerts_status", "alerts", ["status"])


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_table("statements")
    op.drop_table("entities")
