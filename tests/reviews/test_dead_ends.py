# SPDX-License-Identifier: EUPL-1.2
"""The review workflow never leaves a person at a dead end (issue 10, item 4): a volunteer on a round that
has not started is told what comes next; the decision page says what is missing before the form; "Assign a
reviewer" says why nobody is left; no page promises an e-mail when no mail server is configured."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from commons.catalogue.models import CommonsSteward
from commons.extensions import db
from commons.reviews import services
from tests.conftest import csrf_token, login
from tests.factories import OrganisationFactory, UserFactory
from tests.reviews.factories import new_round, reviewer
from tests.reviews.smtp import SMTPServer


def _flash(html: str) -> str:
    found = re.findall(r'commons-flash"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", f) for f in found)


def _volunteer_and_declare(client: FlaskClient, review: Any, person: Any) -> Any:
    login(client, person)
    token = csrf_token(client, f"/reviews/{review.id}")
    assert client.post(f"/reviews/{review.id}/volunteer", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    version = services.get_review(review.id, person).version
    return client.post(
        f"/reviews/{review.id}/conflict",
        data={"csrf_token": token, "version": version, "has_conflict": "no", "statement": ""},
        follow_redirects=True,
    )


def test_volunteer_on_a_submitted_round_is_told_what_happens_next(client: FlaskClient, staff: Any) -> None:
    review = new_round(staff, status="submitted")
    person = reviewer("IT")
    db.session.commit()
    response = _volunteer_and_declare(client, review, person)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.request.path == f"/reviews/{review.id}"  # the round, not a refused assessment form
    flash = _flash(html)
    assert "You can now assess" not in flash and "has not started yet" in flash
    assert "e-mail" not in flash  # no mail server in the tests' settings
    next_step = html[html.index('id="next-step"') :]
    next_step = next_step[: next_step.index("</div>\n</div>")]
    assert "The secretariat starts it" in next_step and "e-mail" not in next_step
    assert 'href="/reviews"' in next_step and f'href="/commons/{review.commons.slug}"' in next_step
    # Opening the assessment form before the start explains and leads back to the round.
    response = client.get(f"/reviews/{review.id}/assess")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/reviews/{review.id}")


def test_with_a_mail_server_the_volunteer_is_promised_and_sent_an_e_mail(
    client: FlaskClient, smtp: SMTPServer, staff: Any
) -> None:
    review = new_round(staff, status="submitted")
    person = reviewer("IT", email="it.volunteer@example.org")
    db.session.commit()
    html = _volunteer_and_declare(client, review, person).get_data(as_text=True)
    assert "you will be told by e-mail" in _flash(html)
    db.session.expire_all()
    review = services.get_review(review.id, staff)
    services.transition(review, "start", staff)
    db.session.commit()
    assert [rcpt for rcpt, _msg in smtp.messages] == [["it.volunteer@example.org"]]
    assert "has started" in smtp.messages[0][1]["Subject"]


def test_decision_page_without_assessments_says_what_is_missing_before_the_form(
    client: FlaskClient, staff: Any
) -> None:
    review = new_round(staff, status="in_review")
    services.assign_reviewer(review, reviewer("FR", name="Rémi Test"), staff)
    db.session.commit()
    login(client, staff)
    html = client.get(f"/reviews/{review.id}/decision").get_data(as_text=True)
    box = html.index('id="decision-missing"')
    assert box < html.index('<form method="post" action="/reviews/')
    missing = html[box : html.index('<form method="post" action="/reviews/')]
    assert "No decision can be recorded yet" in missing
    assert "Completed assessments: 0 of the 2 needed." in missing
    assert "at least 2 different ones are" in missing
    assert "fewer than 2 reviewers without a conflict" in missing
    assert "Rémi Test (FR) has not declared conflicts of interest yet" in missing
    assert "can only be found ineligible" not in html


def test_assign_page_says_why_nobody_is_left(client: FlaskClient, users: dict[str, Any], staff: Any) -> None:
    steward = OrganisationFactory()
    review = new_round(staff, status="in_review")
    db.session.add(CommonsSteward(commons_id=review.commons.id, organisation_id=steward.id, role="owner"))
    UserFactory(role="reviewer", member_state_code="DE", organisation=steward)
    UserFactory(role="reviewer", member_state_code=None)
    conflicted = reviewer("IT")
    services.assign_reviewer(review, users["reviewer"], staff)
    services.assign_reviewer(review, conflicted, staff)
    services.declare_conflict(review, conflicted, has_conflict=True, statement="My employer funds it.")
    db.session.commit()
    login(client, staff)
    html = client.get(f"/reviews/{review.id}/assign").get_data(as_text=True)
    assert 'id="nobody-to-assign"' in html and 'name="reviewer"' not in html
    assert "2 reviewers are already on this round." in html
    assert "1 reviewer of this round declared a conflict of interest" in html
    assert "1 reviewer works for an organisation that stewards this commons" in html
    assert "1 reviewer has no member state on their account" in html


def test_assignment_without_mail_server_does_not_claim_an_e_mail(client: FlaskClient, app: Flask, staff: Any) -> None:
    assert not app.config["MAIL_ENABLED"]
    review = new_round(staff, status="in_review")
    person = reviewer("FR")
    db.session.commit()
    login(client, staff)
    token = csrf_token(client, f"/reviews/{review.id}/assign")
    response = client.post(
        f"/reviews/{review.id}/assign",
        data={"csrf_token": token, "reviewer": person.id, "version": review.version},
        follow_redirects=True,
    )
    flash = _flash(response.get_data(as_text=True))
    assert "The reviewer was assigned." in flash and "told by e-mail" not in flash
    assert "No mail server is configured" in flash


def test_assignment_with_mail_server_says_e_mail(client: FlaskClient, smtp: SMTPServer, staff: Any) -> None:
    review = new_round(staff, status="in_review")
    person = reviewer("FR", email="fr.assigned@example.org")
    db.session.commit()
    login(client, staff)
    token = csrf_token(client, f"/reviews/{review.id}/assign")
    response = client.post(
        f"/reviews/{review.id}/assign",
        data={"csrf_token": token, "reviewer": person.id, "version": review.version},
        follow_redirects=True,
    )
    assert "The reviewer was assigned and told by e-mail." in _flash(response.get_data(as_text=True))
    assert smtp.messages and smtp.messages[0][0] == ["fr.assigned@example.org"]


def test_clarification_without_mail_server_says_to_send_it_yourself(client: FlaskClient, staff: Any) -> None:
    from datetime import timedelta

    review = new_round(staff, status="in_review")
    db.session.commit()
    login(client, staff)
    token = csrf_token(client, f"/reviews/{review.id}/clarification")
    due = (services.today() + timedelta(days=10)).isoformat()
    response = client.post(
        f"/reviews/{review.id}/clarification",
        data={
            "csrf_token": token,
            "version": review.version,
            "question": "Who funds it?",
            "deadline": due,
            "recipients": "team@commons.example",
        },
        follow_redirects=True,
    )
    flash = _flash(response.get_data(as_text=True))
    assert "was sent" not in flash and "send it to the contacts yourself (team@commons.example)" in flash
