# SPDX-License-Identifier: EUPL-1.2
"""The security matrix: every case of every ``matrix_*.py`` × every role, and no route left unclassified.

Each cell carries the role's session (HTML cases: a session opened through the real login form, once per
worker; JSON cases: the role's API token), fills the path's ``{placeholders}`` from the scenario, sends the
request (POST with the session's CSRF token) and checks the status. A route of the URL map that no case
names fails ``test_every_route_is_in_the_matrix``.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from commons import create_app
from commons.extensions import db
from tests.security.cells import ROLES, Case
from tests.security.conftest import Matrix

HERE = Path(__file__).parent
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def load_cases() -> list[tuple[str, Case]]:
    """``(feature, case)`` for every case of every ``tests/security/matrix_*.py``."""
    out = []
    for path in sorted(HERE.glob("matrix_*.py")):
        module = importlib.import_module(f"tests.security.{path.stem}")
        feature = path.stem.removeprefix("matrix_")
        out.extend((feature, case) for case in module.CASES)
    return out


CASES = load_cases()


def fill(value: Any, ctx: dict[str, Any]) -> Any:
    """Fill ``{placeholders}`` in strings (recursively in lists and dicts) from the scenario."""
    if isinstance(value, str):
        try:
            return value.format_map(ctx)
        except (KeyError, IndexError) as exc:
            raise AssertionError(f"placeholder {exc} of {value!r} is not in the scenario") from exc
    if isinstance(value, dict):
        return {k: fill(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ctx) for v in value]
    return value


def send(matrix: Matrix, case: Case, role: str) -> Any:
    """Run one cell: log ``role`` in, send the case's request, return the response."""
    client = matrix.client()
    path = fill(case.path, matrix.ctx)
    data = fill(case.data, matrix.ctx) if case.data is not None else None
    if case.json:
        headers = matrix.bearer(role)
        if case.method == "GET":
            return client.get(path, headers=headers)
        return client.open(path, method=case.method, json=data if data is not None else {}, headers=headers)
    matrix.login(client, role)
    if case.method == "GET":
        return client.get(path)
    form = dict(data or {})
    form["csrf_token"] = matrix.csrf(client, role)
    return client.open(path, method=case.method, data=form)


def _cells() -> list[Any]:
    return [pytest.param(case, role, id=f"{feature}:{case.id}[{role}]") for feature, case in CASES for role in ROLES]


@pytest.mark.parametrize(("case", "role"), _cells())
def test_cell(matrix, case, role):
    response = send(matrix, case, role)
    expected = {case.expect[role], *case.also.get(role, set())}
    if response.status_code not in expected:
        detail = response.headers.get("Location") or response.get_data(as_text=True)[:300]
        pytest.fail(
            f"{case.method} {fill(case.path, matrix.ctx)} as {role}: got {response.status_code}, "
            f"expected {sorted(expected)} ({case.note or case.endpoint}): {detail}"
        )


def test_every_route_is_in_the_matrix():
    app = create_app("testing")
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - IGNORED_METHODS
    }
    classified = {(case.endpoint, case.method) for _feature, case in CASES}
    missing = sorted(routes - classified)
    assert not missing, (
        "Routes in no security matrix case; add them to tests/security/matrix_<feature>.py:\n"
        + "\n".join(f"  {method} {endpoint}" for endpoint, method in missing)
    )


def test_every_case_reaches_its_endpoint_and_names_every_role(matrix):
    adapter = matrix.app.url_map.bind("localhost")
    problems = []
    for feature, case in CASES:
        if set(case.expect) != set(ROLES):
            problems.append(f"{feature}: {case.id}: roles {sorted(set(case.expect) ^ set(ROLES))}")
        if case.endpoint == "static" and ".." in case.path:
            continue  # a traversal attempt is not supposed to route
        path = urlsplit(fill(case.path, matrix.ctx)).path
        try:
            endpoint, _args = adapter.match(path, method=case.method)
        except RequestRedirect:
            endpoint = "<redirect>"
        except HTTPException as exc:
            endpoint = f"<{exc.code}>"
        if endpoint != case.endpoint:
            problems.append(f"{feature}: {case.id} routes to {endpoint}, not {case.endpoint}")
    assert not problems, "\n".join(problems)


# Columns a read may legitimately write: the last use of an API token is recorded on every request (so that
# an owner can see a leaked token being used); it is bookkeeping, not a change of the data.
VOLATILE_COLUMNS = {("api_tokens", "last_used_at")}


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and content digest of every table, as seen by this transaction."""
    out = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE_COLUMNS]
        rows = db.session.execute(sa.select(*columns)).all()
        digest = hashlib.sha256(repr(sorted(repr(tuple(r)) for r in rows)).encode()).hexdigest()
        out[table.name] = (len(rows), digest)
    return out


GET_CASES = [
    pytest.param(case, id=f"{feature}:{case.id}")
    for feature, case in CASES
    if case.method == "GET" and case.endpoint != "static"
]


@pytest.mark.parametrize("case", GET_CASES)
def test_get_changes_nothing(matrix, case):
    client = matrix.client()
    path = fill(case.path, matrix.ctx)
    headers = matrix.bearer("admin") if case.json else {}
    if not case.json:
        matrix.login(client, "admin")
    db.session.expire_all()
    before = snapshot()
    response = client.get(path, headers=headers)
    assert response.status_code < 500, response.status_code
    db.session.expire_all()
    after = snapshot()
    changed = sorted(name for name in before if before[name] != after[name])
    assert not changed, f"GET {path} as admin changed the tables {changed}"
