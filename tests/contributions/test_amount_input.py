# SPDX-License-Identifier: EUPL-1.2
"""Amounts as people type them: read by the page's locale on the pages, canonical in the JSON API and the CSV
import, and never in digits other than ASCII 0-9 (issue 10 item 11, issue 11 row 12)."""

from __future__ import annotations

import html
import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from commons.accounts.services import create_token
from commons.contributions.models import Contribution, FundingLine
from commons.extensions import db
from commons.forms import NumberProblem, parse_decimal_strict
from tests.conftest import csrf_token
from tests.contributions.factories import DAY
from tests.contributions.test_validation import BASE, envelope

ARABIC_INDIC = "\u0661\u0662\u0663"  # ١٢٣
FULL_WIDTH = "\uff11\uff12\uff13"  # １２３
OTHER_DIGITS = [ARABIC_INDIC, FULL_WIDTH, "\u06f1\u06f2\u06f3", "\u0967\u0968\u0969", "12\u00b3"]


@pytest.mark.parametrize(
    ("locale", "typed", "value"),
    [
        ("en", "250,000", "250000"),
        ("en", "1,234.56", "1234.56"),
        ("en", "1.5", "1.5"),
        ("en", "250 000", "250000"),
        ("fr", "1,5", "1.5"),
        ("fr", "1 234,56", "1234.56"),
        ("fr", "1\u202f234,56", "1234.56"),
        ("fr", "250\u00a0000", "250000"),
        ("de", "1,5", "1.5"),
        ("de", "1.234,56", "1234.56"),
        ("de", "250.000", "250000"),
        ("it", "1.234,5", "1234.5"),
        (None, "1234.56", "1234.56"),
        (None, "-12", "-12"),
    ],
)
def test_numbers_are_read_as_the_locale_writes_them(locale, typed, value):
    assert parse_decimal_strict(typed, 2, locale=locale) == Decimal(value)


@pytest.mark.parametrize(
    ("locale", "typed", "readings"),
    [
        ("en", "1,5", ["15", "1.5"]),
        ("en", "0,5", ["5", "0.5"]),
        ("en", "1.234,56", ["1.23456", "1,234.56"]),
        ("de", "1.5", ["15", "1,5"]),
        ("de", "1,234.56", ["1,23456", "1.234,56"]),
        ("fr", "1.5", ["1,5"]),
        ("fr", "1.234", ["1,234", "1\u202f234"]),
    ],
)
def test_what_the_locale_cannot_read_without_doubt_is_refused_with_its_readings(locale, typed, readings):
    with pytest.raises(NumberProblem) as refused:
        parse_decimal_strict(typed, 2, locale=locale)
    assert refused.value.code == "ambiguous"
    assert refused.value.params["readings"] == readings


@pytest.mark.parametrize("locale", [None, "en", "fr", "de"])
@pytest.mark.parametrize("typed", OTHER_DIGITS)
def test_digits_other_than_ascii_are_refused_not_read(locale, typed):
    with pytest.raises(NumberProblem) as refused:
        parse_decimal_strict(typed, 2, locale=locale)
    assert refused.value.code == "digits"


@pytest.mark.parametrize("typed", ["1,5", "250,000", "1.234,56", "1 234,56"])
def test_the_canonical_form_takes_only_a_dot_as_decimal_mark(typed):
    with pytest.raises(NumberProblem) as refused:
        parse_decimal_strict(typed, 2, locale=None)
    assert refused.value.code == "canonical"


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "1e5", "+5", "1 5", "12 34", "--1", "1..2", ""])
@pytest.mark.parametrize("locale", [None, "en", "fr", "de"])
def test_no_nan_exponent_sign_or_stray_space(typed, locale):
    with pytest.raises(NumberProblem):
        parse_decimal_strict(typed, 2, locale=locale)


def test_three_decimals_in_french_say_how_they_were_read():
    with pytest.raises(NumberProblem) as refused:
        parse_decimal_strict("250,000", 2, locale="fr")
    assert refused.value.code == "places"
    assert refused.value.params["read_as"] == "250"
    assert refused.value.params["other"] == "250\u202f000"


# --- through the page, in the user's language -----------------------------------------------------------------


def _post_funding(client, commons, amount, lang):
    url = "/contributions/new?type=funding"
    headers = {"Accept-Language": lang}
    data = {
        "csrf_token": csrf_token(client, url),
        **envelope(commons.slug),
        **BASE["funding"],
        "lines-0-amount": amount,
    }
    return client.post(url, data=data, headers=headers)


def _saved_amounts():
    db.session.expire_all()
    return [line.amount for line in db.session.scalars(select(FundingLine))]


