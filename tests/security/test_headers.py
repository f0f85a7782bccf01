# SPDX-License-Identifier: EUPL-1.2
"""Security headers on every route of the matrix, for an anonymous visitor and a logged-in admin.

CSP without any inline script or style, ``object-src 'none'``, ``frame-ancestors 'none'``, nosniff and a
Referrer-Policy on every answer (errors and redirects included); ``Cache-Control: no-store`` on every answer
to a logged-in session or a bearer token, so that a shared computer's cache keeps nothing personal.
"""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.factories import UserFactory
from tests.security.test_matrix import CASES, fill, send


def assert_security_headers(response, what: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.strip().split(" ")[0]: part.strip() for part in csp.split(";") if part.strip()}
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, f"{what}: {csp}"
    assert directives.get("object-src") == "object-src 'none'", f"{what}: {csp}"
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", f"{what}: {csp}"
    for name in ("script-src", "style-src"):
        # Either explicit and self-only, or inherited from a self-only default-src.
        value = directives.get(name, directives.get("default-src", ""))
        assert value.split()[1:] == ["'self'"], f"{what}: {name} is {value!r}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what
    assert response.headers.get("Referrer-Policy") in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }, what


@pytest.mark.parametrize(
    ("case", "role"),
    [
        pytest.param(case, role, id=f"{feature}:{case.id}[{role}]")
        for feature, case in CASES
        for role in ("anonymous", "admin")
    ],
)
def test_security_headers_on_every_route(matrix, case, role):
    response = send(matrix, case, role)
    what = f"{case.method} {fill(case.path, matrix.ctx)} as {role} ({response.status_code})"
    assert_security_headers(response, what)
    # Logging out ends the session: its answer is an anonymous one.
    if role != "anonymous" and case.endpoint != "accounts.logout":
        assert response.headers.get("Cache-Control") == "no-store", what


def test_error_answers_carry_the_headers_too(client, app):
    for response in (
        client.get("/no-such-page"),
        client.post("/login", data={"email": "x"}),  # no CSRF token: 400
        client.get("/", headers={"Host": "evil.example"}),
        client.post("/login", data={"email": "x" * (3 * 1024 * 1024)}),
    ):
        assert response.status_code >= 400
        assert_security_headers(response, f"{response.status_code}")


def test_logged_in_pages_are_never_cached_but_public_pages_may_be(client, app):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(client, UserFactory(email="cache@example.org"))
    for url in ("/", "/account", "/accessibility", "/no-such-page"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url
