# SPDX-License-Identifier: EUPL-1.2
"""The "no rate" message where a representative meets it: the look-back rule, the dates the platform has,
and what this person can do (never a shell command)."""

from __future__ import annotations

import html
from pathlib import Path

from commons.contributions import fx
from tests.conftest import csrf_token
from tests.contributions.test_validation import BASE, envelope

DATA = Path(__file__).resolve().parents[1] / "contributions" / "data"


def _post_sek(client, commons_slug: str, **extra: str) -> str:
    fx.import_rates(fx.parse_file(DATA / "eurofxref-hist-sample.csv"))  # SEK from 2026-02-10 to 2026-02-13
    url = "/contributions/new?type=funding"
    data = {
        "csrf_token": csrf_token(client, url),
        **envelope(commons_slug, **extra),
        **BASE["funding"],
        "lines-0-currency": "SEK",
        "lines-0-date": "2026-04-01",
    }
    response = client.post(url, data=data)
    assert response.status_code == 422
    return html.unescape(response.get_data(as_text=True))


def test_representative_is_told_the_rule_the_dates_and_to_ask_the_secretariat(client, login_as, commons):
    login_as("rep_fr")
    page = _post_sek(client, commons.slug)
    assert "No ECB reference rate for SEK on 2026-04-01 or in the 10 days before it" in page
    assert "at most 10 days back" in page
    assert "The platform has SEK rates from 2026-02-10 to 2026-02-13." in page
    assert "Ask the secretariat (digital-commons@example.eu)" in page
    assert "give the bank's actual rate with evidence" in page
    assert "commons fx" not in page
    assert 'href="/admin/exchange-rates"' not in page


def test_staff_are_sent_to_the_exchange_rates_page(client, login_as, commons):
    login_as("admin")
    page = _post_sek(client, commons.slug, member_state="FR")
    assert "Import the ECB rates for that date on the Exchange rates page" in page
    assert 'href="/admin/exchange-rates"' in page
    assert "commons fx" not in page


def test_a_currency_the_platform_never_had_says_so(client, login_as, commons):
    login_as("rep_fr")
    url = "/contributions/new?type=funding"
    data = {
        "csrf_token": csrf_token(client, url),
        **envelope(commons.slug),
        **BASE["funding"],
        "lines-0-currency": "CHF",
    }
    page = html.unescape(client.post(url, data=data).get_data(as_text=True))
    assert "The platform has no CHF rate at all." in page


def test_in_kind_value_offers_no_bank_rate(client, login_as, commons):
    login_as("rep_fr")
    url = "/contributions/new?type=in_kind"
    data = {
        "csrf_token": csrf_token(client, url),
        **envelope(commons.slug),
        **BASE["in_kind"],
        "lines-0-value": "100",
        "lines-0-currency": "SEK",
    }
    page = html.unescape(client.post(url, data=data).get_data(as_text=True))
    assert "Ask the secretariat (digital-commons@example.eu) to import the ECB rates for that date." in page
    assert "bank's actual rate" not in page


def test_the_message_is_in_the_users_language(client, login_as, commons):
    login_as("rep_fr")
    client.post("/language", data={"lang": "fr", "next": "/", "csrf_token": csrf_token(client, "/")})
    page = _post_sek(client, commons.slug)
    assert "Aucun taux de référence de la BCE pour SEK le 2026-04-01 ni dans les 10 jours précédents" in page
    assert "Demandez au secrétariat (digital-commons@example.eu)" in page
