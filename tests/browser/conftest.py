# SPDX-License-Identifier: EUPL-1.2
"""Browser fixtures: the demo site on 127.0.0.1 and Debian's Chromium driven by Playwright.

- ``live_server``: base URL of a demo site (fresh SQLite file, migrated, ``commons demo load``) served by
  werkzeug in a subprocess; one per session and per xdist worker.
- ``browser``: headless ``/usr/bin/chromium`` (``playwright install`` cannot download browsers here).
- ``page``: a new page in a fresh context (no cookies shared between tests), ``base_url`` set, English.
- ``login_page(page, role)``: logs the page in as a demo account (through the real login form the first
  time in a worker; then with that session's cookie while it is still valid).
- ``axe_check(page)``: the axe-core violations of WCAG 2.1 A/AA on the page (a list, empty is good).

Every test under ``tests/browser`` gets the ``browser`` marker automatically, so ``-m "not browser"`` leaves
them out; without ``/usr/bin/chromium`` they are skipped with a reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.liveserver import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
DEMO_EMAILS = {
    "user": "user@demo.commons.example",
    "rep_fr": "rep.fr@demo.commons.example",
    "rep_de": "rep.de@demo.commons.example",
    "reviewer_fr": "reviewer.fr@demo.commons.example",
    "reviewer_it": "reviewer.it@demo.commons.example",
    "secretariat": "secretariat@demo.commons.example",
    "admin": "admin@demo.commons.example",
}
BROWSER_ROLES = ("anonymous", *DEMO_EMAILS)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _require_chromium() -> None:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); browser tests skipped")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:<port>``) of the demo site for this session or xdist worker."""
    _require_chromium()
    workdir = tmp_path_factory.mktemp("live")
    log = open(workdir / "server.log", "w")  # noqa: SIM115 - open for the whole session
    env = {**os.environ, "COMMONS_CONFIG": "development", "PYTHONPATH": str(ROOT)}
    env.pop("COMMONS_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.browser.liveserver", str(workdir / "demo.db")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the server listens, or the process died
        if not line.startswith("PORT "):
            process.wait(timeout=10)
            log.flush()
            raise RuntimeError(f"the demo site did not start:\n{(workdir / 'server.log').read_text()[-3000:]}")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Any) -> Iterator[Any]:
    """Headless Debian Chromium; CSP is never bypassed (it would change what axe and the pages do)."""
    chromium = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture()
def context_factory(browser: Any, live_server: str) -> Iterator[Callable[..., Any]]:
    """``context_factory(**options)``: a fresh browser context on the live server, closed after the test."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        settings = {"base_url": live_server, "locale": "en-GB", "viewport": {"width": 1280, "height": 900}}
        settings.update(options)
        context = browser.new_context(**settings)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture()
def page(context_factory: Callable[..., Any]) -> Any:
    """A page in its own context: cookies and storage never leak between tests."""
    return context_factory().new_page()


# Session cookies of each role, per process: a test that logs out or changes a password rotates the account's
# session token, so a cached cookie is checked before it is reused, and replaced through the form when stale.
_COOKIES: dict[str, list[dict[str, Any]]] = {}


def _session_is_valid(page: Any) -> bool:
    response = page.request.get("/account", max_redirects=0)
    return bool(response.status == 200)


def log_in(page: Any, role: str) -> None:
    """Log ``page`` in as the demo account of ``role`` through the real form (``anonymous``: nothing)."""
    if role == "anonymous":
        return
    cached = _COOKIES.get(role)
    if cached:
        page.context.add_cookies(cached)
        if _session_is_valid(page):
            return
        page.context.clear_cookies()
    page.goto("/login")
    page.fill("#email", DEMO_EMAILS[role])
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/login" not in page.url, f"login as {role} failed: {page.url}"
    _COOKIES[role] = page.context.cookies()


def log_in_through_the_form(page: Any, role: str) -> None:
    """Like ``log_in`` but always through the form (for tests about the login itself)."""
    _COOKIES.pop(role, None)
    log_in(page, role)


@pytest.fixture()
def login_page() -> Callable[[Any, str], None]:
    """``login_page(page, "rep_fr")`` logs the page in as that demo account."""
    return log_in


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core on the current page, WCAG 2.1 A and AA rules only; returns the violations.

    axe is injected with ``page.evaluate`` (DevTools protocol), which the page's CSP does not govern, so
    the site's strict CSP stays as it is.
    """
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return list(results.response["violations"])


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per rule and failing element, for assertion messages."""
    lines = []
    for violation in violations:
        for node in violation.get("nodes", [])[:5]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"{violation['id']} ({violation.get('impact')}): {target} :: {node.get('html', '')[:160]}")
    return "\n".join(lines)


@pytest.fixture()
def axe_check() -> Callable[[Any], list[dict[str, Any]]]:
    """``axe_check(page)`` → list of WCAG 2.1 A/AA violations (use ``describe_violations`` in messages)."""
    return axe_violations


def fill_and_submit(page: Any, values: dict[str, str]) -> None:
    """Fill the fields named in ``values`` (by ``name``) and submit the form that holds the first one."""
    first = None
    for name, value in values.items():
        field = page.locator(f"main [name='{name}']").first
        first = first or field
        tag = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if tag.startswith("select"):
            field.select_option(value)
        elif tag in ("input:checkbox", "input:radio"):
            # The ECL label covers its input (the box is drawn in the label): tick it as a person does, through
            # the label, which Playwright retargets to its control; a bare input is ticked directly.
            field_id = field.get_attribute("id") or ""
            label = page.locator(f"main label[for='{field_id}']") if field_id else None
            target = label.first if label is not None and label.count() else field
            target.set_checked(bool(value))
            assert field.is_checked() == bool(value), f"{name} could not be set to {bool(value)}"
        else:
            field.fill(value)
    assert first is not None, "nothing to fill"
    with page.expect_navigation():
        first.evaluate("e => e.form.requestSubmit()")
