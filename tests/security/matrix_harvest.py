# SPDX-License-Identifier: EUPL-1.2
"""Harvest pages (staff only, except proposing a source: any logged-in user) and the harvest API (public)."""

from __future__ import annotations

from tests.security.cells import Case, everyone, logged_in, only

STAFF_200 = only({"secretariat": 200, "admin": 200}, default=403)
STAFF_302 = only({"secretariat": 302, "admin": 302}, default=403)

CASES = [
    Case("harvest.sources", "GET", "/admin/harvest/sources", STAFF_200),
    Case("harvest.propose", "GET", "/harvest/sources/propose", logged_in(200)),
    Case(
        "harvest.propose",
        "POST",
        "/harvest/sources/propose",
        logged_in(422),
        data={"kind": "github", "url": "not an address", "schedule_hours": "24"},
        note="invalid input: every logged-in user gets the form back with errors, nothing is stored",
    ),
    Case(
        "harvest.propose",
        "POST",
        "/harvest/sources/propose",
        logged_in(302),
        data={"kind": "gitlab", "url": "https://gitlab.example.org/groups/matrix/sub", "schedule_hours": "24"},
        note="a valid proposal waits for approval (staff are sent to the new source's page)",
    ),
    Case("harvest.source", "GET", "/admin/harvest/sources/{harvest_source}", STAFF_200),
    Case("harvest.source", "GET", "/admin/harvest/sources/999999", only({"secretariat": 404, "admin": 404}, 403)),
    Case("harvest.approve", "POST", "/admin/harvest/sources/{harvest_proposed}/approve", STAFF_302),
    Case(
        "harvest.approve",
        "POST",
        "/admin/harvest/sources/{harvest_source}/approve",
        only({"secretariat": 409, "admin": 409}, default=403),
        note="already approved: a conflict, nothing changes",
    ),
    Case("harvest.reject", "POST", "/admin/harvest/sources/{harvest_proposed}/reject", STAFF_302),
    Case(
        "harvest.run_now",
        "POST",
        "/admin/harvest/sources/{harvest_source}/run",
        STAFF_302,
        note="runs at once; the loopback forge is refused by the outbound guard, so the job fails quickly",
    ),
    Case(
        "harvest.run_now",
        "POST",
        "/admin/harvest/sources/{harvest_proposed}/run",
        only({"secretariat": 409, "admin": 409}, default=403),
        note="a source waiting for approval never runs",
    ),
    Case("harvest.preview", "GET", "/admin/harvest/sources/{harvest_source}/preview", STAFF_200),
    Case("harvest.jobs", "GET", "/admin/harvest/jobs", STAFF_200),
    Case("harvest.job", "GET", "/admin/harvest/jobs/{harvest_job}", STAFF_200),
    Case("api.repositories_list", "GET", "/api/v1/repositories", everyone(200), json=True),
    Case(
        "api.repositories_list",
        "GET",
        "/api/v1/repositories?host=github.com&q=matrix&source={harvest_source}",
        everyone(200),
        json=True,
    ),
    Case("api.repositories_list", "GET", "/api/v1/repositories?source=x", everyone(422), json=True),
    Case("api.harvest_job", "GET", "/api/v1/harvest/jobs/{harvest_job}", everyone(200), json=True),
    Case("api.harvest_job", "GET", "/api/v1/harvest/jobs/999999", everyone(404), json=True),
]
