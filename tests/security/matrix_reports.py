# SPDX-License-Identifier: EUPL-1.2
"""Routes of the contribution dashboards and exports: all public reads (what each role sees inside a page is
tested in tests/contribution_reports); bad filters answer 422, unknown states and commons 404."""

from __future__ import annotations

from tests.security.cells import Case, everyone

CASES = [
    Case("contributions.dashboard", "GET", "/contributions", everyone(200)),
    Case("contributions.dashboard", "GET", "/contributions?member_state=EL&year=2026&type=funding", everyone(200)),
    Case("contributions.dashboard", "GET", "/contributions?year=20x6", everyone(422), note="bad filter"),
    Case("contributions.dashboard_commons", "GET", "/contributions/commons/{reports_commons}", everyone(200)),
    Case("contributions.dashboard_commons", "GET", "/contributions/commons/no-such-commons", everyone(404)),
    Case("contributions.dashboard_state", "GET", "/contributions/states/{reports_state}", everyone(200)),
    Case(
        "contributions.dashboard_state", "GET", "/contributions/states/EL?from=2026-01-01&to=2026-12-31", everyone(200)
    ),
    Case("contributions.dashboard_state", "GET", "/contributions/states/FR?from=2026-02-30", everyone(422)),
    Case("contributions.dashboard_state", "GET", "/contributions/states/XX", everyone(404)),
    Case("contributions.dashboard_pipeline", "GET", "/contributions/reports/pipeline", everyone(200)),
    Case("contributions.dashboard_coverage", "GET", "/contributions/reports/coverage", everyone(200)),
    Case("contributions.dashboard_governance", "GET", "/contributions/reports/governance", everyone(200)),
    Case("contributions.dashboard_staff", "GET", "/contributions/reports/staff", everyone(200)),
    Case("contributions.dashboard_gaps", "GET", "/contributions/reports/gaps", everyone(200)),
    Case("exports.index", "GET", "/exports/", everyone(200)),
    Case("exports.contributions_csv", "GET", "/exports/contributions.csv", everyone(200)),
    Case("exports.contributions_csv", "GET", "/exports/contributions.csv?year=abc", everyone(422)),
    Case("exports.lines_csv", "GET", "/exports/contribution-lines.csv?member_state=FR", everyone(200)),
    Case("exports.aggregate_csv", "GET", "/exports/contributions-aggregate.csv", everyone(200)),
    Case("exports.contributions_json", "GET", "/exports/contributions.json?commons={reports_commons}", everyone(200)),
    Case("exports.contributions_xlsx", "GET", "/exports/contributions.xlsx?type=staff", everyone(200)),
    Case("exports.iati", "GET", "/exports/iati/{reports_state}.xml", everyone(200)),
    Case("exports.iati", "GET", "/exports/iati/ZZ.xml", everyone(404)),
]
