# SPDX-License-Identifier: EUPL-1.2
"""Limits: an unknown ``Host`` header answers 400 (no poisoned absolute URLs); a body above
``MAX_CONTENT_LENGTH`` answers 413 on every POST route of the matrix, before any work is done."""

from __future__ import annotations

import pytest

from commons.extensions import db
from tests.security.test_csrf import allowed_role
from tests.security.test_matrix import CASES, fill, snapshot

POST_CASES = [(f, c) for f, c in CASES if c.method not in ("GET", "HEAD", "OPTIONS")]


@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "127.0.0.1.evil.example", "[::2]"])
@pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/api/v1/commons", "/no-such-page"])
def test_unknown_host_is_refused(client, app, host, path):
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400, (host, path)
    assert host not in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.1:5000"])
def test_trusted_hosts_are_served(client, app, host):
    assert client.get("/healthz", headers={"Host": host}).status_code == 200


def _allowed_limit(app) -> int:
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert 0 < limit <= 16 * 1024 * 1024
    return int(limit)


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{f}:{c.id}") for f, c in POST_CASES])
def test_oversized_body_answers_413_and_changes_nothing(matrix, case):
    role = allowed_role(case)
    client = matrix.client()
    big = "x" * (_allowed_limit(matrix.app) + 1024)
    path = fill(case.path, matrix.ctx)
    db.session.expire_all()
    if case.json:
        before = snapshot()
        response = client.open(
            path,
            method=case.method,
            data='{"padding": "' + big + '"}',
            content_type="application/json",
            headers=matrix.bearer(role),
        )
    else:
        matrix.login(client, role)
        form = {**(fill(case.data, matrix.ctx) or {}), "csrf_token": matrix.csrf(client, role), "padding": big}
        before = snapshot()
        response = client.open(path, method=case.method, data=form)
    assert response.status_code == 413, f"{case.id} as {role}: {response.status_code}"
    db.session.expire_all()
    assert snapshot() == before
