# SPDX-License-Identifier: EUPL-1.2
"""Relevance of the catalogue search: success@5 and MRR of a set of queries over the demo catalogue.

    .venv/bin/python bench/relevance.py [--database-url URL] [--json] [--show-failures]

Loads the demo catalogue (the organisations, commons and usage of ``commons demo load``) into a temporary
SQLite file, or into the PostgreSQL database of ``--database-url`` (created when missing; the demo load is
idempotent), then runs every query of ``bench/relevance_set.csv`` through the search service (relevance
order, first page of 10).

- success@5: the share of queries with at least one expected commons among the first five results;
- MRR: the mean of 1 / rank of the first expected commons in the first ten (0 when none is there).

Prints one line per failing query with ``--show-failures``, then the figures; with ``--json`` the last line
is one JSON object (``{"database", "queries", "success_at_5", "mrr", "by_language", "failures"}``).
"""

from __future__ import annotations

import argparse
import csv
import json
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SET_FILE = Path(__file__).resolve().parent / "relevance_set.csv"
DEPTH = 10


def load_set(path: Path = SET_FILE) -> list[dict[str, Any]]:
    """The queries: ``{"language", "query", "expected": [slug, …]}``."""
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [
        {"language": row["language"], "query": row["query"], "expected": row["expected"].split(";")}
        for row in csv.DictReader(lines)
    ]


def evaluate(queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Run the queries through the search service (inside an app context) and score them."""
    from werkzeug.datastructures import MultiDict

    from commons.catalogue.search import SearchParams, search
    from commons.extensions import db

    rows = []
    for item in queries:
        params = SearchParams.from_args(MultiDict({"q": item["query"], "per_page": str(DEPTH)}))
        slugs = [c.slug for c in search(params, with_facets=False).items]
        rank = next((i + 1 for i, slug in enumerate(slugs) if slug in item["expected"]), None)
        rows.append({**item, "results": slugs[:5], "rank": rank})
    by_language: dict[str, dict[str, float]] = {}
    for language in sorted({r["language"] for r in rows}):
        mine = [r for r in rows if r["language"] == language]
        by_language[language] = _scores(mine)
    return {
        "database": db.session.get_bind().dialect.name,
        "queries": len(rows),
        **_scores(rows),
        "by_language": by_language,
        "failures": [
            {"query": r["query"], "expected": r["expected"], "results": r["results"], "rank": r["rank"]}
            for r in rows
            if not r["rank"] or r["rank"] > 5
        ],
    }


def _scores(rows: list[dict[str, Any]]) -> dict[str, float]:
    if not rows:
        return {"success_at_5": 0.0, "mrr": 0.0}
    success = sum(1 for r in rows if r["rank"] and r["rank"] <= 5) / len(rows)
    mrr = sum(1 / r["rank"] for r in rows if r["rank"]) / len(rows)
    return {"success_at_5": round(success, 3), "mrr": round(mrr, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line at the end")
    parser.add_argument("--show-failures", action="store_true", help="print the queries that miss")
    parser.add_argument("--set", type=Path, default=SET_FILE, help="the queries (default: relevance_set.csv)")
    args = parser.parse_args(argv)

    from flask_migrate import upgrade

    from commons import create_app
    from commons.demo import load_catalogue_demo
    from commons.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/relevance.db"
        if args.database_url:
            from bench.catalogue import ensure_postgres_database

            ensure_postgres_database(url)
        app = create_app(
            "production", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=secrets.token_hex(16), COMMONS_SEARCH_CACHE_SECONDS=0
        )
        with app.app_context():
            upgrade()
            load_catalogue_demo()
            db.session.commit()
            report = evaluate(load_set(args.set))
    if args.show_failures:
        for failure in report["failures"]:
            print(f"MISS {failure['query']!r}: expected {failure['expected']}, got {failure['results']}")
    print(f"database      {report['database']}")
    print(f"queries       {report['queries']}")
    print(f"success@5     {report['success_at_5']:.3f}")
    print(f"MRR           {report['mrr']:.3f}")
    for language, scores in report["by_language"].items():
        print(f"  {language}  success@5 {scores['success_at_5']:.3f}  MRR {scores['mrr']:.3f}")
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
