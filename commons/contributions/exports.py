# SPDX-License-Identifier: EUPL-1.2
"""Exports of contributions: CSV, JSON, XLSX and IATI 2.03 activity XML under ``/exports``.

The columns are part of the product: they are listed, in order, in ``docs/exports.md`` and only ever grow at
the end. Every export states its filters, its generation time, its licence and the exchange rates behind its
EUR amounts. What a reader gets follows the same rules as the dashboards (``reports``): records one by one
only when ``can(user, "contribution:read", record)``; the aggregate follows the small-cell rule; staff names
are never exported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from commons.contributions import reports
from commons.contributions.models import WORKING_DAYS_PER_YEAR, Contribution
from commons.extensions import db
from commons.permissions import can
from commons.types import utcnow

bp = Blueprint("exports", __name__, url_prefix="/exports")

SCHEMA_VERSION = "1.0"
LICENCE = "CC-BY-4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
TITLE = "Contributions of member states to digital commons"

CONTRIBUTION_COLUMNS = (
    "ref",
    "member_state",
    "type",
    "status",
    "visibility",
    "title",
    "description",
    "commons_slug",
    "commons_name",
    "contributing_org",
    "recipient_org",
    "intermediary_org",
    "instrument",
    "purpose_tags",
    "period_start",
    "period_end",
    "decision_date",
    "pledged_eur",
    "committed_eur",
    "disbursed_eur",
    "expenditure_eur",
    "person_days",
    "fte_years",
    "headcount",
    "seats_formal",
    "seats_informal",
    "in_kind_items",
    "in_kind_value_eur",
    "updated_at",
)
LINE_COLUMNS = (
    "ref",
    "member_state",
    "contribution_type",
    "line_type",
    "line_id",
    "kind",
    "date",
    "amount",
    "currency",
    "amount_eur",
    "rate",
    "rate_date",
    "rate_source",
    "staff_role",
    "headcount",
    "person_days",
    "fte_years",
    "employment_type",
    "delivery_status",
    "governance_body",
    "body_name",
    "membership_tier",
    "seat_role",
    "voting_rights",
    "formal",
    "start_date",
    "end_date",
    "description",
    "quantity",
    "unit",
    "url",
    "evidence_type",
)
AGGREGATE_COLUMNS = (
    "member_state",
    "year",
    "type",
    "records",
    *reports.MEASURES,
    "suppressed",
)
# Free text typed by people: a spreadsheet would run a cell starting with one of these as a formula.
TEXT_COLUMNS = frozenset(
    {
        "title",
        "description",
        "commons_name",
        "contributing_org",
        "recipient_org",
        "intermediary_org",
        "instrument",
        "purpose_tags",
        "employment_type",
        "body_name",
        "membership_tier",
        "unit",
        "url",
        "kind",
        "staff_role",
        "delivery_status",
    }
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------------------------------------------- values


def _text(value: Any) -> str:
    """A cell value as exact text: decimals in plain notation, dates in ISO 8601, booleans true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def neutralise(column: str, value: str) -> str:
    """Prefix free text that a spreadsheet would read as a formula with an apostrophe (documented)."""
    if column in TEXT_COLUMNS and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _org(org: Any) -> str | None:
    return org.name if org is not None else None


def contribution_record(contribution: Contribution) -> dict[str, Any]:
    """The envelope-level record of a contribution (typed values; CSV and XLSX write them as text)."""
    totals = reports.contribution_totals(contribution)
    expenditure = sum(
        (Decimal(line.amount_eur or 0) for line in contribution.funding_lines if line.kind == "expenditure"),
        Decimal(0),
    )
    return {
        "ref": contribution.ref,
        "member_state": contribution.member_state_code,
        "type": contribution.type,
        "status": contribution.status,
        "visibility": contribution.visibility,
        "title": contribution.title,
        "description": contribution.description,
        "commons_slug": contribution.commons.slug if contribution.commons else None,
        "commons_name": contribution.commons.name if contribution.commons else None,
        "contributing_org": _org(contribution.contributing_org),
        "recipient_org": _org(contribution.recipient_org),
        "intermediary_org": _org(contribution.intermediary_org),
        "instrument": contribution.instrument,
        "purpose_tags": ";".join(contribution.purpose_tags or []),
        "period_start": contribution.period_start,
        "period_end": contribution.period_end,
        "decision_date": contribution.decision_date,
        "pledged_eur": totals["pledged_eur"],
        "committed_eur": totals["committed_eur"],
        "disbursed_eur": totals["disbursed_eur"],
        "expenditure_eur": expenditure,
        "person_days": totals["person_days"],
        "fte_years": totals["fte_years"],
        "headcount": sum(allocation.headcount or 0 for allocation in contribution.staff),
        "seats_formal": int(totals["seats_formal"]),
        "seats_informal": int(totals["seats_informal"]),
        "in_kind_items": int(totals["in_kind_items"]),
        "in_kind_value_eur": totals["in_kind_value_eur"],
        "updated_at": contribution.updated_at,
    }


