# SPDX-License-Identifier: EUPL-1.2
"""OpenAPI 3.0 description of the reviews endpoints, merged into ``/api/openapi.json``."""

from __future__ import annotations

from typing import Any

from commons.reviews.models import STATES

_ERROR = {"$ref": "#/components/schemas/ReviewError"}
_BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "401": _json(_ERROR, "No valid API token."),
    "403": _json(_ERROR, "The token's user may not do this."),
    "404": _json(_ERROR, "No such round."),
}

_REVIEW_ID = {"name": "review_id", "in": "path", "required": True, "schema": {"type": "integer"}}

PATHS: dict[str, Any] = {
    "/api/v1/reviews": {
        "get": {
            "summary": "Review rounds (working group)",
            "tags": ["reviews"],
            "security": _BEARER,
            "parameters": [
                {"name": "status", "in": "query", "schema": {"type": "string", "enum": list(STATES)}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                {
                    "name": "cursor",
                    "in": "query",
                    "schema": {"type": "string", "maxLength": 500},
                    "description": "The `next` value of the previous page; any other value answers 400.",
                },
            ],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["items", "total", "next"],
                        "properties": {
                            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Review"}},
                            "total": {"type": "integer"},
                            "next": {"type": "string", "nullable": True},
                        },
                    },
                    "A page of rounds, newest first.",
                ),
                "400": _json(_ERROR, "The cursor is not one this API gave out."),
                "422": _json(_ERROR, "Bad query parameter."),
                **_ERRORS,
            },
        }
    },
    "/api/v1/reviews/{review_id}": {
        "get": {
            "summary": "One review round",
            "tags": ["reviews"],
            "security": _BEARER,
            "parameters": [_REVIEW_ID],
            "responses": {"200": _json({"$ref": "#/components/schemas/Review"}, "The round."), **_ERRORS},
        }
    },
    "/api/v1/reviews/{review_id}/transitions": {
        "post": {
            "summary": "Move a round to another state",
            "description": (
                "Actions: submit (draft → submitted), start (submitted → in_review), withdraw, "
                "request_clarification (question, deadline, recipients), answer_clarification (answer), "
                "decide (decision, rationale). An invalid transition or a stale version answers 409 and "
                "changes nothing."
            ),
            "tags": ["reviews"],
            "security": _BEARER,
            "parameters": [_REVIEW_ID],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReviewTransition"}}},
            },
            "responses": {
                "200": _json({"$ref": "#/components/schemas/Review"}, "The round after the transition."),
                "409": _json(_ERROR, "Not allowed in the current state, or the version is stale."),
                "422": _json(_ERROR, "Invalid data, with a message per field."),
                **_ERRORS,
            },
        }
    },
    "/api/v1/commons/{slug}/review": {
        "get": {
            "summary": "Public review decision of a commons",
            "tags": ["reviews"],
            "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "commons": {"type": "string"},
                            "review": {"allOf": [{"$ref": "#/components/schemas/ReviewSummary"}], "nullable": True},
                        },
                    },
                    "The latest public round (null when none).",
                ),
                "404": _json(_ERROR, "No such commons."),
            },
        }
    },
}  # fmt: skip

_CRITERION = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "example": "G1"},
        "kind": {"type": "string", "enum": ["gate", "scored"]},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "verdicts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "score": {"type": "number", "nullable": True, "description": "Mean score (0–3) of completed assessments."},
        "scores": {"type": "integer"},
    },
}

SCHEMAS: dict[str, Any] = {
    "ReviewError": {
        "type": "object",
        "required": ["status", "message"],
        "properties": {
            "status": {"type": "integer"},
            "message": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        },
    },
    "ReviewCriterion": _CRITERION,
    "Review": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "commons": {"type": "string"},
            "round": {"type": "string", "enum": ["initial", "renewal"]},
            "criteria_version": {"type": "string"},
            "status": {"type": "string"},
            "version": {"type": "integer"},
            "decision": {"type": "string", "enum": ["accepted", "ineligible"], "nullable": True},
            "rationale": {"type": "string", "nullable": True},
            "decided_at": {"type": "string", "format": "date-time", "nullable": True},
            "valid_from": {"type": "string", "format": "date", "nullable": True},
            "valid_until": {"type": "string", "format": "date", "nullable": True},
            "created_at": {"type": "string", "format": "date-time", "nullable": True},
            "criteria": {"type": "array", "items": {"$ref": "#/components/schemas/ReviewCriterion"}},
            "reviewers": {"type": "array", "items": {"type": "object"}},
            "clarifications": {"type": "array", "items": {"type": "object"}},
        },
    },
    "ReviewSummary": {
        "type": "object",
        "properties": {
            "status": {"type": "string"},
            "decision": {"type": "string", "nullable": True},
            "decided_at": {"type": "string", "format": "date-time", "nullable": True},
            "valid_from": {"type": "string", "format": "date", "nullable": True},
            "valid_until": {"type": "string", "format": "date", "nullable": True},
            "round": {"type": "string"},
            "criteria_version": {"type": "string"},
            "rationale": {"type": "string", "nullable": True},
            "scores": {"type": "object", "additionalProperties": {"type": "number", "nullable": True}},
            "criteria": {"type": "array", "items": {"$ref": "#/components/schemas/ReviewCriterion"}},
        },
    },
    "ReviewTransition": {
        "type": "object",
        "required": ["action"],
        "additionalProperties": False,
        "properties": {
            "action": {
                "type": "string",
                "enum": ["submit", "start", "withdraw", "request_clarification", "answer_clarification", "decide"],
            },
            "version": {"type": "integer", "description": "The round's version you read; stale → 409."},
            "reason": {"type": "string"},
            "question": {"type": "string"},
            "deadline": {"type": "string", "format": "date"},
            "recipients": {"type": "array", "items": {"type": "string", "format": "email"}},
            "answer": {"type": "string"},
            "decision": {"type": "string", "enum": ["accepted", "ineligible"]},
            "rationale": {"type": "string"},
        },
    },
}
