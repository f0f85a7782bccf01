# SPDX-License-Identifier: EUPL-1.2
"""Narrow screens and wide tables (issue 10, item 10): at 375 pixels the search results come first and the
filters wait behind a "Filter" disclosure that works without JavaScript; no table cell breaks a word; the
contributions matrix scrolls inside its own labelled region, at 1280 pixels too."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.pages_contributions import FR_FUNDING

pytestmark = pytest.mark.browser

NARROW = {"width": 375, "height": 800}
WIDE = {"width": 1280, "height": 900}

# Words split over two lines inside a table cell: each run of letters and digits (hyphens, slashes and spaces
# are break points a reader expects) must sit on one line.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.checkVisibility()) continue;
      for (const match of node.textContent.matchAll(/[^\\s\\-\\u2010\\u2011/_.,:;()]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken.slice(0, 10);
}"""


def test_at_375_pixels_the_results_come_first_and_the_filters_wait_behind_filter(context_factory):
    # No JavaScript at all: the disclosure is a plain <details>.
    page = context_factory(viewport=NARROW, java_script_enabled=False).new_page()
    page.goto("/commons?country=FR")
    summary = page.locator("#filters > summary")
    first_result = page.locator(".commons-result").first
    assert summary.is_visible() and summary.inner_text().startswith("Filter")
    assert "1 active" in summary.inner_text()
    assert not page.locator(".commons-facet").first.is_visible(), "the filters are folded"
    result_top = first_result.bounding_box()["y"]
    assert result_top < 1300, f"the first result is {result_top} px down"
    assert summary.bounding_box()["y"] < result_top
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("#filters").get_attribute("open") is not None
    assert page.locator(".commons-facet").first.is_visible()
    assert page.locator("#facet-country-1").is_checked()


def test_at_1280_pixels_the_filters_are_the_open_sidebar(context_factory):
    page = context_factory(viewport=WIDE).new_page()
    page.goto("/commons")
    assert not page.locator("#filters > summary").is_visible()
    facet = page.locator(".commons-facet").first
    assert facet.is_visible()
    results = page.locator(".commons-results").bounding_box()
    assert facet.bounding_box()["x"] < results["x"], "the filters sit left of the results"
    # The sidebar's checkboxes work with the keyboard as they do with the mouse.
    page.locator("#facet-country-1").focus()
    page.keyboard.press("Space")
    assert page.locator("#facet-country-1").is_checked()


TABLE_PAGES = [
    ("anonymous", "/contributions"),
    ("anonymous", "/contributions/reports/pipeline"),
    ("anonymous", "/contributions/reports/staff"),
    ("anonymous", "/contributions/states/FR"),
    ("anonymous", "/commons/libreoffice"),
    ("anonymous", "/organisations"),
    ("rep_fr", "/contributions/mine"),
    ("rep_fr", FR_FUNDING),
    ("admin", "/admin/harvest/sources"),
    ("secretariat", "/reviews"),
]


@pytest.mark.parametrize("viewport", [NARROW, WIDE], ids=["375", "1280"])
@pytest.mark.parametrize(("role", "path"), TABLE_PAGES)
def test_table_cells_never_break_a_word(context_factory, login_page, viewport, role, path):
    page = context_factory(viewport=viewport).new_page()
    login_page(page, role)
    page.goto(path)
    assert page.locator("table").count() > 0, f"{path} has no table to check"
    broken = page.evaluate(BROKEN_WORDS)
    assert not broken, f"{role} {path} at {viewport['width']} px: words broken inside cells: {broken}"
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"


@pytest.mark.parametrize("viewport", [NARROW, WIDE], ids=["375", "1280"])
def test_the_matrix_scrolls_inside_its_own_labelled_region(context_factory, viewport):
    page = context_factory(viewport=viewport).new_page()
    page.goto("/contributions")
    region = page.locator(".commons-matrix-region")
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("tabindex") == "0"
    assert (region.get_attribute("aria-label") or "").strip() == "Member state × year × type"
    state: Any = region.evaluate(
        "r => ({scroll: r.scrollWidth, client: r.clientWidth, page: document.documentElement.scrollWidth,"
        " view: document.documentElement.clientWidth, right: r.getBoundingClientRect().right})"
    )
    assert state["page"] <= state["view"], f"the page itself scrolls sideways: {state}"
    assert state["right"] <= state["view"], f"the region is cut off by the page: {state}"
    if state["scroll"] > state["client"]:
        # Wider than its region: the keyboard scrolls it, and its last column can be reached.
        region.focus()
        page.keyboard.press("ArrowRight")
        # Keyboard scrolling is animated: wait for it rather than read the position at once.
        page.wait_for_function("() => document.querySelector('.commons-matrix-region').scrollLeft > 0", timeout=5000)
        region.evaluate("r => { r.scrollLeft = r.scrollWidth; }")
        last = page.locator(".commons-matrix thead th").last.bounding_box()
        box = region.bounding_box()
        assert last["x"] + last["width"] <= box["x"] + box["width"] + 1, "the last column comes into view"
        first_row_header = page.locator(".commons-matrix tbody th[scope=row]").first.bounding_box()
        assert first_row_header["x"] >= box["x"] - 1, "the member state stays in view while scrolling"
    if viewport is NARROW:
        assert state["scroll"] > state["client"], "at 375 pixels the matrix needs its own scrolling"
