# SPDX-License-Identifier: EUPL-1.2
"""Fixtures of the administration tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import CommonsFactory


@pytest.fixture()
def commons(app: Any) -> Any:
    return CommonsFactory(name="Docs", slug="docs-admin-test", catalogue_status="accepted")
