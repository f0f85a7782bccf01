# SPDX-License-Identifier: EUPL-1.2
"""Catalogue exports: the search as CSV and JSON, publiccode.yml per commons, and the Atom feed."""

from __future__ import annotations

from commons.catalogue.views import bp  # noqa: F401
