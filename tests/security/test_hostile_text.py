# SPDX-License-Identifier: EUPL-1.2
"""Hostile text in harvested fields and in form input is escaped (or refused) wherever it is shown.

The scenario's text columns (names, titles, summaries, descriptions, publiccode.yml names, organisation
names…) are overwritten with markup inside the test's transaction, then every GET page of the matrix is
rendered for an anonymous visitor and an admin. Each HTML page is parsed: no inline or foreign script, no
``on*=`` attribute, no ``javascript:`` link may appear. Each HTML form of the matrix is also posted with
markup in every field, and the answer (after redirects) is parsed the same way.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa

from commons.catalogue.models import Commons, Repository
from commons.extensions import db
from tests.security.test_csrf import allowed_role
from tests.security.test_matrix import CASES, fill

SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = f"Hostile {SCRIPT}{IMG}</textarea></title><svg onload=alert(2)>"
HOSTILE_URL = "javascript:alert(3)//"
# Free-text columns, whatever table they are in (harvested or typed); keys and vocabularies are left alone.
TEXT_COLUMNS = {
    "name",
    "title",
    "summary",
    "description",
    "comment",
    "rationale",
    "context",
    "acronym",
    "full_name",
    "purpose",
    "note",
    "notes",
    "reason",
    "message",
    "instance_url_label",
}
SKIP_TABLES = {"roles", "member_states", "alembic_version", "criteria"}
URL_COLUMNS = {"website", "web_url", "homepage", "url", "instance_url", "evidence_url"}


class MarkupAudit(HTMLParser):
    """Collects what would run in a browser: inline or foreign scripts, event handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            src = values.get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"<script src={src!r}>")
            self._in_script = True
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data") and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"<{tag} {name}={value!r}>")
        if tag in ("svg", "iframe", "object", "embed") and "alert" in str(attrs):
            self.problems.append(f"<{tag}> from data")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script {data.strip()[:40]!r}")


def audit(html: str) -> list[str]:
    """Problems in ``html`` (an empty list when the page is safe)."""
    parser = MarkupAudit()
    parser.feed(html)
    parser.close()
    problems = parser.problems
    for raw in ("<script>alert", "onerror=alert(1)>", 'href="javascript:'):
        if raw in html:
            problems.append(f"raw {raw!r}")
    return problems


def poison_text() -> None:
    """Overwrite every free-text column of every table, and the harvested JSON, with markup."""
    for table in db.metadata.sorted_tables:
        if table.name in SKIP_TABLES:
            continue
        values: dict[str, Any] = {}
        for column in table.columns:
            if column.name not in TEXT_COLUMNS or column.unique or column.primary_key or column.foreign_keys:
                continue
            if not isinstance(column.type, sa.String):
                continue
            length = getattr(column.type, "length", None)
            values[column.name] = HOSTILE[:length] if length else HOSTILE
        if values:
            db.session.execute(table.update().values(**values))
    for commons in db.session.scalars(sa.select(Commons)):
        commons.descriptions = {lang: {"name": HOSTILE, "short": HOSTILE, "long": HOSTILE} for lang in ("en", "fr")}
        commons.topics = [HOSTILE]
    for repo in db.session.scalars(sa.select(Repository)):
        repo.topics = [HOSTILE]
        repo.publiccode_parsed = {
            "name": HOSTILE,
            "description": {"en": {"shortDescription": HOSTILE, "longDescription": HOSTILE}},
        }
        repo.publiccode_raw = f"name: {HOSTILE}\n"
    db.session.flush()


def poison_urls() -> None:
    for table in db.metadata.sorted_tables:
        if table.name in SKIP_TABLES:
            continue
        values = {c.name: HOSTILE_URL for c in table.columns if c.name in URL_COLUMNS and not c.unique}
        if values:
            db.session.execute(table.update().values(**values))
    db.session.flush()


HTML_GETS = [
    pytest.param(case, id=f"{feature}:{case.id}")
    for feature, case in CASES
    if case.method == "GET" and not case.json and case.endpoint != "static"
]


def render_all(matrix, case, roles=("anonymous", "admin", "rep_fr")) -> list[str]:
    problems = []
    for role in roles:
        client = matrix.client()
        matrix.login(client, role)
        response = client.get(fill(case.path, matrix.ctx))
        assert response.status_code < 500, f"{case.id} as {role}: {response.status_code}"
        if response.mimetype == "text/html":
            problems += [f"{role}: {p}" for p in audit(response.get_data(as_text=True))]
    return problems


@pytest.mark.parametrize("case", HTML_GETS)
def test_hostile_text_in_data_is_escaped_on_every_page(matrix, case):
    poison_text()
    problems = render_all(matrix, case)
    assert not problems, f"{fill(case.path, matrix.ctx)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("case", HTML_GETS)
def test_hostile_urls_in_data_never_become_links(matrix, case):
    poison_urls()
    problems = render_all(matrix, case)
    assert not problems, f"{fill(case.path, matrix.ctx)}:\n" + "\n".join(problems)


def test_audit_finds_unescaped_markup():
    # The checker itself must be able to fail.
    assert audit(f"<p>{SCRIPT}</p>")
    assert audit(f"<p>{IMG}</p>")
    assert audit('<a href=" JavaScript:alert(1)">x</a>')
    assert not audit(
        '<p>&lt;script&gt;alert(1)&lt;/script&gt; onerror=alert(1)</p><script src="/static/js/a.js"></script>'
    )


POST_CASES = [
    pytest.param(case, id=f"{feature}:{case.id}") for feature, case in CASES if case.method == "POST" and not case.json
]


@pytest.mark.parametrize("case", POST_CASES)
def test_hostile_form_input_is_escaped_in_the_answer(matrix, case):
    role = allowed_role(case)
    client = matrix.client()
    matrix.login(client, role)
    data = fill(case.data, matrix.ctx) or {}
    form = {key: HOSTILE if isinstance(value, str) else value for key, value in data.items()}
    form["csrf_token"] = matrix.csrf(client, role)
    response = client.open(fill(case.path, matrix.ctx), method=case.method, data=form, follow_redirects=True)
    assert response.status_code < 500, response.status_code
    if response.mimetype == "text/html":
        problems = audit(response.get_data(as_text=True))
        assert not problems, f"{case.id} as {role}:\n" + "\n".join(problems)


def test_poisoned_data_reaches_the_pages(matrix):
    # Otherwise the page checks above would pass on pages that never show the data.
    poison_text()
    html = matrix.client().get("/").get_data(as_text=True)
    assert "Hostile &lt;script&gt;alert(" in html
