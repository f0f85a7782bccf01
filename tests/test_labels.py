# SPDX-License-Identifier: EUPL-1.2
"""One label function: enumerated values, countries, languages and review criteria in the page's language."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from commons.i18n import LABEL_TABLES, country_name, label, label_table, language_label
from commons.reviews.criteria import PUBLISHED, criterion_text


@pytest.mark.parametrize(
    ("language", "code", "kind", "expected"),
    [
        ("fr", "pledge", "line_kind", "Promesse"),
        ("de", "disbursement", "line_kind", "Auszahlung"),
        ("fr", "payment_proof", "evidence", "Preuve de paiement"),
        ("de", "developer", "staff_role", "Entwicklung"),
        ("fr", "owner", "steward_role", "propriétaire"),
        ("de", "DE", "country", "Deutschland"),
        ("fr", "EL", "country", "Grèce"),
        ("fr", "en", "language", "anglais"),
        ("de", "fr", "language", "Französisch"),
        ("en", "grant", "instrument", "Grant"),
        # Italian pages are written in English: their labels are English too, matching <html lang="en">.
        ("it", "DE", "country", "Germany"),
    ],
)
def test_label_in_the_page_language(app, language, code, kind, expected):
    with app.test_request_context(), force_locale(language):
        assert label(code, kind) == expected


def test_unknown_value_is_shown_as_it_is_and_unknown_kind_is_an_error(app):
    with app.test_request_context(), force_locale("fr"):
        assert label("brand_new_kind", "line_kind") == "brand_new_kind"
        assert label(None, "line_kind") == ""
        with pytest.raises(KeyError):
            label("pledge", "no_such_kind")


def test_every_kind_resolves_to_a_table_or_function(app):
    # A typo in LABEL_TABLES would otherwise fail only on the page that uses that kind.
    with app.test_request_context(), force_locale("de"):
        for kind in LABEL_TABLES:
            table = label_table(kind)
            codes = ["draft"] if callable(table) else [code for code in table if code]
            assert codes, kind
            for code in codes:
                assert label(code, kind), (kind, code)


def test_country_and_language_names_follow_the_page(app):
    with app.test_request_context():
        with force_locale("fr"):
            assert country_name("EU") == "Union européenne"
            assert language_label("de") == "allemand"
        with force_locale("en"):
            assert country_name("EL") == "Greece"


def test_criteria_are_translated_by_code_and_changed_texts_stay_as_stored(app):
    with app.test_request_context():
        with force_locale("fr"):
            assert criterion_text("G1", "title", "Open licence") == "Licence ouverte"
            assert criterion_text("S5", "title", "European dimension") == "Dimension européenne"
            # A stored text that is not the published one (an edited row, a later version): never mistranslated.
            assert criterion_text("G1", "title", "Open licence, v2 wording") == "Open licence, v2 wording"
        with force_locale("de"):
            for code, texts in PUBLISHED.items():
                for field, english in texts.items():
                    assert criterion_text(code, field, english) != english, (code, field)


def test_member_state_filter_is_in_the_readers_language_and_order(app, client):
    with client.session_transaction() as session:
        session["lang"] = "fr"
    html = client.get("/contributions").get_data(as_text=True)
    assert "Allemagne (DE)" in html and "Germany (DE)" not in html
    assert html.index("Allemagne (DE)") < html.index("Autriche (AT)") < html.index("Belgique (BE)")
