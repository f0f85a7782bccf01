# SPDX-License-Identifier: EUPL-1.2
"""Catalogue pages: search, commons pages, usage declarations, referents, nominations, organisations.

In the scenario the user and rep_fr belong to the FR organisation (which declared it uses
``catalogue_used``), rep_de to the DE one; the reviewer, secretariat and admin belong to none, so a
declaration of theirs is refused with 422 ("your account belongs to no organisation").
"""

from __future__ import annotations

from tests.security.cells import Case, everyone, logged_in, only

CASES = [
    Case("catalogue.search", "GET", "/commons", everyone(200)),
    Case("catalogue.search", "GET", "/commons?q=matrix&country=FR&license=EUPL-1.2&sort=name", everyone(200)),
    Case("catalogue.search", "GET", "/commons?status=bogus&page=0", everyone(400), note="invalid options: 400"),
    Case("catalogue.detail", "GET", "/commons/{commons}", everyone(200)),
    Case("catalogue.detail", "GET", "/commons/no-such-commons", everyone(404)),
    Case("catalogue.usage", "GET", "/commons/{commons}/usage", logged_in(200)),
    Case("catalogue.usage", "GET", "/commons/no-such-commons/usage", logged_in(404)),
    Case(
        "catalogue.usage",
        "POST",
        "/commons/{commons}/usage",
        only({"user": 302, "rep_fr": 302, "rep_de": 302}, default=422),
        data={"context": "Matrix use", "public": "y"},
        note="only for one's own organisation; accounts without one get a form error",
    ),
    Case(
        "catalogue.usage",
        "POST",
        "/commons/{commons}/usage",
        logged_in(422),
        data={"context": "x", "instance_url": "javascript:alert(1)"},
    ),
    Case(
        "catalogue.withdraw_usage",
        "POST",
        "/commons/{catalogue_used}/usage/withdraw",
        only({"user": 302, "rep_fr": 302, "rep_de": 404}, default=422),
        note="rep_de's organisation declared nothing: 404; no organisation: 422",
    ),
    Case(
        "catalogue.referent",
        "POST",
        "/commons/{catalogue_used}/referent",
        logged_in(302),
        note="refusals are shown as messages on the commons page",
    ),
    Case("catalogue.nominate", "GET", "/commons/nominate", logged_in(200)),
    Case("catalogue.nominate", "POST", "/commons/nominate", logged_in(422), data={"url": "javascript:alert(1)"}),
    Case(
        "catalogue.nominate",
        "POST",
        "/commons/nominate",
        logged_in(302),
        data={"url": "https://github.com/matrix/commons", "kind": ""},
        note="a repository already in the catalogue: its page, nothing fetched",
    ),
    Case("organisations.index", "GET", "/organisations", everyone(200)),
    Case("organisations.index", "GET", "/organisations?country=FR", everyone(200)),
    Case("organisations.detail", "GET", "/organisations/{org}", everyone(200)),
    Case("organisations.detail", "GET", "/organisations/no-such-org", everyone(404)),
]
