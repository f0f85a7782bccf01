# SPDX-License-Identifier: EUPL-1.2
"""The hostile-input harness: every route of the security matrix, as the roles that may reach it, gets every
class of hostile input of ``hostile.py`` (path segments with NUL, huge, negative and look-alike ids; query
values; JSON with lone surrogates, deep nesting, wrong types and duplicate keys; malformed multipart names;
CSV with a bare carriage return). No answer may be a 5xx; some classes must get their one documented answer
(NUL in a path: 404; NUL in a value or a lone surrogate: 422; a malformed multipart name: 400).

A route joins by joining the matrix (``matrix_<feature>.py``): nothing here names a route. Each (case, role)
is one test, run on the matrix's shared database inside a rolled-back transaction.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.security import hostile
from tests.security.cells import Case
from tests.security.conftest import Matrix
from tests.security.test_matrix import CASES, fill

BOUNDARY = "hostileXX"


def _cells() -> list[Any]:
    return [
        pytest.param(case, role, id=f"{feature}:{case.id}[{role}]")
        for feature, case in CASES
        for role in hostile.reaching_roles(case)
    ]


def _send(matrix: Matrix, client: Any, case: Case, role: str, probe: hostile.Probe) -> Any:
    headers = matrix.bearer(role) if case.json else {}
    if probe.method == "GET":
        return client.get(probe.path, headers=headers)
    if case.json:
        if probe.raw is not None:
            return client.open(
                probe.path, method=probe.method, data=probe.raw, content_type=probe.content_type, headers=headers
            )
        return client.open(probe.path, method=probe.method, json=probe.json_body, headers=headers)
    token = matrix.csrf(client, role)
    if probe.content_type == "form":
        return client.open(
            probe.path,
            method=probe.method,
            data=probe.raw + f"&csrf_token={token}".encode(),
            content_type="application/x-www-form-urlencoded",
        )
    if probe.content_type == "multipart":
        fields = [("csrf_token", token), *((k, str(v)) for k, v in (probe.form or {}).items())]
        return client.open(
            probe.path,
            method=probe.method,
            data=hostile._multipart(fields, BOUNDARY),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        )
    form: dict[str, Any] = dict(probe.form or {})
    form["csrf_token"] = token
    for name, (content, filename) in probe.files.items():
        import io

        form[name] = (io.BytesIO(content), filename)
    return client.open(probe.path, method=probe.method, data=form)


@pytest.mark.parametrize(("case", "role"), _cells())
def test_no_hostile_input_gets_a_server_error(matrix: Matrix, case: Case, role: str) -> None:
    data = fill(case.data, matrix.ctx) if case.data is not None else None
    problems = []
    client = matrix.client()
    if not case.json:
        matrix.login(client, role)
    for probe in hostile.probes(case, fill(case.path, matrix.ctx), data, matrix.ctx):
        response = _send(matrix, client, case, role, probe)
        status = response.status_code
        if status >= 500 or (probe.allowed and status not in probe.allowed):
            detail = response.get_data(as_text=True)[:200].replace("\n", " ")
            problems.append(f"{probe.kind} {probe.method} {probe.path[:120]}: {status} {detail}")
    assert not problems, f"{case.id} as {role}:\n" + "\n".join(problems)


def test_the_harness_reaches_every_route_of_the_matrix() -> None:
    # Every case of every matrix file is probed, as at least one role.
    probed = {(case.endpoint, case.method) for case, _role in (p.values for p in _cells())}
    assert probed == {(case.endpoint, case.method) for _feature, case in CASES}
