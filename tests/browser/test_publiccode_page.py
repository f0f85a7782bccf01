# SPDX-License-Identifier: EUPL-1.2
"""The publiccode.yml checker as a maintainer uses it: paste, submit, read each problem with its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import describe_violations, fill_and_submit

pytestmark = pytest.mark.browser

CASES = Path(__file__).parents[1] / "harvesters" / "publiccode_cases"
BROKEN = (
    (CASES / "complete-0.7.yml")
    .read_text(encoding="utf-8")
    .replace("localisationReady: true", "localisationReady: yes")
    .replace("    - AT\n", "    - at\n")
)


def check(page: Any) -> None:
    page.goto("/publiccode/validate")
    fill_and_submit(page, {"content": BROKEN})


def test_results_list_each_problem_with_its_line_and_are_accessible(page, axe_check):
    check(page)
    status = page.get_by_role("status")
    assert "Not valid: 3 errors." in status.inner_text()
    table = page.get_by_role("table", name="Problems found in publiccode.yml")
    rows = table.locator("tbody tr")
    assert rows.count() == 5
    line = BROKEN.splitlines().index("  localisationReady: yes") + 1
    assert f"line {line}, column 1" in rows.nth(0).inner_text()
    assert "localisationReady: true" in table.inner_text()  # the corrected example
    # The pasted text stays in the form for the next attempt.
    assert "localisationReady: yes" in page.locator("main textarea[name='content']").input_value()
    violations = axe_check(page)
    assert not violations, describe_violations(violations)


def test_results_are_in_french_for_a_french_browser(context_factory):
    page = context_factory(locale="fr-FR").new_page()
    check(page)
    assert "Non valide : 3 erreurs." in page.get_by_role("status").inner_text()
    assert "Cette valeur n’a pas le bon type pour cette clé." in page.locator("main table").inner_text()
