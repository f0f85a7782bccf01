# SPDX-License-Identifier: EUPL-1.2
"""Catalogue search: facet table, b-tree indexes, and full text (SQLite FTS5 / PostgreSQL GIN).

The full-text objects are written by hand per dialect and are not described by the models (see
``commons.catalogue.search.include_in_schema_check``). The SQL is spelled out here, not imported, so that
this migration never changes once released.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PG_DOCUMENT = (
    "(to_tsvector('simple'::regconfig, coalesce(commons.name, '') || ' ' || coalesce(commons.summary, '')"
    " || ' ' || commons.slug)"
    " || jsonb_to_tsvector('simple'::regconfig, coalesce(commons.descriptions, '{}'::jsonb), '[\"string\"]')"
    " || jsonb_to_tsvector('simple'::regconfig, coalesce(commons.topics, '[]'::jsonb), '[\"string\"]'))"
)

# Text of a commons for FTS5: name, summary, and the rest (slug, descriptions in every language, topics).
SQLITE_BODY = (
    "new.slug || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_tree(new.descriptions)"
    " WHERE type = 'text'), '') || ' ' || coalesce((SELECT group_concat(value, ' ')"
    " FROM json_each(new.topics)), '')"
)
SQLITE_INSERT = (
    "INSERT INTO commons_fts(rowid, name, summary, body) "  # noqa: S608 - constants only
    f"VALUES (new.id, new.name, coalesce(new.summary, ''), {SQLITE_BODY});"
)


def upgrade():
    op.create_table(
        "commons_facets",
        sa.Column("commons_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=30), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["commons_id"],
            ["commons.id"],
            name=op.f("fk_commons_facets_commons_id_commons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commons_id", "facet", "value", name=op.f("pk_commons_facets")),
    )
    with op.batch_alter_table("commons_facets", schema=None) as batch_op:
        batch_op.create_index("ix_commons_facets_facet_value", ["facet", "value", "commons_id"], unique=False)
    with op.batch_alter_table("commons", schema=None) as batch_op:
        batch_op.create_index("ix_commons_category", ["category"], unique=False)
        batch_op.create_index("ix_commons_development_status", ["development_status"], unique=False)
        batch_op.create_index("ix_commons_stars", ["stars"], unique=False)
        batch_op.create_index("ix_commons_usage_count", ["usage_count"], unique=False)
        batch_op.create_index("ix_commons_name", ["name"], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE commons_fts USING fts5("
            "name, summary, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
        )
        op.execute(f"CREATE TRIGGER commons_fts_insert AFTER INSERT ON commons BEGIN {SQLITE_INSERT} END")
        op.execute(
            "CREATE TRIGGER commons_fts_delete AFTER DELETE ON commons "
            "BEGIN DELETE FROM commons_fts WHERE rowid = old.id; END"
        )
        op.execute(
            "CREATE TRIGGER commons_fts_update AFTER UPDATE OF name, summary, slug, descriptions, topics "  # noqa: S608
            f"ON commons BEGIN DELETE FROM commons_fts WHERE rowid = old.id; {SQLITE_INSERT} END"
        )
        op.execute(
            "INSERT INTO commons_fts(rowid, name, summary, body) SELECT id, name, coalesce(summary, ''), "  # noqa: S608
            + SQLITE_BODY.replace("new.", "commons.")
            + " FROM commons"
        )
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_commons_search_document ON commons USING gin ({PG_DOCUMENT})")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("commons_fts_insert", "commons_fts_delete", "commons_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS commons_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_commons_search_document")
    with op.batch_alter_table("commons", schema=None) as batch_op:
        batch_op.drop_index("ix_commons_name")
        batch_op.drop_index("ix_commons_usage_count")
        batch_op.drop_index("ix_commons_stars")
        batch_op.drop_index("ix_commons_development_status")
        batch_op.drop_index("ix_commons_category")
    with op.batch_alter_table("commons_facets", schema=None) as batch_op:
        batch_op.drop_index("ix_commons_facets_facet_value")
    op.drop_table("commons_facets")
