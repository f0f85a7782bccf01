# SPDX-License-Identifier: EUPL-1.2
"""Contributions endpoints of the JSON API: read for everyone (by visibility), write for reps with a token.

Writes go through the same forms (``json_form``) and services as the pages: another state's record answers
404 and nothing changes; a ``member_state`` other than the representative's is never stored.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from commons.accounts.auth import bearer_user
from commons.api import bp
from commons.api.helpers import (
    cursor_after_id,
    encode_cursor,
    json_body,
    list_answer,
    page_limit,
    query_bool,
    query_choice,
    query_text,
    require_token_user,
)
from commons.catalogue.models import Commons
from commons.contributions import services
from commons.contributions.forms import (
    DeleteForm,
    EnvelopeEditForm,
    EvidenceForm,
    StatusForm,
    contribution_form_class,
    json_form,
    line_form_class,
)
from commons.contributions.models import TYPES, VISIBILITIES, Contribution
from commons.contributions.status import STATUS_LABELS, funding_totals
from commons.contributions.visibility import can_see_staff_names, visible_contributions_query
from commons.errors import NotFound, ValidationFailed
from commons.extensions import db


def _reader() -> Any:
    """Reads take a bearer token when one is sent (to see initiative/restricted records), else anonymous."""
    return bearer_user()


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _money(value: Any) -> str | None:
    return str(value) if value is not None else None


def totals(c: Contribution) -> dict[str, Any]:
    """Totals per unit, never added together: EUR, person-days, seats, in-kind items."""
    if c.type == "funding":
        sums = funding_totals(c)
        return {
            "unit": "EUR",
            "pledged_eur": str(sums["pledge"]),
            "committed_eur": str(sums["committed_total"]),
            "disbursed_eur": str(sums["disbursement"]),
            "spent_eur": str(sums["expenditure"]),
        }
    if c.type == "staff":
        days = sum((s.person_days for s in c.staff if s.delivery_status != "cancelled"), start=0)
        return {"unit": "person_days", "person_days": str(days), "headcount": sum(s.headcount for s in c.staff)}
    if c.type == "governance":
        return {
            "unit": "seats",
            "seats_formal": sum(1 for g in c.governance if g.formal),
            "seats_informal": sum(1 for g in c.governance if not g.formal),
        }
    values = [i.value_eur for i in c.in_kind if i.value_eur is not None]
    return {
        "unit": "items",
        "items": len(c.in_kind),
        "value_eur": str(sum(values, start=0)) if values else None,
    }


def item(c: Contribution, user: Any, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ref": c.ref,
        "member_state": {"GR": "EL"}.get(c.member_state_code, c.member_state_code),
        "type": c.type,
        "status": c.status,
        "status_label": str(STATUS_LABELS.get(c.status, c.status)),
        "visibility": c.visibility,
        "commons": c.commons.slug if c.commons else None,
        "commons_name": c.commons.name if c.commons else None,
        "title": c.title,
        "period_start": _iso(c.period_start),
        "period_end": _iso(c.period_end),
        "decision_date": _iso(c.decision_date),
        "version": c.version,
        "totals": totals(c),
        "deleted": c.deleted_at is not None,
    }
    if not full:
        return out
    names = can_see_staff_names(user, c)
    out.update(
        description=c.description,
        instrument=c.instrument,
        purpose_tags=list(c.purpose_tags or []),
        manual_status=c.manual_status,
        status_reason=c.status_reason,
        funding_lines=[
            {
                "id": f.id,
                "kind": f.kind,
                "date": _iso(f.date),
                "amount": _money(f.amount),
                "currency": f.currency,
                "amount_eur": _money(f.amount_eur),
                "rate": _money(f.rate),
                "rate_date": _iso(f.rate_date),
                "rate_source": f.rate_source,
                "justification": f.justification,
            }
            for f in c.funding_lines
        ],
        staff=[
            {
                "id": s.id,
                "role": s.role,
                "headcount": s.headcount,
                "person_days": _money(s.person_days),
                "employment_type": s.employment_type,
                "delivery_status": s.delivery_status,
                "period_start": _iso(s.period_start),
                "period_end": _iso(s.period_end),
                **({"person_names": s.person_names} if names else {}),
            }
            for s in c.staff
        ],
        governance=[
            {
                "id": g.id,
                "body": g.body,
                "body_name": g.body_name,
                "membership_tier": g.membership_tier,
                "seat_role": g.seat_role,
                "voting_rights": g.voting_rights,
                "formal": g.formal,
                "start_date": _iso(g.start_date),
                "end_date": _iso(g.end_date),
            }
            for g in c.governance
        ],
        in_kind=[
            {
                "id": i.id,
                "kind": i.kind,
                "description": i.description,
                "quantity": _money(i.quantity),
                "unit": i.unit,
                "value": _money(i.value),
                "currency": i.currency,
                "value_eur": _money(i.value_eur),
            }
            for i in c.in_kind
        ],
    )
    return out


@bp.route("/v1/contributions", methods=["GET"])
def contributions_list() -> Any:
    """Contributions the caller may read, newest first; filters member_state, type, commons, visibility."""
    user = _reader()
    limit = page_limit()
    after = cursor_after_id()
    query = visible_contributions_query(user)
    state = query_text("member_state", 2)
    if state:
        code = {"EL": "GR"}.get(state.upper(), state.upper())
        query = query.where(Contribution.member_state_code == code)
    kind = query_choice("type", TYPES)
    if kind:
        query = query.where(Contribution.type == kind)
    visibility = query_choice("visibility", VISIBILITIES)
    if visibility:
        query = query.where(Contribution.visibility == visibility)
    slug = query_text("commons", 120)
    if slug:
        query = query.join(Commons, Commons.id == Contribution.commons_id).where(Commons.slug == slug)
    query_bool("deleted")  # accepted for symmetry with the pages; deleted records are never listed here
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if after is not None:
        query = query.where(Contribution.id < after)
    rows = list(db.session.scalars(query.order_by(Contribution.id.desc()).limit(limit + 1)))
    next_cursor = encode_cursor({"id": rows[limit - 1].id}) if len(rows) > limit else None
    return jsonify(list_answer([item(c, user) for c in rows[:limit]], total, next_cursor))


@bp.route("/v1/contributions/<ref>", methods=["GET"])
def contributions_get(ref: str) -> Any:
    user = _reader()
    contribution = services.get_contribution(user, ref)
    return jsonify(item(contribution, user, full=True))


def _commit_or_rollback(action: Any) -> Any:
    try:
        result = action()
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return result


@bp.route("/v1/contributions", methods=["POST"])
def contributions_create() -> Any:
    """Create a contribution with its lines; the body has the form's fields and ``lines`` (a list)."""
    user = require_token_user()
    data = json_body()
    services.resolve_state(user, data.get("member_state") if isinstance(data.get("member_state"), str) else None)
    kind = data.get("type")
    if kind not in TYPES:
        raise ValidationFailed({"type": [_("Choose the type: funding, staff, governance or in_kind.")]})
    form = json_form(contribution_form_class(kind), data)
    form.commons.choices = []
    form.raise_if_invalid()
    contribution = _commit_or_rollback(lambda: services.create_contribution(user, form.cleaned()))
    response = jsonify(item(contribution, user, full=True))
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/contributions/{contribution.ref}"
    return response


