# SPDX-License-Identifier: EUPL-1.2
"""Open redirects: ``next=`` on /login (GET when logged in, POST) and on /language only ever leads to a
path of this site. Extends tests/test_accounts.py with encoded variants and the language form."""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import pytest

from tests.security.conftest import page_csrf

HOSTILE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https:evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "//evil.example@localhost/",
    "http://localhost@evil.example/",
    "evil.example",
]
# The same targets once and twice percent-encoded, as they arrive from a crafted link.
VARIANTS = sorted({t for h in HOSTILE for t in (h, quote(h, safe=""), quote(quote(h, safe=""), safe=""))})


def assert_local(location: str, target: str) -> None:
    """The browser would stay on this site: resolve the Location as a browser does and compare hosts."""
    assert "\\" not in location and not location.lstrip().lower().startswith(("javascript:", "data:")), target
    cleaned = "".join(c for c in location if c not in "\t\n\r")  # browsers drop these inside URLs
    resolved = urlsplit(urljoin("http://localhost/login", cleaned))
    assert (resolved.scheme, resolved.netloc) == ("http", "localhost"), f"{target!r} → {location!r}"


@pytest.mark.parametrize("target", VARIANTS)
def test_login_post_never_redirects_off_site(matrix, target):
    client = matrix.client()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={
            "email": matrix.ctx["emails"]["user"],
            "password": "correct horse battery staple",
            "csrf_token": page_csrf(client),
        },
    )
    assert response.status_code == 302
    assert_local(response.headers["Location"], target)
    # A logged-in visit to /login?next= redirects at once: the same rule applies.
    again = client.get("/login", query_string={"next": target})
    assert again.status_code == 302
    assert_local(again.headers["Location"], target)


@pytest.mark.parametrize("target", VARIANTS)
def test_language_form_never_redirects_off_site(matrix, target):
    client = matrix.client()
    response = client.post("/language", data={"lang": "de", "next": target, "csrf_token": page_csrf(client)})
    assert response.status_code == 302
    assert_local(response.headers["Location"], target)


def test_local_targets_are_followed(matrix):
    client = matrix.client()
    response = client.post("/language", data={"lang": "de", "next": "/account?x=1", "csrf_token": page_csrf(client)})
    assert response.headers["Location"] == "/account?x=1"
    response = client.post(
        "/login",
        query_string={"next": "/accessibility"},
        data={
            "email": matrix.ctx["emails"]["user"],
            "password": "correct horse battery staple",
            "csrf_token": page_csrf(client),
        },
    )
    assert response.headers["Location"] == "/accessibility"
