# SPDX-License-Identifier: EUPL-1.2
"""OpenAPI description of the catalogue endpoints (merged into /api/openapi.json by commons.api.openapi)."""

from __future__ import annotations

from typing import Any

from commons.catalogue.functions import functions as function_codes
from commons.catalogue.models import CATEGORIES, STATUSES
from commons.organisations.models import ORG_TYPES


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "nullable": True, **extra}


def _error(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


STRINGS = {"type": "array", "items": {"type": "string"}}
DATE_TIME = _nullable("string", format="date-time")
DATE = _nullable("string", format="date")


def _list_of(item: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "total", "next"],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer", "minimum": 0},
            "next": _nullable("string", description="Cursor of the next page; null on the last page."),
            **extra,
        },
    }


def _query(name: str, description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema, **extra}


def _multi(name: str, description: str, item: dict[str, Any] | None = None) -> dict[str, Any]:
    """A facet filter: repeat the parameter to choose several values (they combine with OR)."""
    schema = {"type": "array", "maxItems": 20, "items": item or {"type": "string", "maxLength": 200}}
    return _query(name, description, schema, style="form", explode=True)


LIMIT = _query("limit", "Page size.", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20})
CURSOR = _query("cursor", "The `next` value of the previous page.", {"type": "string", "maxLength": 500})
COUNTRY = {"type": "string", "pattern": "^[A-Za-z]{2}$"}
YES_NO = {"type": "string", "enum": ["yes", "no", "true", "false"]}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 200}}

COMMONS_ITEM_PROPERTIES: dict[str, Any] = {
    "slug": {"type": "string"},
    "name": {"type": "string"},
    "summary": _nullable("string"),
    "license": _nullable("string", description="The first SPDX licence identifier."),
    "licenses": STRINGS,
    "status": {"type": "string", "enum": list(STATUSES)},
    "category": {"type": "string"},
    "country": _nullable("string", description="ISO 3166-1 code of the country of origin."),
    "languages": STRINGS,
    "usage_count": {"type": "integer", "description": "Public usage declarations."},
    "stars": {"type": "integer"},
    "last_activity_at": DATE_TIME,
    "url": {"type": "string", "format": "uri", "description": "The commons page."},
}

