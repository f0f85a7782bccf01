# SPDX-License-Identifier: EUPL-1.2
"""OpenAPI 3.0 description of the harvest endpoints, merged into ``/api/openapi.json``."""

from __future__ import annotations

from typing import Any

from harvesters import FAILURE_CAUSES

# Why a request failed (docs/harvest.md, "Why a run failed"); null when the job did not fail.
_CAUSE = {
    "type": "string",
    "nullable": True,
    "enum": [*FAILURE_CAUSES, "interrupted", None],
}
_COUNTS = ("added", "updated", "unchanged", "archived", "errored", "requests", "not_modified")

SCHEMAS: dict[str, Any] = {
    "HarvestedRepository": {
        "type": "object",
        "required": ["id", "name", "full_name", "url", "host", "remote_id", "license", "archived"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "full_name": {"type": "string", "description": "owner/name on the forge"},
            "url": {"type": "string", "format": "uri"},
            "host": {"type": "string", "description": "forge host[:port]"},
            "remote_id": {"type": "string", "description": "the forge's id; `url:<path>` when not yet harvested"},
            "forge": {"type": "string", "nullable": True, "enum": ["github", "gitlab", "gitea", None]},
            "description": {"type": "string", "nullable": True},
            "license": {"type": "string", "nullable": True, "description": "SPDX licence identifier"},
            "topics": {"type": "array", "items": {"type": "string"}},
            "languages": {"type": "array", "items": {"type": "string"}},
            "stars": {"type": "integer"},
            "forks": {"type": "integer"},
            "archived": {"type": "boolean", "description": "archived on the forge"},
            "gone": {"type": "boolean", "description": "missing from the forge for the grace period"},
            "fork": {"type": "boolean"},
            "pushed_at": {"type": "string", "format": "date-time", "nullable": True},
            "previous_names": {"type": "array", "items": {"type": "string"}},
            "publiccode_valid": {"type": "boolean", "nullable": True},
            "commons": {"type": "string", "nullable": True, "description": "slug of the commons"},
            "source": {"type": "integer", "nullable": True, "description": "id of the harvest source"},
        },
    },
    "HarvestedRepositoryList": {
        "type": "object",
        "required": ["items", "total", "next"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/HarvestedRepository"}},
            "total": {"type": "integer"},
            "next": {"type": "string", "nullable": True, "description": "cursor of the next page"},
        },
    },
    "HarvestJob": {
        "type": "object",
        "required": ["job", "status", *_COUNTS],
        "properties": {
            "job": {"type": "integer"},
            "status": {"type": "string", "enum": ["queued", "running", "succeeded", "partial", "failed"]},
            "source": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "kind": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                },
            },
            **{name: {"type": "integer"} for name in _COUNTS},
            "started_at": {"type": "string", "format": "date-time", "nullable": True},
            "finished_at": {"type": "string", "format": "date-time", "nullable": True},
            "error": {"type": "string", "nullable": True},
            "cause": _CAUSE,
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "stage": {"type": "string"},
                        "remote_id": {"type": "string", "nullable": True},
                        "full_name": {"type": "string", "nullable": True},
                        "url": {"type": "string", "nullable": True},
                        "error": {"type": "string", "nullable": True},
                        "cause": _CAUSE,
                    },
                },
            },
        },
    },
}

_ERROR = {"description": "Invalid parameter", "content": {"application/json": {"schema": {"type": "object"}}}}

PATHS: dict[str, Any] = {
    "/api/v1/repositories": {
        "get": {
            "summary": "Harvested repositories",
            "operationId": "listRepositories",
            "tags": ["harvest"],
            "parameters": [
                {
                    "name": "source",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
                    "description": "harvest source id",
                },
                {"name": "host", "in": "query", "schema": {"type": "string"}, "description": "forge host[:port]"},
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                {
                    "name": "cursor",
                    "in": "query",
                    "schema": {"type": "string", "maxLength": 500},
                    "description": "The `next` value of the previous page; any other value answers 400.",
                },
            ],
            "responses": {
                "200": {
                    "description": "A page of repositories",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/HarvestedRepositoryList"}}
                    },
                },
                "400": {**_ERROR, "description": "The cursor is not one this API gave out."},
                "422": _ERROR,
            },
        }
    },
    "/api/v1/harvest/jobs/{job_id}": {
        "get": {
            "summary": "Public summary of a harvest job, with its per-item errors",
            "operationId": "getHarvestJob",
            "tags": ["harvest"],
            "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {
                "200": {
                    "description": "The job",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HarvestJob"}}},
                },
                "404": {"description": "No such job"},
            },
        }
    },
}
