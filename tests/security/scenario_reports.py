# SPDX-License-Identifier: EUPL-1.2
"""Contributions the reports matrix reads: a public FR grant with a USD line, a restricted FR grant, a public
DE staff secondment with a named person (never shown), all to ``reports_commons`` (accepted).

References use the year 1999 so that they never meet the contributions feature's own scenario.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.contribution_reports import factories as f
from tests.factories import CommonsFactory


def build(ctx: dict[str, Any]) -> None:
    commons = CommonsFactory(name="Matrix Reports Commons", slug="matrix-reports-commons", catalogue_status="accepted")
    grant = f.contribution("FR", "funding", commons=commons, ref="FR-1999-0001", title="Matrix grant")
    f.funding_line(grant, "commitment", "1000", day=dt.date(2026, 1, 2))
    f.funding_line(grant, "disbursement", "108", currency="USD", rate="1.08", day=dt.date(2026, 2, 2))
    quiet = f.contribution("FR", "funding", visibility="restricted", commons=commons, ref="FR-1999-0002")
    f.funding_line(quiet, "commitment", "500", day=dt.date(2026, 1, 2))
    team = f.contribution("DE", "staff", commons=commons, ref="DE-1999-0001", title="Matrix secondment")
    f.staff(team, "developer", "20", person_names="Matrix Hiddenname")
    ctx.update(reports_commons=commons.slug, reports_state="FR")
