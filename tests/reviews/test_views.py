# SPDX-License-Identifier: EUPL-1.2
"""The review pages: access, forms (CSRF, error summary, 422 with kept input), conflicts, the public page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from commons.extensions import db
from commons.reviews import services
from commons.reviews.models import Review
from tests.conftest import csrf_token, login
from tests.reviews.factories import ALL_PASS, assessed_round, new_round, reviewer


def form_data(entries: dict[str, Any], complete: bool = True) -> dict[str, str]:
    data = {"complete": "yes" if complete else "no"}
    for code, values in entries.items():
        key = code.lower()
        data[f"{key}_verdict"] = values["verdict"]
        if "score" in values:
            data[f"{key}_score"] = str(values["score"])
    return data


def test_dashboard_for_reviewers_and_staff_only(client: FlaskClient, login_as: Any) -> None:
    assert client.get("/reviews").status_code == 302
    login_as("user")
    assert client.get("/reviews").status_code == 403


def test_dashboard_shows_queue_overdue_renewals_and_pipeline(
    client: FlaskClient, users: dict[str, Any], staff: Any
) -> None:
    mine = new_round(staff, status="in_review")
    services.assign_reviewer(mine, users["reviewer"], staff)
    waiting = new_round(staff, status="in_review")
    due = services.today() + timedelta(days=1)
    services.request_clarification(waiting, staff, question="Who funds it?", deadline=due, recipients="a@b.eu")
    waiting.clarifications[0].deadline = services.today() - timedelta(days=1)
    accepted = assessed_round(staff)
    services.decide(accepted, staff, decision="accepted", rationale="Meets every gate.")
    accepted.commons.valid_until = services.today() + timedelta(days=10)
    db.session.flush()
    login(client, users["reviewer"])
    page = client.get("/reviews").get_data(as_text=True)
    assert page.count(mine.commons.name) >= 2  # in my queue and in the open rounds
    assert "No clarification is overdue" not in page and waiting.commons.name in page
    assert accepted.commons.name in page
    assert 'href="/reviews"' in page and 'aria-current="page"' in page


def test_round_page_hidden_from_non_reviewers(client: FlaskClient, users: dict[str, Any], staff: Any) -> None:
    review = new_round(staff)
    login(client, users["rep_fr"])
    assert client.get(f"/reviews/{review.id}").status_code == 403


def test_invalid_transition_in_html_explains_and_changes_nothing(
    client: FlaskClient, users: dict[str, Any], staff: Any
) -> None:
    review = new_round(staff)
    login(client, staff)
    url = f"/reviews/{review.id}"
    token = csrf_token(client, url)
    response = client.post(
        f"{url}/transition", data={"csrf_token": token, "action": "start", "version": str(review.version)}
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Nothing was changed" in body and "only possible when it is submitted" in body
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == "draft"


def test_transition_without_csrf_is_refused(client: FlaskClient, staff: Any) -> None:
    review = new_round(staff)
    login(client, staff)
    response = client.post(f"/reviews/{review.id}/transition", data={"action": "submit"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == "draft"


def test_stale_form_is_refused_with_changed_by_someone_else(client: FlaskClient, staff: Any) -> None:
    review = new_round(staff)
    stale = review.version
    services.transition(review, "submit", staff)
    login(client, staff)
    token = csrf_token(client, f"/reviews/{review.id}")
    response = client.post(
        f"/reviews/{review.id}/transition", data={"csrf_token": token, "action": "start", "version": str(stale)}
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.get_data(as_text=True)


def test_new_round_form(client: FlaskClient, staff: Any) -> None:
    from tests.factories import CommonsFactory

    commons = CommonsFactory(name="Form Commons")
    login(client, staff)
    token = csrf_token(client, "/reviews/new")
    bad = client.post("/reviews/new", data={"csrf_token": token, "commons": "", "round": "initial"})
    assert bad.status_code == 422
    assert "There is a problem" in bad.get_data(as_text=True)
    assert bad.get_data(as_text=True).count("<title>Error: ") == 1
    ok = client.post("/reviews/new", data={"csrf_token": token, "commons": commons.slug, "round": "initial"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(Review, int(ok.headers["Location"].rsplit("/", 1)[1])).criteria_version == "v1"


def test_assess_redirects_to_declaration_first_then_keeps_input_on_error(
    client: FlaskClient, users: dict[str, Any], staff: Any
) -> None:
    review = new_round(staff, status="in_review")
    person = users["reviewer"]
    services.assign_reviewer(review, person, staff)
    login(client, person)
    response = client.get(f"/reviews/{review.id}/assess")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/reviews/{review.id}/conflict")
    token = csrf_token(client, f"/reviews/{review.id}/conflict")
    missing = client.post(f"/reviews/{review.id}/conflict", data={"csrf_token": token, "version": review.version})
    assert missing.status_code == 422 and "Say whether you have a conflict" in missing.get_data(as_text=True)
    db.session.expire_all()
    version = db.session.get(Review, review.id).version
    declared = client.post(
        f"/reviews/{review.id}/conflict", data={"csrf_token": token, "version": version, "has_conflict": "no"}
    )
    assert declared.status_code == 302 and declared.headers["Location"].endswith("/assess")
    page = client.get(f"/reviews/{review.id}/assess").get_data(as_text=True)
    assert "What the platform knows" in page and "EUPL-1.2: OSI-approved and FSF free" in page
    db.session.expire_all()
    data = form_data(ALL_PASS)
    data.update(csrf_token=token, version=str(db.session.get(Review, review.id).version))
    data["s2_score"] = ""
    data["g3_evidence"] = "javascript:alert(1)"
    data["g3_comment"] = "Docs are at the project site"
    response = client.post(f"/reviews/{review.id}/assess", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give S2 a score from 0 to 3." in body and "http:// or https://" in body
    assert "Docs are at the project site" in body and "javascript:alert(1)</textarea>" in body
    assert 'href="#s2_score"' in body


def test_full_round_through_the_pages_and_public_page(client: FlaskClient, staff: Any) -> None:
    fr, it = reviewer("FR", name="Rémi Secret", email="remi.secret@example.org"), reviewer("IT", name="Ilaria X")
    review = new_round(staff, status="in_review")
    login(client, staff)
    token = csrf_token(client, f"/reviews/{review.id}/assign")
    for person in (fr, it):
        db.session.expire_all()
        version = db.session.get(Review, review.id).version
        response = client.post(
            f"/reviews/{review.id}/assign", data={"csrf_token": token, "reviewer": person.id, "version": version}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    for person in (fr, it):
        other = client.application.test_client()
        login(other, person)
        ptoken = csrf_token(other, f"/reviews/{review.id}/conflict")
        db.session.expire_all()
        version = db.session.get(Review, review.id).version
        other.post(
            f"/reviews/{review.id}/conflict", data={"csrf_token": ptoken, "version": version, "has_conflict": "no"}
        )
        db.session.expire_all()
        data = form_data(ALL_PASS)
        data.update(csrf_token=ptoken, version=str(db.session.get(Review, review.id).version))
        response = other.post(f"/reviews/{review.id}/assess", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    version = db.session.get(Review, review.id).version
    empty = client.post(
        f"/reviews/{review.id}/decision",
        data={"csrf_token": token, "version": version, "decision": "accepted", "rationale": ""},
    )
    assert empty.status_code == 422 and "rationale is published" in empty.get_data(as_text=True)
    response = client.post(
        f"/reviews/{review.id}/decision",
        data={"csrf_token": token, "version": version, "decision": "accepted", "rationale": "Every gate passed."},
    )
    assert response.status_code == 302
    public = client.application.test_client().get(f"/commons/{review.commons.slug}/review")
    body = public.get_data(as_text=True)
    assert public.status_code == 200
    assert "Every gate passed." in body and "Accepted as a European digital commons" in body
    assert "S1 Relevance to public services" in body and "2.00" in body
    assert "Rémi Secret" not in body and "remi.secret@example.org" not in body and "Ilaria" not in body


def test_decision_page_refuses_without_quorum_with_409(client: FlaskClient, staff: Any) -> None:
    review = assessed_round(staff, states=("FR",))
    login(client, staff)
    token = csrf_token(client, f"/reviews/{review.id}/decision")
    response = client.post(
        f"/reviews/{review.id}/decision",
        data={"csrf_token": token, "version": review.version, "decision": "ineligible", "rationale": "Too early"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "at least 2 reviewers" in body and "Too early</textarea>" in body


def test_clarification_form_refuses_past_deadline(client: FlaskClient, staff: Any) -> None:
    review = new_round(staff, status="in_review")
    login(client, staff)
    token = csrf_token(client, f"/reviews/{review.id}/clarification")
    response = client.post(
        f"/reviews/{review.id}/clarification",
        data={
            "csrf_token": token,
            "version": review.version,
            "question": "Who funds it?",
            "deadline": services.today().isoformat(),
            "recipients": "team@example.org",
        },
    )
    assert response.status_code == 422
    assert "must be a date in the future" in response.get_data(as_text=True)


def test_public_page_of_unreviewed_commons_and_unknown_commons(client: FlaskClient) -> None:
    from tests.factories import CommonsFactory

    commons = CommonsFactory()
    assert "has not reviewed this commons yet" in client.get(f"/commons/{commons.slug}/review").get_data(as_text=True)
    assert client.get("/commons/no-such-commons/review").status_code == 404


def test_reviewers_assess_concurrently_but_a_decision_on_older_assessments_is_refused(
    client: FlaskClient, staff: Any
) -> None:
    review = assessed_round(staff, states=("FR", "IT"))
    late = reviewer("DE")
    services.assign_reviewer(review, late, staff)
    services.declare_conflict(review, late, has_conflict=False)
    seen = review.version  # the secretariat opens the decision page; the German reviewer's page shows this too
    services.save_assessment(review, late, {"G1": {"verdict": "fail"}})  # a colleague saves meanwhile
    other = client.application.test_client()
    login(other, late)
    token = csrf_token(other, f"/reviews/{review.id}/assess")
    data = form_data({**ALL_PASS, "G1": {"verdict": "fail"}})
    data.update(csrf_token=token, version=str(seen))
    assert other.post(f"/reviews/{review.id}/assess", data=data).status_code == 302
    login(client, staff)
    token = csrf_token(client, f"/reviews/{review.id}/decision")
    response = client.post(
        f"/reviews/{review.id}/decision",
        data={"csrf_token": token, "version": seen, "decision": "accepted", "rationale": "All good."},
    )
    assert response.status_code == 409 and "changed by someone else" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == "in_review"
