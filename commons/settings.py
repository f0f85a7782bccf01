# SPDX-License-Identifier: EUPL-1.2
"""Configuration classes. Values come from the environment (``COMMONS_*``) with safe defaults."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


class Config:
    """Settings shared by every environment."""

    SECRET_KEY: str | None = os.environ.get("COMMONS_SECRET_KEY")
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("COMMONS_DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    # Cookies: Flask's defaults are not production-safe (DESIGN.md §8).
    SESSION_COOKIE_NAME = "commons_session"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # an oversized body answers 413
    TRUSTED_HOSTS: list[str] | None = _env_list("COMMONS_TRUSTED_HOSTS", "localhost,127.0.0.1") or None

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "commons" / "translations")

    COMMONS_PASSWORD_METHOD = "scrypt"
    COMMONS_LOGIN_MAX_FAILURES = 5
    COMMONS_LOGIN_LOCK_MINUTES = 5
    COMMONS_LOGIN_IP_MAX_FAILURES = 30
    COMMONS_LOGIN_WINDOW_MINUTES = 15

    # Seconds an anonymous search answer may be served again from this process (0: off; tests leave it unset).
    COMMONS_SEARCH_CACHE_SECONDS: str | None = os.environ.get("COMMONS_SEARCH_CACHE_SECONDS")
    COMMONS_BROKER_URL: str | None = os.environ.get("COMMONS_BROKER_URL")
    # Budgets shared by Celery workers live in Redis (default: the broker); keys carry this prefix.
    COMMONS_REDIS_URL: str | None = os.environ.get("COMMONS_REDIS_URL")
    COMMONS_REDIS_PREFIX = os.environ.get("COMMONS_REDIS_PREFIX", "commons")
    COMMONS_CELERY_QUEUE = os.environ.get("COMMONS_CELERY_QUEUE", "commons-harvest")
    COMMONS_HARVEST_ALLOWED_HOSTS = os.environ.get("COMMONS_HARVEST_ALLOWED_HOSTS", "")
    # Read by commons.outbound.policy_from_config; empty means the policy's default.
    COMMONS_HARVEST_TOKENS = os.environ.get("COMMONS_HARVEST_TOKENS", "")
    COMMONS_HARVEST_TIMEOUT = os.environ.get("COMMONS_HARVEST_TIMEOUT", "")
    COMMONS_HARVEST_MAX_BYTES = os.environ.get("COMMONS_HARVEST_MAX_BYTES", "")
    COMMONS_HARVEST_MAX_PAGES = os.environ.get("COMMONS_HARVEST_MAX_PAGES", "")
    COMMONS_HARVEST_PER_HOST_BUDGET = os.environ.get("COMMONS_HARVEST_PER_HOST_BUDGET", "")
    COMMONS_HARVEST_BUDGET_WINDOW = os.environ.get("COMMONS_HARVEST_BUDGET_WINDOW", "3600")
    COMMONS_HARVEST_USER_AGENT = os.environ.get(
        "COMMONS_HARVEST_USER_AGENT", "commons-harvester/0.1 (+mailto:digital-commons@example.eu)"
    )
    # ECB euro reference rates of the last 90 days (``commons fx fetch``); fetched through the outbound guard.
    COMMONS_FX_URL = os.environ.get(
        "COMMONS_FX_URL", "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml"
    )
    COMMONS_BASE_URL = os.environ.get("COMMONS_BASE_URL", "http://127.0.0.1:5000")
    COMMONS_CONTACT_EMAIL = os.environ.get("COMMONS_CONTACT_EMAIL", "digital-commons@example.eu")

    MAIL_SERVER = os.environ.get("COMMONS_SMTP_HOST", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("COMMONS_SMTP_PORT", "25"))
    MAIL_FROM = os.environ.get("COMMONS_MAIL_FROM", "commons@example.eu")
    MAIL_ENABLED = os.environ.get("COMMONS_SMTP_HOST") is not None
    MAIL_TIMEOUT = float(os.environ.get("COMMONS_SMTP_TIMEOUT", "10"))  # seconds; a slow server never blocks long

    # Strict-Transport-Security: sent by Production only (see below); development and tests serve plain HTTP.
    COMMONS_HSTS = False
    COMMONS_HSTS_MAX_AGE = 31536000
    COMMONS_HSTS_INCLUDE_SUBDOMAINS = True

    TESTING = False
    DEBUG = False


def _env_flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    return raw.strip().lower() not in ("0", "false", "no", "off")


class Development(Config):
    """The default: a SQLite file under ``instance/`` and plain-HTTP cookies for localhost."""

    SECRET_KEY = os.environ.get("COMMONS_SECRET_KEY") or "dev-only-not-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("COMMONS_DATABASE_URL") or (
        "sqlite:///" + str(PROJECT_ROOT / "instance" / "commons.db")
    )
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class Testing(Config):
    """Used by the test suite; the database URL is injected by the fixtures."""

    TESTING = True
    SECRET_KEY = "testing-not-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    TRUSTED_HOSTS = ["localhost", "127.0.0.1"]
    MAIL_ENABLED = False
    COMMONS_SEARCH_CACHE_SECONDS = None  # off: tests that need the cache switch it on
    # Cheap hashes keep the suite fast; the scheme is the same as in production.
    COMMONS_PASSWORD_METHOD = "scrypt:1024:8:1"


class Production(Config):
    """Refuses to start without a secret key and an explicit database URL."""

    # Browsers remember to use HTTPS only (a year by default, subdomains included); each can be turned off.
    COMMONS_HSTS = _env_flag("COMMONS_HSTS", True)
    COMMONS_HSTS_MAX_AGE = int(os.environ.get("COMMONS_HSTS_MAX_AGE") or 31536000)
    COMMONS_HSTS_INCLUDE_SUBDOMAINS = _env_flag("COMMONS_HSTS_INCLUDE_SUBDOMAINS", True)

    @classmethod
    def check(cls, config: dict[str, Any]) -> None:
        missing = [
            name
            for name, key in (
                ("COMMONS_SECRET_KEY", "SECRET_KEY"),
                ("COMMONS_DATABASE_URL", "SQLALCHEMY_DATABASE_URI"),
            )
            if not config.get(key)
        ]
        if missing:
            raise RuntimeError("Production settings need " + " and ".join(missing) + " in the environment.")
        if len(str(config["SECRET_KEY"])) < 32:
            raise RuntimeError("COMMONS_SECRET_KEY must be at least 32 characters long.")


CONFIGS: dict[str, type[Config]] = {
    "development": Development,
    "testing": Testing,
    "production": Production,
}