@bp.route("/v1/contributions/<ref>", methods=["PATCH", "PUT"])
def contributions_update(ref: str) -> Any:
    """Change the envelope; ``version`` is required (409 when someone else changed it meanwhile)."""
    user = require_token_user()
    contribution = services.get_for_edit(user, ref)
    data = json_body()
    version = services.parse_version(data.get("version"))
    if request.method == "PATCH":
        # Unsent fields keep their value: start from the record, then apply the body.
        current = {
            "commons": contribution.commons.slug if contribution.commons else "",
            "title": contribution.title,
            "description": contribution.description,
            "instrument": contribution.instrument or "",
            "purpose_tags": list(contribution.purpose_tags or []),
            "period_start": _iso(contribution.period_start),
            "period_end": _iso(contribution.period_end),
            "decision_date": _iso(contribution.decision_date),
            "visibility": contribution.visibility,
        }
        data = {**current, **data}
    if "member_state" in data and data["member_state"]:
        services.resolve_state(user, str(data["member_state"]))
    form = json_form(EnvelopeEditForm, data)
    form.commons.choices = []
    form.raise_if_invalid()
    updated = _commit_or_rollback(lambda: services.update_contribution(user, contribution.ref, form.cleaned(), version))
    return jsonify(item(updated, user, full=True))


@bp.route("/v1/contributions/<ref>/lines", methods=["POST"])
def contributions_add_lines(ref: str) -> Any:
    """Add lines of the contribution's type: ``{"version": 3, "lines": [{…}, …]}``."""
    user = require_token_user()
    contribution = services.get_for_edit(user, ref)
    data = json_body()
    version = services.parse_version(data.get("version"))
    raw_lines = data.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines or not all(isinstance(x, dict) for x in raw_lines):
        raise ValidationFailed({"lines": [_("Send a list of lines (objects).")]})
    lines = []
    errors: dict[str, list[str]] = {}
    for index, raw in enumerate(raw_lines[:50]):
        form = json_form(line_form_class(contribution.type), raw)
        if hasattr(form, "evidence_id"):
            form.evidence_id.choices = []
        if not form.validate():
            for name, messages in form.error_dict().items():  # type: ignore[attr-defined]
                errors[f"lines-{index}-{name}"] = messages
            continue
        line = form.cleaned()  # type: ignore[attr-defined]
        if contribution.type == "funding":
            line["evidence_id"] = raw.get("evidence_id")
        lines.append(line)
    if errors:
        raise ValidationFailed(errors)
    try:
        updated = _commit_or_rollback(lambda: services.add_lines(user, contribution.ref, lines, version))
    except ValidationFailed as failure:
        if len(lines) == 1:
            raise ValidationFailed({f"lines-0-{k}": v for k, v in failure.errors.items()}) from failure
        raise
    response = jsonify(item(updated, user, full=True))
    response.status_code = 201
    return response


