# SPDX-License-Identifier: EUPL-1.2
"""Demo contributions (filled in by the contributions feature)."""

from __future__ import annotations


def load_contributions_demo() -> list[str]:
    """Create demo contributions; returns lines to print."""
    return []
