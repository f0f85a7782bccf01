# SPDX-License-Identifier: EUPL-1.2
"""Fixtures of the review tests: a local SMTP server wired into the application's mail settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.reviews.smtp import SMTPServer


@pytest.fixture()
def smtp(app: Flask) -> Iterator[SMTPServer]:
    """Mail enabled and sent to an SMTP server on 127.0.0.1 that keeps the messages."""
    with SMTPServer() as server:
        app.config.update(MAIL_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        yield server


@pytest.fixture()
def staff(users: dict[str, Any]) -> Any:
    return users["secretariat"]
