# SPDX-License-Identifier: EUPL-1.2
"""The OpenAPI document: valid OpenAPI 3, complete over the URL map, and true to the real answers."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from commons.api.openapi import clashes, flask_path, undocumented
from commons.extensions import db
from tests.catalogue.factories import StewardFactory, UsageFactory
from tests.factories import CommonsFactory, OrganisationFactory, RepositoryFactory


@pytest.fixture()
def document(client) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.json


def test_document_is_valid_openapi(document):
    validate(document)  # raises OpenAPIValidationError with the offending path
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_api_route_of_the_url_map_is_described(app, document):
    missing = undocumented(app, document)
    assert not missing, "API routes without an OpenAPI description (add them to commons/<feature>/openapi.py): " + (
        ", ".join(missing)
    )


def test_completeness_check_notices_an_undocumented_route(app, document):
    # The check above must be able to fail: an extra route on a copy of the URL map is reported.
    other = Flask("other")
    for rule in app.url_map.iter_rules():
        other.add_url_rule(rule.rule, rule.endpoint, methods=rule.methods)
    other.add_url_rule("/api/v1/widgets/<int:widget_id>", "widgets", methods=["GET", "DELETE"])
    missing = set(undocumented(other, document)) - set(undocumented(app, document))
    assert missing == {"DELETE /api/v1/widgets/{widget_id}", "GET /api/v1/widgets/{widget_id}"}
    assert flask_path("/api/v1/harvest/jobs/<int:job_id>") == "/api/v1/harvest/jobs/{job_id}"


def test_no_two_features_define_the_same_schema_or_operation(app):
    assert clashes() == []


def test_writes_declare_bearer_security_and_error_responses(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("post", "put", "patch", "delete"):
                assert operation.get("security") == [{"bearerAuth": []}], f"{method} {path}"
                assert "401" in operation["responses"], f"{method} {path}"
                assert "requestBody" in operation or method == "delete", f"{method} {path}"


def _resolve(node: Any, document: dict[str, Any]) -> Any:
    """Inline every $ref (the document has no recursive schemas)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return _resolve(target, document)
        return {k: _resolve(v, document) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, document) for v in node]
    return node


def _check(document: dict[str, Any], path: str, method: str, response: Any) -> None:
    operation = document["paths"][path][method]
    described = operation["responses"].get(str(response.status_code))
    assert described is not None, f"{method.upper()} {path} answered undocumented {response.status_code}"
    schema = _resolve(described, document)["content"]["application/json"]["schema"]
    errors = sorted(OAS30Validator(schema).iter_errors(response.json), key=str)
    assert not errors, f"{method.upper()} {path} {response.status_code}: {errors[0]}"


def test_catalogue_answers_match_their_schemas(client, document):
    commons = CommonsFactory(slug="schema-commons", summary=None, country=None)
    RepositoryFactory(commons=commons, health={"contributors": 4})
    org = OrganisationFactory(slug="schema-org")
    StewardFactory(commons=commons, organisation=org)
    UsageFactory(commons=commons, organisation=org)
    db.session.flush()
    cases = [
        ("/api/v1/commons", "/api/v1/commons?limit=1"),
        ("/api/v1/commons", "/api/v1/commons?limit=0"),
        ("/api/v1/commons/{slug}", "/api/v1/commons/schema-commons"),
        ("/api/v1/commons/{slug}", "/api/v1/commons/missing"),
        ("/api/v1/organisations", "/api/v1/organisations"),
        ("/api/v1/organisations/{slug}", "/api/v1/organisations/schema-org"),
        ("/api/v1/member-states", "/api/v1/member-states"),
        ("/api/v1/usage", "/api/v1/usage?commons=schema-commons"),
        ("/api/v1/usage", "/api/v1/usage?cursor=%25"),
    ]
    for path, url in cases:
        _check(document, path, "get", client.get(url))


def test_write_answers_match_their_schemas(client, document, users):
    from commons.accounts.services import create_token

    user = users["user"]
    user.organisation = OrganisationFactory(slug="writer-org")
    CommonsFactory(slug="written")
    db.session.flush()
    _row, clear = create_token(user)
    db.session.flush()
    auth = {"Authorization": f"Bearer {clear}"}
    _check(document, "/api/v1/usage", "post", client.post("/api/v1/usage", json={"commons": "written"}, headers=auth))
    _check(document, "/api/v1/usage", "post", client.post("/api/v1/usage", json={"commons": "written"}, headers=auth))
    _check(document, "/api/v1/usage", "post", client.post("/api/v1/usage", json={"commons": "x"}, headers=auth))
    _check(document, "/api/v1/usage", "post", client.post("/api/v1/usage", json={"commons": "written"}))
    _check(document, "/api/v1/nominations", "post", client.post("/api/v1/nominations", json={}, headers=auth))
    _check(document, "/api/v1/nominations", "post", client.post("/api/v1/nominations", json={"url": "x"}))


def test_api_page_links_the_document_the_endpoints_and_the_exports(client):
    body = client.get("/api").get_data(as_text=True)
    for link in ('href="/api/openapi.json"', 'href="/api/v1/commons"', 'href="/commons/export.csv"', "CC BY 4.0"):
        assert link in body
