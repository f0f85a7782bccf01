# SPDX-License-Identifier: EUPL-1.2
"""The one form mechanism (templates/_forms.html): every invalid field has its own message under its label,
linked by aria-describedby, all errors come in one submit, the summary links to each field, checkboxes use the
ECL markup, and length limits are shown and checked on the server instead of cut by the browser
(issue 10, items 2, 3 and the maxlength point of 12)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from sqlalchemy import func, select

from commons.catalogue.models import UsageDeclaration
from commons.contributions.models import Contribution
from commons.extensions import db
from tests.conftest import csrf_token
from tests.contributions.factories import DAY, make_contribution
from tests.contributions.test_validation import BASE, envelope
from tests.factories import CommonsFactory, OrganisationFactory

TOMORROW = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()


def described_messages(page: str) -> dict[str, str]:
    """control id → the text of the elements its aria-describedby names (the message a screen reader reads)."""
    out = {}
    for control in re.finditer(r"<(?:input|select|textarea|fieldset)\b[^>]*>", page):
        tag = control.group(0)
        ids = re.search(r'aria-describedby="([^"]+)"', tag)
        own = re.search(r'\bid="([^"]+)"', tag)
        if not ids or not own:
            continue
        texts = []
        for ref in ids.group(1).split():
            target = re.search(rf'<(\w+)[^>]*\bid="{re.escape(ref)}"[^>]*>(.*?)</\1>', page, re.S)
            assert target, f"{own.group(1)}: aria-describedby names {ref}, which is not on the page"
            texts.append(html.unescape(re.sub(r"<[^>]+>", "", target.group(2))).strip())
        out[own.group(1)] = " | ".join(texts)
    return out


@pytest.fixture()
def commons(app):
    return CommonsFactory(name="Docs", slug="docs-test", catalogue_status="accepted")


@pytest.fixture()
def usage_setup(app, users):
    org = OrganisationFactory(slug="city-of-lyon", name="City of Lyon", member_state_code="FR")
    users["user"].organisation = org
    db.session.flush()
    return CommonsFactory(slug="decidim", name="Decidim")


def test_declare_use_reports_every_error_in_one_submit_under_each_field(client, login_as, usage_setup):
    login_as("user")
    url = "/commons/decidim/usage"
    data = {
        "csrf_token": csrf_token(client, url),
        "context": "x" * 2001,
        "since": TOMORROW,
        "instance_url": "javascript:alert(1)",
        "public": "y",
    }
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    messages = described_messages(page)
    # Three invalid fields, three messages in one answer: none waits for another to be fixed.
    assert "Use at most 2,000 characters: this text has 2,001." in messages["context"], messages["context"]
    assert "The date cannot be in the future." in messages["since"]
    assert "http:// or https://" in messages["instance_url"]
    for field in ("context", "since", "instance_url"):
        assert f'href="#{field}"' in page, f"the summary links to {field}"
        assert f'id="{field}-error"' in page
    assert "x" * 2001 in page, "the long text is kept, not cut"
    db.session.expire_all()
    assert db.session.scalar(select(func.count(UsageDeclaration.id))) == 0


def test_every_described_by_names_a_non_empty_message(client, login_as, commons):
    login_as("rep_fr")
    url = "/contributions/new?type=funding"
    data = {
        "csrf_token": csrf_token(client, url),
        **envelope(commons.slug),
        **BASE["funding"],
        "title": "TBD",
        "lines-0-amount": "NaN",
        "lines-0-date": "",
    }
    page = client.post(url, data=data).get_data(as_text=True)
    messages = described_messages(page)
    invalid = re.findall(r'<(?:input|select|textarea)\b[^>]*aria-invalid="true"[^>]*\bid="([^"]+)"', page)
    invalid += re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"[^>]*aria-invalid="true"', page)
    assert {"title", "lines-0-amount", "lines-0-date"} <= set(invalid), invalid
    for control in invalid:
        assert messages.get(control), f"{control} is invalid but names no message: {messages.get(control)!r}"
        assert f'href="#{control}"' in page


def test_length_limits_are_shown_and_checked_on_the_server_not_cut_by_the_browser(client, login_as, commons):
    login_as("rep_fr")
    url = "/contributions/new?type=funding"
    form = client.get(url).get_data(as_text=True)
    assert "maxlength" not in form, "no input may let the browser cut text silently"
    assert "At most 255 characters." in form and "At most 5,000 characters." in form
    title = "T" * 300
    data = {"csrf_token": csrf_token(client, url), **envelope(commons.slug), **BASE["funding"], "title": title}
    response = client.post(url, data=data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Use at most 255 characters: this text has 300." in described_messages(page)["title"]
    assert f'value="{title}"' in page


def test_length_message_is_in_the_users_language(client, login_as, commons):
    login_as("rep_fr")
    url = "/contributions/new?type=funding"
    data = {"csrf_token": csrf_token(client, url), **envelope(commons.slug), **BASE["funding"], "title": "T" * 300}
    page = html.unescape(client.post(url, data=data, headers={"Accept-Language": "de"}).get_data(as_text=True))
    assert "Verwenden Sie höchstens 255 Zeichen: Dieser Text hat 300." in page


def test_duplicate_warning_and_its_checkbox_appear_once_in_ecl_markup(client, login_as, commons, users):
    make_contribution(users["rep_fr"], commons, lines=None)
    login_as("rep_fr")
    url = "/contributions/new?type=funding"
    data = {
        "csrf_token": csrf_token(client, url),
        **envelope(commons.slug),
        **BASE["funding"],
        "lines-0-amount": "250000",
        "lines-0-date": (DAY + dt.timedelta(days=3)).isoformat(),
    }
    page = html.unescape(client.post(url, data=data).get_data(as_text=True))
    errors = page[page.index("</h2>", page.index("There is a problem")) :]
    field_part = errors[errors.index("</ul>") :]
    assert field_part.count("This looks like FR-") == 1, "the warning is printed once by the field"
    assert page.count('id="not_duplicate-error"') == 1
    checkbox = re.search(r'<input[^>]*id="not_duplicate"[^>]*>', page).group(0)
    assert 'class="ecl-checkbox__input"' in checkbox and 'aria-describedby="not_duplicate-error"' in checkbox
    assert '<label class="ecl-checkbox__label" for="not_duplicate"><span class="ecl-checkbox__box' in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Contribution.id))) == 1


@pytest.mark.parametrize(
    ("role", "url", "name"),
    [
        ("rep_fr", "/contributions/new?type=governance", "lines-0-voting_rights"),
        ("rep_fr", "/contributions/new?type=governance", "lines-0-formal"),
        ("rep_fr", "/contributions/import", "dry_run"),
        ("admin", "/harvest/sources/propose", "approve"),
    ],
)
def test_form_checkboxes_use_the_ecl_markup_with_a_drawn_box(client, login_as, role, url, name):
    login_as(role)
    page = client.get(url).get_data(as_text=True)
    checkbox = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert checkbox, page[:500]
    field_id = re.search(r'\bid="([^"]+)"', checkbox.group(0)).group(1)
    assert 'class="ecl-checkbox__input"' in checkbox.group(0)
    assert f'<label class="ecl-checkbox__label" for="{field_id}"><span class="ecl-checkbox__box' in page
