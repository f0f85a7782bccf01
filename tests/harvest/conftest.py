# SPDX-License-Identifier: EUPL-1.2
"""Fixtures for the harvest feature: a fake forge on 127.0.0.1 the app is allowed to reach."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from commons.extensions import db
from commons.harvest import services
from commons.harvest.models import HarvestSource
from tests.fakeforge import FakeForge


@pytest.fixture
def forge() -> Iterator[FakeForge]:
    """A running fake forge, stopped after the test."""
    with FakeForge() as running:
        yield running


@pytest.fixture
def harvest_app(app: Flask, forge: FakeForge) -> Flask:
    """The test app, allowed to reach the fake forge, with short timeouts."""
    app.config.update(
        COMMONS_HARVEST_ALLOWED_HOSTS=forge.host,
        COMMONS_HARVEST_TIMEOUT="2,2",
        COMMONS_BROKER_URL=None,
    )
    return app


@pytest.fixture
def make_source(harvest_app: Flask, forge: FakeForge) -> Callable[..., HarvestSource]:
    """``make_source("github", "etalab")``: an approved source for an owner of the fake forge."""

    def factory(kind: str = "github", owner: str = "etalab", **kwargs: Any) -> HarvestSource:
        source = services.add_source(kind=kind, url=forge.web_url(kind, owner), approve=True, **kwargs)
        db.session.commit()
        return source

    return factory
