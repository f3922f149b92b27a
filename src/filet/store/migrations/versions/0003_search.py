"""Search index: folded names, name tokens and their lookup keys, identifiers.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_names",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("entity_id", sa.String(128), nullable=False),
        sa.Column("prop", sa.String(64), nullable=False),
        sa.Column("value", sa.UnicodeText, nullable=False),
        sa.Column("folded", sa.UnicodeText, nullable=False),
        sa.Column("skeleton", sa.UnicodeText, nullable=False),
    )
    op.create_index("ix_search_names_entity_id", "search_names", ["entity_id"])
    op.create_table(
        "search_tokens",
        sa.Column("token", sa.String(100), primary_key=True),
        sa.Column("entity_id", sa.String(128), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "search_keys",
        sa.Column("key", sa.String(56), primary_key=True),
        sa.Column("token", sa.String(48), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "search_identifiers",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("value", sa.String(128), primary_key=True),
        sa.Column("entity_id", sa.String(128), primary_key=True),
        sa.Column("prop", sa.String(64), primary_key=True),
        sa.Column("original", sa.UnicodeText, nullable=False),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("search_identifiers")
    op.drop_table("search_keys")
    op.drop_table("search_tokens")
    op.drop_table("search_names")
