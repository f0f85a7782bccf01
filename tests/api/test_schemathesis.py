# SPDX-License-Identifier: EUPL-1.2
"""schemathesis against ``/api/openapi.json``: generated requests to every documented operation, on a
migrated database filled with the demo data, through the WSGI app (no server, no network).

Checks: no 5xx, responses and status codes as documented, and writes without a token refused with 401.
Examples are bounded and derandomised (the same cases on every run); there is no shrinking, so a failure
is reported as generated.

The schema is loaded at module level: ``schemathesis.pytest.from_fixture`` does not work with pytest 9.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound as RoutingNotFound

from commons import create_app
from commons.accounts.models import User
from commons.accounts.services import create_token
from commons.extensions import db

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
MAX_EXAMPLES = int(os.environ.get("COMMONS_SCHEMATHESIS_EXAMPLES", "12"))

_workdir = Path(tempfile.mkdtemp(prefix="commons-schemathesis-"))
APP = create_app(
    "testing",
    SQLALCHEMY_DATABASE_URI=f"sqlite:///{_workdir / 'api.db'}",
    # Generated bodies come in fast from one address; the throttle is tested elsewhere.
    COMMONS_LOGIN_IP_MAX_FAILURES=10**6,
)
# Scenarios of the stateful phase (each a few linked calls), bounded like the examples.
STATEFUL_EXAMPLES = int(os.environ.get("COMMONS_SCHEMATHESIS_STATEFUL_EXAMPLES", "15"))
STATEFUL_STEPS = int(os.environ.get("COMMONS_SCHEMATHESIS_STATEFUL_STEPS", "6"))
_CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
        # The coverage phase sends the boundary values of every documented constraint (too long, too many,
        # below the minimum, missing required fields, wrong types); the stateful phase chains operations
        # through the links schemathesis infers (create, then read or change what was created).
        "phases": {
            "coverage": {"enabled": True},
            "stateful": {"enabled": True, "max-steps": STATEFUL_STEPS},
        },
    }
)


def _load() -> Any:
    if "api.openapi" not in APP.view_functions:
        return None
    return schemathesis.openapi.from_wsgi("/api/openapi.json", APP, config=_CONFIG)


schema = _load()
TOKENS: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def demo_database() -> Any:
    """Migrate the module's database and load the demo data before the first generated request."""
    from flask_migrate import upgrade

    from commons.demo import load_demo

    with APP.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.commons.example"))
        TOKENS["admin"] = create_token(admin, "schemathesis")[1]
        db.session.commit()
        db.session.remove()
    yield
    with APP.app_context():
        db.engine.dispose()
    shutil.rmtree(_workdir, ignore_errors=True)


GUARD_MESSAGES = (
    "The value contains a character that is not allowed.",
    "The JSON document is nested too deeply.",
    "A field of the form has no valid name.",
    "A file field of the form has no valid name.",
)


def _refused_by_the_input_guard(response: Any) -> bool:
    """Input no view may see (NUL, lone surrogates, deep nesting, nameless fields) is refused before any view,
    authentication included (``commons.security.check_request_input``): 400 or 422 with the guard's message."""
    if response.status_code not in (400, 422):
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    messages = [body.get("message")] + [m for ms in (body.get("errors") or {}).values() for m in ms]
    return any(message in GUARD_MESSAGES for message in messages)


def anonymous_writes_are_refused(ctx: Any, response: Any, case: Any) -> bool | None:
    """A write without ``Authorization`` must answer 401, whatever the body."""
    headers = {k.lower() for k in (case.headers or {})}
    if case.method.upper() in WRITES and "authorization" not in headers:
        try:
            APP.url_map.bind("localhost").match(case.formatted_path, method=case.method.upper())
        except (RoutingNotFound, MethodNotAllowed):
            # A generated path that no route matches (a float id, say): routing answers before authentication.
            return None
        if _refused_by_the_input_guard(response):
            return None
        assert response.status_code == 401, (
            f"{case.method} {case.formatted_path} without a token answered {response.status_code}"
        )
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    anonymous_writes_are_refused,
]

if schema is None:

    def test_openapi_document_exists():
        pytest.skip("/api/openapi.json is not served yet (the API feature adds it)")

else:

    @schema.parametrize()
    def test_api_conforms_to_its_openapi_document(case):
        case.call_and_validate(checks=CHECKS)

    @schema.include(method=sorted(WRITES)).parametrize()
    def test_api_writes_with_a_token_never_fail_on_the_server(case):
        # An admin may write everything: generated bodies reach validation and the services.
        case.call_and_validate(
            headers={"Authorization": f"Bearer {TOKENS['admin']}"},
            checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
        )

    class APIWorkflow(schema.as_state_machine()):  # type: ignore[misc]
        """The stateful phase: sequences of calls as an admin, each answer checked like the single calls."""

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Bearer {TOKENS['admin']}"}}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(
                response, checks=[not_a_server_error, status_code_conformance, response_schema_conformance]
            )

    def test_api_workflows_never_fail_on_the_server():
        from hypothesis import HealthCheck, settings

        APIWorkflow.run(
            settings=settings(
                max_examples=STATEFUL_EXAMPLES,
                stateful_step_count=STATEFUL_STEPS,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
        )


class _Case:
    method = "POST"
    formatted_path = "/api/v1/nominations"
    headers: dict[str, str] = {}


class _Response:
    status_code = 200


def test_anonymous_write_check_fails_on_an_accepted_write():
    with pytest.raises(AssertionError):
        anonymous_writes_are_refused(None, _Response(), _Case())


def test_anonymous_write_check_leaves_unrouted_paths_to_routing():
    class Unrouted(_Case):
        formatted_path = "/api/v1/reviews/1.5/transitions"

    assert anonymous_writes_are_refused(None, _Response(), Unrouted()) is None


class _GuardAnswer(_Response):
    status_code = 422

    def json(self) -> dict[str, Any]:
        return {"status": 422, "errors": {"title": ["The value contains a character that is not allowed."]}}


class _ValidationAnswer(_GuardAnswer):
    def json(self) -> dict[str, Any]:
        return {"status": 422, "errors": {"title": ["This field is required."]}}


def test_anonymous_write_check_leaves_hostile_characters_to_the_input_guard():
    assert anonymous_writes_are_refused(None, _GuardAnswer(), _Case()) is None
    # Any other validation answer to an anonymous write is a write that skipped authentication.
    with pytest.raises(AssertionError):
        anonymous_writes_are_refused(None, _ValidationAnswer(), _Case())
