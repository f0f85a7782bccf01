# SPDX-License-Identifier: EUPL-1.2
"""Relevance of the search over the demo catalogue (bench/relevance_set.csv), and one behaviour on both
databases: the same queries give the same first results on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.relevance import evaluate, load_set
from commons import create_app
from commons.demo import load_catalogue_demo
from commons.extensions import db
from tests.conftest import drop_database, migrate_to_head

# success@5 below this fails the suite (issue 14 asks for 0.9 on both databases).
SUCCESS_AT_5 = 0.9
MRR = 0.75


def test_relevance_set_scores_above_the_threshold_on_this_database(app):
    load_catalogue_demo()
    report = evaluate(load_set())
    assert report["queries"] >= 60
    assert len(report["by_language"]) >= 5
    assert report["success_at_5"] >= SUCCESS_AT_5, report["failures"]
    assert report["mrr"] >= MRR


def _first_results(url: str) -> dict[str, list[str]]:
    from werkzeug.datastructures import MultiDict

    from commons.catalogue.search import SearchParams, search

    migrate_to_head(url)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        load_catalogue_demo()
        db.session.commit()
        out = {}
        for item in load_set():
            params = SearchParams.from_args(MultiDict({"q": item["query"], "per_page": "5"}))
            out[item["query"]] = [c.slug for c in search(params, with_facets=False).items]
        for query in ('"open data"', "signature -autogram", "keycloak OR moodle", "nextclod", "Karten"):
            params = SearchParams.from_args(MultiDict({"q": query, "per_page": "5"}))
            out[query] = [c.slug for c in search(params, with_facets=False).items]
        db.session.remove()
        db.engine.dispose()
    return out


@pytest.fixture()
def postgres_url() -> Iterator[str]:
    base = os.environ.get("COMMONS_TEST_DATABASE_URL")
    if not base:
        pytest.skip("needs COMMONS_TEST_DATABASE_URL (a PostgreSQL server) to compare both databases")
    url = make_url(base)
    name = re.sub(r"[^a-z0-9_]", "_", f"{url.database}_relevance_{os.getpid()}".lower())
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    target = url.set(database=name).render_as_string(hide_password=False)
    yield target
    drop_database(target)


def test_sqlite_and_postgresql_give_the_same_first_results(tmp_path, postgres_url):
    sqlite = _first_results(f"sqlite:///{tmp_path / 'relevance.db'}")
    postgres = _first_results(postgres_url)
    assert sqlite.keys() == postgres.keys()
    different = {q: (sqlite[q], postgres[q]) for q in sqlite if sqlite[q] != postgres[q]}
    assert different == {}
    assert sum(1 for results in sqlite.values() if results) >= 70
