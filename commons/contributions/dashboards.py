# SPDX-License-Identifier: EUPL-1.2
"""Contribution dashboards: public aggregates, initiative and restricted views by role.

Every page is a GET page: its filters are a plain GET form (shareable URLs, no JavaScript). Bad filter values
answer 422 with the form showing what was typed and a message per field. What each viewer sees is decided by
``commons.permissions.can(user, "contribution:read", …)``, record by record, inside ``reports``.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from functools import partial
from typing import Any

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from wtforms import SelectField, StringField

from commons.accounts.models import ADMIN, REP, REVIEWER, SECRETARIAT
from commons.catalogue.models import Commons
from commons.collation import sorted_by_name
from commons.contributions import charts, iati, reports
from commons.contributions.models import TYPES, Contribution
from commons.contributions.views import bp
from commons.errors import ValidationFailed
from commons.extensions import db
from commons.forms import BaseForm
from commons.i18n import country_name, money, number

TYPE_LABELS = {
    "funding": _l("Funding"),
    "staff": _l("Staff"),
    "governance": _l("Governance"),
    "in_kind": _l("In kind"),
}
MEASURE_LABELS = {
    "pledged_eur": _l("Cash pledged (EUR)"),
    "committed_eur": _l("Cash committed (EUR)"),
    "disbursed_eur": _l("Cash disbursed (EUR)"),
    "person_days": _l("Person-days"),
    "fte_years": _l("FTE-years"),
    "seats_formal": _l("Formal seats"),
    "seats_informal": _l("Informal seats"),
    "in_kind_items": _l("In-kind items"),
    "in_kind_value_eur": _l("In-kind value (EUR)"),
}
STAGE_LABELS = {
    "pledged": _l("Pledged, not committed"),
    "committed": _l("Committed, nothing disbursed"),
    "disbursing": _l("Partly disbursed"),
    "disbursed": _l("Fully disbursed"),
}
LINE_KIND_LABELS = {
    "pledge": _l("Pledge"),
    "commitment": _l("Commitment"),
    "disbursement": _l("Disbursement"),
    "expenditure": _l("Expenditure"),
    "adjustment": _l("Adjustment"),
}


def format_measure(measure: str, value: Decimal | int | None) -> str:
    """A measure's value for the reader's locale: EUR amounts as money, days and FTE with their digits."""
    if value is None:
        return ""
    if measure.endswith("_eur"):
        return money(value, "EUR")
    if measure == "fte_years":
        return number(value, 2)
    if measure == "person_days":
        return number(value, 1)
    return number(value, 0)


def viewer_scope() -> Any:
    """A sentence telling the viewer which records their view includes."""
    roles = current_user.role_names if current_user.is_authenticated else set()
    if roles.intersection({ADMIN, SECRETARIAT}):
        return _l("You see every record: public, initiative and restricted.")
    if REP in roles:
        return _l(
            "You see public and initiative records, and the restricted records of your member state. "
            "Other restricted records count only in cells of the matrix that hold at least 3 of them."
        )
    if REVIEWER in roles:
        return _l(
            "You see public and initiative records. Restricted records count only in cells of the matrix "
            "that hold at least 3 of them."
        )
    return _l(
        "You see public records. Records that are not public count only in cells of the matrix that hold "
        "at least 3 of them."
    )


class FilterForm(BaseForm):
    """The dashboard and export filters, read from the query string (GET: no CSRF token needed)."""

    class Meta:
        csrf = False

    member_state = SelectField(_l("Member state"), choices=[], validate_choice=False)
    year = StringField(_l("Year"), description=_l("Four digits, for example 2026."))
    type = SelectField(_l("Type"), choices=[], validate_choice=False)
    commons = SelectField(_l("Commons"), choices=[], validate_choice=False)


def filter_form() -> FilterForm:
    form = FilterForm(request.args)
    states = [
        (reports.display_code(state.code), f"{country_name(state.code)} ({reports.display_code(state.code)})")
        for state in reports.member_states()
    ]
    # In the reader's language, so in the order of the names the reader sees (Allemagne before Autriche).
    states.sort(key=lambda choice: unicodedata.normalize("NFKD", choice[1]).encode("ascii", "ignore").lower())
    form.member_state.choices = [("", str(_l("All member states"))), *states]
    form.type.choices = [("", str(_l("All types")))] + [(kind, str(TYPE_LABELS[kind])) for kind in TYPES]
    # Only commons that received something: the catalogue may hold thousands of entries.
    with_contributions = select(Contribution.commons_id).where(Contribution.deleted_at.is_(None))
    chosen = request.args.get("commons") or ""
    commons = sorted_by_name(
        db.session.execute(
            select(Commons.slug, Commons.name).where(or_(Commons.id.in_(with_contributions), Commons.slug == chosen))
        ).all(),
        lambda row: row[1],
    )
    form.commons.choices = [("", str(_l("All commons")))] + [(slug, name) for slug, name in commons]
    return form


def _labels() -> dict[str, Any]:
    from commons.contributions import forms
    from commons.contributions.status import status_label

    return {
        "STAFF_ROLE_LABELS": forms.STAFF_ROLE_LABELS,
        "BODY_LABELS": forms.BODY_LABELS,
        "SEAT_LABELS": forms.SEAT_LABELS,
        "IN_KIND_LABELS": forms.IN_KIND_LABELS,
        "contribution_status": status_label,
        "TYPE_LABELS": TYPE_LABELS,
        "MEASURE_LABELS": MEASURE_LABELS,
        "MEASURES": reports.MEASURES,
        "STAGE_LABELS": STAGE_LABELS,
        "LINE_KIND_LABELS": LINE_KIND_LABELS,
        "format_measure": format_measure,
        "display_code": reports.display_code,
        "viewer_scope": viewer_scope(),
        "K_MIN": reports.K_MIN,
    }


def _state_charts(matrix: reports.Matrix) -> list[dict[str, Any]]:
    """One chart per unit (never mixed), each with the rows of its table."""
    specs = [
        ("committed_eur", _l("Cash committed by member state (EUR)"), "money"),
        ("disbursed_eur", _l("Cash disbursed by member state (EUR)"), "money"),
        ("person_days", _l("Staff person-days by member state"), "staff"),
        ("seats_formal", _l("Formal governance seats by member state"), "seats"),
    ]
    out = []
    for measure, title, variant in specs:
        rows = [
            (reports.display_code(total.label), total.measures[measure])
            for total in matrix.state_totals
            if total.measures[measure] > 0
        ]
        description = (
            "; ".join(f"{label}: {format_measure(measure, value)}" for label, value in rows)
            if rows
            else str(_l("No data for these filters."))
        )
        svg = charts.bar_chart(
            str(title), description, rows, formatter=partial(format_measure, measure), variant=variant
        )
        out.append({"measure": measure, "title": title, "svg": svg, "rows": rows})
    return out


@bp.route("/contributions")
def dashboard() -> Any:
    """The public matrix member state × year × type, with charts per unit and filters."""
    form = filter_form()
    status = 200
    try:
        filters = reports.parse_filters(request.args)
    except ValidationFailed as failure:
        form.apply_errors(failure)
        filters, status = None, 422
    matrix = reports.aggregate_matrix(current_user, filters) if filters is not None else None
    chart_list = _state_charts(matrix) if matrix is not None else []
    export_query = {key: value for key, value in request.args.items() if value} if filters is not None else {}
    return (
        render_template(
            "contributions/dashboard.html",
            form=form,
            matrix=matrix,
            charts=chart_list,
            export_query=export_query,
            **_labels(),
        ),
        status,
    )


@bp.route("/contributions/commons/<slug>")
def dashboard_commons(slug: str) -> Any:
    """A commons' funding profile: who gives what, and its open needs against what is committed."""
    commons = db.session.scalar(select(Commons).where(Commons.slug == slug))
    if commons is None:
        abort(404)
    profile = reports.commons_profile(current_user, commons)
    rows = [
        (
            reports.display_code(code),
            sum((r.measures["committed_eur"] for r in profile["rows"] if r.member_state == code), Decimal(0)),
        )
        for code in profile["states"]
    ]
    rows = [(label, value) for label, value in rows if value > 0]
    svg = charts.bar_chart(
        str(_l("Cash committed to %(name)s by member state (EUR)", name=commons.name)),
        "; ".join(f"{label}: {money(value, 'EUR')}" for label, value in rows) or str(_l("No cash committed.")),
        rows,
        formatter=lambda v: money(v, "EUR"),
    )
    return render_template("contributions/dashboard_commons.html", chart=svg, chart_rows=rows, **profile, **_labels())


