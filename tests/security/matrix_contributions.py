# SPDX-License-Identifier: EUPL-1.2
"""Contribution pages, needs and the contributions API: reps of two states on every route and endpoint.

The scenario's records (``scenario_contributions.py``) belong to FR: rep_fr and admins may change them; the
German representative, like everyone else, gets 404 (the record's existence does not leak). Recording pages
are for those who may record for a state (reps, admins): others get 403.
"""

from __future__ import annotations

from tests.security.cells import Case, everyone, only

FR = "{contribution_fr}"
RESTRICTED = "{contribution_fr_restricted}"
DELETED = "{contribution_fr_deleted}"
NO_TOKEN = {"anonymous": 401}


def own(status: int, anonymous: int = 302) -> dict[str, int]:
    """FR's records: rep_fr and admins get ``status``, every other account 404."""
    return only({"rep_fr": status, "admin": status}, default=404, anonymous=anonymous)


def recorders(status: int, others: int = 403, anonymous: int = 302, **extra: int) -> dict[str, int]:
    """Recording pages: the representatives of both states and admins."""
    return only({"rep_fr": status, "rep_de": status, "admin": status, **extra}, default=others, anonymous=anonymous)


STEWARDS = {"user": 302, "rep_fr": 302, "secretariat": 302, "admin": 302}

FUNDING_FORM = {
    "member_state": "FR",
    "commons": "{commons}",
    "title": "Matrix new funding",
    "visibility": "public",
    "lines-0-kind": "commitment",
    "lines-0-date": "2025-06-02",
    "lines-0-amount": "4321",
    "lines-0-currency": "EUR",
    "save": "Save",
}
EDIT_FORM = {"version": "1", "commons": "{commons}", "title": "Matrix renamed", "visibility": "public"}
LINE_FORM = {
    "version": "1",
    "kind": "disbursement",
    "date": "2025-06-03",
    "amount": "1000",
    "currency": "EUR",
    "evidence_url": "https://pay.example.org/matrix",
    "evidence_type": "payment_proof",
}
SEAT_FORM = {
    "version": "1",
    "body": "board",
    "seat_role": "member",
    "voting_rights": "y",
    "formal": "y",
    "start_date": "2025-01-06",
    "end_date": "2025-12-31",
}
API_FUNDING = {
    "type": "funding",
    "member_state": "FR",
    "commons": "{commons}",
    "title": "Matrix API funding",
    "lines": [{"kind": "pledge", "date": "2025-06-02", "amount": "777", "currency": "EUR"}],
}
API_LINE = {"version": 1, "lines": [{k: v for k, v in LINE_FORM.items() if k != "version"}]}

