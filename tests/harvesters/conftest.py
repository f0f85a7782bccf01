# SPDX-License-Identifier: EUPL-1.2
"""Fixtures for the forge clients and the outbound session: a fake forge on 127.0.0.1."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# tests/ is not a package; make `tests.fakeforge` importable whatever the rootdir logic did.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from commons.outbound import GuardedSession, OutboundPolicy, build_session  # noqa: E402
from tests.fakeforge import FakeForge  # noqa: E402


@pytest.fixture
def forge() -> Iterator[FakeForge]:
    """A running fake forge, stopped after the test."""
    with FakeForge() as running:
        yield running


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the session asked for (the injected sleep records instead of sleeping)."""
    return []


@pytest.fixture
def make_session(forge: FakeForge, sleeps: list[float]) -> Callable[..., GuardedSession]:
    """Build a guarded session that may reach the fake forge; keyword arguments tune the policy."""

    def factory(**overrides: Any) -> GuardedSession:
        policy = OutboundPolicy(
            allowed_hosts={forge.host},
            connect_timeout=2,
            read_timeout=5,
            backoff=0.01,
        )
        for name, value in overrides.items():
            setattr(policy, name, value)
        session = build_session(policy)
        session.sleep = sleeps.append
        return session

    return factory


@pytest.fixture
def session(make_session: Callable[..., GuardedSession]) -> Iterator[GuardedSession]:
    """A guarded session with the default test policy."""
    built = make_session()
    yield built
    built.close()
