# SPDX-License-Identifier: EUPL-1.2
"""The base scenario of the security matrix, and the loader that adds every ``scenario_<feature>.py``.

``build_scenario()`` runs once per test session (and xdist worker) on the matrix's own database and commits;
each matrix cell then runs in a rolled-back transaction on top of it, so a cell that deletes or edits
something never disturbs the next one.

What the base puts in ``ctx`` (feature builders read it and add their own keys):

- ``ctx["users"][role]``: the ``User`` of each role (a live object while the builders run; only the plain
  values below are used to fill paths afterwards), ``ctx["user_ids"][role]``, ``ctx["emails"][role]``;
- ``ctx["tokens"][role]``: a clear API token of that role (used for ``json=True`` cases);
- ``org`` / ``org_id``: an organisation of FR (the user, rep_fr and reviewer belong to it), ``org_de`` /
  ``org_de_id``: one of DE (rep_de belongs to it);
- ``commons`` / ``commons_id``: a candidate commons stewarded by ``org``; ``repository_id``: its repository;
- ``token_id``: a revocable API token of ``user`` (another role revoking it gets 404).

A feature builder is ``build(ctx: dict) -> None``: create rows with the factories (``tests/factories.py`` or
the feature's own), flush, and store slugs or ids in ``ctx`` under names prefixed by the feature when they
might collide (``ctx["contribution_fr"] = "FR-2026-0001"``).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from commons.accounts.services import create_token
from commons.catalogue.models import CommonsSteward
from commons.extensions import db
from tests.factories import CommonsFactory, OrganisationFactory, RepositoryFactory, UserFactory
from tests.security.cells import ROLES

HERE = Path(__file__).parent

ACCOUNTS = {
    # role: (roles, member state, organisation key)
    "user": ("user", "FR", "org"),
    "rep_fr": ("member_state_rep", "FR", "org"),
    "rep_de": ("member_state_rep", "DE", "org_de"),
    "reviewer": ("reviewer", "FR", None),
    "secretariat": ("secretariat", None, None),
    "admin": ("admin", None, None),
}


def build_base(ctx: dict[str, Any]) -> None:
    """Users of every role with API tokens, two organisations (FR, DE), a commons with its repository."""
    org = OrganisationFactory(name="Matrix Agency FR", slug="matrix-agency-fr", member_state_code="FR")
    org_de = OrganisationFactory(name="Matrix Amt DE", slug="matrix-amt-de", member_state_code="DE")
    orgs = {"org": org, "org_de": org_de}
    ctx.update(org=org.slug, org_id=org.id, org_de=org_de.slug, org_de_id=org_de.id)
    ctx["users"], ctx["user_ids"], ctx["emails"], ctx["tokens"] = {}, {}, {}, {}
    for role, (role_name, state, org_key) in ACCOUNTS.items():
        email = f"{role.replace('_', '.')}@matrix.example.org"
        user = UserFactory(
            role=role_name,
            email=email,
            name=f"Matrix {role}",
            member_state_code=state,
            organisation_id=orgs[org_key].id if org_key else None,
        )
        ctx["users"][role] = user
        ctx["user_ids"][role] = user.id
        ctx["emails"][role] = email
        ctx["tokens"][role] = create_token(user, "matrix")[1]
    revocable, _clear = create_token(ctx["users"]["user"], "revocable")
    ctx["token_id"] = revocable.id
    commons = CommonsFactory(name="Matrix Commons", slug="matrix-commons")
    db.session.add(CommonsSteward(commons_id=commons.id, organisation_id=org.id, role="owner"))
    repository = RepositoryFactory(commons=commons, full_name="matrix/commons")
    db.session.flush()
    ctx.update(commons=commons.slug, commons_id=commons.id, repository_id=repository.id)


def feature_builders() -> list[tuple[str, Any]]:
    """``(module name, build)`` of every ``tests/security/scenario_*.py``, in file-name order."""
    out = []
    for path in sorted(HERE.glob("scenario_*.py")):
        module = importlib.import_module(f"tests.security.{path.stem}")
        out.append((module.__name__, module.build))
    return out


def build_scenario() -> dict[str, Any]:
    """Base scenario plus every feature's, committed; returns the plain values (no ORM objects)."""
    ctx: dict[str, Any] = {}
    build_base(ctx)
    for name, build in feature_builders():
        try:
            build(ctx)
        except Exception as exc:
            raise RuntimeError(f"{name}.build(ctx) failed: {exc!r}") from exc
        db.session.flush()
    db.session.commit()
    ctx.pop("users")
    missing = set(ROLES) - {"anonymous"} - set(ctx["tokens"])
    assert not missing, missing
    return ctx