SCHEMAS: dict[str, Any] = {
    "CommonsItem": {
        "type": "object",
        "required": ["slug", "name", "summary", "license", "status"],
        "properties": COMMONS_ITEM_PROPERTIES,
    },
    "FacetValue": {
        "type": "object",
        "required": ["value", "count"],
        "properties": {"value": {"type": "string"}, "count": {"type": "integer", "minimum": 0}},
    },
    "CommonsList": _list_of(
        "CommonsItem",
        facets={
            "type": "object",
            "description": "Counts per facet value over the whole result set, each facet counted with the "
            "other filters only (function, license, language, category, country, organisation, status, "
            "development_status, forge, has_publiccode, activity, archived).",
            "additionalProperties": {"type": "array", "items": _ref("FacetValue")},
        },
        query={
            "type": "object",
            "description": "How the search text was run.",
            "properties": {
                "corrected": _nullable(
                    "string", description="The search text that ran, when words that matched nothing were corrected."
                ),
                "as_typed": _nullable(
                    "string",
                    description="The text as typed with the corrected words quoted: search it to skip the correction.",
                ),
                "any_word": {
                    "type": "boolean",
                    "description": "True when no commons had every word and the items have some of them.",
                },
            },
        },
    ),
    "Repository": {
        "type": "object",
        "required": ["host", "full_name", "url"],
        "properties": {
            "host": {"type": "string"},
            "full_name": {"type": "string"},
            "url": {"type": "string"},
            "forge": _nullable("string"),
            "description": _nullable("string"),
            "license": _nullable("string"),
            "languages": STRINGS,
            "topics": STRINGS,
            "stars": {"type": "integer"},
            "forks": {"type": "integer"},
            "open_issues": {"type": "integer"},
            "archived": {"type": "boolean"},
            "pushed_at": DATE_TIME,
            "has_publiccode": {"type": "boolean"},
            "publiccode_valid": _nullable("boolean"),
            "health": {"type": "object", "description": "Harvested signals (releases, contributors, bus factor…)."},
        },
    },
    "CommonsReview": {
        "type": "object",
        "nullable": True,
        "description": "The working group's public review state; null before any round is public.",
        "properties": {
            "status": {"type": "string"},
            "decision": _nullable("string", description="accepted or ineligible once decided."),
            "decided_at": DATE_TIME,
            "valid_from": DATE,
            "valid_until": DATE,
            "round": {"type": "string"},
            "criteria_version": {"type": "string"},
            "rationale": _nullable("string"),
            "scores": {
                "type": "object",
                "description": "Mean score (0-3) per scored criterion.",
                "additionalProperties": {"type": "number", "nullable": True},
            },
        },
    },
    "CommonsRecord": {
        "type": "object",
        "required": ["slug", "name", "summary", "license", "status", "repositories", "stewards", "usage"],
        "properties": {
            **COMMONS_ITEM_PROPERTIES,
            "descriptions": {
                "type": "object",
                "description": "Per language (BCP 47): name, short and long descriptions.",
                "additionalProperties": {"type": "object"},
            },
            "topics": STRINGS,
            "website": _nullable("string"),
            "development_status": _nullable("string"),
            "maturity": _nullable("string"),
            "valid_from": DATE,
            "valid_until": DATE,
            "accepted_at": DATE_TIME,
            "created_at": DATE_TIME,
            "repositories": {"type": "array", "items": _ref("Repository")},
            "stewards": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "organisation": {"type": "string", "description": "Organisation slug."},
                        "name": {"type": "string"},
                        "country": _nullable("string"),
                        "role": {"type": "string"},
                    },
                },
            },
            "usage": {
                "type": "object",
                "properties": {
                    "total": {"type": "integer"},
                    "by_country": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"country": {"type": "string"}, "count": {"type": "integer"}},
                        },
                    },
                },
            },
            "needs": {"type": "array", "items": {"type": "object"}},
            "health": {
                "type": "object",
                "description": "The health score (0 to maximum) with every input it was computed from; unknown "
                "inputs score zero and say so. member_states: states that use or contribute.",
                "properties": {
                    "score": _nullable("integer"),
                    "maximum": _nullable("integer"),
                    "inputs": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key"],
                            "properties": {
                                "key": {"type": "string"},
                                "label": {"type": "string"},
                                "maximum": {"type": "integer"},
                                "points": {"type": "integer"},
                                "known": {"type": "boolean"},
                                "detail": {"type": "string"},
                            },
                        },
                    },
                    "member_states": STRINGS,
                },
            },
            "review": _ref("CommonsReview"),
            "publiccode_url": {"type": "string", "format": "uri"},
        },
    },
    "Organisation": {
        "type": "object",
        "required": ["slug", "name", "type"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "acronym": _nullable("string"),
            "type": {"type": "string", "enum": list(ORG_TYPES)},
            "member_state": _nullable("string"),
            "country": _nullable("string"),
            "website": _nullable("string"),
        },
    },
    "OrganisationList": _list_of("Organisation"),
    "OrganisationRecord": {
        "type": "object",
        "required": ["slug", "name", "type", "identifiers", "uses", "stewards"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "acronym": _nullable("string"),
            "type": {"type": "string"},
            "member_state": _nullable("string"),
            "country": _nullable("string"),
            "website": _nullable("string"),
            "parent": _nullable("string"),
            "identifiers": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"scheme": {"type": "string"}, "value": {"type": "string"}},
                },
            },
            "uses": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"commons": {"type": "string"}, "name": {"type": "string"}, "since": DATE},
                },
            },
            "stewards": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "commons": {"type": "string"},
                        "name": {"type": "string"},
                        "role": {"type": "string"},
                    },
                },
            },
        },
    },
    "MemberState": {
        "type": "object",
        "required": ["code", "display_code", "name", "kind", "currency", "initiative_status"],
        "properties": {
            "code": {"type": "string", "description": "ISO 3166-1 (GR for Greece)."},
            "display_code": {"type": "string", "description": "EU usage (EL for Greece)."},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["member_state", "eu_institutions"]},
            "currency": {"type": "string"},
            "initiative_status": {"type": "string", "enum": ["member", "observer", "not_participating"]},
        },
    },
    "MemberStateList": _list_of("MemberState"),
    "Usage": {
        "type": "object",
        "required": ["id", "commons", "organisation"],
        "properties": {
            "id": {"type": "integer"},
            "commons": {"type": "string", "description": "Commons slug."},
            "organisation": {
                "type": "object",
                "properties": {
                    "slug": {"type": "string"},
                    "name": {"type": "string"},
                    "country": _nullable("string"),
                },
            },
            "context": _nullable("string"),
            "since": DATE,
            "instance_url": _nullable("string"),
            "public": {"type": "boolean"},
            "created_at": DATE_TIME,
        },
    },
    "UsageList": _list_of("Usage"),
    "UsageInput": {
        "type": "object",
        "required": ["commons"],
        "properties": {
            "commons": {"type": "string", "description": "Slug of the commons."},
            "organisation": {
                "type": "string",
                "description": "Organisation slug; defaults to the token user's organisation.",
            },
            "context": {"type": "string", "maxLength": 2000},
            "since": {"type": "string", "format": "date"},
            "instance_url": {"type": "string", "description": "http(s) URL of the instance."},
            "public": {"type": "boolean", "default": True},
        },
    },
    "NominationInput": {
        "type": "object",
        "required": ["url"],
        "properties": {
            "url": {"type": "string", "description": "Repository URL on a supported forge."},
            "kind": {"type": "string", "description": "Forge kind (github, gitlab, gitea) when not guessable."},
            "reason": {"type": "string", "maxLength": 2000},
        },
    },
    "NominationResult": {
        "type": "object",
        "required": ["created", "commons"],
        "properties": {
            "created": {"type": "boolean", "description": "False when the repository was already known."},
            "commons": _ref("CommonsItem"),
        },
    },
}

