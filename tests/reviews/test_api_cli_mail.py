# SPDX-License-Identifier: EUPL-1.2
"""The reviews API (tokens, 409 on invalid transitions), the scheduler commands and the e-mail notifications."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from commons.accounts.services import create_token
from commons.cli import main
from commons.extensions import db
from commons.reviews import services
from commons.reviews.models import Review
from tests.conftest import csrf_token, login
from tests.reviews.factories import ALL_PASS, assessed_round, new_round, reviewer
from tests.reviews.smtp import SMTPServer


def bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(user, 'test')[1]}"}


def test_api_round_needs_a_reviewer_or_staff_token(client: FlaskClient, users: dict[str, Any], staff: Any) -> None:
    review = new_round(staff)
    assert client.get(f"/api/v1/reviews/{review.id}").status_code == 401
    assert client.get(f"/api/v1/reviews/{review.id}", headers=bearer(users["user"])).status_code == 403
    answer = client.get(f"/api/v1/reviews/{review.id}", headers=bearer(users["reviewer"]))
    assert answer.status_code == 200
    assert answer.json["status"] == "draft" and answer.json["criteria_version"] == "v1"
    assert len(answer.json["criteria"]) == 11
    listing = client.get("/api/v1/reviews?status=draft&limit=1", headers=bearer(staff))
    assert listing.status_code == 200 and listing.json["total"] >= 1 and listing.json["items"][0]["id"] == review.id
    assert client.get("/api/v1/reviews?status=nope", headers=bearer(staff)).status_code == 422


def test_api_transition_409_on_invalid_and_200_on_valid(client: FlaskClient, users: dict[str, Any], staff: Any) -> None:
    review = new_round(staff)
    headers = bearer(staff)
    refused = client.post(f"/api/v1/reviews/{review.id}/transitions", json={"action": "start"}, headers=headers)
    assert refused.status_code == 409
    assert "only possible when it is submitted" in refused.json["message"]
    stale = client.post(
        f"/api/v1/reviews/{review.id}/transitions", json={"action": "submit", "version": 99}, headers=headers
    )
    assert stale.status_code == 409 and "changed by someone else" in stale.json["message"]
    ok = client.post(
        f"/api/v1/reviews/{review.id}/transitions", json={"action": "submit", "version": 1}, headers=headers
    )
    assert ok.status_code == 200 and ok.json["status"] == "submitted" and ok.json["version"] == 2
    forbidden = client.post(
        f"/api/v1/reviews/{review.id}/transitions", json={"action": "start"}, headers=bearer(users["reviewer"])
    )
    assert forbidden.status_code == 403
    bad = client.post(
        f"/api/v1/reviews/{review.id}/transitions",
        json={"action": "decide", "decision": "accepted", "rationale": ""},
        headers=headers,
    )
    assert bad.status_code == 409  # submitted, not in review yet
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == "submitted"


def test_api_decide_with_field_errors(client: FlaskClient, staff: Any) -> None:
    review = assessed_round(staff)
    answer = client.post(
        f"/api/v1/reviews/{review.id}/transitions",
        json={"action": "decide", "decision": "maybe", "rationale": ""},
        headers=bearer(staff),
    )
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"decision", "rationale"}


def test_api_public_review_of_a_commons_names_nobody(client: FlaskClient, staff: Any) -> None:
    review = assessed_round(staff)
    services.decide(review, staff, decision="accepted", rationale="Every gate passed.")
    names = [r.user.name for r in review.reviewers] + [r.user.email for r in review.reviewers]
    answer = client.get(f"/api/v1/commons/{review.commons.slug}/review")
    assert answer.status_code == 200
    data = answer.json["review"]
    assert data["decision"] == "accepted" and data["valid_until"] == review.valid_until.isoformat()
    assert data["scores"]["S1"] == 2.0
    assert not any(name in answer.get_data(as_text=True) for name in names)
    assert client.get("/api/v1/commons/unknown/review").status_code == 404


def test_cli_expire_and_renewals_are_idempotent(runner: Any, staff: Any) -> None:
    review = new_round(staff, status="in_review")
    due = services.today() + timedelta(days=1)
    services.request_clarification(review, staff, question="Who?", deadline=due, recipients="a@b.eu")
    accepted = assessed_round(staff)
    services.decide(accepted, staff, decision="accepted", rationale="Every gate passed.")
    db.session.flush()
    later = (due + timedelta(days=1)).isoformat()
    first = runner.invoke(main, args=["reviews", "expire", "--date", later])
    assert first.exit_code == 0, first.output
    assert f"Ended review {review.id} of {review.commons.slug} as ineligible" in first.output
    again = runner.invoke(main, args=["reviews", "expire", "--date", later, "--json"])
    assert json.loads(again.output) == {"expired": []}
    on = (accepted.valid_until - timedelta(days=45)).isoformat()
    opened = runner.invoke(main, args=["reviews", "renewals", "--date", on, "--json"])
    rows = json.loads(opened.output)["opened"]
    assert [row["commons"] for row in rows] == [accepted.commons.slug]
    assert "0 renewal round(s) opened." in runner.invoke(main, args=["reviews", "renewals", "--date", on]).output
    bad = runner.invoke(main, args=["reviews", "renewals", "--date", "soon"])
    assert bad.exit_code == 2 and "--date must be a date" in bad.output


def test_mail_on_assignment_clarification_and_decision(client: FlaskClient, smtp: SMTPServer, staff: Any) -> None:
    review = new_round(staff, status="in_review")
    review.commons.maintenance = {"contacts": [{"name": "Team", "email": "team@commons.example"}]}
    fr, it = reviewer("FR", email="fr.rev@example.org"), reviewer("IT", email="it.rev@example.org")
    login(client, staff)
    token = csrf_token(client, f"/reviews/{review.id}/assign")
    client.post(
        f"/reviews/{review.id}/assign", data={"csrf_token": token, "reviewer": fr.id, "version": review.version}
    )
    assert [rcpt for rcpt, _msg in smtp.messages] == [["fr.rev@example.org"]]
    assert "You are a reviewer of" in smtp.messages[0][1]["Subject"]
    db.session.expire_all()
    review = db.session.get(Review, review.id)
    due = (services.today() + timedelta(days=10)).isoformat()
    response = client.post(
        f"/reviews/{review.id}/clarification",
        data={"csrf_token": token, "version": review.version, "question": "Who funds the hosting?", "deadline": due},
    )
    assert response.status_code == 302
    recipients, message = smtp.messages[1]
    assert recipients == ["team@commons.example"]
    assert "Who funds the hosting?" in message.get_payload() and due in message.get_payload()
    db.session.expire_all()
    review = db.session.get(Review, review.id)
    services.record_answer(review, staff, answer="The ministry.")
    services.assign_reviewer(review, it, staff)
    for person in (fr, it):
        services.declare_conflict(review, person, has_conflict=False)
        services.save_assessment(review, person, ALL_PASS, complete=True)
    db.session.commit()  # the assignment mail of the service call goes out on commit
    assert smtp.messages[2][0] == ["it.rev@example.org"]
    services.decide(review, staff, decision="accepted", rationale="Every gate passed.")
    db.session.commit()
    recipients, message = smtp.messages[3]
    assert set(recipients) == {"fr.rev@example.org", "it.rev@example.org", "team@commons.example"}
    assert "accepted" in message["Subject"] and "Every gate passed." in message.get_payload()


def test_rolled_back_change_sends_no_mail(app: Flask, smtp: SMTPServer, staff: Any) -> None:
    review = new_round(staff)
    db.session.commit()
    services.assign_reviewer(review, reviewer("FR"), staff)
    db.session.rollback()
    db.session.commit()
    assert smtp.messages == []


def test_mail_failure_is_logged_and_never_breaks_the_transition(
    app: Flask, client: FlaskClient, staff: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with SMTPServer() as closed:
        port = closed.port  # a port that nobody listens on once the server is closed
    app.config.update(MAIL_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    review = new_round(staff)
    person = reviewer("IT")
    login(client, staff)
    token = csrf_token(client, f"/reviews/{review.id}/assign")
    with caplog.at_level(logging.ERROR, logger="commons.reviews.notifications"):
        response = client.post(
            f"/reviews/{review.id}/assign", data={"csrf_token": token, "reviewer": person.id, "version": review.version}
        )
    assert response.status_code == 302
    db.session.expire_all()
    assert [r.user_id for r in db.session.get(Review, review.id).reviewers] == [person.id]
    assert any("not sent" in record.getMessage() for record in caplog.records)


def test_demo_rounds_are_created_once_and_follow_the_rules(app: Flask) -> None:
    from sqlalchemy import select

    from commons.catalogue.models import Commons
    from commons.demo import load_demo

    load_demo()
    again = load_demo()
    assert "Review demo: 0 round(s) created." in again
    states = {
        slug: (db.session.scalar(select(Commons).where(Commons.slug == slug)).catalogue_status)
        for slug in ("decidim", "x-road", "qgis", "opendesk", "docs", "openproject", "cryptpad")
    }
    assert states == {
        "decidim": "accepted", "x-road": "accepted", "qgis": "accepted", "opendesk": "accepted",
        "docs": "accepted", "openproject": "under_review", "cryptpad": "under_review",
    }  # fmt: skip
    reviews = db.session.scalars(select(Review).order_by(Review.id)).all()
    assert [r.status for r in reviews].count("clarification_requested") == 1
    qgis = next(r for r in reviews if r.commons.slug == "qgis")
    assert qgis.commons in services.renewals_due()  # decided long enough ago to be due for renewal
    for review in reviews:
        if review.decision == "accepted":
            assert services.reviewer_quorum_problem(review) is None and services.failed_gates(review) == []
            assert review.commons.valid_until == review.valid_until


def test_catalogue_api_carries_the_review_object(client: FlaskClient, staff: Any) -> None:
    review = assessed_round(staff)
    services.decide(review, staff, decision="accepted", rationale="Every gate passed.")
    db.session.flush()
    answer = client.get(f"/api/v1/commons/{review.commons.slug}")
    assert answer.status_code == 200
    data = answer.json["review"]
    assert data["status"] == "decided" and data["decision"] == "accepted"
    assert data["valid_until"] == review.valid_until.isoformat()
    assert data["decided_at"].startswith(review.decided_at.date().isoformat())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "request_clarification", "question": 5, "deadline": "2099-01-01"}, "question"),
        (
            {"action": "request_clarification", "question": "Q?", "deadline": "2099-01-01", "recipients": 5},
            "recipients",
        ),
        ({"action": "decide", "decision": "accepted", "rationale": {"text": "x"}}, "rationale"),
        ({"action": "submit", "version": "1"}, "version"),
        ({"action": "submit", "version": True}, "version"),
    ],
)
def test_api_transition_wrong_json_types_are_422(
    client: FlaskClient, staff: Any, body: dict[str, Any], field: str
) -> None:
    review = new_round(staff, status="in_review")
    answer = client.post(f"/api/v1/reviews/{review.id}/transitions", json=body, headers=bearer(staff))
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]
