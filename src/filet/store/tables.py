"""Tables of the application database (SQLite by default, PostgreSQL in production).

Entities are stored as FollowTheMoney statements, one row per value, so that every
value keeps its own provenance and grading. Migrations in ``migrations/`` create
these tables; a test checks that the two never drift apart.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

entities = sa.Table(
    "entities",
    metadata,
    sa.Column("id", sa.String(128), primary_key=True),
    sa.Column("schema", sa.String(64), nullable=False, index=True),
    sa.Column("caption", sa.Unicode(512), nullable=False, default=""),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

statements = sa.Table(
    "statements",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("entity_id", sa.String(128), nullable=False, index=True),
    sa.Column("schema", sa.String(64), nullable=False),
    sa.Column("prop", sa.String(64), nullable=False),
    sa.Column("prop_type", sa.String(32), nullable=False),
    sa.Column("value", sa.UnicodeText, nullable=False),
    sa.Column("original_value", sa.UnicodeText, nullable=True),
    sa.Column("lang", sa.String(8), nullable=True),
    sa.Column("dataset", sa.String(128), nullable=False, index=True),
    sa.Column("source_record", sa.Unicode(512), nullable=False),
    sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("collecting_service", sa.Unicode(128), nullable=False),
    sa.Column("source_reliability", sa.String(1), nullable=False),
    sa.Column("information_assessment", sa.String(1), nullable=False),
    sa.Column("handling_code", sa.String(2), nullable=False),
    sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("detector_id", sa.String(128), nullable=False, index=True),
    sa.Column("detector_version", sa.String(32), nullable=False),
    sa.Column("score", sa.Float, nullable=False, index=True),
    sa.Column("start", sa.DateTime(timezone=True), nullable=False),
    sa.Column("end", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