@pytest.mark.parametrize(
    ("lang", "typed", "saved"),
    [("en", "250,000", "250000"), ("fr", "1,5", "1.5"), ("de", "1.234,5", "1234.5"), ("fr", "250 000", "250000")],
)
def test_the_form_reads_amounts_in_the_pages_language(client, login_as, commons, lang, typed, saved):
    login_as("rep_fr")
    response = _post_funding(client, commons, typed, lang)
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[:3000]
    assert _saved_amounts() == [Decimal(saved)]


@pytest.mark.parametrize(
    ("lang", "typed", "shown"),
    [
        ("en", "1,5", "it could mean “15” or “1.5”"),
        ("fr", "1.234", "« 1,234 » ou « 1\u202f234 »"),
        ("de", "1.5", "„1.5“"),
        ("en", ARABIC_INDIC, "digits 0 to 9"),
        ("fr", FULL_WIDTH, "chiffres de 0 à 9"),
        ("de", ARABIC_INDIC, "Ziffern 0 bis 9"),
    ],
)
def test_the_form_refuses_what_is_ambiguous_or_in_other_digits(client, login_as, commons, lang, typed, shown):
    login_as("rep_fr")
    response = _post_funding(client, commons, typed, lang)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    error = page[page.index('id="lines-0-amount-error"') :][:600]
    assert shown in error, error
    assert f'value="{typed}"' in page, "the typed text is kept"
    assert _saved_amounts() == []


def test_three_decimals_in_french_show_the_reading_and_the_other_way(client, login_as, commons):
    login_as("rep_fr")
    response = _post_funding(client, commons, "250,000", "fr")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    error = page[page.index('id="lines-0-amount-error"') :][:800]
    assert "250" in error and "250\u202f000" in error, error


# --- the JSON API: canonical numbers, whatever the Accept-Language --------------------------------------------


@pytest.fixture()
def token(users):
    clear = create_token(users["rep_fr"], "amounts")[1]
    db.session.commit()
    return {"Authorization": f"Bearer {clear}"}


def _api_body(commons, amount):
    return {
        "type": "funding",
        "commons": commons.slug,
        "title": "Funding by API",
        "visibility": "public",
        "lines": [{"kind": "commitment", "date": DAY.isoformat(), "amount": amount, "currency": "EUR"}],
    }


@pytest.mark.parametrize("amount", [250000, 1234.5, "1234.50", "250000"])
@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_the_api_takes_json_numbers_and_canonical_strings(client, commons, token, amount, lang):
    response = client.post(
        "/api/v1/contributions", json=_api_body(commons, amount), headers={**token, "Accept-Language": lang}
    )
    assert response.status_code == 201, response.get_json()
    assert _saved_amounts() == [Decimal(str(amount))]


@pytest.mark.parametrize("amount", ["1,5", "250,000", "1.234,56", ARABIC_INDIC, FULL_WIDTH, "1e5", "NaN"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_api_refuses_localised_or_foreign_digit_amounts(client, commons, token, amount, lang):
    response = client.post(
        "/api/v1/contributions", json=_api_body(commons, amount), headers={**token, "Accept-Language": lang}
    )
    assert response.status_code == 422, response.get_json()
    assert "lines-0-amount" in response.get_json()["errors"]
    assert _saved_amounts() == []


# --- the CSV import: canonical too ---------------------------------------------------------------------------

HEADER = "type,commons,title,visibility,line_kind,line_date,line_amount,line_currency\n"


@pytest.mark.parametrize("amount", ['"1,5"', ARABIC_INDIC, FULL_WIDTH])
def test_the_csv_import_refuses_localised_or_foreign_digit_amounts(client, commons, token, amount):
    row = f"funding,{commons.slug},Grant,public,commitment,{DAY.isoformat()},{amount},EUR\n"
    response = client.post("/api/v1/contributions/import", data=(HEADER + row).encode(), headers=token)
    report = response.get_json()
    assert response.status_code == 422, report
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(2, "line_amount")]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Contribution.id))) == 0


def test_the_import_page_refuses_foreign_digits_whatever_the_language(client, login_as, commons):
    login_as("rep_fr")
    url = "/contributions/import"
    row = f"funding,{commons.slug},Grant,public,commitment,{DAY.isoformat()},{ARABIC_INDIC},EUR\n"
    data = {
        "csrf_token": csrf_token(client, url),
        "dry_run": "y",
        "file": (io.BytesIO((HEADER + row).encode()), "rows.csv"),
    }
    response = client.post(url, data=data, content_type="multipart/form-data", headers={"Accept-Language": "fr"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "line_amount" in page and "chiffres de 0 à 9" in page