class StatementForm(BaseForm):
    class Meta:
        csrf = False

    date_from = StringField(_l("From"), name="from", description=_l("YYYY-MM-DD, empty for the beginning."))
    date_to = StringField(_l("To"), name="to", description=_l("YYYY-MM-DD, empty for today."))


@bp.route("/contributions/states/<code>")
def dashboard_state(code: str) -> Any:
    """A member state's statement over any date range (``from``/``to``, inclusive); EL is Greece."""
    state_code = reports.normalise_state_code(code)
    if state_code is None:
        abort(404)
    from commons.memberstates.models import MemberState

    state = db.session.get(MemberState, state_code)
    form = StatementForm(request.args)
    status = 200
    statement = None
    try:
        start, end = reports.parse_date_range(request.args)
        statement = reports.state_statement(current_user, state_code, start, end)
    except ValidationFailed as failure:
        renamed = {{"from": "date_from", "to": "date_to"}.get(k, k): v for k, v in failure.errors.items()}
        form.apply_errors(ValidationFailed(renamed))
        start = end = None
        status = 422
    return (
        render_template(
            "contributions/dashboard_state.html",
            state=state,
            has_iati=bool(iati.public_contributions(state_code)),
            form=form,
            statement=statement,
            start=start,
            end=end,
            **_labels(),
        ),
        status,
    )


