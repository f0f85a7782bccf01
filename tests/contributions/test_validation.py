# SPDX-License-Identifier: EUPL-1.2
"""Every validation rule: input typed in the HTML form → 422, the message on the field, the input kept.

The same forms validate the JSON API and CSV rows (tested in test_api.py and test_import.py).
"""

from __future__ import annotations

import datetime as dt
import html

import pytest
from sqlalchemy import func, select

from commons.contributions.models import Contribution
from commons.extensions import db
from tests.conftest import csrf_token
from tests.contributions.factories import DAY, TODAY, make_contribution

YEAR_START = dt.date(TODAY.year, 1, 1).isoformat()
YEAR_END = dt.date(TODAY.year, 12, 31).isoformat()
FUTURE = (TODAY + dt.timedelta(days=3)).isoformat()


def envelope(commons_slug: str, **extra: str) -> dict[str, str]:
    data = {
        "commons": commons_slug,
        "title": "Support of the commons",
        "visibility": "public",
        "period_start": YEAR_START,
        "period_end": YEAR_END,
        "save": "Save",
    }
    data.update(extra)
    return data


BASE = {
    "funding": {
        "lines-0-kind": "commitment",
        "lines-0-date": DAY.isoformat(),
        "lines-0-amount": "1000",
        "lines-0-currency": "EUR",
        "lines-0-evidence_type": "payment_proof",
    },
    "staff": {
        "lines-0-role": "developer",
        "lines-0-headcount": "1",
        "lines-0-person_days": "100",
        "lines-0-employment_type": "secondment",
        "lines-0-delivery_status": "planned",
    },
    "governance": {
        "lines-0-body": "board",
        "lines-0-seat_role": "member",
        "lines-0-voting_rights": "y",
        "lines-0-formal": "y",
        "lines-0-start_date": DAY.isoformat(),
    },
    "in_kind": {
        "lines-0-kind": "hosting",
        "lines-0-description": "Hosting of the service",
        "lines-0-quantity": "12",
        "lines-0-unit": "months",
        "lines-0-currency": "EUR",
    },
}