CASES = [
    # --- pages ---------------------------------------------------------------------------------------------
    Case(
        "contributions.mine",
        "GET",
        "/contributions/mine",
        recorders(200, secretariat=200),
        note="the secretariat reads every state's list",
    ),
    Case("contributions.new", "GET", "/contributions/new", recorders(200), note="type chooser"),
    Case("contributions.new", "GET", "/contributions/new?type=funding", recorders(200)),
    Case(
        "contributions.new",
        "POST",
        "/contributions/new?type=funding",
        {**recorders(302), "rep_de": 422},
        data=FUNDING_FORM,
        note="member_state FR: the German representative is refused, nothing is stored under FR",
    ),
    Case(
        "contributions.new",
        "POST",
        "/contributions/new?type=funding",
        recorders(422),
        data={**FUNDING_FORM, "lines-0-amount": "NaN"},
        note="invalid: the form again with its messages",
    ),
    Case("contributions.detail", "GET", f"/contributions/{FR}", everyone(200), note="public record"),
    Case(
        "contributions.detail",
        "GET",
        f"/contributions/{RESTRICTED}",
        {**own(200, anonymous=404), "secretariat": 200},
        note="restricted: own state and staff only",
    ),
    Case(
        "contributions.detail",
        "GET",
        f"/contributions/{DELETED}",
        {**own(200, anonymous=404), "secretariat": 200},
        note="deleted: the state's team and staff",
    ),
    Case("contributions.detail", "GET", "/contributions/FR-1999-9999", everyone(404)),
    Case("contributions.edit", "GET", f"/contributions/{FR}/edit", own(200)),
    Case("contributions.edit", "POST", f"/contributions/{FR}/edit", own(302), data=EDIT_FORM),
    Case(
        "contributions.edit",
        "POST",
        f"/contributions/{FR}/edit",
        own(409),
        data={**EDIT_FORM, "version": "7"},
        note="a version other than the current one: refused, both versions shown",
    ),
    Case("contributions.add_line", "GET", f"/contributions/{FR}/lines/new", own(200)),
    Case("contributions.add_line", "POST", f"/contributions/{FR}/lines/new", own(302), data=LINE_FORM),
    Case("contributions.edit_line", "GET", "/contributions/{contribution_fr_seat}/lines/{seat_id}/edit", own(200)),
    Case(
        "contributions.edit_line",
        "POST",
        "/contributions/{contribution_fr_seat}/lines/{seat_id}/edit",
        own(302),
        data=SEAT_FORM,
        note="the seat ends",
    ),
    Case(
        "contributions.edit_line",
        "GET",
        f"/contributions/{FR}/lines/1/edit",
        own(404),
        note="funding lines are a ledger: never edited",
    ),
    Case("contributions.add_evidence", "GET", f"/contributions/{FR}/evidence/new", own(200)),
    Case(
        "contributions.add_evidence",
        "POST",
        f"/contributions/{FR}/evidence/new",
        own(302),
        data={"version": "1", "url": "https://example.org/agreement", "type": "agreement", "visibility": "public"},
    ),
    Case("contributions.change_status", "GET", f"/contributions/{FR}/status", own(200)),
    Case(
        "contributions.change_status",
        "POST",
        f"/contributions/{FR}/status",
        own(302),
        data={"version": "1", "status": "suspended", "reason": "Matrix pause"},
    ),
    Case("contributions.delete", "GET", f"/contributions/{FR}/delete", own(200)),
    Case(
        "contributions.delete",
        "POST",
        f"/contributions/{FR}/delete",
        own(302),
        data={"version": "1", "reason": "Matrix delete"},
    ),
    Case("contributions.restore", "POST", f"/contributions/{DELETED}/restore", own(302)),
    Case("contributions.history", "GET", f"/contributions/{FR}/history", own(200)),
    Case("contributions.import_csv", "GET", "/contributions/import", recorders(200)),
    Case(
        "contributions.import_csv",
        "POST",
        "/contributions/import",
        recorders(422),
        data={"dry_run": "y"},
        note="no file: a field error",
    ),
    Case("contributions.needs", "GET", "/commons/{commons}/needs", everyone(200)),
    Case("contributions.needs", "GET", "/commons/no-such-commons/needs", everyone(404)),
    Case(
        "contributions.new_need",
        "GET",
        "/commons/{commons}/needs/new",
        only(dict.fromkeys(STEWARDS, 200), default=403),
        note="stewards (the FR organisation's members) and the secretariat",
    ),
    Case(
        "contributions.new_need",
        "POST",
        "/commons/{commons}/needs/new",
        only(STEWARDS, default=403),
        data={"kind": "governance", "title": "Matrix seat", "governance_body": "board", "seats": "1"},
    ),
    Case(
        "contributions.need_status",
        "POST",
        "/needs/{need_id}/status",
        only(STEWARDS, default=403),
        data={"status": "met"},
    ),
    # --- API -----------------------------------------------------------------------------------------------
    Case("api.contributions_list", "GET", "/api/v1/contributions", everyone(200), json=True),
    Case("api.contributions_list", "GET", "/api/v1/contributions?type=nope", everyone(422), json=True),
    Case("api.contributions_get", "GET", f"/api/v1/contributions/{FR}", everyone(200), json=True),
    Case(
        "api.contributions_get",
        "GET",
        f"/api/v1/contributions/{RESTRICTED}",
        {**own(200, anonymous=404), "secretariat": 200},
        json=True,
    ),
    Case(
        "api.contributions_create",
        "POST",
        "/api/v1/contributions",
        {**only({"rep_fr": 201, "admin": 201, "rep_de": 422}, default=403), **NO_TOKEN},
        data=API_FUNDING,
        json=True,
        note="member_state FR in the body: the German representative is refused",
    ),
    Case(
        "api.contributions_update",
        "PATCH",
        f"/api/v1/contributions/{FR}",
        own(200, anonymous=401),
        data={"version": 1, "title": "Matrix PATCH"},
        json=True,
    ),
    Case(
        "api.contributions_update",
        "PUT",
        f"/api/v1/contributions/{FR}",
        own(200, anonymous=401),
        data={"version": 1, "commons": "{commons}", "title": "Matrix PUT", "visibility": "public"},
        json=True,
    ),
    Case(
        "api.contributions_add_lines",
        "POST",
        f"/api/v1/contributions/{FR}/lines",
        own(201, anonymous=401),
        data=API_LINE,
        json=True,
    ),
    Case(
        "api.contributions_update_line",
        "PATCH",
        "/api/v1/contributions/{contribution_fr_seat}/lines/{seat_id}",
        own(200, anonymous=401),
        data={"version": 1, "line": {"body": "board", "seat_role": "observer", "start_date": "2025-01-06"}},
        json=True,
    ),
    Case(
        "api.contributions_add_evidence",
        "POST",
        f"/api/v1/contributions/{FR}/evidence",
        own(201, anonymous=401),
        data={"version": 1, "url": "https://example.org/decision", "type": "decision"},
        json=True,
    ),
    Case(
        "api.contributions_status",
        "POST",
        f"/api/v1/contributions/{FR}/status",
        own(200, anonymous=401),
        data={"version": 1, "status": "closed", "reason": "Matrix close"},
        json=True,
    ),
    Case(
        "api.contributions_delete",
        "DELETE",
        f"/api/v1/contributions/{FR}",
        own(200, anonymous=401),
        data={"version": 1, "reason": "Matrix API delete"},
        json=True,
    ),
    Case(
        "api.contributions_import",
        "POST",
        "/api/v1/contributions/import?dry_run=1",
        {**only({"rep_fr": 422, "rep_de": 422, "admin": 422}, default=403), **NO_TOKEN},
        data={},
        json=True,
        note="a JSON body is not a CSV file: a field error for those who may import",
    ),
]
