# SPDX-License-Identifier: EUPL-1.2
"""A French representative records a multi-line funding contribution in Chromium, without JavaScript help:
adds a second line with the "add another line" button, makes one mistake (too many decimals), reads the
error summary, follows its link to the field, corrects it, and sees the saved record with its status.
Uses the harness of ``tests/browser/conftest.py`` (demo site on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tests.browser.conftest import describe_violations

pytestmark = pytest.mark.browser

COMMITTED = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=20)).isoformat()
PAID = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=5)).isoformat()


def _click(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_representative_records_multi_line_funding_makes_a_mistake_and_corrects_it(
    page: Any, login_page: Any, axe_check: Any
) -> None:
    login_page(page, "rep_fr")
    page.goto("/contributions/new")
    page.get_by_role("link", name="Funding").click()
    assert page.url.endswith("/contributions/new?type=funding"), page.url
    page.select_option("#commons", "cryptpad")
    page.fill("#title", "CryptPad maintenance 2026")
    page.select_option("#lines-0-kind", "commitment")
    page.fill("#lines-0-date", COMMITTED)
    page.fill("#lines-0-amount", "120000")

    _click(page, "Add another line")
    assert page.locator("#lines-0-amount").input_value() == "120000"  # nothing typed is lost
    assert page.locator("#title").input_value() == "CryptPad maintenance 2026"
    page.select_option("#lines-1-kind", "disbursement")
    page.fill("#lines-1-date", PAID)
    page.fill("#lines-1-amount", "30000.555")  # the mistake: three decimals in euros
    page.fill("#lines-1-evidence_url", "https://pay.example.org/cryptpad/1")

    _click(page, "Save the contribution")
    assert page.title().startswith("Error: "), page.title()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    link = summary.get_by_role("link", name=re.compile(r"Funding line 2: Amount: Use at most 2 decimal places"))
    assert link.count() == 1
    assert page.locator("#lines-1-amount").input_value() == "30000.555"
    assert page.locator("#lines-1-evidence_url").input_value() == "https://pay.example.org/cryptpad/1"
    assert page.locator("#lines-1-amount").get_attribute("aria-invalid") == "true"
    violations = axe_check(page)
    assert not violations, describe_violations(violations)
    link.click()
    assert page.evaluate("document.activeElement && document.activeElement.id") in ("lines-1-amount", "error-summary")

    page.fill("#lines-1-amount", "30000.55")
    _click(page, "Save the contribution")
    assert re.search(r"/contributions/FR-\d{4}-\d{4}$", page.url), page.url
    assert page.get_by_role("heading", level=1).inner_text().endswith("CryptPad maintenance 2026")
    body = page.locator("main").inner_text()
    assert "Partly disbursed" in body
    assert "€120,000.00" in body and "€30,000.55" in body
