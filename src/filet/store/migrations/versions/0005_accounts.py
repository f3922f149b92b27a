"""Accounts, API tokens, compartments, their members and their datasets.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("name", sa.Unicode(128), primary_key=True),
        sa.Column("display_name", sa.Unicode(256), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("clearance", sa.Integer, nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=True),
        sa.Column("totp_secret", sa.String(64), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger, nullable=True),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.Unicode(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("account", sa.Unicode(128), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_api_tokens_account", "api_tokens", ["account"])
    op.create_table(
        "compartments",
        sa.Column("name", sa.Unicode(128), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.Unicode(512), nullable=False),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("clearance", sa.Integer, nullable=False),
        sa.Column("created_by", sa.Unicode(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "compartment_members",
        sa.Column("compartment", sa.Unicode(128), primary_key=True),
        sa.Column("account", sa.Unicode(128), primary_key=True),
        sa.Column("granted_by", sa.Unicode(128), nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.Unicode(128), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_compartment_members_account", "compartment_members", ["account"])
    op.create_table(
        "compartment_datasets",
        sa.Column("dataset", sa.String(128), primary_key=True),
        sa.Column("compartment", sa.Unicode(128), nullable=False),
        sa.Column("assigned_by", sa.Unicode(128), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_compartment_datasets_compartment", "compartment_datasets", ["compartment"])


def downgrade() -> None:
    op.drop_table("compartment_datasets")
    op.drop_table("compartment_members")
    op.drop_table("compartments")
    op.drop_table("api_tokens")
    op.drop_table("accounts")
