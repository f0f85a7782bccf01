# SPDX-License-Identifier: EUPL-1.2
"""Migrations on this run's database (SQLite, or PostgreSQL with COMMONS_TEST_DB=postgres)."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from commons import create_app
from commons.catalogue.search import include_in_schema_check
from commons.extensions import db
from commons.memberstates.models import MemberState
from commons.reviews.models import Criterion
from tests.conftest import drop_database, fresh_database_url


def test_upgrade_from_empty_check_downgrade_and_upgrade_again(tmp_path):
    url = fresh_database_url(tmp_path, "migrations")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        assert (
            db.session.scalar(select(func.count()).select_from(MemberState).where(MemberState.kind == "member_state"))
            == 27
        )
        assert db.session.get(MemberState, "SE").currency == "SEK"
        assert {c.code for c in db.session.scalars(select(Criterion).where(Criterion.version == "v1"))} == {
            "G1",
            "G2",
            "G3",
            "G4",
            "G5",
            "G6",
            "S1",
            "S2",
            "S3",
            "S4",
            "S5",
        }
        db.session.remove()
        # `db check`: the models and the migrations describe the same schema.
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        with db.engine.connect() as connection:
            diff = compare_metadata(
                MigrationContext.configure(
                    connection,
                    # Full-text objects (FTS5 tables, the GIN expression index) are not in the models.
                    opts={"compare_type": True, "include_name": include_in_schema_check},
                ),
                db.metadata,
            )
        assert diff == []
        downgrade(revision="base")
        db.session.remove()
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "contributions" in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()
    drop_database(url)
