# SPDX-License-Identifier: EUPL-1.2
"""Language-aware search: the functions of a commons, its terms (folded words and stems) and its folded text.

``commons_terms`` and ``commons_text`` are written by the application (``commons.catalogue.search``), in
Python, so that SQLite and PostgreSQL index the same terms; this migration fills them for existing rows.
The column is added with ADD COLUMN (no table rebuild on SQLite, so the FTS5 triggers of 0003 stay).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _term_type():
    # Byte order on PostgreSQL, as on SQLite: prefix ranges (term >= 'map' AND term < 'map\U0010ffff').
    return sa.String(length=60).with_variant(sa.String(length=60, collation="C"), "postgresql")


def upgrade():
    op.add_column(
        "commons",
        sa.Column(
            "functions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
            server_default=sa.text("'[]'"),
        ),
    )
    op.create_table(
        "commons_terms",
        sa.Column("commons_id", sa.Integer(), nullable=False),
        sa.Column("term", _term_type(), nullable=False),
        sa.Column("weight", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commons_id"], ["commons.id"], name=op.f("fk_commons_terms_commons_id_commons"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("commons_id", "term", name=op.f("pk_commons_terms")),
    )
    op.create_index("ix_commons_terms_term", "commons_terms", ["term", "commons_id", "weight"], unique=False)
    op.create_table(
        "commons_text",
        sa.Column("commons_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commons_id"], ["commons.id"], name=op.f("fk_commons_text_commons_id_commons"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("commons_id", name=op.f("pk_commons_text")),
    )
    from commons.catalogue.search import sync_terms

    connection = op.get_bind()
    ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM commons"))]
    sync_terms(connection, ids)


def downgrade():
    op.drop_table("commons_text")
    op.drop_index("ix_commons_terms_term", table_name="commons_terms")
    op.drop_table("commons_terms")
    with op.batch_alter_table("commons", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("functions")
