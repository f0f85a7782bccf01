# SPDX-License-Identifier: EUPL-1.2
"""Mass assignment: a member-state representative of FR who adds ``member_state=DE`` (or another state's
organisation) to any form or API body of the matrix never creates or changes a record of DE: the record
stays FR, or the request is refused.

The check is generic: every POST case of every feature, as rep_fr and as a plain user, with the extra
fields injected (``member_state``, and organisation ids that no form shows); afterwards no row of any table
with a ``member_state_code`` or ``organisation_id`` column may point at DE or at the DE organisation unless it
already did. Contribution forms that have a ``member_state`` field get it overwritten with DE.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from commons.extensions import db
from tests.security.test_matrix import CASES, fill

POST_CASES = [
    pytest.param(case, id=f"{feature}:{case.id}")
    for feature, case in CASES
    if case.method in ("POST", "PUT", "PATCH") and case.endpoint not in ("accounts.logout", "accounts.login")
]


def foreign_rows(ctx: dict[str, Any]) -> dict[str, set[str]]:
    """Every row (by primary key) that belongs to DE or to the DE organisation, per table."""
    out: dict[str, set[str]] = {}
    for table in db.metadata.sorted_tables:
        conditions = []
        for name in ("member_state_code", "member_state", "state_code"):
            if name in table.c:
                conditions.append(table.c[name] == "DE")
        for name in ("organisation_id", "contributing_org_id"):
            if name in table.c:
                conditions.append(table.c[name] == ctx["org_de_id"])
        if not conditions or table.name in ("users", "organisations"):
            continue
        key = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(sa.select(*key, *table.columns).where(sa.or_(*conditions))).all()
        out[table.name] = {repr(tuple(row)) for row in rows}
    return out


def inject(data: dict[str, Any] | None, ctx: dict[str, Any]) -> dict[str, Any]:
    extra = {
        "member_state": "DE",
        "member_state_code": "DE",
        "state": "DE",
        # Ids that no form shows: a form's own organisation field (a harvest proposal names the forge
        # account's owner, a contribution its recipient) is input, and each feature validates it.
        "organisation_id": ctx["org_de_id"],
        "contributing_org_id": ctx["org_de_id"],
    }
    out = dict(data or {})
    for key, value in extra.items():
        if key in out and key.startswith("member_state"):
            out[key] = value  # the form's own field: overwrite it with the other state
        out.setdefault(key, value)
    return out


@pytest.mark.parametrize("role", ["rep_fr", "user"])
@pytest.mark.parametrize("case", POST_CASES)
def test_posting_another_state_never_creates_or_moves_a_record_there(matrix, case, role):
    client = matrix.client()
    data = inject(fill(case.data, matrix.ctx), matrix.ctx)
    db.session.expire_all()
    if case.json:
        before = foreign_rows(matrix.ctx)
        response = client.open(fill(case.path, matrix.ctx), method=case.method, json=data, headers=matrix.bearer(role))
    else:
        matrix.login(client, role)
        form = {key: str(value) for key, value in data.items()}
        form["csrf_token"] = matrix.csrf(client, role)
        before = foreign_rows(matrix.ctx)
        response = client.open(fill(case.path, matrix.ctx), method=case.method, data=form)
    assert response.status_code < 500, response.status_code
    db.session.expire_all()
    after = foreign_rows(matrix.ctx)
    changed = {name: after[name] - before[name] for name in after if after[name] - before[name]}
    assert not changed, f"{case.id} as {role} wrote records of DE: {changed}"
