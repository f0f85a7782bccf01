# SPDX-License-Identifier: EUPL-1.2
"""Keyboard only: the main forms can be reached, completed and submitted with Tab, typing and Enter; every
focused element shows a visible focus indicator; an invalid form moves focus to the error summary, whose
links move focus to the fields."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from tests.browser.conftest import DEMO_EMAILS
from tests.browser.liveserver import DEMO_PASSWORD

pytestmark = pytest.mark.browser
MAX_TABS = 80

FOCUS_STYLE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name') || '',
          text: (e.innerText || e.value || '').trim().slice(0, 40), visible: outline || shadow};
}"""


def focused(page: Any) -> dict[str, Any] | None:
    result: dict[str, Any] | None = page.evaluate(FOCUS_STYLE)
    return result


def tab_to(page: Any, selector: str) -> None:
    """Press Tab until the element matching ``selector`` has focus (bounded, fails when it never does)."""
    for _ in range(MAX_TABS):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} is not reachable with Tab within {MAX_TABS} presses")


def test_login_form_is_completed_and_submitted_with_the_keyboard(page):
    page.goto("/login")
    tab_to(page, "#email")
    page.keyboard.type(DEMO_EMAILS["user"])
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "button"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login" not in page.url
    assert page.locator("header").get_by_text("My account").count() == 1


def test_invalid_form_moves_focus_to_the_error_summary_and_its_links_to_the_fields(page):
    page.goto("/login")
    tab_to(page, "main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'")
    assert page.title().startswith("Error: ")
    assert focused(page)["visible"], "the focused error summary has no visible focus"
    links = page.locator("#error-summary a")
    assert links.count() >= 1
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["tag"] == "a", first
    target = links.first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=target[1:])
    # The field says it is invalid and which message describes it.
    field = page.locator(target)
    assert field.get_attribute("aria-invalid") == "true"
    assert f"{target[1:]}-error" in (field.get_attribute("aria-describedby") or "")


def test_password_form_is_completed_and_submitted_with_the_keyboard(page, login_page):
    login_page(page, "secretariat")
    new = "a keyboard-only passphrase"

    def change(current: str, replacement: str) -> None:
        page.goto("/account")
        tab_to(page, "#pw-current_password")
        page.keyboard.type(current)
        page.keyboard.press("Tab")
        page.keyboard.type(replacement)
        page.keyboard.press("Tab")
        page.keyboard.type(replacement)
        page.keyboard.press("Tab")
        assert focused(page)["tag"] == "button"
        with page.expect_navigation():
            page.keyboard.press("Enter")

    change(DEMO_PASSWORD, new)
    try:
        assert page.get_by_text("Your password has been changed").count() == 1
    finally:
        change(new, DEMO_PASSWORD)  # the demo account keeps its password for the other tests
    assert page.get_by_text("Your password has been changed").count() == 1


@pytest.mark.parametrize(("role", "path"), [("anonymous", "/"), ("anonymous", "/login"), ("user", "/account")])
def test_every_tab_stop_shows_a_visible_focus(page, login_page, role, path):
    login_page(page, role)
    page.goto(path)
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        state = focused(page)
        if state is None:
            break
        key = (state["tag"], state["id"], state["name"], state["text"])
        if key in seen:
            break  # wrapped around
        seen.append(key)
        assert state["visible"], f"{path}: no visible focus on {state}"
    assert len(seen) >= 3, f"{path}: only {len(seen)} tab stops"


def test_skip_link_is_the_first_tab_stop_and_moves_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    state = focused(page)
    assert state["tag"] == "a" and "Skip" in state["text"], state
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main-content'")


def test_usage_declaration_is_completed_and_submitted_with_the_keyboard(page, login_page):
    login_page(page, "user")
    page.goto("/commons/openfisca-core/usage")
    tab_to(page, "main textarea")
    page.keyboard.type("Tax and benefit simulations.")
    page.keyboard.press("Tab")
    # A native date field takes its segments in the browser's own order (day and month may swap).
    page.keyboard.type("01052023")
    assert page.locator("#since").input_value() in ("2023-05-01", "2023-01-05")
    tab_to(page, "main [name=instance_url]")
    page.keyboard.type("https://simulateur.example.gouv.fr")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/commons/openfisca-core"), page.url
    assert page.get_by_role("status").filter(has_text="is recorded").count() == 1
    # Withdraw with the keyboard too, leaving the demo data as it was.
    tab_to(page, "main form[action$='/usage/withdraw'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("button", name="Withdraw the declaration").count() == 0


def test_contribution_is_recorded_with_the_keyboard(page, login_page):
    login_page(page, "rep_fr")
    page.goto("/contributions/new?type=funding")
    tab_to(page, "#commons")
    page.keyboard.type("CryptPad")  # a closed select picks the option typed, as for any keyboard user
    assert page.locator("#commons").input_value() == "cryptpad"
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "title"
    page.keyboard.type("Keyboard-only grant")
    tab_to(page, "#lines-0-date")
    # Last year, 1 May or 5 January depending on the browser's segment order: in the past either way.
    page.keyboard.type("0105" + str(date.today().year - 1))
    assert page.locator("#lines-0-date").input_value().startswith(str(date.today().year - 1))
    tab_to(page, "#lines-0-amount")  # a date field may keep Tab for its own segments first
    page.keyboard.type("5000")
    tab_to(page, "#save")
    assert focused(page)["visible"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/contributions/FR-\d{4}-\d+$", page.url), page.url
    assert page.locator("h1").inner_text().strip().endswith("Keyboard-only grant")
    # Delete it again (soft delete), keyboard only, so the demo data stays as it was.
    page.goto(page.url + "/delete")
    tab_to(page, "#reason")
    page.keyboard.type("Recorded by an accessibility test.")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/delete" not in page.url
