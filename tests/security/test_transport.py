# SPDX-License-Identifier: EUPL-1.2
"""Strict-Transport-Security in production only, and ``Allow`` on 405 answers."""

from __future__ import annotations

import pytest

from commons import create_app

PRODUCTION = {
    "SECRET_KEY": "x" * 40,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "TRUSTED_HOSTS": ["localhost"],
}


def _hsts(app) -> str | None:
    return app.test_client().get("/healthz").headers.get("Strict-Transport-Security")


def test_production_sends_hsts_for_a_year_with_subdomains_by_default():
    app = create_app("production", **PRODUCTION)
    assert _hsts(app) == "max-age=31536000; includeSubDomains"
    # Also on errors: a browser must learn it whatever page it meets first.
    assert app.test_client().get("/no-such-page").headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_hsts_is_configurable():
    app = create_app("production", **PRODUCTION, COMMONS_HSTS_MAX_AGE=600, COMMONS_HSTS_INCLUDE_SUBDOMAINS=False)
    assert _hsts(app) == "max-age=600"
    assert _hsts(create_app("production", **PRODUCTION, COMMONS_HSTS=False)) is None


@pytest.mark.parametrize("config", ["development", "testing"])
def test_development_and_tests_never_send_hsts(config):
    # Even when asked to: plain HTTP on localhost must never be pinned to HTTPS.
    app = create_app(config, SQLALCHEMY_DATABASE_URI="sqlite://", COMMONS_HSTS=True)
    assert _hsts(app) is None


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, True), ("", True), ("1", True), ("on", True), ("0", False), ("false", False)]
)
def test_hsts_switches_read_from_the_environment(monkeypatch, raw, expected):
    from commons.settings import _env_flag

    if raw is None:
        monkeypatch.delenv("COMMONS_HSTS_TEST_FLAG", raising=False)
    else:
        monkeypatch.setenv("COMMONS_HSTS_TEST_FLAG", raw)
    assert _env_flag("COMMONS_HSTS_TEST_FLAG", True) is expected


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/api/v1/commons", {"GET", "HEAD", "OPTIONS"}),
        ("PUT", "/login", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("POST", "/healthz", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_method_not_allowed_names_the_methods_the_address_accepts(client, method, path, allowed):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
