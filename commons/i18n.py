# SPDX-License-Identifier: EUPL-1.2
"""Languages: en, fr and de translated in full; the other EU languages selectable, falling back to English.

Every enumerated value (a status, a kind, a role, a country, a language) reaches a page through
:func:`label`, registered as the Jinja filter ``label`` and global ``label``: ``{{ line.kind|label("line_kind") }}``.
The tables of translated labels stay next to the forms that offer the same values as choices; this module
only knows where each table lives (``LABEL_TABLES``), so a value is never labelled twice in two ways.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module
from typing import Any

from babel import Locale
from flask import Flask, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# The 24 official languages of the EU.
EU_LANGUAGES = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)  # fmt: skip
TRANSLATED = ("en", "fr", "de")


def language_name(code: str) -> str:
    """The language's name in itself (``Deutsch``, ``français``): for the language menu, marked with ``lang``."""
    try:
        return Locale.parse(code).get_display_name(code) or code
    except (ValueError, TypeError):
        return code


def _page_locale() -> Locale:
    """The locale the page's words are written in (English for the languages shown with English text)."""
    try:
        return Locale.parse(content_language())
    except (ValueError, TypeError):
        return Locale.parse("en")


def language_label(code: str | None) -> str:
    """A language's name in the page's language (``English`` → ``anglais`` on a French page)."""
    if not code:
        return ""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(_page_locale())
    except (ValueError, TypeError):
        return code
    # Babel writes language names in lower case in French ("anglais"): fine inside a sentence, as used here.
    return name or code


def country_name(code: str | None) -> str:
    """A country's name in the page's language (``DE`` → ``Allemagne`` in French); ``EL`` is Greece."""
    if not code:
        return ""
    if code == "EU":
        return _("European Union")
    lookup = "GR" if code == "EL" else code.upper()
    return str(_page_locale().territories.get(lookup, code))


def select_locale() -> str:
    if not has_request_context():
        return "en"  # the CLI and background jobs speak English
    chosen = session.get("lang")
    if chosen in EU_LANGUAGES:
        return str(chosen)
    try:
        user_locale = getattr(current_user, "locale", None) if current_user.is_authenticated else None
    except Exception:  # noqa: BLE001 - no user loader outside requests
        user_locale = None
    if user_locale in EU_LANGUAGES:
        return str(user_locale)
    return request.accept_languages.best_match(EU_LANGUAGES) or "en"


def current_language() -> str:
    return str(get_locale() or "en")


def content_language() -> str:
    """The language the page is written in: the chosen one when it is translated, else English (WCAG 3.1.1)."""
    chosen = current_language()
    primary = chosen.split("_")[0]
    return primary if primary in TRANSLATED else "en"


def money(value: Decimal | float | int | None, currency: str = "EUR") -> str:
    """Money formatted for the reader's locale (``1 234,50 €`` in French)."""
    if value is None:
        return ""
    from flask_babel import format_currency

    return format_currency(value, currency)


def number(value: Any, digits: int | None = None) -> str:
    if value is None:
        return ""
    if digits is not None:
        return format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0")
    return format_decimal(value)


def dateformat(value: date | datetime | None, style: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, style)
    return format_date(value, style)


