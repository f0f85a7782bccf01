# SPDX-License-Identifier: EUPL-1.2
"""Demo review rounds (filled in by the review feature)."""

from __future__ import annotations


def load_reviews_demo() -> list[str]:
    """Create demo review rounds; returns lines to print."""
    return []
