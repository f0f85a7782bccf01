# SPDX-License-Identifier: EUPL-1.2
"""Where a new user used to be stopped or misled (issue 10, items 4, 5 and 8), in Chromium on the demo site,
axe on each step, and every page also looked at 375 px wide:

- a reviewer volunteers on a round that has not started, declares no conflict, and is told what comes next
  (not sent to an assessment form that refuses them); "Assign a reviewer" says why nobody is left; the
  decision page says what is missing before the form and never that the commons "can only be found
  ineligible" when both decisions are refused; nothing promises an e-mail (the demo has no mail server);
- nomination is reachable from the home and catalogue pages; a forge whose name does not resolve "could not
  be reached", only a private address is "not allowed";
- a harvest whose forge does not resolve is shown as a failure (error style) with one sentence and the
  technical detail folded; the items table never breaks a word across lines.

Screenshots of each page at 1280 and 375 px are written to the test's temporary directory.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import describe_violations

pytestmark = pytest.mark.browser

SLUG, NAME = "vitam", "Vitam"

# Words of the table cells that a line break cuts in two (addresses and technical detail may wrap anywhere).
BROKEN_WORDS_JS = """
(root) => {
  const broken = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const parent = node.parentElement;
    if (!parent || parent.closest('code, .harvest-items__name, .commons-visually-hidden')) continue;
    if (!parent.getClientRects().length) continue;
    const re = /\\S+/g;
    let m;
    while ((m = re.exec(node.data))) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  return broken;
}
"""


def _click(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def _axe_clean(page: Any, axe_check: Any) -> None:
    violations = axe_check(page)
    assert not violations, f"{page.url}\n{describe_violations(violations)}"


def _shots(page: Any, folder: Path, name: str) -> None:
    """Full-page screenshots at 1280 and 375 px; the page keeps 1280 px afterwards. At 375 px nothing may
    stick out sideways (the page would scroll horizontally)."""
    page.screenshot(path=str(folder / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(folder / f"{name}-375.png"), full_page=True)
    page.screenshot(path=str(folder / f"{name}-375-first-screen.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    assert overflow <= 0, f"{name}: the page is {overflow}px wider than a 375px screen"


def test_reviewer_volunteering_early_assign_and_decision_say_what_comes_next(
    context_factory: Any, login_page: Any, axe_check: Any, tmp_path: Path
) -> None:
    staff = context_factory().new_page()
    login_page(staff, "secretariat")
    staff.goto("/reviews/new")
    staff.select_option("#commons", SLUG)
    _click(staff, "Open the round")
    review_url = staff.url
    assert re.search(r"/reviews/\d+$", review_url), review_url
    _click(staff, "Submit")

    reviewer = context_factory().new_page()
    login_page(reviewer, "reviewer_it")
    reviewer.goto(review_url)
    _click(reviewer, "Volunteer to review")
    assert reviewer.url.endswith("/conflict")
    reviewer.locator("label[for='has_conflict-0']").click()
    _click(reviewer, "Record my declaration")
    # Back on the round, told what happens next, with a way onward; no refusal, no promise of an e-mail.
    assert reviewer.url == review_url, reviewer.url
    flash = reviewer.locator(".commons-flash").inner_text()
    assert "has not started yet" in flash and "You can now assess" not in flash and "e-mail" not in flash
    next_step = reviewer.locator("#next-step")
    assert next_step.is_visible() and "The secretariat starts it" in next_step.inner_text()
    assert "e-mail" not in next_step.inner_text()
    assert next_step.get_by_role("link", name="Your reviews").is_visible()
    assert next_step.get_by_role("link", name=f"Read about {NAME} in the catalogue meanwhile").is_visible()
    assert reviewer.get_by_text("You cannot assess").count() == 0
    _axe_clean(reviewer, axe_check)
    _shots(reviewer, tmp_path, "review-next-step")
    # Typing the assessment address leads back to the same explanation, not to an error page.
    reviewer.goto(f"{review_url}/assess")
    assert reviewer.url == review_url and "has not started yet" in reviewer.locator(".commons-flash").inner_text()

    staff.goto(f"{review_url}/assign")
    staff.select_option("#reviewer", label="Rémi Reviewer (FR)")
    _click(staff, "Assign")
    flash = staff.locator(".commons-flash").inner_text()
    assert "The reviewer was assigned." in flash and "told by e-mail" not in flash
    staff.goto(f"{review_url}/assign")
    nobody = staff.locator("#nobody-to-assign")
    assert nobody.is_visible() and "2 reviewers are already on this round." in nobody.inner_text()
    assert staff.locator("#reviewer").count() == 0
    _axe_clean(staff, axe_check)
    _shots(staff, tmp_path, "review-assign-nobody")

    staff.goto(review_url)
    _click(staff, "Start the review")
    staff.goto(f"{review_url}/decision")
    missing = staff.locator("#decision-missing")
    assert missing.is_visible()
    text = missing.inner_text()
    assert "No decision can be recorded yet" in text and "Completed assessments: 0 of the 2 needed." in text
    assert "Rémi Reviewer (FR) has not declared conflicts of interest yet" in text
    assert "Ilaria Reviewer (IT) has not completed the assessment yet" in text
    assert "can only be found ineligible" not in staff.locator("main").inner_text()
    # The explanation comes before the form.
    box = missing.bounding_box()
    form = staff.locator("main form").last.bounding_box()
    assert box is not None and form is not None and box["y"] < form["y"]
    _axe_clean(staff, axe_check)
    _shots(staff, tmp_path, "review-decision-missing")


def test_nomination_link_and_unreachable_forge_message(
    context_factory: Any, login_page: Any, axe_check: Any, tmp_path: Path
) -> None:
    anonymous = context_factory().new_page()
    for path in ("/", "/commons"):
        anonymous.goto(path)
        assert anonymous.get_by_role("link", name="Nominate a digital commons").is_visible(), path

    page = context_factory().new_page()
    login_page(page, "user")
    page.goto("/commons")
    with page.expect_navigation():
        page.get_by_role("link", name="Nominate a digital commons").click()
    assert page.url.endswith("/commons/nominate")
    page.fill("#url", "https://doc-editor.invalid/opengovfoo/doc-editor")
    page.select_option("#kind", "github")
    _click(page, "Nominate")
    summary = page.locator("#error-summary").inner_text()
    assert "could not be reached" in summary and "did not resolve" in summary and "try again later" in summary
    assert "not allowed" not in summary and "private" not in summary
    assert page.locator("#url").input_value() == "https://doc-editor.invalid/opengovfoo/doc-editor"
    _axe_clean(page, axe_check)
    _shots(page, tmp_path, "nominate-unreachable")

    page.fill("#url", "http://10.0.0.7/opengovfoo/doc-editor")
    page.select_option("#kind", "gitea")
    _click(page, "Nominate")
    assert "This address is not allowed" in page.locator("#error-summary").inner_text()

    page.goto("/")
    _shots(page, tmp_path, "home")
    page.goto("/commons")
    _shots(page, tmp_path, "catalogue")


def test_failed_harvest_is_shown_as_a_failure_with_its_cause(
    context_factory: Any, login_page: Any, axe_check: Any, tmp_path: Path
) -> None:
    page = context_factory().new_page()
    login_page(page, "admin")
    page.goto("/harvest/sources/propose")
    page.select_option("#kind", "gitea")
    page.fill("#url", "https://forge.invalid/comune-di-esempio")
    page.fill("#schedule_hours", "24")
    page.locator("label[for='approve']").click()  # as a person does: by its label
    assert page.locator("#approve").is_checked()
    _click(page, "Propose this source")
    assert "/admin/harvest/sources/" in page.url, page.url
    _click(page, "Run now")
    assert "/admin/harvest/jobs/" in page.url, page.url

    flash = page.locator(".commons-flash")
    assert flash.get_attribute("class") is not None and "ecl-notification--error" in flash.get_attribute("class")
    assert flash.get_attribute("role") == "alert"
    assert "The harvest failed." in flash.inner_text() and "did not resolve" in flash.inner_text()
    assert page.locator(".ecl-notification--success").count() == 0
    main_text = page.locator("main").inner_text()
    assert "OutboundRefused" not in main_text.split("Technical detail")[0]
    detail = page.locator("#job-error details")
    assert not detail.evaluate("d => d.open")
    detail.locator("summary").click()
    assert "cannot resolve forge.invalid" in detail.inner_text()
    items = page.locator("table.harvest-items")
    assert items.locator("tbody tr").count() == 1
    assert "did not resolve" in items.inner_text()
    _axe_clean(page, axe_check)

    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        broken = page.evaluate(BROKEN_WORDS_JS, items.element_handle())
        assert broken == [], f"words cut across lines at {width}px: {broken}"
    page.set_viewport_size({"width": 375, "height": 900})
    assert items.locator("td").first.evaluate("e => getComputedStyle(e).display") == "block"
    page.set_viewport_size({"width": 1280, "height": 900})
    _shots(page, tmp_path, "harvest-job-failed")
    print(f"screenshots in {tmp_path}")