STEWARD_ROLE_LABELS = {
    "owner": _l("owner"),
    "steward": _l("steward"),
    "maintainer": _l("maintainer"),
    "funder": _l("funder"),
    "contributor": _l("contributor"),
}
HARVEST_STAGE_LABELS = {
    "listing": _l("Listing"),
    "repository": _l("Repository"),
    "publiccode": _l("publiccode.yml"),
    "import": _l("Import"),
    "archive": _l("Archiving"),
}
HARVEST_STATUS_LABELS = {
    "proposed": _l("Waiting for approval"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "queued": _l("Queued"),
    "running": _l("Running"),
    "succeeded": _l("Succeeded"),
    "partial": _l("Partial"),
    "failed": _l("Failed"),
    "error": _l("Error"),
    "added": _l("Added"),
    "updated": _l("Updated"),
    "archived": _l("Archived"),
}
CRITERION_KIND_LABELS = {"gate": _l("Gate"), "scored": _l("Scored")}

# kind → (module, attribute): a dict of translated labels, or a function code → label. Imported on first use,
# so that this module (loaded by the application factory) does not import the feature packages.
LABEL_TABLES: dict[str, tuple[str, str]] = {
    "contribution_type": ("commons.contributions.forms", "TYPE_LABELS"),
    "visibility": ("commons.contributions.forms", "VISIBILITY_LABELS"),
    "line_kind": ("commons.contributions.dashboards", "LINE_KIND_LABELS"),
    "staff_role": ("commons.contributions.forms", "STAFF_ROLE_LABELS"),
    "body": ("commons.contributions.forms", "BODY_LABELS"),
    "seat": ("commons.contributions.forms", "SEAT_LABELS"),
    "in_kind": ("commons.contributions.forms", "IN_KIND_LABELS"),
    "evidence": ("commons.contributions.forms", "EVIDENCE_LABELS"),
    "instrument": ("commons.contributions.forms", "INSTRUMENT_LABELS"),
    "employment": ("commons.contributions.forms", "EMPLOYMENT_LABELS"),
    "delivery": ("commons.contributions.forms", "DELIVERY_LABELS"),
    "need_kind": ("commons.contributions.forms", "NEED_KIND_LABELS"),
    "need_status": ("commons.contributions.forms", "NEED_STATUS_LABELS"),
    "contribution_status": ("commons.contributions.status", "STATUS_LABELS"),
    "catalogue_status": ("commons.templating", "STATUS_LABELS"),
    "role": ("commons.templating", "ROLE_LABELS"),
    "category": ("commons.catalogue.views", "CATEGORY_LABELS"),
    "development_status": ("commons.catalogue.views", "DEVELOPMENT_LABELS"),
    "steward_role": ("commons.i18n", "STEWARD_ROLE_LABELS"),
    "harvest_stage": ("commons.i18n", "HARVEST_STAGE_LABELS"),
    "harvest_status": ("commons.i18n", "HARVEST_STATUS_LABELS"),
    "review_state": ("commons.reviews.services", "state_label"),
    "verdict": ("commons.reviews.forms", "VERDICT_LABELS"),
    "criterion_kind": ("commons.i18n", "CRITERION_KIND_LABELS"),
}


def label_table(kind: str) -> Mapping[str, Any] | Callable[[str], str]:
    """The table (or function) that labels the values of ``kind``; ``KeyError`` for an unknown kind."""
    module, attribute = LABEL_TABLES[kind]
    return getattr(import_module(module), attribute)  # type: ignore[no-any-return]


def label(code: Any, kind: str) -> str:
    """The reader's label of an enumerated value: ``label("pledge", "line_kind")`` → ``Promesse`` in French.

    ``kind`` is a key of ``LABEL_TABLES``, or ``country`` / ``language``. An unknown value is shown as it is
    (a code added to the data before its label exists stays readable); an unknown kind is a programming error.
    """
    if code is None or code == "":
        return ""
    if kind == "country":
        return country_name(str(code))
    if kind == "language":
        return language_label(str(code))
    table = label_table(kind)
    if callable(table):
        return str(table(str(code)))
    return str(table.get(str(code), code))


def criterion_text(code: str, field: str, stored: str | None) -> str:
    """A review criterion's title or description in the reader's language (see ``commons/reviews/criteria.py``)."""
    from commons.reviews.criteria import criterion_text as translate

    return translate(code, field, stored)


def init_i18n(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["date"] = dateformat
    app.jinja_env.globals["EU_LANGUAGES"] = EU_LANGUAGES
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["language_label"] = language_label
    app.jinja_env.globals["country_name"] = country_name
    app.jinja_env.globals["TRANSLATED"] = TRANSLATED
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["criterion_text"] = criterion_text
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["content_language"] = content_language
