# SPDX-License-Identifier: EUPL-1.2
"""Journey: a public-sector developer finds a commons in the catalogue and declares that their
administration uses it, end to end in Chromium, with axe on every step.

Ugo (demo ``user``, DINUM, France) searches from the home page, opens LibreOffice, is asked to log in, comes
back to the declaration form, makes a mistake, corrects it, and sees DINUM among the users; then withdraws
the declaration so that the demo site is as it was.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DEMO_EMAILS, describe_violations
from tests.browser.liveserver import DEMO_PASSWORD

pytestmark = pytest.mark.browser
COMMONS = "LibreOffice"
ORGANISATION = "Direction interministérielle du numérique"


def usage_count(page) -> int:
    text = page.locator("#usage-title + p").inner_text()
    match = re.search(r"(\d+)", text)
    assert match, text
    return int(match.group(1))


def no_violations(page, axe_check, step: str) -> None:
    violations = axe_check(page)
    assert not violations, f"{step}:\n{describe_violations(violations)}"


def test_developer_finds_a_commons_and_declares_usage(page, axe_check):
    # 1. Search from the home page.
    page.goto("/")
    page.fill("#home-q", COMMONS)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/commons" in page.url and "q=LibreOffice" in page.url
    no_violations(page, axe_check, "search results")
    result = page.locator("main").get_by_role("link", name=COMMONS, exact=True).first
    assert result.count() == 1, "the commons is not among the results"

    # 2. Open the commons page.
    with page.expect_navigation():
        result.click()
    assert page.locator("h1").inner_text().strip() == COMMONS
    no_violations(page, axe_check, "commons page")
    before = usage_count(page)
    assert page.locator("main").get_by_role("link", name=ORGANISATION).count() == 0

    # 3. Anonymous: asked to log in, then sent back to the declaration form.
    with page.expect_navigation():
        page.get_by_role("link", name="Log in to declare that your organisation uses it").click()
    assert "/login" in page.url
    page.fill("#email", DEMO_EMAILS["user"])
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/commons/libreoffice/usage"), page.url
    assert ORGANISATION in page.locator("main").inner_text()
    no_violations(page, axe_check, "declaration form")

    # 4. A mistake is explained and what was typed is kept.
    page.get_by_label("How does your organisation use it?").fill("Office suite on 2,000 agents' desktops.")
    page.get_by_label("Address of your instance").fill("ftp://files.example.gouv.fr")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the declaration").click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'")
    assert page.title().startswith("Error: ")
    assert page.get_by_label("How does your organisation use it?").input_value().startswith("Office suite")
    no_violations(page, axe_check, "declaration form with errors")

    # 5. Corrected and saved: back on the commons page, DINUM is listed.
    page.get_by_label("Address of your instance").fill("https://bureautique.example.gouv.fr")
    page.get_by_label("In use since").fill("2024-03-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the declaration").click()
    assert page.url.endswith("/commons/libreoffice"), page.url
    assert page.get_by_role("status").filter(has_text="is recorded").count() == 1
    assert page.locator("main").get_by_role("link", name=ORGANISATION).count() == 1
    assert usage_count(page) == before + 1
    no_violations(page, axe_check, "commons page after the declaration")

    # 6. Withdraw, so that the demo site is as it was for the other tests.
    with page.expect_navigation():
        page.get_by_role("button", name="Withdraw the declaration").click()
    assert usage_count(page) == before
    assert page.locator("main").get_by_role("link", name=ORGANISATION).count() == 0