def _evidence_readable(user: Any, contribution: Contribution, evidence: Any) -> bool:
    probe = SimpleNamespace(visibility=evidence.visibility, member_state_code=contribution.member_state_code)
    return can(user, "contribution:read", probe)


def line_records(user: Any, contribution: Contribution) -> list[dict[str, Any]]:
    """One record per funding line, staff allocation, seat, in-kind item and evidence the user may read.
    ``StaffAllocation.person_names`` is deliberately never read."""
    base = {
        "ref": contribution.ref,
        "member_state": contribution.member_state_code,
        "contribution_type": contribution.type,
    }
    out: list[dict[str, Any]] = []
    for line in contribution.funding_lines:
        out.append(
            {
                **base,
                "line_type": "funding",
                "line_id": line.id,
                "kind": line.kind,
                "date": line.date,
                "amount": line.amount,
                "currency": line.currency,
                "amount_eur": line.amount_eur,
                "rate": line.rate,
                "rate_date": line.rate_date,
                "rate_source": line.rate_source,
            }
        )
    for allocation in contribution.staff:
        days = Decimal(allocation.person_days or 0)
        out.append(
            {
                **base,
                "line_type": "staff",
                "line_id": allocation.id,
                "staff_role": allocation.role,
                "headcount": allocation.headcount,
                "person_days": days,
                "fte_years": (days / WORKING_DAYS_PER_YEAR).quantize(reports.CENT),
                "employment_type": allocation.employment_type,
                "delivery_status": allocation.delivery_status,
                "start_date": allocation.period_start,
                "end_date": allocation.period_end,
            }
        )
    for seat in contribution.governance:
        out.append(
            {
                **base,
                "line_type": "governance",
                "line_id": seat.id,
                "governance_body": seat.body,
                "body_name": seat.body_name,
                "membership_tier": seat.membership_tier,
                "seat_role": seat.seat_role,
                "voting_rights": bool(seat.voting_rights),
                "formal": bool(seat.formal),
                "start_date": seat.start_date,
                "end_date": seat.end_date,
            }
        )
    for item in contribution.in_kind:
        out.append(
            {
                **base,
                "line_type": "in_kind",
                "line_id": item.id,
                "kind": item.kind,
                "description": item.description,
                "quantity": item.quantity,
                "unit": item.unit,
                "amount": item.value,
                "currency": item.currency,
                "amount_eur": item.value_eur,
                "rate": item.rate,
                "rate_date": item.rate_date,
            }
        )
    for evidence in contribution.evidence:
        if _evidence_readable(user, contribution, evidence):
            out.append(
                {
                    **base,
                    "line_type": "evidence",
                    "line_id": evidence.id,
                    "description": evidence.title,
                    "url": evidence.url,
                    "evidence_type": evidence.type,
                }
            )
    return out


def aggregate_records(matrix: reports.Matrix) -> list[dict[str, Any]]:
    """The matrix cells as records, then the "other" row when there is one (docs/exports.md, small cells)."""
    out = []
    # The "other" row (member_state and type "other", no year) pools cells that would show only withheld records.
    for cell in [*matrix.cells, *([matrix.other] if matrix.other is not None else [])]:
        record: dict[str, Any] = {
            "member_state": cell.member_state,
            "year": cell.year,
            "type": cell.type,
            "records": None if cell.withheld else cell.records,
            "suppressed": cell.suppressed,
        }
        measures = cell.measures
        for measure in reports.MEASURES:
            record[measure] = None if cell.withheld else _measure_value(measure, measures[measure])
        out.append(record)
    return out


