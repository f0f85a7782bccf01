# SPDX-License-Identifier: EUPL-1.2
"""Reviews pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reviews", __name__)
