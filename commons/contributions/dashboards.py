# SPDX-License-Identifier: EUPL-1.2
"""Contribution dashboards: public aggregates, initiative and restricted views by role."""

from __future__ import annotations
