# SPDX-License-Identifier: EUPL-1.2
"""Exchange rates from the web (upload, coverage, last import), ``commons fx fetch`` over real loopback HTTP,
and the "no rate" message (the rule, the platform's dates, what this person can do)."""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from commons.admin import services
from commons.admin.models import RateImport
from commons.audit import AuditEvent
from commons.cli import main
from commons.contributions import fx
from commons.contributions.models import ExchangeRate
from commons.errors import PermissionDenied, ValidationFailed
from commons.extensions import db
from tests.conftest import csrf_token, login

DATA = Path(__file__).resolve().parents[1] / "contributions" / "data"
XML = (DATA / "eurofxref-hist-sample.xml").read_bytes()
CSV = (DATA / "eurofxref-hist-sample.csv").read_bytes()


def _zip(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # A fixed date: the bytes (and so the test ids) must be the same in every xdist worker.
        archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def test_upload_records_the_import_and_coverage(app, users):
    summary = services.upload_rates(users["secretariat"], "eurofxref-hist-sample.csv", CSV)
    assert (summary.rates, summary.inserted, summary.updated) == (20, 20, 0)
    row = db.session.scalar(select(RateImport))
    assert (row.method, row.actor_id, row.source_name) == (
        "upload",
        users["secretariat"].id,
        "eurofxref-hist-sample.csv",
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.tag == "fx:import"))
    assert event.actor_id == users["secretariat"].id and event.new["inserted"] == 20
    coverage = {c.currency: c for c in fx.coverage()}
    assert coverage["SEK"] == fx.Coverage("SEK", dt.date(2026, 2, 10), dt.date(2026, 2, 13), 4)
    assert "BGN" not in coverage
    again = services.upload_rates(users["admin"], "eurofxref-hist-sample.xml", XML)
    assert (again.inserted, again.updated) == (0, 0)
    assert [i.method for i in fx.recent_imports()] == ["upload", "upload"]
    assert fx.recent_imports()[0].actor_id == users["admin"].id


def test_the_ecb_zip_is_read(app, users):
    summary = services.upload_rates(users["admin"], "eurofxref-hist.zip", _zip("eurofxref-hist.csv", CSV))
    assert summary.rates == 20


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Choose the ECB file"),
        (b"Datum,USD\n2026-01-01,1.1\n", "not an ECB rates file: line 1: the header must start with Date"),
        (b"PK\x03\x04 broken", "not a readable zip file"),
        (_zip("notes.txt", b"hello"), "must hold one CSV or XML file"),
        (b"Date,USD,\n", "holds no rates"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', "DOCTYPE"),
    ],
)
def test_bad_upload_says_why_and_imports_nothing(app, users, content, message):
    with pytest.raises(ValidationFailed) as error:
        services.upload_rates(users["secretariat"], "file.csv", content)
    assert message in error.value.errors["file"][0]
    assert db.session.scalar(select(func.count(ExchangeRate.id))) == 0


def test_zip_bomb_stops_at_the_cap(app, users, monkeypatch):
    monkeypatch.setattr(fx, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ValidationFailed) as error:
        services.upload_rates(users["admin"], "big.zip", _zip("big.csv", b"Date,USD,\n" + b"2026-01-01,1.1,\n" * 500))
    assert "larger than" in error.value.errors["file"][0]


@pytest.mark.parametrize("role", ["user", "rep_fr", "rep_de", "reviewer"])
def test_only_staff_import_rates(app, users, role):
    with pytest.raises(PermissionDenied):
        services.upload_rates(users[role], "x.csv", CSV)


