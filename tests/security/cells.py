# SPDX-License-Identifier: EUPL-1.2
"""The vocabulary of the security matrix.

Each feature lists its routes in ``tests/security/matrix_<feature>.py`` as ``CASES: list[Case]``. The matrix test
(``test_matrix.py``) runs every case for every role, each in its own rolled-back transaction, and fails when a
route of the URL map is in no case.

``path`` may hold ``{placeholders}`` filled from the scenario: objects every feature adds in
``tests/security/scenario_<feature>.py`` (a function ``build(ctx: dict) -> None`` that creates rows with the
factories and stores the values, e.g. ``ctx["commons"] = "some-slug"``). The base scenario (``scenario.py``)
provides the users of each role and ``commons`` (a commons slug), ``org`` (an organisation slug of FR).

``expect`` maps each role to the status code it must get. Roles: anonymous, user, rep_fr, rep_de, reviewer,
secretariat, admin. Conventions: an HTML page that needs a login answers 302 to anonymous (redirect to
/login); the API answers 401 without a token; another state's records answer 404; a forbidden action 403.
For POST cases the CSRF token of the role's session is added; ``json=True`` sends a JSON body instead (API),
with the role's API token as ``Authorization: Bearer`` (none for anonymous).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ROLES = ("anonymous", "user", "rep_fr", "rep_de", "reviewer", "secretariat", "admin")


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def logged_in(status: int, anonymous: int = 302) -> dict[str, int]:
    out = dict.fromkeys(ROLES, status)
    out["anonymous"] = anonymous
    return out


def only(roles: dict[str, int], default: int, anonymous: int = 302) -> dict[str, int]:
    """``only({"admin": 200}, default=403)``: the listed roles get their status, the others ``default``."""
    out = {role: roles.get(role, default) for role in ROLES}
    if "anonymous" not in roles:
        out["anonymous"] = anonymous
    return out


@dataclass
class Case:
    endpoint: str
    method: str
    path: str
    expect: dict[str, int]
    data: dict[str, Any] | None = None
    json: bool = False
    note: str = ""
    # Extra statuses accepted for a role, e.g. {"admin": {200, 302}}: use sparingly and say why in note.
    also: dict[str, set[int]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"
