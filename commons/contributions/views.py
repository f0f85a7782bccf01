# SPDX-License-Identifier: EUPL-1.2
"""Contributions pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contributions", __name__)