@bp.route("/v1/contributions/<ref>/lines/<line_key>", methods=["PATCH"])
def contributions_update_line(ref: str, line_key: str) -> Any:
    """Change a staff allocation, a seat or an in-kind item: ``{"version": 3, "line": {…all its fields}}``."""
    # The id is parsed after authentication: a write without a token answers 401 whatever the path holds.
    user = require_token_user()
    contribution = services.get_for_edit(user, ref)
    if not line_key.isdigit() or len(line_key) > 12:
        raise NotFound()
    line_id = int(line_key)
    data = json_body()
    version = services.parse_version(data.get("version"))
    raw = data.get("line")
    if not isinstance(raw, dict):
        raise ValidationFailed({"line": [_("Send the line's fields as an object.")]})
    if contribution.type == "funding":
        services.update_line(user, contribution.ref, line_id, {}, version)  # refuses: a ledger line never changes
    form = json_form(line_form_class(contribution.type), raw)
    form.raise_if_invalid()
    updated = _commit_or_rollback(
        lambda: services.update_line(user, contribution.ref, line_id, form.cleaned(), version)  # type: ignore[attr-defined]
    )
    return jsonify(item(updated, user, full=True))


@bp.route("/v1/contributions/<ref>/evidence", methods=["POST"])
def contributions_add_evidence(ref: str) -> Any:
    user = require_token_user()
    contribution = services.get_for_edit(user, ref)
    data = json_body()
    version = services.parse_version(data.get("version"))
    form = json_form(EvidenceForm, data)
    form.raise_if_invalid()
    _commit_or_rollback(lambda: services.add_evidence(user, contribution.ref, form.cleaned(), version))
    response = jsonify(item(contribution, user, full=True))
    response.status_code = 201
    return response


@bp.route("/v1/contributions/<ref>/status", methods=["POST"])
def contributions_status(ref: str) -> Any:
    """Set ``cancelled``/``suspended``/``closed`` with a ``reason``, or ``null`` to follow the lines again."""
    user = require_token_user()
    contribution = services.get_for_edit(user, ref)
    data = json_body()
    version = services.parse_version(data.get("version"))
    form = json_form(StatusForm, {**data, "status": data.get("status") or ""})
    form.raise_if_invalid()
    updated = _commit_or_rollback(
        lambda: services.set_manual_status(user, contribution.ref, form.status.data, form.reason.data, version)
    )
    return jsonify(item(updated, user, full=True))


@bp.route("/v1/contributions/<ref>", methods=["DELETE"])
def contributions_delete(ref: str) -> Any:
    """Soft delete with a ``reason`` and the ``version``; the record stays in the state's deleted list."""
    user = require_token_user()
    contribution = services.find(ref)
    if contribution is None:
        raise NotFound()
    from commons.permissions import require

    require(user, "contribution:delete", contribution, hide=True)
    data = json_body()
    version = services.parse_version(data.get("version"))
    form = json_form(DeleteForm, data)
    form.raise_if_invalid()
    updated = _commit_or_rollback(
        lambda: services.delete_contribution(user, contribution.ref, form.reason.data or "", version)
    )
    return jsonify(item(updated, user))


@bp.route("/v1/contributions/import", methods=["POST"])
def contributions_import() -> Any:
    """Bulk CSV (body ``text/csv`` or a multipart ``file``); ``dry_run=1`` checks without importing."""
    from commons.contributions import importer

    user = require_token_user()
    dry_run = bool(query_bool("dry_run"))
    upload = request.files.get("file")
    data = upload.read(importer.MAX_BYTES + 1) if upload else request.get_data(cache=False)[: importer.MAX_BYTES + 1]
    try:
        report = importer.run_import(user, data, dry_run=dry_run)
    except Exception:
        db.session.rollback()
        raise
    if report.imported:
        db.session.commit()
    else:
        db.session.rollback()
    response = jsonify(report.as_json())
    response.status_code = 422 if report.errors else (201 if report.imported else 200)
    return response
