# SPDX-License-Identifier: EUPL-1.2
"""CSRF on every HTML POST route of the matrix: no token, or another session's token, answers 400 and
changes nothing in the database.

Each route is tried as the role the matrix says succeeds (2xx or 3xx), so that a refusal comes from the
CSRF check and not from a missing permission.
"""

from __future__ import annotations

import pytest

from commons.extensions import db
from tests.security.cells import ROLES
from tests.security.test_matrix import CASES, fill, snapshot

POST_CASES = [
    (feature, case) for feature, case in CASES if case.method not in ("GET", "HEAD", "OPTIONS") and not case.json
]


def allowed_role(case) -> str:
    """The first role for which the route does its work (2xx or 3xx), most privileged first."""
    for role in reversed(ROLES):
        if 200 <= case.expect[role] < 400:
            return role
    return "admin"


def _post(matrix, case, role, token):
    client = matrix.client()
    matrix.login(client, role)
    form = dict(fill(case.data, matrix.ctx) or {})
    if token is not None:
        form["csrf_token"] = token
    db.session.expire_all()
    before = snapshot()
    response = client.open(fill(case.path, matrix.ctx), method=case.method, data=form)
    db.session.expire_all()
    after = snapshot()
    return response, sorted(name for name in before if before[name] != after[name])


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{f}:{c.id}") for f, c in POST_CASES])
def test_post_without_csrf_token_is_refused_and_changes_nothing(matrix, case):
    role = allowed_role(case)
    response, changed = _post(matrix, case, role, None)
    assert response.status_code == 400, f"{case.id} as {role}: {response.status_code}"
    assert not changed, f"{case.id} as {role} without a token changed {changed}"


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{f}:{c.id}") for f, c in POST_CASES])
def test_post_with_another_sessions_token_is_refused_and_changes_nothing(matrix, case):
    role = allowed_role(case)
    other = matrix.client()
    matrix.login(other, "rep_de" if role != "rep_de" else "rep_fr")
    stolen = matrix.csrf(other, "rep_de" if role != "rep_de" else "rep_fr")
    response, changed = _post(matrix, case, role, stolen)
    assert response.status_code == 400, f"{case.id} as {role}: {response.status_code}"
    assert not changed, f"{case.id} as {role} with another session's token changed {changed}"


def test_csrf_harness_sees_a_valid_token_succeed(matrix):
    # The same request with this session's own token goes through: the 400 above is the CSRF check.
    case = next(c for _f, c in POST_CASES if c.endpoint == "accounts.create_token")
    client = matrix.client()
    matrix.login(client, "user")
    form = {**case.data, "csrf_token": matrix.csrf(client, "user")}
    assert client.post(case.path, data=form).status_code == 200
