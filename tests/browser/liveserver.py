# SPDX-License-Identifier: EUPL-1.2
"""A demo site for the browser tests: a fresh SQLite file, migrated, filled with ``commons demo load``, served.

Run as ``python -m tests.browser.liveserver DB_FILE``: it prints ``PORT <n>`` on stdout once it listens on
127.0.0.1 (port chosen by the OS, so parallel workers never collide) and serves until it is terminated.
The site runs in its own process so that the browser tests, Playwright and the server do not share a GIL.
"""

from __future__ import annotations

import os
import sys
from typing import Any

DEMO_PASSWORD = "demo passphrase for browser tests"


def build_app(db_file: str) -> Any:
    """The application on ``db_file``, with development cookies (plain HTTP on loopback)."""
    from commons import create_app

    return create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}",
        SECRET_KEY="browser-tests-not-secret",
        # The whole browser run logs in from 127.0.0.1: the per-IP throttle would stop it half-way. The
        # throttle itself is tested in tests/security/test_throttling.py.
        COMMONS_LOGIN_IP_MAX_FAILURES=100000,
        COMMONS_PASSWORD_METHOD="scrypt:1024:8:1",
        TRUSTED_HOSTS=["127.0.0.1", "localhost"],
    )


def prepare(db_file: str) -> None:
    """Migrate the empty file to head and load the demo data (accounts get ``DEMO_PASSWORD``)."""
    from flask_migrate import upgrade

    from commons.demo import load_demo
    from commons.extensions import db

    os.environ["COMMONS_DEMO_PASSWORD"] = DEMO_PASSWORD
    app = build_app(db_file)
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        db.engine.dispose()


def serve(db_file: str) -> None:
    from werkzeug.serving import make_server

    app = build_app(db_file)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()


def main(argv: list[str]) -> None:
    db_file = argv[1]
    if not os.path.exists(db_file):
        prepare(db_file)
    serve(db_file)


if __name__ == "__main__":
    main(sys.argv)
