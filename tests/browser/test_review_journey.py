# SPDX-License-Identifier: EUPL-1.2
"""A whole review round in Chromium: the secretariat opens a round and assigns a French and an Italian
reviewer, both declare no conflict and assess every criterion, the secretariat decides, and the public page
explains why without naming anyone. Uses the harness of ``tests/browser/conftest.py`` (demo site)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import describe_violations

pytestmark = pytest.mark.browser

COMMONS = ("publicodes", "Publicodes")
RATIONALE = "Every gate passed: MIT licence (OSI-approved), public source and documentation, an identified steward."


def _click(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def _choose(page: Any, radio_id: str) -> None:
    """Pick a radio button the way a person does: by its label (ECL draws the label over the input)."""
    page.locator(f"label[for='{radio_id}']").click()
    assert page.locator(f"#{radio_id}").is_checked()


def _assess(page: Any, review_url: str, scores: dict[str, str]) -> None:
    page.goto(review_url)
    page.get_by_role("link", name="Declare conflicts of interest").click()
    _choose(page, "has_conflict-0")
    _click(page, "Record my declaration")
    assert page.url.endswith("/assess"), page.url
    assert page.locator("text=What the platform knows").count() == 11
    for n in range(1, 7):
        _choose(page, f"g{n}_verdict-0")
    for n in range(1, 6):
        _choose(page, f"s{n}_verdict-0")
        page.select_option(f"#s{n}_score", scores[f"S{n}"])
    page.fill("#g1_evidence", "https://spdx.org/licenses/MIT.html")
    _choose(page, "complete-1")
    _click(page, "Save my assessment")
    assert page.url == review_url, page.url
    assert page.get_by_text("Your assessment is complete.").count() == 1


def test_two_reviewers_from_two_states_then_decision_then_public_page(
    context_factory: Any, login_page: Any, axe_check: Any
) -> None:
    slug, name = COMMONS
    staff = context_factory().new_page()
    login_page(staff, "secretariat")
    staff.goto("/reviews/new")
    staff.select_option("#commons", slug)
    _click(staff, "Open the round")
    match = re.search(r"/reviews/(\d+)$", staff.url)
    assert match, staff.url
    review_url = staff.url
    _click(staff, "Submit")
    _click(staff, "Start the review")
    assert staff.get_by_text("in review").first.is_visible()

    for label in ("Rémi Reviewer (FR)", "Ilaria Reviewer (IT)"):
        staff.goto(f"{review_url}/assign")
        staff.select_option("#reviewer", label=label)
        _click(staff, "Assign")
        assert staff.url == review_url

    # Before anyone assessed, the decision is refused with the reason and nothing changes.
    staff.goto(f"{review_url}/decision")
    _choose(staff, "decision-0")
    staff.fill("#rationale", RATIONALE)
    _click(staff, "Record and publish the decision")
    assert staff.locator("#error-summary").is_visible()
    assert "at least 2 reviewers from at least 2 member states" in staff.locator("#error-summary").inner_text()

    for role, scores in (
        ("reviewer_fr", {"S1": "3", "S2": "2", "S3": "2", "S4": "2", "S5": "3"}),
        ("reviewer_it", {"S1": "2", "S2": "2", "S3": "1", "S4": "2", "S5": "3"}),
    ):
        page = context_factory().new_page()
        login_page(page, role)
        _assess(page, review_url, scores)

    staff.goto(f"{review_url}/decision")
    violations = axe_check(staff)
    assert not violations, describe_violations(violations)
    _choose(staff, "decision-0")
    staff.fill("#rationale", RATIONALE)
    _click(staff, "Record and publish the decision")
    assert staff.url.endswith(f"/commons/{slug}/review"), staff.url

    public = context_factory().new_page()
    public.goto(f"/commons/{slug}/review")
    body = public.locator("main").inner_text()
    assert public.locator("h1").inner_text() == f"Working-group review of {name}"
    assert "Accepted as a European digital commons" in body
    assert RATIONALE in body
    assert "S1 Relevance to public services" in body and "2.50" in body  # (3 + 2) / 2
    assert "Rémi" not in body and "Ilaria" not in body and "@demo.commons.example" not in body
    violations = axe_check(public)
    assert not violations, describe_violations(violations)