CASES = [
    # (type, overrides, field id that gets the message, message fragment, typed value that must come back)
    ("funding", {"title": "TBD"}, "title", "not a placeholder", "TBD"),
    ("funding", {"title": "N/A"}, "title", "not a placeholder", "N/A"),
    ("funding", {"title": ""}, "title", "Enter a title", None),
    ("funding", {"lines-0-amount": "NaN"}, "lines-0-amount", "no NaN, infinity or exponent", "NaN"),
    ("funding", {"lines-0-amount": "Infinity"}, "lines-0-amount", "no NaN, infinity or exponent", "Infinity"),
    ("funding", {"lines-0-amount": "1e5"}, "lines-0-amount", "no NaN, infinity or exponent", "1e5"),
    ("funding", {"lines-0-amount": "-5"}, "lines-0-amount", "cannot be negative", "-5"),
    ("funding", {"lines-0-amount": "0"}, "lines-0-amount", "must not be zero", None),
    ("funding", {"lines-0-amount": "10.123"}, "lines-0-amount", "at most 2 decimal places for EUR", "10.123"),
    (
        "funding",
        {"lines-0-amount": "100.5", "lines-0-currency": "JPY"},
        "lines-0-amount",
        "JPY has no minor unit",
        "100.5",
    ),
    ("funding", {"lines-0-amount": "10000000000"}, "lines-0-amount", "below 10,000,000,000", "10000000000"),
    ("funding", {"lines-0-currency": "XYZ"}, "lines-0-currency", "is not an ISO 4217 currency", "XYZ"),
    ("funding", {"lines-0-currency": "XXX"}, "lines-0-currency", "is not an ISO 4217 currency", "XXX"),
    ("funding", {"lines-0-currency": "USD"}, "lines-0-currency", "No ECB reference rate for USD", "USD"),
    ("funding", {"lines-0-date": FUTURE}, "lines-0-date", "cannot be in the future", FUTURE),
    ("funding", {"lines-0-date": "31/12/2025"}, "lines-0-date", "", "31/12/2025"),
    ("funding", {"period_end": "2000-01-01"}, "period_end", "end date is before the start date", "2000-01-01"),
    (
        "funding",
        {"lines-0-kind": "disbursement", "lines-0-justification": "Top-up agreed"},
        "lines-0-evidence_url",
        "A disbursement needs evidence",
        None,
    ),
    (
        "funding",
        {"lines-0-evidence_url": "javascript:alert(1)"},
        "lines-0-evidence_url",
        "starts with http:// or https://",
        "javascript:alert(1)",
    ),
    (
        "funding",
        {"lines-0-currency": "USD", "lines-0-bank_rate": "1.1"},
        "lines-0-bank_rate",
        "actual bank rate needs evidence",
        "1.1",
    ),
    ("funding", {"lines-0-bank_rate": "1.1"}, "lines-0-bank_rate", "euro amount takes no exchange rate", "1.1"),
    (
        "funding",
        {"lines-0-kind": "adjustment", "lines-0-amount": "-100"},
        "lines-0-justification",
        "An adjustment needs a justification",
        "-100",
    ),
    (
        "funding",
        {"lines-0-kind": "disbursement", "lines-0-evidence_url": "https://bank.example.org/proof/1"},
        "lines-0-justification",
        "More is disbursed",
        "https://bank.example.org/proof/1",
    ),
    ("funding", {"member_state": "DE"}, "member_state", "your own member state (FR) only", None),
    ("funding", {"member_state": "XX"}, "member_state", "Unknown member state", None),
    ("funding", {"commons": "no-such-commons"}, "commons", "Unknown commons", None),
    ("funding", {"purpose_tags": "security, TBD"}, "purpose_tags", "not a placeholder", "security, TBD"),
    ("staff", {"lines-0-fte": "1.5", "lines-0-person_days": ""}, "lines-0-fte", "above the headcount 1", "1.5"),
    (
        "staff",
        {"lines-0-fte": "3", "lines-0-headcount": "2", "lines-0-person_days": ""},
        "lines-0-fte",
        "at most 1.0 FTE per person",
        "3",
    ),
    ("staff", {"lines-0-fte": "1", "lines-0-person_days": "10"}, "lines-0-fte", "not both", None),
    ("staff", {"lines-0-person_days": ""}, "lines-0-fte", "Give either FTE or person-days", None),
    ("staff", {"lines-0-person_days": "10.3"}, "lines-0-person_days", "half-day steps", "10.3"),
    ("staff", {"lines-0-person_days": "10.25"}, "lines-0-person_days", "at most 1 decimal places", "10.25"),
    ("staff", {"lines-0-person_days": "216"}, "lines-0-person_days", "exceed the working capacity of 215", "216"),
    (
        "staff",
        {"period_start": "2026-01-01", "period_end": "2026-03-31", "lines-0-person_days": "60"},
        "lines-0-person_days",
        "exceed the working capacity of 53",
        "60",
    ),
    ("staff", {"lines-0-headcount": "0"}, "lines-0-headcount", "Between 1 and 1000", "0"),
    ("governance", {"lines-0-seat_role": "observer"}, "lines-0-voting_rights", "observer seat has no vote", None),
    (
        "governance",
        {"lines-0-end_date": "2000-01-01"},
        "lines-0-end_date",
        "end date is before the start date",
        "2000-01-01",
    ),
    ("in_kind", {"lines-0-quantity": "0"}, "lines-0-quantity", "must be above zero", None),
    ("in_kind", {"lines-0-quantity": "NaN"}, "lines-0-quantity", "no NaN", "NaN"),
    ("in_kind", {"lines-0-description": "TBD"}, "lines-0-description", "not a placeholder", "TBD"),
    ("in_kind", {"lines-0-value": "100", "lines-0-currency": "SEK"}, "lines-0-currency", "No ECB reference rate", None),
]


