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
from sqlalchemy.dialects import postgresql

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
    op.create_table(
        "commons_search",
        sa.Column("commons_id", sa.Integer(), nullable=False),
        sa.Column("document", postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["commons_id"],
            ["commons.id"],
            name=op.f("fk_commons_search_commons_id_commons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commons_id", name=op.f("pk_commons_search")),
    )
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
        # The document is stored by a trigger so that neither the GIN recheck nor the ranking recomputes
        # it from JSON on every query.
        op.execute(f"INSERT INTO commons_search (commons_id, document) SELECT id, {PG_DOCUMENT} FROM commons")  # noqa: S608
        op.execute("CREATE INDEX ix_commons_search_document ON commons_search USING gin (document)")
        op.execute(
            "CREATE FUNCTION commons_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # noqa: S608
            "INSERT INTO commons_search (commons_id, document) VALUES (NEW.id, "
            + PG_DOCUMENT.replace("commons.", "NEW.")
            + ") ON CONFLICT (commons_id) DO UPDATE SET document = EXCLUDED.document; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER commons_search_sync AFTER INSERT OR UPDATE OF name, summary, slug, descriptions, "
            "topics ON commons FOR EACH ROW EXECUTE FUNCTION commons_search_refresh()"
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("commons_fts_insert", "commons_fts_delete", "commons_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS commons_fts")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS commons_search_sync ON commons")
        op.execute("DROP FUNCTION IF EXISTS commons_search_refresh()")
        op.execute("DROP INDEX IF EXISTS ix_commons_search_document")
    op.drop_table("commons_search")
    with op.batch_alter_table("commons", schema=None) as batch_op:
        batch_op.drop_index("ix_commons_name")
        batch_op.drop_index("ix_commons_usage_count")
        batch_op.drop_index("ix_commons_stars")
        batch_op.drop_index("ix_commons_development_status")
        batch_op.drop_index("ix_commons_category")
    with op.batch_alter_table("commons_facets", schema=None) as batch_op:
        batch_op.drop_index("ix_commons_facets_facet_value")
    op.drop_table("commons_facets")
