# SPDX-License-Identifier: EUPL-1.2
"""Exports of contributions: CSV, JSON, XLSX and IATI 2.03 activity XML under ``/exports``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/exports")