def _measure_value(measure: str, value: Decimal) -> Decimal | int:
    if measure in ("seats_formal", "seats_informal", "in_kind_items"):
        return int(value)
    return value


# -------------------------------------------------------------------------------------------------- metadata


def _scope(user: Any) -> str:
    if can(user, "contribution:read", SimpleNamespace(visibility="restricted", member_state_code=None)):
        return "public, initiative and restricted records"
    if can(user, "contribution:read-initiative"):
        state = getattr(user, "member_state_code", None)
        extra = f" and restricted records of {state}" if state and can(user, "contribution:create", state) else ""
        return f"public and initiative records{extra}"
    return "public records"


def metadata(
    export: str, filters: reports.ReportFilters, contributions: Iterable[Contribution], user: Any
) -> dict[str, Any]:
    """What every export states about itself."""
    rates = reports.exchange_rates_used(contributions)
    return {
        "title": TITLE,
        "export": export,
        "schema_version": SCHEMA_VERSION,
        "generated": _text(utcnow().replace(microsecond=0)),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "source": request.url,
        "documentation": "docs/exports.md",
        "filters": filters.as_dict(),
        "visibility": _scope(user),
        "small_cell_threshold": reports.K_MIN,
        "exchange_rates": [
            {
                "currency": rate.currency,
                "units_per_eur": _text(rate.rate),
                "date": _text(rate.rate_date),
                "source": rate.source,
            }
            for rate in rates
        ],
    }


def _one_line(value: Any) -> str:
    return " ".join(str(value).split())


# ------------------------------------------------------------------------------------------------- responses


def _filters() -> reports.ReportFilters:
    # A bad filter raises ValidationFailed: 422 with the field named, never a 500.
    return reports.parse_filters(request.args)


def _contributions(filters: reports.ReportFilters) -> list[Contribution]:
    return reports.readable_for(current_user, filters)


