# SPDX-License-Identifier: EUPL-1.2
"""Drop the full-text objects of 0003 that the search no longer reads (it matches words in commons_terms).

SQLite: the FTS5 table ``commons_fts`` and its three triggers on ``commons``. PostgreSQL: the trigger
``commons_search_sync``, its function, the GIN index and the stored tsvector. Both: the table
``commons_search``. Every insert or text change of a commons paid for them. The downgrade puts them back
and fills them again; the SQL is spelled out (as in 0003), so that this migration never changes.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PG_DOCUMENT = (
    "(to_tsvector('simple'::regconfig, coalesce(commons.name, '') || ' ' || coalesce(commons.summary, '')"
    " || ' ' || commons.slug)"
    " || jsonb_to_tsvector('simple'::regconfig, coalesce(commons.descriptions, '{}'::jsonb), '[\"string\"]')"
    " || jsonb_to_tsvector('simple'::regconfig, coalesce(commons.topics, '[]'::jsonb), '[\"string\"]'))"
)
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


def downgrade():
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
