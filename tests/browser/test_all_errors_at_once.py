# SPDX-License-Identifier: EUPL-1.2
"""Issue 10, item 3, where the user meets it: one submit of the funding form with a badly typed amount AND a
currency that has no ECB rate on the line's date shows both messages, each under its own field and linked
from the error summary, and the page passes axe."""

from __future__ import annotations

import pytest

from tests.browser.conftest import describe_violations, fill_and_submit

pytestmark = pytest.mark.browser

# The demo imports USD rates for 2025-03-14, 2025-09-12 and 2026-02-13 only: none within 10 days of this date.
NO_RATE_DAY = "2024-06-03"


def test_bad_amount_and_missing_rate_are_shown_together(page, login_page, axe_check):
    login_page(page, "rep_fr")
    page.goto("/contributions/new?type=funding")
    fill_and_submit(
        page,
        {
            "commons": "docs",
            "title": "Support of Docs in dollars",
            "lines-0-date": NO_RATE_DAY,
            "lines-0-amount": "12abc",
            "lines-0-currency": "USD",
        },
    )
    assert page.title().startswith("Error: "), page.title()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    for field_id, text in (("lines-0-amount", None), ("lines-0-currency", "No ECB reference rate for USD")):
        message = page.locator(f"#{field_id}-error")
        assert message.is_visible(), f"no visible message under {field_id}"
        if text:
            assert text in message.inner_text()
        control = page.locator(f"#{field_id}")
        assert f"{field_id}-error" in (control.get_attribute("aria-describedby") or "").split()
        assert control.get_attribute("aria-invalid") == "true"
        # The message sits under the field's label, after it in the page.
        label_box = page.locator(f"label[for='{field_id}']").bounding_box()
        message_box = message.bounding_box()
        assert label_box and message_box and message_box["y"] >= label_box["y"]
        link = summary.locator(f"a[href='#{field_id}']")
        assert link.count() == 1 and link.is_visible(), f"{field_id} not linked from the summary"
    # What was typed is kept.
    assert page.locator("#lines-0-amount").input_value() == "12abc"
    assert page.locator("#lines-0-currency").input_value() == "USD"
    # Following a summary link brings the user to the field.
    summary.locator("a[href='#lines-0-currency']").click()
    assert page.evaluate("location.hash") == "#lines-0-currency"
    assert page.locator("#lines-0-currency").is_visible()
    violations = axe_check(page)
    assert not violations, describe_violations(violations)
