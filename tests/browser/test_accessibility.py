# SPDX-License-Identifier: EUPL-1.2
"""axe-core (WCAG 2.1 A and AA) finds nothing on any page of any ``tests/browser/pages_*.py``, errors included."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import BROWSER_ROLES, describe_violations, fill_and_submit

pytestmark = pytest.mark.browser
HERE = Path(__file__).parent


def _modules() -> list[Any]:
    return [importlib.import_module(f"tests.browser.{p.stem}") for p in sorted(HERE.glob("pages_*.py"))]


def _pages() -> list[Any]:
    out = []
    for module in _modules():
        for role, path in getattr(module, "PAGES", []):
            assert role in BROWSER_ROLES, f"{module.__name__}: unknown role {role}"
            out.append(pytest.param(role, path, id=f"{role} {path}"))
    return out


def _error_pages() -> list[Any]:
    out = []
    for module in _modules():
        for n, (role, path, values) in enumerate(getattr(module, "ERROR_PAGES", [])):
            assert role in BROWSER_ROLES, f"{module.__name__}: unknown role {role}"
            out.append(pytest.param(role, path, values, id=f"{role} {path} errors#{n}"))
    return out


@pytest.mark.parametrize(("role", "path"), _pages())
def test_page_has_no_wcag_violation(page, login_page, axe_check, role, path):
    login_page(page, role)
    response = page.goto(path)
    assert response is not None and response.status < 500, f"{path}: {response and response.status}"
    violations = axe_check(page)
    assert not violations, f"{role} {path}:\n{describe_violations(violations)}"


@pytest.mark.parametrize(("role", "path", "values"), _error_pages())
def test_form_with_errors_has_no_wcag_violation(page, login_page, axe_check, role, path, values):
    login_page(page, role)
    page.goto(path)
    fill_and_submit(page, values)
    assert page.locator("#error-summary").count() == 1, f"{path}: no error summary after {values}"
    assert page.title().startswith("Error: "), page.title()
    violations = axe_check(page)
    assert not violations, f"{role} {path} with errors:\n{describe_violations(violations)}"


def test_axe_harness_reports_a_known_violation(page, axe_check):
    # The harness itself must be able to fail: an image without alt text in a page without a language.
    page.set_content("<html><body><main><img src='data:,'></main></body></html>")
    rules = {violation["id"] for violation in axe_check(page)}
    assert {"image-alt", "html-has-lang"} <= rules


def test_axe_runs_inside_the_sites_csp(page, axe_check):
    # On a real page of the site, under its strict CSP: a defect made on purpose is found.
    page.goto("/login")
    page.evaluate("document.querySelector('#email').removeAttribute('id')")
    rules = {violation["id"] for violation in axe_check(page)}
    assert "label" in rules, rules
