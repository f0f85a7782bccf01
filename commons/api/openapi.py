# SPDX-License-Identifier: EUPL-1.2
"""The OpenAPI 3 document of the JSON API, assembled at run time from every feature's ``openapi.py``.

Each feature package may hold an ``openapi.py`` with ``PATHS`` (path items keyed by the full path, e.g.
``/api/v1/commons/{slug}``) and ``SCHEMAS`` (components/schemas). A feature without one is simply absent;
the completeness test (tests/api) then names the routes nobody described.
"""

from __future__ import annotations

import copy
import importlib
import pkgutil
import re
from typing import Any

from flask import Flask, current_app, jsonify

import commons
from commons.api import bp

OPENAPI_VERSION = "3.0.3"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Shared by every feature: the error body of commons.errors.json_error, and its common responses.
SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["status", "message"],
        "properties": {
            "status": {"type": "integer", "example": 422},
            "message": {"type": "string"},
            "errors": {
                "type": "object",
                "description": "Messages per field name.",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}


def error_response(description: str) -> dict[str, Any]:
    """A response object whose body is the shared ``Error`` schema."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


# Responses any feature can reference as {"$ref": "#/components/responses/NotFound"}.
RESPONSES: dict[str, Any] = {
    "BadRequest": error_response("The request is malformed (e.g. a parameter of the wrong type)."),
    "Unauthorized": error_response("No valid API token: send Authorization: Bearer <token>."),
    "Forbidden": error_response("The token's user may not do this."),
    "NotFound": error_response("No such object, or it is not visible to you."),
    "Conflict": error_response("The request conflicts with the current state; nothing was changed."),
    "Unprocessable": error_response("Some fields are not valid: see errors."),
}

PATHS: dict[str, Any] = {
    "/api/openapi.json": {
        "get": {
            "operationId": "openapi",
            "tags": ["meta"],
            "summary": "This OpenAPI document.",
            "responses": {
                "200": {
                    "description": "The OpenAPI 3 document describing every endpoint.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    },
}


def feature_modules() -> list[Any]:
    """Every ``commons.<feature>.openapi`` module that exists, this package's own first."""
    modules: list[Any] = []
    for info in sorted(pkgutil.iter_modules(commons.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        name = f"commons.{info.name}.openapi"
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            # Only the absence of the feature's own openapi.py is tolerated; a broken import inside it is not.
            if exc.name != name:
                raise
    own = [m for m in modules if m.__name__ == __name__]
    return own + [m for m in modules if m.__name__ != __name__]


def flask_path(rule: str) -> str:
    """``/api/v1/commons/<slug>`` and ``<int:id>`` become OpenAPI's ``{slug}`` and ``{id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def api_rules(app: Flask) -> dict[str, set[str]]:
    """The API routes of the URL map: OpenAPI path -> lower-case methods (HEAD and OPTIONS left out)."""
    out: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        methods = {m.lower() for m in (rule.methods or set())} - {"head", "options"}
        out.setdefault(flask_path(rule.rule), set()).update(methods)
    return out


def undocumented(app: Flask, document: dict[str, Any]) -> list[str]:
    """``METHOD /path`` of every API route that ``document`` does not describe."""
    missing = []
    for path, methods in sorted(api_rules(app).items()):
        described = document.get("paths", {}).get(path, {})
        missing += [f"{method.upper()} {path}" for method in sorted(methods) if method not in described]
    return missing


def _merge(modules: list[Any]) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Paths and schemas of all modules, and the names two modules define differently (first wins)."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    clashes: list[str] = []
    for module in modules:
        for path, item in getattr(module, "PATHS", {}).items():
            merged = paths.setdefault(path, {})
            for key, value in item.items():
                if key in merged and merged[key] != value:
                    clashes.append(f"{key} {path} ({module.__name__})")
                    continue
                merged[key] = copy.deepcopy(value)
        for name, schema in getattr(module, "SCHEMAS", {}).items():
            if name in schemas and schemas[name] != schema:
                clashes.append(f"schema {name} ({module.__name__})")
                continue
            schemas[name] = copy.deepcopy(schema)
    return paths, schemas, clashes


def clashes() -> list[str]:
    """Operations or schemas that two features define differently: each must have one owner."""
    return _merge(feature_modules())[2]


def build_document(app: Flask) -> dict[str, Any]:
    """Assemble the whole document. Operations described but not routed are dropped, so it never lies."""
    paths, schemas, _clashes = _merge(feature_modules())
    routed = api_rules(app)
    paths = {
        path: {key: value for key, value in item.items() if key not in HTTP_METHODS or key in routed[path]}
        for path, item in paths.items()
        if path in routed
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "commons API",
            "version": commons.__version__,
            "description": (
                "Public JSON API of the European initiative for digital commons. Reading needs no account; "
                "writes need `Authorization: Bearer <token>` (create a token on your account page or with "
                "`commons tokens create`). Lists are cursor-paginated: follow `next` until it is null."
            ),
            "license": {"name": "EUPL-1.2", "url": "https://interoperable-europe.ec.europa.eu/collection/eupl"},
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "responses": copy.deepcopy(RESPONSES),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token of your account.",
                }
            },
        },
    }


@bp.route("/openapi.json")
def openapi() -> Any:
    """The OpenAPI document, built on each request (cheap, and always matches the URL map)."""
    return jsonify(build_document(current_app._get_current_object()))  # type: ignore[attr-defined]
