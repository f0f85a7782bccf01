# SPDX-License-Identifier: EUPL-1.2
"""The public JSON API under ``/api/v1``; each feature adds its routes in its own ``api.py``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

# Route modules register themselves on ``bp`` when imported.
from commons.api import routes  # noqa: E402,F401
