# SPDX-License-Identifier: EUPL-1.2
"""Harvest pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("harvest", __name__)
