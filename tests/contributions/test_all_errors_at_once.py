# SPDX-License-Identifier: EUPL-1.2
"""Every error in one submit: when a form refuses some fields, the service's database rules (exchange rate,
unknown commons, evidence, staff capacity) still run on the fields it accepted, and every message is shown
under its field and linked from the summary. Nothing is written."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from commons.contributions import services
from commons.contributions.models import Contribution, FundingLine, InKindItem
from commons.errors import NotFound, PermissionDenied
from commons.extensions import db
from tests.conftest import csrf_token
from tests.contributions.factories import DAY, make_contribution
from tests.contributions.test_validation import BASE, envelope

NO_RATE = "No ECB reference rate for USD"


def summary_links(page: str) -> set[str]:
    start = page.find('id="error-summary"')
    assert start >= 0, "no error summary"
    end = page.find("</div>", page.find("</ul>", start))
    return set(re.findall(r'href="#([^"]+)"', page[start:end]))


def field_message(page: str, field: str) -> str:
    """The text of the message under ``field`` (its ``-error`` element, which the control points to)."""
    match = re.search(rf'<div[^>]*id="{re.escape(field)}-error"[^>]*>(.*?)</div>', page, re.S)
    assert match, f"no message under {field}"
    assert re.search(rf'aria-describedby="[^"]*\b{re.escape(field)}-error\b', page), f"{field} not linked"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def post(client, url: str, data: dict[str, str]) -> str:
    response = client.post(url, data={"csrf_token": csrf_token(client, url), **data})
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:2000]
    return page


def nothing_saved() -> None:
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Contribution.id))) == 0


def test_bad_amount_and_a_currency_without_rate_are_both_reported(client, login_as, commons):
    login_as("rep_fr")
    url = "/contributions/new?type=funding"
    data = {**envelope(commons.slug), **BASE["funding"], "lines-0-amount": "12abc", "lines-0-currency": "USD"}
    page = post(client, url, data)
    assert "1234.56" in field_message(page, "lines-0-amount")
    assert NO_RATE in field_message(page, "lines-0-currency")
    assert {"lines-0-amount", "lines-0-currency"} <= summary_links(page)
    nothing_saved()


def test_unknown_commons_comes_with_the_form_errors(client, login_as, commons):
    login_as("rep_fr")
    url = "/contributions/new?type=funding"
    data = {**envelope("no-such-commons"), **BASE["funding"], "title": "", "lines-0-currency": "USD"}
    page = post(client, url, data)
    assert "Unknown commons" in field_message(page, "commons")
    assert "title" in field_message(page, "title").lower()
    assert NO_RATE in field_message(page, "lines-0-currency")
    assert {"commons", "title", "lines-0-currency"} <= summary_links(page)
    nothing_saved()


def test_a_refused_date_skips_the_rate_rule_that_needs_it(client, login_as, commons):
    """A rule runs only on accepted fields: no rate message for a date the form refused."""
    login_as("rep_fr")
    url = "/contributions/new?type=funding"
    data = {**envelope(commons.slug), **BASE["funding"], "lines-0-date": "soon", "lines-0-currency": "USD"}
    page = html.unescape(post(client, url, data))
    assert field_message(page, "lines-0-date")
    assert NO_RATE not in page


def test_in_kind_value_without_rate_and_bad_quantity(client, login_as, commons):
    login_as("rep_fr")
    url = "/contributions/new?type=in_kind"
    data = {
        **envelope(commons.slug),
        **BASE["in_kind"],
        "lines-0-quantity": "lots",
        "lines-0-value": "100",
        "lines-0-currency": "SEK",
    }
    page = post(client, url, data)
    assert field_message(page, "lines-0-quantity")
    assert "No ECB reference rate for SEK" in field_message(page, "lines-0-currency")
    assert {"lines-0-quantity", "lines-0-currency"} <= summary_links(page)
    nothing_saved()


def test_staff_capacity_comes_with_the_form_errors(client, login_as, commons):
    login_as("rep_fr")
    url = "/contributions/new?type=staff"
    data = {**envelope(commons.slug), **BASE["staff"], "title": "", "lines-0-person_days": "5000"}
    page = post(client, url, data)
    assert "exceed the working capacity" in field_message(page, "lines-0-person_days")
    assert field_message(page, "title")
    nothing_saved()


def test_adding_a_line_reports_the_rate_with_the_bad_amount(client, login_as, commons, users):
    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    login_as("rep_fr")
    url = f"/contributions/{contribution.ref}/lines/new"
    data = {
        "version": str(contribution.version),
        "kind": "commitment",
        "date": DAY.isoformat(),
        "amount": "1.2.3",
        "currency": "USD",
        "evidence_type": "payment_proof",
    }
    page = post(client, url, data)
    assert field_message(page, "amount")
    assert NO_RATE in field_message(page, "currency")
    assert {"amount", "currency"} <= summary_links(page)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(FundingLine.id))) == 1


def test_a_disbursement_without_evidence_is_reported_with_the_bad_amount(client, login_as, commons, users):
    contribution = make_contribution(users["rep_fr"], commons)
    db.session.commit()
    login_as("rep_fr")
    url = f"/contributions/{contribution.ref}/lines/new"
    data = {
        "version": str(contribution.version),
        "kind": "disbursement",
        "date": DAY.isoformat(),
        "amount": "x",
        "currency": "EUR",
        "evidence_type": "payment_proof",
    }
    page = post(client, url, data)
    assert field_message(page, "amount")
    assert "needs evidence" in field_message(page, "evidence_url")


def test_editing_an_in_kind_item_reports_every_error(client, login_as, commons, users):
    contribution = make_contribution(users["rep_fr"], commons, kind="in_kind")
    db.session.commit()
    item = db.session.scalar(select(InKindItem))
    login_as("rep_fr")
    url = f"/contributions/{contribution.ref}/lines/{item.id}/edit"
    data = {
        "version": str(contribution.version),
        "kind": "hosting",
        "description": "Hosting of the demo",
        "quantity": "twelve",
        "unit": "months",
        "value": "100",
        "currency": "SEK",
    }
    page = post(client, url, data)
    assert field_message(page, "quantity")
    assert "No ECB reference rate for SEK" in field_message(page, "currency")


def test_check_writes_nothing_and_checks_the_permission_first(app, commons, users):
    data = {"type": "funding", "commons": commons.slug, "lines": [{"currency": "USD", "date": DAY, "bank_rate": None}]}
    errors = services.check_contribution(users["rep_fr"], data)
    assert list(errors) == ["lines-0-currency"] and NO_RATE in errors["lines-0-currency"][0]
    # A line without a date (refused by the form) is not checked for a rate.
    assert services.check_contribution(users["rep_fr"], {**data, "lines": [{"currency": "USD"}]}) == {}
    evidence = {"kind": "commitment", "evidence_url": None, "evidence_id": "999999"}
    contribution = make_contribution(users["rep_fr"], commons)
    assert "evidence_id" in services.check_lines(users["rep_fr"], contribution.ref, [evidence])
    assert not db.session.new and not db.session.dirty
    with pytest.raises(PermissionDenied):
        services.check_contribution(users["user"], data)
    other = make_contribution(users["rep_de"], commons)
    with pytest.raises((PermissionDenied, NotFound)):  # another state's record is hidden (404)
        services.check_lines(users["rep_fr"], other.ref, [{"currency": "USD", "date": DAY, "bank_rate": None}])