def csv_text(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """A CSV document: the header on row 1, then one row per record. What the export states about itself
    (date, filters, licence, rates) is in the JSON's ``metadata`` and the XLSX's "About" sheet; the CSV's
    answer links to that JSON (``Link: <…>; rel="describedby"``, see docs/exports.md)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(column, _text(row.get(column))) for column in columns])
    return buffer.getvalue()


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    # What a reader gets depends on who they are (commons.security marks logged-in answers no-store).
    response.vary.add("Cookie")
    return response


def _described(response: Response) -> Response:
    """Point a CSV answer to the JSON export of the same filters, which states its metadata (CSV on the
    Web's ``describedby`` link): the CSV itself starts with its header row, as spreadsheets expect."""
    query: dict[str, Any] = request.args.to_dict(flat=False)
    json_url = url_for("exports.contributions_json", _external=True, **query)
    response.headers["Link"] = f'<{json_url}>; rel="describedby"; type="application/json"'
    return response


@bp.route("/")
def index() -> Any:
    """The list of exports, with their filters and the IATI file of each member state."""
    public = set(
        db.session.scalars(
            select(Contribution.member_state_code)
            .where(Contribution.deleted_at.is_(None), Contribution.visibility == "public")
            .distinct()
        )
    )
    states = [
        (reports.display_code(state.code), state.name) for state in reports.member_states() if state.code in public
    ]
    return render_template("exports/index.html", iati_states=states)


@bp.route("/contributions.csv")
def contributions_csv() -> Response:
    """Envelope level: one row per contribution the reader may see."""
    filters = _filters()
    contributions = _contributions(filters)
    body = csv_text(CONTRIBUTION_COLUMNS, (contribution_record(c) for c in contributions))
    return _described(_download(body, "text/csv; charset=utf-8", "contributions.csv"))


@bp.route("/contribution-lines.csv")
def lines_csv() -> Response:
    """Line level: funding lines, staff allocations, seats, in-kind items and evidence."""
    filters = _filters()
    contributions = _contributions(filters)
    rows = (row for c in contributions for row in line_records(current_user, c))
    return _described(_download(csv_text(LINE_COLUMNS, rows), "text/csv; charset=utf-8", "contribution-lines.csv"))


@bp.route("/contributions-aggregate.csv")
def aggregate_csv() -> Response:
    """The matrix member state × year × type, with the small-cell rule applied."""
    filters = _filters()
    matrix = reports.aggregate_matrix(current_user, filters)
    body = csv_text(AGGREGATE_COLUMNS, aggregate_records(matrix))
    return _described(_download(body, "text/csv; charset=utf-8", "contributions-aggregate.csv"))


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date):
        return _text(value)
    return value


def json_document(user: Any, filters: reports.ReportFilters) -> dict[str, Any]:
    """The JSON export: metadata, contributions with their lines, and the aggregate."""
    contributions = _contributions(filters)
    matrix = reports.aggregate_matrix(user, filters)
    meta = metadata("contributions.json", filters, contributions, user)
    items = []
    for contribution in contributions:
        record = {key: _json_value(value) for key, value in contribution_record(contribution).items()}
        lines = [
            {key: _json_value(value) for key, value in line.items() if key not in ("ref", "member_state")}
            for line in line_records(user, contribution)
        ]
        record["lines"] = lines
        items.append(record)
    aggregate = [{key: _json_value(value) for key, value in row.items()} for row in aggregate_records(matrix)]
    return {"schema_version": SCHEMA_VERSION, "metadata": meta, "contributions": items, "aggregate": aggregate}


@bp.route("/contributions.json")
def contributions_json() -> Response:
    """Everything of the CSV exports in one JSON document with a ``schema_version``."""
    document = json_document(current_user, _filters())
    body = json.dumps(document, ensure_ascii=False, indent=1)
    return _download(body, "application/json", "contributions.json")


def _xlsx_cell_value(column: str, value: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, dt.datetime):
        return _text(value)
    if isinstance(value, bool) or value is None:
        return _text(value) if value is not None else None
    return value


def xlsx_bytes(user: Any, filters: reports.ReportFilters) -> bytes:
    """A workbook: "About" (metadata and exchange rates), then one sheet per level."""
    from openpyxl import Workbook

    contributions = _contributions(filters)
    matrix = reports.aggregate_matrix(user, filters)
    meta = metadata("contributions.xlsx", filters, contributions, user)
    book = Workbook()
    about = book.active
    about.title = "About"
    about.append(["key", "value"])
    for key in ("title", "export", "schema_version", "generated", "licence", "licence_url", "source"):
        about.append([key, str(meta[key])])
    about.append(["documentation", meta["documentation"]])
    about.append(["filters", "; ".join(f"{k}={v}" for k, v in meta["filters"].items()) or "none"])
    about.append(["visibility", meta["visibility"]])
    about.append(["small_cell_threshold", meta["small_cell_threshold"]])
    about.append([])
    about.append(["exchange_rate_currency", "units_per_eur", "date", "source"])
    for rate in meta["exchange_rates"]:
        about.append([rate["currency"], rate["units_per_eur"], rate["date"], rate["source"]])
    if not meta["exchange_rates"]:
        about.append(["none (every amount is in EUR)"])
    sheets = (
        ("Contributions", CONTRIBUTION_COLUMNS, [contribution_record(c) for c in contributions]),
        ("Lines", LINE_COLUMNS, [row for c in contributions for row in line_records(user, c)]),
        ("Aggregate", AGGREGATE_COLUMNS, aggregate_records(matrix)),
    )
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for row in rows:
            sheet.append([_xlsx_cell_value(column, row.get(column)) for column in columns])
    for sheet in book.worksheets:
        for row_cells in sheet.iter_rows():
            for cell in row_cells:
                # openpyxl stores any text starting with "=" as a formula: keep people's text as text.
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@bp.route("/contributions.xlsx")
def contributions_xlsx() -> Response:
    """The CSV exports as one spreadsheet, with an "About" sheet."""
    body = xlsx_bytes(current_user, _filters())
    return _download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "contributions.xlsx")


@bp.route("/iati/<code>.xml")
def iati(code: str) -> Response:
    """IATI 2.03 activities of one member state: public records only, whoever asks."""
    from commons.contributions.iati import activities_xml

    state_code = reports.normalise_state_code(code)
    if state_code is None:
        abort(404)
    body = activities_xml(state_code, base_url=request.url_root.rstrip("/"))
    if body is None:
        # The schema needs at least one activity: a state with nothing public has no file.
        abort(404)
    response = Response(body, mimetype="application/xml")
    response.headers["Content-Disposition"] = f'inline; filename="iati-{reports.display_code(state_code)}.xml"'
    return response