LIST_PARAMETERS = [
    _query(
        "q",
        "Words to look for in the name, summary, descriptions (every language) and topics, stemmed per "
        'language, and in the function vocabulary. "exact phrase", -word (leave out) and a OR b are understood; '
        "a word that matches nothing is corrected to the nearest indexed word.",
        {"type": "string", "maxLength": 200},
    ),
    _multi(
        "function",
        "Function: a code of the publiccode.yml categories list, e.g. video-conferencing.",
        {"type": "string", "enum": list(function_codes())},
    ),
    _multi("license", "SPDX licence identifier."),
    _multi("language", "Programming language."),
    _multi("category", "Category.", {"type": "string", "enum": list(CATEGORIES)}),
    _multi("country", "Country of origin (ISO 3166-1 alpha-2).", COUNTRY),
    _multi("organisation", "Organisation slug (steward or owner)."),
    _multi("status", "Catalogue status.", {"type": "string", "enum": list(STATUSES)}),
    _multi(
        "development_status",
        "Development status.",
        {"type": "string", "enum": ["concept", "development", "beta", "stable", "obsolete"]},
    ),
    _multi("forge", "Forge host, e.g. github.com."),
    _multi("has_publiccode", "Has a publiccode.yml.", YES_NO),
    _multi("archived", "Archived on the forge.", YES_NO),
    _query("active", "Active in the last 6 or 12 months.", {"type": "string", "enum": ["6", "12"]}),
    _query(
        "sort",
        "Order of the results.",
        {"type": "string", "enum": ["relevance", "activity", "usage", "stars", "name"], "default": "relevance"},
    ),
    LIMIT,
    CURSOR,
]

COMMON_ERRORS = {"400": _error("BadRequest"), "422": _error("Unprocessable")}

