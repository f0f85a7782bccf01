# SPDX-License-Identifier: EUPL-1.2
"""One permission vocabulary and one policy function, called by every service (DESIGN.md §5).

``can(user, "contribution:edit", contribution)`` answers True or False; ``require`` raises the error the
caller must show: 404 where even the existence of the object must not leak (another state's records).
"""

from __future__ import annotations

from typing import Any

from commons.accounts.models import ADMIN, REP, REVIEWER, SECRETARIAT
from commons.errors import NotFound, PermissionDenied

STAFF = (ADMIN, SECRETARIAT)


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _roles(user: Any) -> set[str]:
    return user.role_names if _authenticated(user) else set()


def _state_of(obj: Any) -> str | None:
    if isinstance(obj, str):
        return obj
    return getattr(obj, "member_state_code", None)


def can(user: Any, perm: str, obj: Any = None) -> bool:
    """The policy: may ``user`` do ``perm`` (optionally on ``obj``)?"""
    roles = _roles(user)
    authenticated = _authenticated(user)
    staff = bool(roles.intersection(STAFF))

    match perm:
        case "catalogue:read" | "contribution:read-public":
            return True
        case "account:manage-own" | "commons:nominate" | "harvest:propose":
            return authenticated
        case "usage:declare":
            # obj is the organisation the declaration is made for.
            if not authenticated:
                return False
            if ADMIN in roles:
                return True
            return obj is not None and getattr(user, "organisation_id", None) == getattr(obj, "id", obj)
        case "commons:edit" | "commons:curate" | "organisations:manage" | "harvest:manage" | "report:publish":
            return staff
        case "users:manage" | "audit:read":
            return ADMIN in roles
        case "users:administer":
            # Staff manage accounts from the web; obj is the account acted on. Only an admin may act on an
            # admin's account (the service also refuses the admin role to the secretariat).
            if not staff:
                return False
            return ADMIN in roles or obj is None or ADMIN not in getattr(obj, "role_names", set())
        case "fx:manage":
            return staff
        case "need:post":
            if staff:
                return True
            if not authenticated or obj is None:
                return False
            org_id = getattr(user, "organisation_id", None)
            return org_id is not None and any(s.organisation_id == org_id for s in getattr(obj, "stewards", []))
        case "contribution:read":
            visibility = getattr(obj, "visibility", "public")
            if visibility == "public":
                return True
            if staff:
                return True
            if visibility == "initiative":
                return bool(roles.intersection({REP, REVIEWER}))
            return REP in roles and _state_of(obj) == getattr(user, "member_state_code", None)
        case "contribution:read-initiative":
            return staff or bool(roles.intersection({REP, REVIEWER}))
        case "contribution:create" | "contribution:edit" | "contribution:delete":
            if ADMIN in roles:
                return True
            return REP in roles and obj is not None and _state_of(obj) == getattr(user, "member_state_code", None)
        case "review:manage" | "review:decide" | "review:assign":
            return staff
        case "review:volunteer" | "review:queue":
            return REVIEWER in roles or staff
        case "review:assess":
            return REVIEWER in roles
        case _:
            raise ValueError(f"unknown permission {perm!r}")


def require(user: Any, perm: str, obj: Any = None, *, hide: bool = False) -> None:
    """Raise unless allowed; ``hide=True`` answers 404 so that the object's existence does not leak."""
    if can(user, perm, obj):
        return
    if hide:
        raise NotFound()
    raise PermissionDenied()
