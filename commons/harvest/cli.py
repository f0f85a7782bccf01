# SPDX-License-Identifier: EUPL-1.2
"""Commands of the harvest feature, added to the ``commons`` group."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add this feature's commands to ``group``."""
