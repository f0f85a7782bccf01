# SPDX-License-Identifier: EUPL-1.2
"""ECB rates: both file formats, N/A cells, bad files (one line, exit 2), idempotent import, rate lookup."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from commons.cli import main
from commons.contributions import fx
from commons.contributions.models import ExchangeRate
from commons.extensions import db

DATA = Path(__file__).parent / "data"


def test_history_csv_skips_na_cells_and_reads_every_day():
    rates = fx.parse_file(DATA / "eurofxref-hist-sample.csv")
    assert len(rates) == 4 * 5  # BGN is N/A every day
    assert fx.Rate(dt.date(2026, 2, 13), "JPY", Decimal("178.95")) in rates
    assert not [r for r in rates if r.currency == "BGN"]


def test_daily_csv_with_written_out_date_is_read():
    rates = fx.parse_file(DATA / "eurofxref-sample.csv")
    assert {r.day for r in rates} == {dt.date(2026, 2, 13)}
    assert fx.Rate(dt.date(2026, 2, 13), "SEK", Decimal("11.1820")) in rates


def test_xml_cube_envelope_is_read():
    rates = fx.parse_file(DATA / "eurofxref-hist-sample.xml")
    assert len(rates) == 10
    assert fx.Rate(dt.date(2026, 2, 12), "PLN", Decimal("4.2210")) in rates


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Datum,USD\n2026-01-01,1.1\n", "line 1: the header must start with Date"),
        (b"Date,USD,\n2026-13-01,1.1,\n", "line 2: date '2026-13-01' is not YYYY-MM-DD"),
        (b"Date,USD,\n2026-01-02,abc,\n", "line 2, USD: rate 'abc' is not a positive number"),
        (b"Date,USD,\n2026-01-02,-1.1,\n", "line 2, USD: rate '-1.1' is not a positive number"),
        (b"Date,US1,\n", "line 1, column 2: 'US1' is not a currency code"),
        (
            b"<Envelope><Cube><Cube time='2026-01-02'><Cube currency='USD' rate='x'/></Cube></Cube></Envelope>",
            "rate 'x'",
        ),
        (b"<Envelope><Cube>", "not well-formed XML"),
        (b"<Envelope/>", "no <Cube time"),
    ],
)
def test_bad_file_names_the_line(content, message):
    with pytest.raises(fx.RateFileError) as error:
        fx.parse_bytes(content)
    assert message in str(error.value)


def test_xml_entities_are_not_expanded():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "1.1">]>'
        b"<Envelope><Cube><Cube time='2026-01-02'><Cube currency='USD' rate='&a;'/></Cube></Cube></Envelope>"
    )
    with pytest.raises(fx.RateFileError):
        fx.parse_bytes(bomb)


def test_cli_import_is_idempotent(app, runner):
    first = runner.invoke(main, ["fx", "import", str(DATA / "eurofxref-hist-sample.csv")])
    assert first.exit_code == 0, first.output
    assert "20 new, 0 changed" in first.output
    second = runner.invoke(main, ["fx", "import", str(DATA / "eurofxref-hist-sample.xml")])
    assert second.exit_code == 0, second.output
    assert "0 new, 0 changed" in second.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ExchangeRate.id))) == 20


def test_cli_bad_file_is_one_line_and_exit_2(app, runner, tmp_path):
    bad = tmp_path / "rates.csv"
    bad.write_text("Date,USD,\n2026-01-02,1.1,\n2026-01-03,oops,\n")
    result = runner.invoke(main, ["fx", "import", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "line 3, USD: rate 'oops'" in result.stderr
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ExchangeRate.id))) == 0


def test_cli_missing_file_exits_2(app, runner, tmp_path):
    result = runner.invoke(main, ["fx", "import", str(tmp_path / "nothing.csv")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_rate_of_a_weekend_is_the_last_earlier_business_day(app):
    fx.import_rates(fx.parse_file(DATA / "eurofxref-hist-sample.csv"))
    saturday = dt.date(2026, 2, 14)
    found = fx.rate_for("USD", saturday)
    assert found is not None and found.date == dt.date(2026, 2, 13)
    assert fx.rate_for("USD", dt.date(2026, 2, 9)) is None  # nothing earlier in the file
    assert fx.rate_for("USD", dt.date(2026, 3, 31)) is None  # too far from the last rate


def test_reimport_with_a_changed_value_updates_the_reference_rate(app):
    fx.import_rates([fx.Rate(dt.date(2026, 2, 13), "USD", Decimal("1.1604"))])
    inserted, updated = fx.import_rates([fx.Rate(dt.date(2026, 2, 13), "USD", Decimal("1.1700"))])
    assert (inserted, updated) == (0, 1)
    assert fx.rate_for("USD", dt.date(2026, 2, 13)).rate == Decimal("1.1700")