PATHS: dict[str, Any] = {
    "/api/v1/commons": {
        "get": {
            "operationId": "listCommons",
            "tags": ["catalogue"],
            "summary": "Search the catalogue (the same search and counts as the /commons page).",
            "parameters": LIST_PARAMETERS,
            "responses": {"200": _json(_ref("CommonsList"), "One page of results with facet counts."), **COMMON_ERRORS},
        }
    },
    "/api/v1/commons/{slug}": {
        "get": {
            "operationId": "getCommons",
            "tags": ["catalogue"],
            "summary": "One commons: repositories, stewards, usage by country, health and review.",
            "parameters": [SLUG],
            "responses": {"200": _json(_ref("CommonsRecord"), "The commons."), "404": _error("NotFound")},
        }
    },
    "/api/v1/organisations": {
        "get": {
            "operationId": "listOrganisations",
            "tags": ["organisations"],
            "summary": "Organisations: public bodies, foundations, companies, communities.",
            "parameters": [
                _query("q", "Words of the name or acronym.", {"type": "string", "maxLength": 100}),
                _query("country", "Country of the seat.", COUNTRY),
                _query("member_state", "Member state.", COUNTRY),
                _query("type", "Kind of organisation.", {"type": "string", "enum": list(ORG_TYPES)}),
                LIMIT,
                CURSOR,
            ],
            "responses": {"200": _json(_ref("OrganisationList"), "One page of organisations."), **COMMON_ERRORS},
        }
    },
    "/api/v1/organisations/{slug}": {
        "get": {
            "operationId": "getOrganisation",
            "tags": ["organisations"],
            "summary": "An organisation, the commons it stewards and those it publicly uses.",
            "parameters": [SLUG],
            "responses": {"200": _json(_ref("OrganisationRecord"), "The organisation."), "404": _error("NotFound")},
        }
    },
    "/api/v1/member-states": {
        "get": {
            "operationId": "listMemberStates",
            "tags": ["reference"],
            "summary": "The EU-27 and the EU institutions, with their status in the initiative.",
            "responses": {"200": _json(_ref("MemberStateList"), "Every member state.")},
        }
    },
    "/api/v1/usage": {
        "get": {
            "operationId": "listUsage",
            "tags": ["usage"],
            "summary": "Public usage declarations (who declared them is never shown).",
            "parameters": [
                _query("commons", "Commons slug.", {"type": "string", "maxLength": 120}),
                _query("organisation", "Organisation slug.", {"type": "string", "maxLength": 120}),
                _query("country", "Country of the declaring organisation.", COUNTRY),
                LIMIT,
                CURSOR,
            ],
            "responses": {"200": _json(_ref("UsageList"), "One page of declarations."), **COMMON_ERRORS},
        },
        "post": {
            "operationId": "declareUsage",
            "tags": ["usage"],
            "summary": "Declare that your organisation uses a commons.",
            "security": [{"bearerAuth": []}],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("UsageInput")}},
            },
            "responses": {
                "201": _json(_ref("Usage"), "The declaration was recorded."),
                "200": _json(_ref("Usage"), "The existing declaration, updated."),
                "401": _error("Unauthorized"),
                "403": _error("Forbidden"),
                "404": _error("NotFound"),
                **COMMON_ERRORS,
            },
        },
    },
    "/api/v1/nominations": {
        "post": {
            "operationId": "nominate",
            "tags": ["catalogue"],
            "summary": "Propose a candidate by its repository URL.",
            "description": "The platform fetches the repository's metadata through its harvesters. The answer "
            "is 201 with the new candidate, or 200 with the commons that already holds the repository.",
            "security": [{"bearerAuth": []}],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("NominationInput")}},
            },
            "responses": {
                "201": _json(_ref("NominationResult"), "A new candidate was created."),
                "200": _json(_ref("NominationResult"), "The repository is already in the catalogue."),
                "401": _error("Unauthorized"),
                "403": _error("Forbidden"),
                "409": _error("Conflict"),
                **COMMON_ERRORS,
            },
        }
    },
}
