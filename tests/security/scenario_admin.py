# SPDX-License-Identifier: EUPL-1.2
"""Matrix scenario of the administration pages: an account to manage and an invitation link."""

from __future__ import annotations

from typing import Any

from commons.admin import services
from tests.factories import UserFactory


def build(ctx: dict[str, Any]) -> None:
    target = UserFactory(role="user", email="target@matrix.example.org", name="Matrix target")
    ctx["admin_target_id"] = target.id
    invited = services.invite_user(
        ctx["users"]["admin"], email="invited@matrix.example.org", name="Matrix invited", roles=["user"]
    )
    ctx["invite_token"] = invited.link.rsplit("/", 1)[-1]
