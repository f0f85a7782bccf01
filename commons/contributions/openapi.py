# SPDX-License-Identifier: EUPL-1.2
"""OpenAPI description of the contributions endpoints (merged into /api/openapi.json by commons.api.openapi).

Writes take the same fields as the HTML forms; a line's fields go in ``lines`` (a list of objects) and field
errors come back keyed like the form's fields: ``lines-0-amount`` is the amount of the first line.
"""

from __future__ import annotations

from typing import Any

from commons.contributions.models import (
    EVIDENCE_TYPES,
    GOVERNANCE_BODIES,
    IN_KIND_KINDS,
    LINE_KINDS,
    SEAT_ROLES,
    STAFF_ROLES,
    TYPES,
    VISIBILITIES,
)
from commons.contributions.status import STAFF_DELIVERY_STATUSES


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "nullable": True, **extra}


DATE = _nullable("string", format="date")
DECIMAL = _nullable("string", pattern=r"^-?\d+(\.\d+)?$", description="A decimal number as a string.")
AMOUNT_IN = {
    "type": "string",
    "maxLength": 30,
    "description": (
        "The canonical form, whatever the request's language: ASCII digits 0-9, an optional minus, a dot as the"
        " decimal mark (no comma, no thousands separator, no other digits); at most the currency's minor units;"
        " below 10^10. A JSON number is read the same way."
    ),
    "example": "250000.00",
}
REF = {"name": "ref", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 20}}
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
VERSION = {"type": "integer", "minimum": 1, "description": "The version you read; a stale one answers 409."}
WRITE_ERRORS = {
    "401": _error("Unauthorized"),
    "403": _error("Forbidden"),
    "404": _error("NotFound"),
    "409": _error("Conflict"),
    "422": _error("Unprocessable"),
}

FUNDING_LINE_IN = {
    "type": "object",
    "required": ["kind", "date", "amount"],
    "properties": {
        "kind": {"type": "string", "enum": list(LINE_KINDS)},
        "date": {"type": "string", "format": "date", "description": "Never in the future."},
        "amount": AMOUNT_IN,
        "currency": {"type": "string", "description": "ISO 4217; EUR by default.", "example": "EUR"},
        "bank_rate": {
            "type": "string",
            "description": "Units per euro actually applied by the bank; needs `evidence_url`. Otherwise the "
            "ECB reference rate of the date (or the last earlier business day) is taken and locked.",
        },
        "evidence_url": {"type": "string", "format": "uri", "description": "http(s); required for disbursements."},
        "evidence_type": {"type": "string", "enum": list(EVIDENCE_TYPES)},
        "evidence_id": {"type": "integer", "description": "Evidence already attached to the contribution."},
        "justification": {
            "type": "string",
            "description": "Required for adjustments and when more is disbursed than committed.",
        },
        "note": {"type": "string"},
    },
}
STAFF_IN = {
    "type": "object",
    "required": ["role", "headcount"],
    "properties": {
        "role": {"type": "string", "enum": list(STAFF_ROLES)},
        "headcount": {"type": "integer", "minimum": 1, "maximum": 1000},
        "fte": {"type": "string", "description": "Total FTE, at most 1.0 per person; or `person_days`."},
        "person_days": {"type": "string", "description": "Half-day steps, within 215 days a year per person."},
        "employment_type": {"type": "string"},
        "delivery_status": {"type": "string", "enum": list(STAFF_DELIVERY_STATUSES)},
        "period_start": {"type": "string", "format": "date"},
        "period_end": {"type": "string", "format": "date"},
        "person_names": {"type": "string", "description": "Private: never shown publicly."},
    },
}
GOVERNANCE_IN = {
    "type": "object",
    "required": ["body", "seat_role"],
    "properties": {
        "body": {"type": "string", "enum": list(GOVERNANCE_BODIES)},
        "body_name": {"type": "string"},
        "membership_tier": {"type": "string"},
        "seat_role": {"type": "string", "enum": list(SEAT_ROLES)},
        "voting_rights": {"type": "boolean", "description": "An observer seat has no vote."},
        "formal": {"type": "boolean"},
        "start_date": {"type": "string", "format": "date"},
        "end_date": {"type": "string", "format": "date"},
    },
}
IN_KIND_IN = {
    "type": "object",
    "required": ["kind", "description", "quantity", "unit"],
    "properties": {
        "kind": {"type": "string", "enum": list(IN_KIND_KINDS)},
        "description": {"type": "string"},
        "quantity": {"type": "string"},
        "unit": {"type": "string"},
        "value": AMOUNT_IN,
        "currency": {"type": "string"},
    },
}

