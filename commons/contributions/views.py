# SPDX-License-Identifier: EUPL-1.2
"""Contribution pages: forms for member-state teams (dashboards live in dashboards.py)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contributions", __name__)

# Dashboard routes register themselves on ``bp``.
from commons.contributions import dashboards  # noqa: E402,F401
