# SPDX-License-Identifier: EUPL-1.2
"""The language menu in Chromium: what is translated is said before and after choosing (issue 10, item 9)."""

from __future__ import annotations

import pytest

from tests.browser.pages_contributions import FR_FUNDING

pytestmark = pytest.mark.browser


def _choose(page, code: str) -> None:
    page.goto("/")
    page.select_option("#language-select", code)
    page.click(".commons-language button[type=submit]")
    page.wait_for_load_state()


def test_menu_groups_complete_languages_apart_from_english_text_ones(page):
    page.goto("/")
    groups = page.eval_on_selector_all(
        "#language-select optgroup",
        "groups => groups.map(g => [g.label, Array.from(g.querySelectorAll('option')).map(o => o.value)])",
    )
    assert len(groups) == 2, groups
    (complete_label, complete), (partial_label, partial) = groups
    assert sorted(complete) == ["de", "en", "fr"]
    assert "Translated in full" in complete_label
    assert "English text" in partial_label
    assert "it" in partial and len(complete) + len(partial) == 24


def test_italian_says_the_page_is_english_with_italian_formats(page):
    _choose(page, "it")
    page.goto("/commons/docs")
    assert page.get_attribute("html", "lang") == "en"
    note = page.locator(".commons-language-note")
    assert note.is_visible()
    assert "not translated into Italian" in note.inner_text()
    # Italian dates ("2 nov 2026"), English words.
    assert page.locator("h2", has_text="Key facts").is_visible()


def test_french_page_has_no_note_and_translated_criteria(page, login_page):
    login_page(page, "reviewer_fr")
    _choose(page, "fr")
    page.goto("/reviews/6/assess")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator(".commons-language-note").count() == 0
    assert page.locator("#criterion-g1").inner_text() == "G1 Licence ouverte"
    assert page.locator("#criterion-s5").inner_text() == "S5 Dimension européenne"


def test_german_contribution_shows_labels_not_codes(page):
    _choose(page, "de")
    page.goto(FR_FUNDING)
    ledger = page.locator("table").first.inner_text()
    assert "Mittelbindung" in ledger and "Auszahlung" in ledger, ledger
    assert "commitment" not in ledger and "disbursement" not in ledger
    facts = page.locator("dl.commons-dl").inner_text()
    assert "Frankreich" in facts and "Öffentlich" in facts, facts