ENVELOPE_PROPERTIES: dict[str, Any] = {
    "commons": {"type": "string", "description": "Slug of the commons."},
    "title": {"type": "string", "maxLength": 255},
    "description": {"type": "string"},
    "instrument": {"type": "string"},
    "purpose_tags": {"type": "array", "items": {"type": "string"}},
    "period_start": {"type": "string", "format": "date"},
    "period_end": {"type": "string", "format": "date"},
    "decision_date": {"type": "string", "format": "date"},
    "visibility": {"type": "string", "enum": list(VISIBILITIES)},
}

SCHEMAS: dict[str, Any] = {
    "ContributionItem": {
        "type": "object",
        "required": ["ref", "member_state", "type", "status", "visibility", "commons"],
        "properties": {
            "ref": {"type": "string", "example": "FR-2026-0042"},
            "member_state": {"type": "string", "description": "ISO code (EL for Greece)."},
            "type": {"type": "string", "enum": list(TYPES)},
            "status": {"type": "string"},
            "status_label": {"type": "string"},
            "visibility": {"type": "string", "enum": list(VISIBILITIES)},
            "commons": _nullable("string", description="Slug of the commons."),
            "commons_name": _nullable("string"),
            "title": {"type": "string"},
            "period_start": DATE,
            "period_end": DATE,
            "decision_date": DATE,
            "version": {"type": "integer"},
            "deleted": {"type": "boolean"},
            "totals": {
                "type": "object",
                "description": "Totals in the type's own unit (EUR, person-days, seats, items), never added up.",
                "additionalProperties": True,
            },
        },
    },
    "ContributionList": {
        "type": "object",
        "required": ["items", "total", "next"],
        "properties": {
            "items": {"type": "array", "items": _ref("ContributionItem")},
            "total": {"type": "integer", "minimum": 0},
            "next": _nullable("string", description="Cursor of the next page; null on the last page."),
        },
    },
    "Contribution": {
        "allOf": [
            _ref("ContributionItem"),
            {
                "type": "object",
                "properties": {
                    "description": _nullable("string"),
                    "instrument": _nullable("string"),
                    "purpose_tags": {"type": "array", "items": {"type": "string"}},
                    "manual_status": _nullable("string"),
                    "status_reason": _nullable("string"),
                    "funding_lines": {"type": "array", "items": {"type": "object"}},
                    "staff": {
                        "type": "array",
                        "items": {"type": "object"},
                        "description": "person_names only for the own state's team and staff.",
                    },
                    "governance": {"type": "array", "items": {"type": "object"}},
                    "in_kind": {"type": "array", "items": {"type": "object"}},
                },
            },
        ]
    },
    "ContributionCreate": {
        "type": "object",
        "required": ["type", "commons", "title", "lines"],
        "properties": {
            "type": {"type": "string", "enum": list(TYPES)},
            "member_state": {
                "type": "string",
                "description": "Optional for representatives (their own state is used; another is refused).",
            },
            **ENVELOPE_PROPERTIES,
            "not_duplicate": {"type": "boolean", "description": "Confirm a record that looks like a duplicate."},
            "lines": {
                "type": "array",
                "minItems": 1,
                "maxItems": 50,
                "items": {"oneOf": [FUNDING_LINE_IN, STAFF_IN, GOVERNANCE_IN, IN_KIND_IN]},
                "description": "Lines of the contribution's type.",
            },
        },
    },
    "ContributionUpdate": {
        "type": "object",
        "required": ["version"],
        "properties": {"version": VERSION, **ENVELOPE_PROPERTIES},
    },
    "ImportReport": {
        "type": "object",
        "required": ["dry_run", "imported", "rows", "valid", "errors"],
        "properties": {
            "dry_run": {"type": "boolean"},
            "imported": {"type": "boolean"},
            "rows": {"type": "integer"},
            "valid": {"type": "boolean"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "row": {"type": "integer"},
                        "field": {"type": "string"},
                        "message": {"type": "string"},
                    },
                },
            },
            "created": {"type": "array", "items": {"type": "string"}},
            "would_create": {"type": "integer"},
            "updated": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


ONE = _json(_ref("Contribution"), "The contribution.")

PATHS: dict[str, Any] = {
    "/api/v1/contributions": {
        "get": {
            "operationId": "listContributions",
            "tags": ["contributions"],
            "summary": "Contributions you may read (anonymous: public ones), newest first.",
            "parameters": [
                _query("member_state", "ISO code of the member state.", {"type": "string", "maxLength": 2}),
                _query("type", "Type of contribution.", {"type": "string", "enum": list(TYPES)}),
                _query("visibility", "Visibility.", {"type": "string", "enum": list(VISIBILITIES)}),
                _query("commons", "Slug of the commons.", {"type": "string", "maxLength": 120}),
                _query("limit", "Page size.", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
                _query("cursor", "The `next` value of the previous page.", {"type": "string", "maxLength": 500}),
            ],
            "responses": {
                "200": _json(_ref("ContributionList"), "One page of contributions."),
                "400": _error("BadRequest"),
                "422": _error("Unprocessable"),
            },
        },
        "post": {
            "operationId": "createContribution",
            "tags": ["contributions"],
            "summary": "Record a contribution of your member state, with its lines.",
            "security": BEARER,
            "requestBody": _body(_ref("ContributionCreate")),
            "responses": {"201": _json(_ref("Contribution"), "Created."), **WRITE_ERRORS},
        },
    },
    "/api/v1/contributions/{ref}": {
        "get": {
            "operationId": "getContribution",
            "tags": ["contributions"],
            "summary": "One contribution with its lines (staff names only for the own state's team).",
            "parameters": [REF],
            "responses": {"200": ONE, "404": _error("NotFound")},
        },
        "patch": {
            "operationId": "patchContribution",
            "tags": ["contributions"],
            "summary": "Change some fields of the envelope; send the `version` you read.",
            "security": BEARER,
            "parameters": [REF],
            "requestBody": _body(_ref("ContributionUpdate")),
            "responses": {"200": ONE, **WRITE_ERRORS},
        },
        "put": {
            "operationId": "putContribution",
            "tags": ["contributions"],
            "summary": "Replace the envelope (unsent optional fields become empty); send the `version` you read.",
            "security": BEARER,
            "parameters": [REF],
            "requestBody": _body(_ref("ContributionUpdate")),
            "responses": {"200": ONE, **WRITE_ERRORS},
        },
        "delete": {
            "operationId": "deleteContribution",
            "tags": ["contributions"],
            "summary": "Soft delete with a reason; the record stays in the state's deleted list.",
            "security": BEARER,
            "parameters": [REF],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["version", "reason"],
                    "properties": {"version": VERSION, "reason": {"type": "string"}},
                }
            ),
            "responses": {"200": _json(_ref("ContributionItem"), "Deleted."), **WRITE_ERRORS},
        },
    },
    "/api/v1/contributions/{ref}/lines": {
        "post": {
            "operationId": "addContributionLines",
            "tags": ["contributions"],
            "summary": "Add lines of the contribution's type (funding lines are never edited: add adjustments).",
            "security": BEARER,
            "parameters": [REF],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["version", "lines"],
                    "properties": {
                        "version": VERSION,
                        "lines": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 50,
                            "items": {"oneOf": [FUNDING_LINE_IN, STAFF_IN, GOVERNANCE_IN, IN_KIND_IN]},
                        },
                    },
                }
            ),
            "responses": {"201": _json(_ref("Contribution"), "The contribution with its new lines."), **WRITE_ERRORS},
        }
    },
    "/api/v1/contributions/{ref}/lines/{line_key}": {
        "patch": {
            "operationId": "updateContributionLine",
            "tags": ["contributions"],
            "summary": "Change a staff allocation, a governance seat or an in-kind item (send all its fields). "
            "Funding lines are never changed (409): add an adjustment line.",
            "security": BEARER,
            "parameters": [
                REF,
                {
                    "name": "line_key",
                    "in": "path",
                    "required": True,
                    "description": "The line's id (as listed by the contribution's detail).",
                    "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"},
                },
            ],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["version", "line"],
                    "properties": {"version": VERSION, "line": {"oneOf": [STAFF_IN, GOVERNANCE_IN, IN_KIND_IN]}},
                }
            ),
            "responses": {"200": ONE, **WRITE_ERRORS},
        }
    },
    "/api/v1/contributions/{ref}/evidence": {
        "post": {
            "operationId": "addContributionEvidence",
            "tags": ["contributions"],
            "summary": "Attach evidence (an http(s) link) with its own visibility.",
            "security": BEARER,
            "parameters": [REF],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["version", "url"],
                    "properties": {
                        "version": VERSION,
                        "url": {"type": "string", "format": "uri"},
                        "type": {"type": "string", "enum": list(EVIDENCE_TYPES)},
                        "title": {"type": "string"},
                        "visibility": {"type": "string", "enum": list(VISIBILITIES)},
                    },
                }
            ),
            "responses": {"201": _json(_ref("Contribution"), "The contribution."), **WRITE_ERRORS},
        }
    },
    "/api/v1/contributions/{ref}/status": {
        "post": {
            "operationId": "setContributionStatus",
            "tags": ["contributions"],
            "summary": "Cancel, suspend or close with a reason; `status: null` follows the lines again.",
            "security": BEARER,
            "parameters": [REF],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["version"],
                    "properties": {
                        "version": VERSION,
                        "status": _nullable("string", enum=["cancelled", "suspended", "closed", None]),
                        "reason": {"type": "string"},
                    },
                }
            ),
            "responses": {"200": ONE, **WRITE_ERRORS},
        }
    },
    "/api/v1/contributions/import": {
        "post": {
            "operationId": "importContributions",
            "tags": ["contributions"],
            "summary": "Bulk CSV import: every row valid, or nothing imported; `dry_run=1` only checks.",
            "description": (
                "One row is one contribution with one line, or a line added to the contribution named in `ref`. "
                "Columns: `ref, type, commons, title, description, visibility, instrument, purpose_tags, "
                "period_start, period_end, decision_date, not_duplicate`, and the line's fields prefixed with "
                "`line_` (`line_kind, line_date, line_amount, line_currency, line_bank_rate, line_evidence_url, "
                "line_justification, line_role, line_headcount, line_fte, line_person_days, line_body, "
                "line_seat_role, line_voting_rights, line_quantity, line_unit, line_value` …). Rows are numbered "
                "as in a spreadsheet (the header is row 1)."
            ),
            "security": BEARER,
            "parameters": [_query("dry_run", "Check only, import nothing.", {"type": "string", "enum": ["1", "0"]})],
            "requestBody": {
                "required": True,
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "multipart/form-data": {
                        "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                    },
                },
            },
            "responses": {
                "200": _json(_ref("ImportReport"), "Dry run: every row is valid; nothing imported."),
                "201": _json(_ref("ImportReport"), "Every row imported."),
                "401": _error("Unauthorized"),
                "403": _error("Forbidden"),
                "422": _json(
                    {"oneOf": [_ref("ImportReport"), _ref("Error")]},
                    "Problems by row and field (or a file that is not a CSV file); nothing imported.",
                ),
            },
        }
    },
}