@bp.route("/contributions/reports/pipeline")
def dashboard_pipeline() -> Any:
    """Funding by stage, and pledges older than 12 months that were never committed."""
    report = reports.pipeline_report(current_user)
    svg = charts.bar_chart(
        str(_l("Number of funding contributions by stage")),
        "; ".join(f"{STAGE_LABELS[s]}: {v['records']}" for s, v in report["stages"].items()),
        [(str(STAGE_LABELS[s]), v["records"]) for s, v in report["stages"].items()],
        formatter=lambda v: number(v, 0),
        variant="count",
    )
    return render_template("contributions/dashboard_pipeline.html", chart=svg, **report, **_labels())


@bp.route("/contributions/reports/coverage")
def dashboard_coverage() -> Any:
    """Accepted commons and how many member states support them: zero or one is a risk."""
    report = reports.coverage_report(current_user)
    buckets = [
        (str(_l("No member state")), len(report["zero"])),
        (str(_l("One member state")), len(report["one"])),
        (str(_l("Two or more")), len(report["rows"]) - len(report["zero"]) - len(report["one"])),
    ]
    svg = charts.bar_chart(
        str(_l("Accepted commons by number of contributing member states")),
        "; ".join(f"{label}: {value}" for label, value in buckets),
        buckets,
        formatter=lambda v: number(v, 0),
        variant="count",
    )
    return render_template("contributions/dashboard_coverage.html", chart=svg, buckets=buckets, **report, **_labels())


@bp.route("/contributions/reports/governance")
def dashboard_governance() -> Any:
    """The governance map: which member state holds which seat in which body of which commons."""
    rows = reports.governance_map(current_user)
    return render_template("contributions/dashboard_governance.html", rows=rows, **_labels())


@bp.route("/contributions/reports/staff")
def dashboard_staff() -> Any:
    """Staff by role: headcount, person-days and FTE-years (never names)."""
    rows = reports.staff_by_role(current_user)
    from commons.contributions.forms import STAFF_ROLE_LABELS

    bars = [(str(STAFF_ROLE_LABELS.get(row["role"], row["role"])), row["person_days"]) for row in rows]
    svg = charts.bar_chart(
        str(_l("Person-days by staff role")),
        "; ".join(f"{label}: {number(value, 1)}" for label, value in bars) or str(_l("No staff recorded.")),
        bars,
        formatter=lambda v: number(v, 1),
        variant="staff",
    )
    return render_template("contributions/dashboard_staff.html", rows=rows, chart=svg, **_labels())


@bp.route("/contributions/reports/gaps")
def dashboard_gaps() -> Any:
    """Open needs of every commons against what is committed to it."""
    rows = reports.gaps_report(current_user)
    return render_template("contributions/dashboard_gaps.html", rows=rows, **_labels())
