# SPDX-License-Identifier: EUPL-1.2
"""Layout and language: no horizontal scrolling at 320 CSS pixels (WCAG 1.4.10 reflow) on every page of
``pages_*.py``; ``<html lang>`` follows the language chosen in the header form; every page has its own title."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit

import pytest

from tests.browser.test_accessibility import _modules, _pages

pytestmark = pytest.mark.browser

OVERFLOW = """() => {
  const doc = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > doc.clientWidth + 1 && getComputedStyle(e).position !== 'fixed')
    .filter(e => !e.closest('.commons-table-wrap, .commons-skip-link'))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : ''));
  return {scroll: doc.scrollWidth, client: doc.clientWidth, wide};
}"""


@pytest.mark.parametrize(("role", "path"), _pages())
def test_page_reflows_at_320_pixels_without_horizontal_scrolling(context_factory, login_page, role, path):
    page = context_factory(viewport={"width": 320, "height": 640}).new_page()
    login_page(page, role)
    page.goto(path)
    state = page.evaluate(OVERFLOW)
    assert state["scroll"] <= state["client"], f"{role} {path}: {state}"


@pytest.mark.parametrize("lang", ["fr", "de", "it", "en"])
def test_html_lang_follows_the_language_form(page, lang):
    page.goto("/")
    page.select_option("#language-select", lang)
    with page.expect_navigation():
        page.locator(".commons-language button").click()
    # Untranslated languages (it) are selectable; the page is then in English and its lang says so.
    written = lang if lang in ("en", "fr", "de") else "en"
    assert page.locator("html").get_attribute("lang") == written
    assert page.locator("#language-select").input_value() == lang
    page.goto("/accessibility")
    assert page.locator("html").get_attribute("lang") == written, "the choice is kept"


def test_every_page_has_its_own_title(context_factory, login_page):
    by_role = defaultdict(list)
    for module in _modules():
        for role, path in getattr(module, "PAGES", []):
            by_role[role].append(path)
    seen: dict[str, str] = {}
    problems = []
    for role, paths in by_role.items():
        page = context_factory().new_page()
        login_page(page, role)
        for path in dict.fromkeys(paths):
            page.goto(path)
            title = page.title().strip()
            where = urlsplit(path).path
            if not title or title.startswith("–"):
                problems.append(f"{role} {path}: empty title {title!r}")
            other = seen.setdefault(title, where)
            if other != where:
                problems.append(f"{where} and {other} share the title {title!r}")
    assert not problems, "\n".join(problems)
