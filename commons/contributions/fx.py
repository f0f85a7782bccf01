# SPDX-License-Identifier: EUPL-1.2
"""ECB euro reference rates: import from the ECB's CSV and XML files, and the rate a ledger line takes.

Formats read (as the ECB publishes them):
- CSV (``eurofxref.csv``, ``eurofxref-hist.csv``): a header ``Date,USD,JPY,…`` then one row per day, cells
  ``N/A`` where a currency had no rate; the daily file writes the date as ``23 November 2026``.
- XML (``eurofxref-daily.xml``, ``eurofxref-hist.xml``, ``eurofxref-hist-90d.xml``): a gesmes envelope with
  ``<Cube time="2026-11-23"><Cube currency="USD" rate="1.0812"/>…</Cube>``.
- ZIP (``eurofxref.zip``, ``eurofxref-hist.zip``): the ECB ships its CSV files zipped; the one CSV inside is read.

Rates are units of the currency per euro. A line dated on a day without a rate (weekend, TARGET holiday)
takes the last earlier business day, at most ``MAX_LOOKBACK_DAYS`` back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import func, select

from commons.contributions.models import ExchangeRate
from commons.extensions import db

SOURCE = "ECB"
MAX_LOOKBACK_DAYS = 10
MAX_FILE_BYTES = 20 * 1024 * 1024
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


class RateFileError(ValueError):
    """A file that is not an ECB rates file; the message names the line or row."""


@dataclass(frozen=True)
class Rate:
    day: dt.date
    currency: str
    rate: Decimal


def _parse_day(text: str, where: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RateFileError(f"{where}: date {text!r} is not YYYY-MM-DD")


def _parse_rate(text: str, where: str) -> Decimal | None:
    text = text.strip()
    if text in ("", "N/A"):
        return None
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        raise RateFileError(f"{where}: rate {text!r} is not a positive number")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above already refuses it
        raise RateFileError(f"{where}: rate {text!r} is not a number") from exc
    if value <= 0:
        raise RateFileError(f"{where}: rate {text!r} must be above zero")
    return value


def parse_csv(text: str) -> list[Rate]:
    """Rates of an ECB CSV file (daily or historical)."""
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:  # a bare carriage return inside a field, a NUL…
        raise RateFileError(f"line {reader.line_num}: not a readable CSV line ({exc})") from exc
    if not rows or not rows[0] or rows[0][0].strip() != "Date":
        raise RateFileError("line 1: the header must start with Date (ECB CSV format)")
    header = [cell.strip() for cell in rows[0]]
    currencies = []
    for column, name in enumerate(header[1:], start=2):
        if name == "":
            currencies.append("")  # the ECB files end each line with a comma
            continue
        if not CURRENCY_RE.match(name):
            raise RateFileError(f"line 1, column {column}: {name!r} is not a currency code")
        currencies.append(name)
    out: list[Rate] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        day = _parse_day(row[0], f"line {number}")
        for currency, cell in zip(currencies, row[1:], strict=False):
            if not currency:
                if cell.strip():
                    raise RateFileError(f"line {number}: a value without a currency column")
                continue
            value = _parse_rate(cell, f"line {number}, {currency}")
            if value is not None:
                out.append(Rate(day, currency, value))
    return out


def parse_xml(data: bytes) -> list[Rate]:
    """Rates of an ECB XML file (gesmes envelope with nested ``Cube`` elements)."""
    # No DTDs, entities or network: the file comes from outside, and the ECB's files never declare a DTD.
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise RateFileError("line 1: a DOCTYPE or entity declaration is not allowed")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise RateFileError(f"line {exc.lineno or 1}: not well-formed XML ({exc.msg})") from exc
    out: list[Rate] = []
    days = [el for el in root.iter() if isinstance(el.tag, str) and el.tag.endswith("Cube") and el.get("time")]
    if not days:
        raise RateFileError("line 1: no <Cube time=…> element (ECB XML format)")
    for day_el in days:
        where = f"line {day_el.sourceline}"
        day = _parse_day(day_el.get("time", ""), where)
        for el in day_el:
            if not isinstance(el.tag, str) or not el.tag.endswith("Cube"):
                continue
            currency = (el.get("currency") or "").strip()
            if not CURRENCY_RE.match(currency):
                raise RateFileError(f"line {el.sourceline}: currency {currency!r} is not a currency code")
            value = _parse_rate(el.get("rate") or "", f"line {el.sourceline}, {currency}")
            if value is not None:
                out.append(Rate(day, currency, value))
    return out


def parse_file(path: str | Path) -> list[Rate]:
    """Read an ECB file, CSV or XML (detected from its first bytes)."""
    file = Path(path)
    if file.stat().st_size > MAX_FILE_BYTES:
        raise RateFileError(f"line 1: the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    data = file.read_bytes()
    return parse_bytes(data)


def _unzip(data: bytes) -> bytes:
    """The one CSV or XML file of an ECB zip, read at most ``MAX_FILE_BYTES`` (a zip bomb stops there)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise RateFileError("line 1: not a readable zip file") from exc
    if len(members) != 1 or not members[0].filename.lower().endswith((".csv", ".xml")):
        raise RateFileError("line 1: the zip file must hold one CSV or XML file (ECB format)")
    try:
        with archive.open(members[0]) as handle:
            content = handle.read(MAX_FILE_BYTES + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise RateFileError("line 1: the zip file cannot be read") from exc
    if len(content) > MAX_FILE_BYTES:
        raise RateFileError(f"line 1: the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if content.startswith(b"PK"):
        raise RateFileError("line 1: a zip file inside the zip file is not read")
    return content


def parse_bytes(data: bytes) -> list[Rate]:
    """Parse the bytes of an ECB file: CSV, XML, or a zip holding one of them."""
    if len(data) > MAX_FILE_BYTES:
        raise RateFileError(f"line 1: the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if data.startswith(b"PK\x03\x04"):
        data = _unzip(data)
    head = data.lstrip()[:5]
    if head.startswith(b"<"):
        return parse_xml(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RateFileError("line 1: the file is not UTF-8 text") from exc
    return parse_csv(text)


def import_rates(rates: list[Rate], source: str = SOURCE) -> tuple[int, int]:
    """Insert or update rates (idempotent); returns (inserted, updated). Locked line rates never change."""
    inserted = updated = 0
    existing = {
        (r.currency, r.date): r
        for r in db.session.scalars(
            select(ExchangeRate).where(
                ExchangeRate.source == source,
                ExchangeRate.currency.in_({r.currency for r in rates} or {""}),
            )
        )
    }
    for rate in rates:
        row = existing.get((rate.currency, rate.day))
        if row is None:
            row = ExchangeRate(source=source, currency=rate.currency, date=rate.day, rate=rate.rate)
            db.session.add(row)
            existing[(rate.currency, rate.day)] = row
            inserted += 1
        elif row.rate != rate.rate:
            row.rate = rate.rate
            updated += 1
    db.session.flush()
    return inserted, updated


def rate_for(currency: str, day: dt.date, source: str = SOURCE) -> ExchangeRate | None:
    """The rate of ``day`` or of the last earlier business day with a rate (at most 10 days back)."""
    return db.session.scalar(
        select(ExchangeRate)
        .where(
            ExchangeRate.source == source,
            ExchangeRate.currency == currency,
            ExchangeRate.date <= day,
            ExchangeRate.date >= day - dt.timedelta(days=MAX_LOOKBACK_DAYS),
        )
        .order_by(ExchangeRate.date.desc())
        .limit(1)
    )


def coverage_of(currency: str, source: str = SOURCE) -> tuple[dt.date, dt.date] | None:
    """First and last day the platform has a rate of ``currency`` for, or None."""
    first, last = db.session.execute(
        select(func.min(ExchangeRate.date), func.max(ExchangeRate.date)).where(
            ExchangeRate.source == source, ExchangeRate.currency == currency
        )
    ).one()
    return (first, last) if first is not None else None


@dataclass(frozen=True)
class Coverage:
    currency: str
    first: dt.date
    last: dt.date
    count: int


def coverage(source: str = SOURCE) -> list[Coverage]:
    """Per currency: first and last date with a rate, and how many rates the platform holds."""
    rows = db.session.execute(
        select(
            ExchangeRate.currency,
            func.min(ExchangeRate.date),
            func.max(ExchangeRate.date),
            func.count(ExchangeRate.id),
        )
        .where(ExchangeRate.source == source)
        .group_by(ExchangeRate.currency)
        .order_by(ExchangeRate.currency)
    ).all()
    return [Coverage(currency, first, last, count) for currency, first, last, count in rows]


@dataclass(frozen=True)
class ImportSummary:
    rates: int
    currencies: int
    first: dt.date
    last: dt.date
    inserted: int
    updated: int

    def line(self) -> str:
        return (
            f"{self.rates} rates for {self.currencies} currencies, {self.first.isoformat()} to "
            f"{self.last.isoformat()}: {self.inserted} new, {self.updated} changed."
        )


def import_and_record(rates: list[Rate], *, method: str, source_name: str, actor: Any = None) -> ImportSummary:
    """Import ``rates`` and record who imported what, when and how (``upload``, ``cli`` or ``fetch``)."""
    from commons.admin.models import RateImport
    from commons.audit import record_event

    if not rates:
        raise RateFileError("line 1: no rates in the file")
    inserted, updated = import_rates(rates)
    days = sorted({r.day for r in rates})
    summary = ImportSummary(
        rates=len(rates),
        currencies=len({r.currency for r in rates}),
        first=days[0],
        last=days[-1],
        inserted=inserted,
        updated=updated,
    )
    row = RateImport(
        actor_id=getattr(actor, "id", None),
        method=method,
        source_name=source_name[:255],
        rates=summary.rates,
        currencies=summary.currencies,
        inserted=inserted,
        updated=updated,
        first_date=summary.first,
        last_date=summary.last,
    )
    db.session.add(row)
    db.session.flush()
    record_event(
        "fx:import",
        row,
        new={
            "method": method,
            "source": row.source_name,
            "rates": summary.rates,
            "inserted": inserted,
            "updated": updated,
            "first": summary.first.isoformat(),
            "last": summary.last.isoformat(),
        },
        actor=actor,
    )
    return summary


def recent_imports(limit: int = 5) -> list[Any]:
    """The last imports, newest first."""
    from commons.admin.models import RateImport

    return list(
        db.session.scalars(select(RateImport).order_by(RateImport.at.desc(), RateImport.id.desc()).limit(limit))
    )


def fetch(session: Any, url: str) -> bytes:
    """Download an ECB file through the outbound session (the address guard, timeouts and byte cap apply)."""
    response = session.get(url, headers={"Accept": "application/xml, text/csv, application/zip, */*"})
    response.raise_for_status()
    return bytes(response.content)
