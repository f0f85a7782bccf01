# SPDX-License-Identifier: EUPL-1.2
"""The secretariat's work in Chromium, axe on every step, screenshots at 1280 and 375 px:

- an administrator invites a person with the keyboard only, reads the one-time link (no mail server on the
  demo site), the person opens it in another browser, sets a password, is logged in, and later logs in with
  it; the link does not work twice;
- the secretariat uploads an ECB file and sees the import and the coverage by currency;
- a French representative meets the "no rate" message: the rule, the platform's dates, ask the secretariat.

Screenshots go to ``$COMMONS_SCREENSHOTS`` when set (to look at them), else to the test's temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import describe_violations

pytestmark = pytest.mark.browser

ECB_FILE = Path(__file__).resolve().parents[1] / "contributions" / "data" / "eurofxref-hist-sample.xml"
PASSWORD = "a long invitation passphrase"


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("COMMONS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _check(page: Any, axe_check: Any, shots: Path, name: str) -> None:
    """At 1280 px and at 375 px: axe finds nothing, no sideways scrolling, a full-page screenshot."""
    size = page.viewport_size
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        violations = axe_check(page)
        assert not violations, f"{name} at {width} px:\n{describe_violations(violations)}"
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} at {width} px scrolls sideways by {overflow} px"
    page.set_viewport_size(size)


def test_admin_invites_by_keyboard_and_the_person_accepts_through_the_link(
    page: Any, login_page: Any, axe_check: Any, context_factory: Any, tmp_path: Path
) -> None:
    shots = _shots(tmp_path)
    login_page(page, "admin")
    page.goto("/admin/users")
    _check(page, axe_check, shots, "users")
    page.get_by_role("link", name="Invite a user").click()
    assert page.url.endswith("/admin/users/invite")

    # Keyboard only: type, Tab through the role boxes, Space ticks one, Enter submits.
    page.locator("#email").focus()
    page.keyboard.type("new.reviewer@demo.commons.example")
    page.keyboard.press("Tab")
    page.keyboard.type("Nora <Reviewer>")
    for _ in range(3):  # admin, secretariat, reviewer
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "reviewer"
    page.locator("#roles").screenshot(path=str(shots / "invite-focus-1280.png"))  # the focus ring, to look at
    page.keyboard.press("Space")
    assert page.locator("#roles input[value=reviewer]").is_checked()
    for _ in range(3):  # member_state_rep, user, then the member state
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "member_state"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Send the invitation"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.title().startswith("Invitation for Nora <Reviewer>")
    link = page.locator("#invitation-link").inner_text().strip()
    assert "/invitation/" in link
    _check(page, axe_check, shots, "invited")

    # The person, in another browser: set the password, and be logged in.
    person = context_factory().new_page()
    person.goto(link)
    assert person.get_by_text("new.reviewer@demo.commons.example").count() >= 1
    _check(person, axe_check, shots, "accept")
    person.fill("#new_password", "short")
    person.fill("#confirm_password", "short")
    with person.expect_navigation():
        person.get_by_role("button", name="Set my password").click()
    assert person.title().startswith("Error: ")
    assert person.locator("#error-summary").is_visible()
    _check(person, axe_check, shots, "accept-error")
    person.fill("#new_password", PASSWORD)
    person.fill("#confirm_password", PASSWORD)
    with person.expect_navigation():
        person.get_by_role("button", name="Set my password").click()
    assert person.get_by_text("Your password is set and you are logged in").is_visible()
    person.goto("/account")
    assert person.get_by_text("new.reviewer@demo.commons.example").is_visible()

    # Log out, log in with the chosen password; the link no longer works.
    with person.expect_navigation():
        person.get_by_role("button", name="Log out").click()
    person.goto("/login")
    person.fill("#email", "new.reviewer@demo.commons.example")
    person.fill("#password", PASSWORD)
    with person.expect_navigation():
        person.locator("main form button[type=submit]").click()
    assert "/login" not in person.url
    response = person.goto(link)
    assert response is not None and response.status == 404
    assert person.get_by_text("already used").is_visible()

    # The administrator finds the account, now active, and its page passes axe.
    page.goto("/admin/users?q=new.reviewer")
    page.get_by_role("link", name="Nora <Reviewer>").click()
    assert page.get_by_text("Active", exact=True).is_visible()
    _check(page, axe_check, shots, "user")


def test_secretariat_uploads_an_ecb_file_and_sees_coverage(
    page: Any, login_page: Any, axe_check: Any, tmp_path: Path
) -> None:
    shots = _shots(tmp_path)
    login_page(page, "secretariat")
    page.goto("/")
    page.get_by_role("link", name="Exchange rates").click()
    assert page.url.endswith("/admin/exchange-rates")
    with page.expect_navigation():
        page.get_by_role("button", name="Import the rates").click()
    assert page.title().startswith("Error: ")
    assert page.locator("#error-summary").get_by_text("Choose the ECB file to upload.").is_visible()
    _check(page, axe_check, shots, "rates-error")

    page.set_input_files("#file", str(ECB_FILE))
    with page.expect_navigation():
        page.get_by_role("button", name="Import the rates").click()
    assert page.get_by_text("Imported 10 rates for 5 currencies").is_visible()
    latest = page.locator("table").nth(0).locator("tbody tr").first
    assert "eurofxref-hist-sample.xml" in latest.inner_text() and "upload" in latest.inner_text()
    sek = page.locator("tr", has=page.locator("th", has_text="SEK"))
    cells = sek.locator("td").all_inner_texts()
    assert cells[1] == "Feb 13, 2026" and int(cells[2]) >= 4  # the demo's three SEK days and 2026-02-12
    _check(page, axe_check, shots, "rates")


def test_representative_meets_the_no_rate_message(page: Any, login_page: Any, axe_check: Any, tmp_path: Path) -> None:
    shots = _shots(tmp_path)
    login_page(page, "rep_fr")
    page.goto("/contributions/new?type=funding")
    page.select_option("#commons", "cryptpad")
    page.fill("#title", "CryptPad in kronor")
    page.select_option("#lines-0-kind", "commitment")
    page.fill("#lines-0-date", "2026-04-01")
    page.fill("#lines-0-amount", "10000")
    page.fill("#lines-0-currency", "SEK")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the contribution").click()
    message = page.locator("#lines-0-currency-error").inner_text()
    assert "No ECB reference rate for SEK on 2026-04-01 or in the 10 days before it" in message
    assert "to 2026-02-13" in message
    assert "Ask the secretariat" in message and "commons fx" not in message
    assert page.locator("a[href='/admin/exchange-rates']").count() == 0
    _check(page, axe_check, shots, "no-rate")