@pytest.mark.parametrize(
    ("kind", "overrides", "field", "message", "kept"), CASES, ids=[f"{c[0]}-{c[2]}-{c[3][:25]}" for c in CASES]
)
def test_bad_input_is_refused_with_a_message_on_the_field_and_kept(
    client, login_as, commons, kind, overrides, field, message, kept
):
    login_as("rep_fr")
    url = f"/contributions/new?type={kind}"
    data = {"csrf_token": csrf_token(client, url), **envelope(commons.slug), **BASE[kind], **overrides}
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:2000]
    assert "<title>Error: " in page
    # The error summary links to the field, and the field carries its message.
    assert f'href="#{field}"' in page, page[page.find("There is a problem") :][:1500]
    assert f'id="{field}-error"' in page
    if message:
        assert message in html.unescape(page)
    if kept is not None:
        escaped = html.escape(kept)
        assert f'value="{escaped}"' in page or f">{escaped}<" in page or f"\n{escaped}</textarea>" in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Contribution.id))) == 0


@pytest.mark.parametrize("kind", ["funding", "staff", "governance", "in_kind"])
def test_valid_input_of_every_type_is_saved(client, login_as, commons, kind):
    login_as("rep_fr")
    url = f"/contributions/new?type={kind}"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), **envelope(commons.slug), **BASE[kind]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    saved = db.session.scalar(select(Contribution))
    assert saved.type == kind and saved.member_state_code == "FR"
    assert saved.ref == f"FR-{TODAY.year}-0001"


def test_likely_duplicate_asks_for_confirmation_then_saves(client, login_as, commons, users):
    make_contribution(users["rep_fr"], commons, lines=None)
    login_as("rep_fr")
    url = "/contributions/new?type=funding"
    data = {
        "csrf_token": csrf_token(client, url),
        **envelope(commons.slug),
        **BASE["funding"],
        "lines-0-amount": "250000",
        "lines-0-date": (DAY + dt.timedelta(days=3)).isoformat(),
    }
    response = client.post(url, data=data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "This looks like FR-" in page and 'id="not_duplicate"' in page
    confirmed = client.post(url, data={**data, "not_duplicate": "y"})
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Contribution.id))) == 2


def test_cancellation_needs_a_reason(client, login_as, commons, users):
    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    login_as("rep_fr")
    url = f"/contributions/{contribution.ref}/status"
    data = {"csrf_token": csrf_token(client, url), "status": "cancelled", "reason": "", "version": "1"}
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "A cancellation needs a reason." in html.unescape(response.get_data(as_text=True))
    ok = client.post(url, data={**data, "reason": "The project was merged into another one."})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contribution, contribution.id).status == "cancelled"


def test_add_another_line_keeps_what_was_typed_without_javascript(client, login_as, commons):
    login_as("rep_fr")
    url = "/contributions/new?type=funding"
    data = {"csrf_token": csrf_token(client, url), **envelope(commons.slug), **BASE["funding"], "add_line": "Add"}
    data["lines-0-amount"] = "1234.50"
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="1234.50"' in page and 'name="lines-1-amount"' in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Contribution.id))) == 0


def test_remove_the_last_line_drops_an_unneeded_empty_line(client, login_as, commons):
    login_as("rep_fr")
    url = "/contributions/new?type=funding"
    data = {"csrf_token": csrf_token(client, url), **envelope(commons.slug), **BASE["funding"]}
    data.pop("save")
    two = client.post(url, data={**data, "add_line": "Add"}).get_data(as_text=True)
    assert 'name="lines-1-amount"' in two and 'name="remove_line"' in two
    one = client.post(url, data={**data, "lines-1-kind": "pledge", "remove_line": "Remove"})
    page = one.get_data(as_text=True)
    assert one.status_code == 200 and 'name="lines-1-amount"' not in page and 'value="1000"' in page
    saved = client.post(url, data={**data, "save": "Save"})
    assert saved.status_code == 302