def test_secretariat_uploads_through_the_page_and_sees_coverage(app, client, users):
    login(client, users["secretariat"])
    page = client.get("/admin/exchange-rates")
    assert page.status_code == 200 and "No import is recorded yet." in page.get_data(as_text=True)
    token = csrf_token(client, "/admin/exchange-rates")
    response = client.post(
        "/admin/exchange-rates",
        data={"csrf_token": token, "file": (io.BytesIO(XML), "eurofxref-hist-sample.xml")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Imported 10 rates for 5 currencies" in html
    assert "eurofxref-hist-sample.xml" in html and users["secretariat"].name in html
    assert '<th scope="row">SEK</th>' in html
    bad = client.post(
        "/admin/exchange-rates",
        data={"csrf_token": token, "file": (io.BytesIO(b"nonsense"), "<b>x</b>.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "&lt;b&gt;x&lt;/b&gt;.csv is not an ECB rates file" in bad.get_data(as_text=True)


def test_cli_import_is_recorded_as_the_last_import(app, runner):
    result = runner.invoke(main, ["fx", "import", str(DATA / "eurofxref-sample.csv")])
    assert result.exit_code == 0, result.output
    row = db.session.scalar(select(RateImport))
    assert (row.method, row.source_name, row.rates, row.actor_id) == ("cli", "eurofxref-sample.csv", 5, None)


# --- commons fx fetch over loopback HTTP ---------------------------------------------------------------


class _EcbHandler(BaseHTTPRequestHandler):
    body = XML
    status = 200
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server interface
        type(self).seen.append(self.headers.get("User-Agent", ""))
        self.send_response(self.status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture()
def ecb_server() -> Iterator[str]:
    _EcbHandler.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EcbHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_downloads_through_the_guard_and_imports(app, runner, ecb_server, monkeypatch):
    monkeypatch.setitem(app.config, "COMMONS_HARVEST_ALLOWED_HOSTS", ecb_server)
    monkeypatch.setitem(app.config, "COMMONS_FX_URL", f"http://{ecb_server}/stats/eurofxref/eurofxref-hist-90d.xml")
    result = runner.invoke(main, ["fx", "fetch"])
    assert result.exit_code == 0, result.output
    assert "10 rates for 5 currencies, 2026-02-12 to 2026-02-13: 10 new, 0 changed." in result.output
    assert _EcbHandler.seen and "commons" in _EcbHandler.seen[0]
    row = db.session.scalar(select(RateImport))
    assert row.method == "fetch" and row.source_name.endswith("eurofxref-hist-90d.xml")
    assert fx.rate_for("PLN", dt.date(2026, 2, 15)).rate == Decimal("4.2145")
    again = runner.invoke(main, ["fx", "fetch"])
    assert again.exit_code == 0 and ": 0 new, 0 changed." in again.output


def test_fetch_refused_by_the_guard_without_allow_list(app, runner, ecb_server):
    result = runner.invoke(main, ["fx", "fetch", "--url", f"http://{ecb_server}/eurofxref-daily.xml"])
    assert result.exit_code == 2
    assert "download failed" in result.output and "\n" not in result.output.strip()
    assert _EcbHandler.seen == []


def test_fetch_of_a_broken_answer_exits_2(app, runner, ecb_server, monkeypatch):
    monkeypatch.setitem(app.config, "COMMONS_HARVEST_ALLOWED_HOSTS", ecb_server)
    monkeypatch.setattr(_EcbHandler, "body", b"<html>maintenance</html>")
    result = runner.invoke(main, ["fx", "fetch", "--url", f"http://{ecb_server}/eurofxref-daily.xml"])
    assert result.exit_code == 2 and "no <Cube time" in result.output
    assert db.session.scalar(select(func.count(RateImport.id))) == 0


def test_fetch_of_an_error_status_exits_2(app, runner, ecb_server, monkeypatch):
    monkeypatch.setitem(app.config, "COMMONS_HARVEST_ALLOWED_HOSTS", ecb_server)
    monkeypatch.setattr(_EcbHandler, "status", 404)
    result = runner.invoke(main, ["fx", "fetch", "--url", f"http://{ecb_server}/missing.xml"])
    assert result.exit_code == 2 and "404" in result.output
