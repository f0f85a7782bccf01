# SPDX-License-Identifier: EUPL-1.2
"""Invitations (one-time links to set a password) and the record of exchange-rate imports.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import commons.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", commons.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", commons.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", commons.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", commons.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_invitations_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_invitations_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_user_id"), ["user_id"], unique=False)

    op.create_table(
        "rate_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", commons.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("rates", sa.Integer(), nullable=False),
        sa.Column("currencies", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("last_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_rate_imports_actor_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_imports")),
    )
    with op.batch_alter_table("rate_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_imports_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rate_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_imports_at"))
    op.drop_table("rate_imports")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_user_id"))
    op.drop_table("invitations")
