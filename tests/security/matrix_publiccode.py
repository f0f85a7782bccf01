# SPDX-License-Identifier: EUPL-1.2
"""The public publiccode.yml checker: open to everyone, CSRF-protected POST, nothing stored."""

from __future__ import annotations

from tests.security.cells import Case, everyone

BROKEN = 'publiccodeYmlVersion: "0.6"\nname: x\n'

CASES = [
    Case("publiccode.validate", "GET", "/publiccode/validate", everyone(200)),
    Case("publiccode.validate", "GET", "/publiccode/validate?url=javascript:alert(1)", everyone(200)),
    Case("publiccode.validate", "POST", "/publiccode/validate", everyone(200), data={"content": BROKEN}),
    Case(
        "publiccode.validate",
        "POST",
        "/publiccode/validate",
        everyone(422),
        data={"url": "http://127.0.0.1/owner/name"},
        note="the outbound guard refuses local addresses: a form error, no request made",
    ),
    Case("publiccode.validate", "POST", "/publiccode/validate", everyone(422), data={}, note="nothing given"),
]
