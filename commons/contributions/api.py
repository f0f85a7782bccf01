# SPDX-License-Identifier: EUPL-1.2
"""Contributions endpoints of the JSON API."""

from commons.api import bp  # noqa: F401
