"""Dossier coffre: sealed items of a case, their named holders (filet.cases).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coffre_items",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("compartment", sa.Unicode(128), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("sealed_by", sa.Unicode(128), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coffre_items_compartment", "coffre_items", ["compartment"])
    op.create_table(
        "coffre_holders",
        sa.Column("item_id", sa.String(32), primary_key=True),
        sa.Column("account", sa.Unicode(128), primary_key=True),
        sa.Column("granted_by", sa.Unicode(128), nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.Unicode(128), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_coffre_holders_account", "coffre_holders", ["account"])


def downgrade() -> None:
    op.drop_index("ix_coffre_holders_account", "coffre_holders")
    op.drop_table("coffre_holders")
    op.drop_index("ix_coffre_items_compartment", "coffre_items")
    op.drop_table("coffre_items")
