# SPDX-License-Identifier: EUPL-1.2
"""The application served by gunicorn with production settings, once per test session, on 127.0.0.1.

What a user downloads goes through a real WSGI server: the response body is read after the view has
returned and its contexts are gone, which the Flask test client never does (issue 10, item 1). The
database is a temporary SQLite file, or a fresh PostgreSQL database when ``COMMONS_TEST_DB=postgres``,
migrated and filled with the demo data plus a few records of these tests (:func:`seed`). The server is
stopped, and the database dropped, at the end of the session, also when a test fails.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import drop_database, fresh_database_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "served demo passphrase 42"
BULK = 520  # more commons than one export batch (commons.catalogue.exports.EXPORT_BATCH)
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(url: str) -> None:
    """Migrate ``url``, load the demo data (accounts get :data:`DEMO_PASSWORD`), add the records of these tests."""
    from flask_migrate import upgrade

    from commons import create_app
    from commons.catalogue.models import Commons
    from commons.demo import load_demo
    from commons.extensions import db

    previous = os.environ.get("COMMONS_DEMO_PASSWORD")
    os.environ["COMMONS_DEMO_PASSWORD"] = DEMO_PASSWORD
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.app_context():
            upgrade()
            load_demo()
            db.session.add_all(
                [
                    Commons(
                        slug="served-maps",
                        name="Served Maps",
                        summary="Maps for public services.",
                        category="software",
                        catalogue_status="accepted",
                        licences=["EUPL-1.2"],
                        topics=["gis", "maps"],
                    ),
                    Commons(
                        slug="served-atlas",
                        name="Served Atlas",
                        summary="An atlas of the regions.",
                        category="software",
                        catalogue_status="candidate",
                        licences=["EUPL-1.2"],
                        topics=["maps", "gis", "open-data"],
                    ),
                    Commons(
                        slug="served-ledger",
                        name="Served Ledger",
                        summary="Bookkeeping for municipalities.",
                        category="software",
                        catalogue_status="candidate",
                        licences=["EUPL-1.2"],
                        topics=["finance"],
                    ),
                    Commons(
                        slug="served-echo",
                        name="Served Echo",
                        summary="Forms that say the same thing twice.",
                        category="software",
                        catalogue_status="candidate",
                        licences=["MIT"],
                        descriptions={
                            "en": {
                                "short": "Forms that say the same thing twice.",
                                "long": "Forms  that say the same thing twice.",
                            }
                        },
                    ),
                    *(
                        Commons(
                            slug=f"served-bulk-{n:03d}",
                            name=f"Served bulk {n:03d}",
                            summary="One of many, for the batches of the streamed exports.",
                            category="software",
                            catalogue_status="candidate",
                            country="MT",
                            licences=["EUPL-1.2"],
                        )
                        for n in range(BULK)
                    ),
                ]
            )
            db.session.commit()
            db.engine.dispose()
    finally:
        if previous is None:
            os.environ.pop("COMMONS_DEMO_PASSWORD", None)
        else:
            os.environ["COMMONS_DEMO_PASSWORD"] = previous


class Visitor:
    """A person using the served site: one cookie jar, as a browser keeps it.

    Production cookies are ``Secure``, sent only over HTTPS, which a TLS proxy in front of gunicorn
    provides. Loopback has no TLS, so the cookies this visitor receives are kept without that flag and
    sent back over plain HTTP, as the browser would over HTTPS.
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = "en"

    def _keep_cookies(self) -> None:
        for cookie in self.http.cookies:
            cookie.secure = False

    def request(self, method: str, path: str, allow_redirects: bool = True, **kwargs: Any) -> requests.Response:
        """One request, then its redirects followed by hand so that each hop's cookies are kept."""
        response = self.http.request(method, self.base_url + path, timeout=60, allow_redirects=False, **kwargs)
        self._keep_cookies()
        history = []
        while allow_redirects and response.is_redirect and len(history) < 10:
            history.append(response)
            target = response.headers["Location"].removeprefix(self.base_url)
            response = self.http.get(self.base_url + target, timeout=60, allow_redirects=False)
            self._keep_cookies()
        response.history = history
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict[str, Any], **kwargs: Any) -> requests.Response:
        return self.request("POST", path, data=data, **kwargs)

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        match = CSRF_RE.search(page.text)
        assert match, f"no CSRF token on {path} ({page.status_code})"
        return match.group(1)

    def login(self, email: str, password: str = DEMO_PASSWORD) -> Visitor:
        token = self.csrf_token("/login")
        response = self.post(
            "/login", {"email": email, "password": password, "csrf_token": token}, allow_redirects=False
        )
        assert response.status_code == 302, response.text[:500]
        assert self.get("/contributions/mine").status_code == 200
        return self

    def close(self) -> None:
        self.http.close()


@dataclass
class Served:
    base_url: str
    database_url: str
    log: Path

    def visitor(self) -> Visitor:
        return Visitor(self.base_url)


def _wait_ready(base_url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before it was ready:\n" + log.read_text(errors="replace")[-3000:])
        try:
            if requests.get(base_url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time:\n" + log.read_text(errors="replace")[-3000:])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the gunicorn this fixture started: its master, then, if it lingers, its own process group."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: nothing is left to finish
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    workdir = tmp_path_factory.mktemp("served")
    url = fresh_database_url(workdir, "served")
    log = workdir / "gunicorn.log"
    process = None
    try:
        seed(url)
        port = free_port()
        env = {
            **os.environ,
            "COMMONS_CONFIG": "production",
            "COMMONS_SECRET_KEY": secrets.token_urlsafe(48),
            "COMMONS_DATABASE_URL": url,
            "COMMONS_TRUSTED_HOSTS": "127.0.0.1,localhost",
            "COMMONS_SEARCH_CACHE_SECONDS": "0",  # every answer read fresh from the database
        }
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
                [
                    str(BIN / "gunicorn"),
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--graceful-timeout",
                    "5",
                    "--access-logfile",
                    "-",
                    "commons:create_app()",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        base_url = f"http://127.0.0.1:{port}"
        _wait_ready(base_url, process, log)
        yield Served(base_url=base_url, database_url=url, log=log)
    finally:
        if process is not None:
            _stop(process)
        drop_database(url)


@pytest.fixture()
def visitor(served: Served) -> Iterator[Visitor]:
    person = served.visitor()
    yield person
    person.close()
