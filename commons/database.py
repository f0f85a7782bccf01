# SPDX-License-Identifier: EUPL-1.2
"""Engine settings per database: SQLite gets foreign keys, WAL and a busy timeout on every connection."""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from commons.extensions import db


def is_sqlite(engine: Engine | None = None) -> bool:
    return (engine or db.engine).dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # Let SQLAlchemy, not pysqlite, open transactions: pysqlite's own handling breaks SAVEPOINT.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite, on every connection (DESIGN.md §8).
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode")
    mode = cursor.fetchone()
    if mode and mode[0] not in ("memory", "wal"):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Read the database file through a memory map (up to 1 GiB of address space, shared with the OS page
    # cache) instead of a read() per page: a search probes thousands of rows at random; at 100,000
    # commons this took a third off the counts and the page of items (docs/catalogue-benchmark.md).
    cursor.execute("PRAGMA mmap_size=1073741824")
    cursor.close()


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _sqlite_begin(connection: Any) -> None:
    # A write request reads (the row, its version) and then writes. In a deferred transaction the upgrade from
    # reader to writer fails at once with "database is locked" when another writer committed since the read:
    # busy_timeout does not apply to it. BEGIN IMMEDIATE takes the write lock first, waiting up to busy_timeout,
    # so simultaneous writes queue and the version check then sees the winner's row (409, not 500).
    # Readers are never blocked by it (WAL), so GET requests keep a deferred transaction.
    if has_request_context() and request.method not in READ_METHODS:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def init_database(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        app.url_map.converters["int"] = id_converter(engine.dialect.name)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)


# Every id column is an INTEGER: 32-bit signed on PostgreSQL, 64-bit signed on SQLite. A larger number in a
# path names no row, and the database would refuse to compare it (PostgreSQL: "out of range", SQLite: "Python
# int too large"), so routing answers 404 before any view runs.
ID_MAX = {"postgresql": 2**31 - 1, "sqlite": 2**63 - 1}


def id_converter(dialect: str) -> type[IntegerConverter]:
    """The ``int`` converter of the URL map: unsigned (``-1`` does not match) and within the id column's range."""
    top = ID_MAX.get(dialect, 2**31 - 1)

    class IdConverter(IntegerConverter):
        def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("max", top)
            super().__init__(map, *args, **kwargs)

    return IdConverter


def id_in_range(value: Any, dialect: str | None = None) -> bool:
    """True for a whole number an id column can hold (bool excluded): for ids read from cursors and bodies."""
    top = ID_MAX.get(dialect or db.engine.dialect.name, 2**31 - 1)
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= top
