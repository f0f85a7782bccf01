# SPDX-License-Identifier: EUPL-1.2
"""Organisations pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("organisations", __name__)
