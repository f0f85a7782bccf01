# SPDX-License-Identifier: EUPL-1.2
"""The public JSON API (reads open to all, writes with a bearer token) and the catalogue's exports."""

from __future__ import annotations

from tests.security.cells import Case, everyone, only

# Writes through the API: anonymous has no token (401); the session cookie never counts.
NO_TOKEN = {"anonymous": 401}

CASES = [
    Case("api.openapi", "GET", "/api/openapi.json", everyone(200), json=True),
    Case("api.commons_list", "GET", "/api/v1/commons", everyone(200), json=True),
    Case("api.commons_list", "GET", "/api/v1/commons?status=accepted&license=EUPL-1.2", everyone(200), json=True),
    Case("api.commons_list", "GET", "/api/v1/commons?limit=0", everyone(422), json=True),
    Case("api.commons_detail", "GET", "/api/v1/commons/{commons}", everyone(200), json=True),
    Case("api.commons_detail", "GET", "/api/v1/commons/no-such-commons", everyone(404), json=True),
    Case("api.organisations_list", "GET", "/api/v1/organisations", everyone(200), json=True),
    Case("api.organisation_detail", "GET", "/api/v1/organisations/{api_org}", everyone(200), json=True),
    Case("api.organisation_detail", "GET", "/api/v1/organisations/no-such-org", everyone(404), json=True),
    Case("api.member_states_list", "GET", "/api/v1/member-states", everyone(200), json=True),
    Case("api.usage_list", "GET", "/api/v1/usage?commons={commons}", everyone(200), json=True),
    Case(
        "api.usage_declare",
        "POST",
        "/api/v1/usage",
        {**only({"user": 201, "rep_fr": 201, "rep_de": 201}, default=422), **NO_TOKEN},
        data={"commons": "{commons}", "context": "Matrix"},
        json=True,
        note="for the token user's own organisation; accounts without one get a field error",
    ),
    Case(
        "api.usage_declare",
        "POST",
        "/api/v1/usage",
        {**only({"rep_de": 201, "admin": 201}, default=403), **NO_TOKEN},
        data={"commons": "{commons}", "organisation": "{org_de}"},
        json=True,
        note="another organisation: only its own members and admins",
    ),
    Case(
        "api.nominations_create",
        "POST",
        "/api/v1/nominations",
        {**only({}, default=200), **NO_TOKEN},
        data={"url": "{api_repository_url}"},
        json=True,
        note="a repository already in the catalogue: 200 with its commons, nothing fetched",
    ),
    Case("catalogue.export_csv", "GET", "/commons/export.csv?country=FR", everyone(200)),
    Case("catalogue.export_json", "GET", "/commons/export.json", everyone(200)),
    Case("catalogue.publiccode", "GET", "/commons/{commons}/publiccode.yml", everyone(200)),
    Case("catalogue.publiccode", "GET", "/commons/no-such-commons/publiccode.yml", everyone(404)),
    Case("catalogue.feed", "GET", "/commons/feed.atom", everyone(200)),
]
