# SPDX-License-Identifier: EUPL-1.2
"""The application spine: factory, settings, errors, health, languages, limits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commons import create_app
from commons.catalogue.models import Commons
from commons.contributions.models import ExchangeRate
from commons.extensions import db
from commons.settings import Production
from commons.types import utcnow
from tests.conftest import csrf_token
from tests.factories import CommonsFactory


def test_production_refuses_to_start_without_secret_and_database(monkeypatch):
    monkeypatch.delenv("COMMONS_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="COMMONS_SECRET_KEY"):
        create_app(Production, SECRET_KEY=None, SQLALCHEMY_DATABASE_URI=None)
    with pytest.raises(RuntimeError, match="COMMONS_DATABASE_URL"):
        create_app(Production, SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI=None)


def test_production_starts_with_both(tmp_path):
    app = create_app(Production, SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_home_page_shows_the_catalogue(client, app):
    CommonsFactory(name="Decidim-like participation tool", catalogue_status="accepted")
    html = client.get("/").get_data(as_text=True)
    assert "Decidim-like participation tool" in html
    assert 'href="#main-content"' in html and "/accessibility" in html


def test_api_errors_are_json_and_pages_are_html(client):
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404 and api.is_json and api.json["status"] == 404
    page = client.get("/nothing-here")
    assert page.status_code == 404 and "text/html" in page.content_type


def test_unknown_host_is_refused(client):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_oversized_body_answers_413(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "a" * 5000, "password": "x"})
    assert response.status_code == 413


def test_language_switch_sets_html_lang_and_translates(client, app):
    client.post("/language", data={"lang": "fr", "csrf_token": csrf_token(client, "/"), "next": "/"})
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Aller au contenu principal" in html


def test_language_from_accept_language_with_english_fallback(client):
    html = client.get("/", headers={"Accept-Language": "mt"}).get_data(as_text=True)
    # Maltese is selectable but not translated yet: the page is in English and says so (WCAG 3.1.1).
    assert '<html lang="en">' in html and "Skip to main content" in html
    assert '<option value="mt" lang="mt" selected>' in html
    assert '<html lang="de">' in client.get("/", headers={"Accept-Language": "de-AT"}).get_data(as_text=True)


def test_money_is_exact_and_datetimes_are_utc_on_this_database(app):
    rate = ExchangeRate(source="ECB", currency="SEK", date=utcnow().date(), rate=Decimal("11.12345678"))
    commons = CommonsFactory()
    db.session.add(rate)
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(ExchangeRate, rate.id).rate == Decimal("11.12345678")
    loaded = db.session.get(Commons, commons.id)
    assert loaded.created_at.tzinfo is not None and loaded.created_at.utcoffset().total_seconds() == 0


def test_naive_datetimes_are_refused(app):
    from datetime import datetime

    with pytest.raises(Exception, match="naive"):
        CommonsFactory(last_activity_at=datetime(2024, 1, 1))  # noqa: DTZ001
    db.session.rollback()


def test_foreign_keys_are_enforced(app):
    from sqlalchemy.exc import IntegrityError

    from commons.organisations.models import Organisation

    db.session.add(Organisation(slug="x", name="X", member_state_code="ZZ"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_api_commons_list_paginates_with_a_cursor(client, app):
    for _ in range(5):
        CommonsFactory()
    first = client.get("/api/v1/commons?limit=2").json
    assert first["total"] == 5 and len(first["items"]) == 2 and first["next"]
    seen = {i["slug"] for i in first["items"]}
    cursor = first["next"]
    while cursor:
        page = client.get(f"/api/v1/commons?limit=2&cursor={cursor}").json
        seen |= {i["slug"] for i in page["items"]}
        cursor = page["next"]
    assert len(seen) == 5
    assert client.get("/api/v1/commons?cursor=%%%").status_code in (400, 422)
    assert client.get("/api/v1/commons?limit=0").status_code == 422


def test_nul_characters_are_refused_everywhere_without_a_500(client, app):
    # PostgreSQL cannot store NUL: every entry point answers a field error before any query.
    assert client.get("/commons?license=%00").status_code == 422
    assert client.get("/commons?organisation=a%00").status_code == 422
    api = client.get("/api/v1/commons?q=a%00b")
    assert api.status_code == 422 and api.json["errors"]
    form = client.post("/login", data={"email": "a\x00@example.org", "password": "x", "csrf_token": csrf_token(client)})
    assert form.status_code == 422
    body = client.post("/api/v1/usage", json={"commons": "x\x00"}, headers={"Authorization": "Bearer nope"})
    assert body.status_code == 422
