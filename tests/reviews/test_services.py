# SPDX-License-Identifier: EUPL-1.2
"""Rules of the working-group review, exercised through the service functions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from commons.audit import AuditEvent
from commons.catalogue.models import CommonsSteward
from commons.errors import Conflict, PermissionDenied, ValidationFailed
from commons.extensions import db
from commons.reviews import services
from commons.reviews.models import Review
from tests.factories import CommonsFactory, OrganisationFactory
from tests.reviews.factories import ALL_PASS, assessed_round, new_round, reviewer


def tags(review: Review) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.tag)
            .where(AuditEvent.object_type == "reviews", AuditEvent.object_id == str(review.id))
            .order_by(AuditEvent.id)
        )
    )


def test_new_round_freezes_criteria_version_and_is_a_draft(staff: Any) -> None:
    review = new_round(staff)
    assert (review.status, review.criteria_version, review.round, review.version) == ("draft", "v1", "initial", 1)
    assert [c.code for c in services.criteria("v1")] == [f"G{i}" for i in range(1, 7)] + [f"S{i}" for i in range(1, 6)]


def test_reviewer_cannot_open_a_round(users: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.create_review(CommonsFactory(), users["reviewer"])


def test_second_open_round_on_same_commons_is_refused(staff: Any) -> None:
    review = new_round(staff)
    with pytest.raises(Conflict, match="already has an open review round"):
        services.create_review(review.commons, staff)


def test_submit_moves_commons_under_review_and_withdraw_back_to_candidate(staff: Any) -> None:
    review = new_round(staff, status="submitted")
    assert review.commons.catalogue_status == "under_review"
    services.transition(review, "withdraw", staff, reason="Nominated by mistake")
    assert review.status == "withdrawn"
    assert review.commons.catalogue_status == "candidate"
    assert review.withdrawn_reason == "Nominated by mistake"


@pytest.mark.parametrize(
    ("status", "action"),
    [("draft", "start"), ("submitted", "submit"), ("in_review", "submit"), ("draft", "decide")],
)
def test_invalid_transition_is_refused_and_changes_nothing(staff: Any, status: str, action: str) -> None:
    review = new_round(staff, status=status)
    version = review.version
    with pytest.raises(Conflict, match="Nothing was changed"):
        services.transition(review, action, staff, decision="accepted", rationale="Good")
    assert (review.status, review.version) == (status, version)


def test_decided_round_cannot_be_withdrawn(staff: Any) -> None:
    review = assessed_round(staff)
    services.decide(review, staff, decision="accepted", rationale="Meets every gate.")
    with pytest.raises(Conflict, match="decided"):
        services.transition(review, "withdraw", staff)
    assert review.status == "decided"


def test_stale_version_is_refused(staff: Any) -> None:
    review = new_round(staff)
    stale = review.version
    services.transition(review, "submit", staff, version=stale)
    with pytest.raises(Conflict, match="changed by someone else"):
        services.transition(review, "start", staff, version=stale)
    assert review.status == "submitted"


def test_unknown_action_is_a_validation_error(staff: Any) -> None:
    with pytest.raises(ValidationFailed) as failure:
        services.transition(new_round(staff), "publish", staff)
    assert "action" in failure.value.errors


def test_user_without_reviewer_role_cannot_be_assigned(staff: Any, users: dict[str, Any]) -> None:
    review = new_round(staff, status="in_review")
    with pytest.raises(ValidationFailed) as failure:
        services.assign_reviewer(review, users["rep_fr"], staff)
    assert "not a working-group reviewer" in failure.value.errors["reviewer"][0]


def test_reviewer_without_member_state_cannot_be_assigned(staff: Any) -> None:
    review = new_round(staff)
    with pytest.raises(ValidationFailed) as failure:
        services.assign_reviewer(review, reviewer(None), staff)
    assert "no member state" in failure.value.errors["reviewer"][0]


def test_reviewer_of_a_steward_organisation_cannot_review(staff: Any) -> None:
    org = OrganisationFactory()
    commons = CommonsFactory()
    db.session.add(CommonsSteward(commons_id=commons.id, organisation_id=org.id, role="owner"))
    db.session.flush()
    db.session.refresh(commons)
    review = new_round(staff, commons=commons)
    insider = reviewer("FR", organisation_id=org.id)
    with pytest.raises(ValidationFailed) as failure:
        services.assign_reviewer(review, insider, staff)
    assert "stewards" in failure.value.errors["reviewer"][0]
    with pytest.raises(PermissionDenied, match="stewards"):
        services.volunteer(review, insider)
    assert insider not in services.eligible_reviewers(review)
    assert review.reviewers == []


def test_only_secretariat_assigns_and_only_reviewers_volunteer(staff: Any, users: dict[str, Any]) -> None:
    review = new_round(staff)
    with pytest.raises(PermissionDenied):
        services.assign_reviewer(review, reviewer("IT"), users["reviewer"])
    with pytest.raises(PermissionDenied):
        services.volunteer(review, staff)
    with pytest.raises(PermissionDenied):
        services.volunteer(review, users["user"])
    row = services.volunteer(review, users["reviewer"])
    assert row.volunteered and row.member_state_code == "FR"
    with pytest.raises(Conflict, match="already a reviewer"):
        services.volunteer(review, users["reviewer"])


def test_assessment_form_needs_a_declaration_first(staff: Any) -> None:
    review = new_round(staff, status="in_review")
    person = reviewer("FR")
    services.assign_reviewer(review, person, staff)
    with pytest.raises(Conflict, match="Declare whether you have a conflict"):
        services.save_assessment(review, person, ALL_PASS, complete=True)


def test_declared_conflict_removes_reviewer_from_assessing(staff: Any) -> None:
    review = new_round(staff, status="in_review")
    person = reviewer("FR")
    services.assign_reviewer(review, person, staff)
    with pytest.raises(ValidationFailed) as failure:
        services.declare_conflict(review, person, has_conflict=True, statement="")
    assert "statement" in failure.value.errors
    services.declare_conflict(review, person, has_conflict=True, statement="My employer maintains it.")
    with pytest.raises(PermissionDenied, match="conflict of interest"):
        services.save_assessment(review, person, ALL_PASS, complete=True)
    with pytest.raises(Conflict, match="cannot be withdrawn"):
        services.declare_conflict(review, person, has_conflict=False)


def test_non_member_cannot_declare(staff: Any) -> None:
    review = new_round(staff, status="in_review")
    with pytest.raises(PermissionDenied, match="not a reviewer of this round"):
        services.declare_conflict(review, reviewer("FR"), has_conflict=False)


@pytest.mark.parametrize(
    ("entries", "field", "message"),
    [
        ({"G1": {"verdict": "pass", "score": 2}}, "g1_score", "gate"),
        ({"S1": {"verdict": "pass"}}, "s1_score", "score from 0 to 3"),
        ({"S1": {"verdict": "pass", "score": 4}}, "s1_score", "0 to 3"),
        ({"S1": {"verdict": "pass", "score": "2.5"}}, "s1_score", "0 to 3"),
        ({"G1": {"verdict": "maybe"}}, "g1_verdict", "Choose one of"),
        ({"G1": {"verdict": "pass", "evidence_urls": ["javascript:alert(1)"]}}, "g1_evidence", "http"),
        ({"G1": {"verdict": "pass", "evidence_urls": "ftp://example.org/x"}}, "g1_evidence", "http"),
        ({"G1": {"verdict": "pass", "comment": "TBD"}}, "g1_comment", "placeholder"),
    ],
)
def test_bad_assessment_is_refused_with_a_message_per_field(
    staff: Any, entries: dict[str, Any], field: str, message: str
) -> None:
    review = new_round(staff, status="in_review")
    person = reviewer("FR")
    services.assign_reviewer(review, person, staff)
    services.declare_conflict(review, person, has_conflict=False)
    with pytest.raises(ValidationFailed) as failure:
        services.save_assessment(review, person, entries)
    assert message in " ".join(failure.value.errors[field])
    assert review.assessments == []


def test_complete_assessment_needs_every_verdict_and_no_needs_info(staff: Any) -> None:
    review = new_round(staff, status="in_review")
    person = reviewer("FR")
    services.assign_reviewer(review, person, staff)
    services.declare_conflict(review, person, has_conflict=False)
    services.save_assessment(review, person, {"G1": {"verdict": "needs_info"}})  # a draft may be partial
    with pytest.raises(ValidationFailed) as failure:
        services.save_assessment(review, person, {"G1": {"verdict": "needs_info"}}, complete=True)
    assert "clarification" in failure.value.errors["g1_verdict"][0]
    assert "s5_verdict" in failure.value.errors
    saved = services.save_assessment(
        review,
        person,
        {**ALL_PASS, "G1": {"verdict": "pass", "evidence_urls": "https://spdx.org/licenses/EUPL-1.2.html"}},
        complete=True,
    )
    assert len(saved) == 11
    assert services.membership(review, person).completed_at is not None
    assert "review:assessment:complete" in tags(review)


def test_decision_needs_two_reviewers_from_two_states(staff: Any) -> None:
    review = assessed_round(staff, states=("FR", "FR"))
    with pytest.raises(Conflict, match="at least 2 reviewers from at least 2 member states"):
        services.decide(review, staff, decision="accepted", rationale="Fine.")
    single = assessed_round(staff, states=("FR",))
    with pytest.raises(Conflict, match="so far 1 completed"):
        services.decide(single, staff, decision="ineligible", rationale="Fine.")
    assert review.status == single.status == "in_review"


def test_conflicted_reviewer_does_not_count_towards_the_quorum(staff: Any) -> None:
    review = assessed_round(staff, states=("FR",))
    person = reviewer("IT")
    services.assign_reviewer(review, person, staff)
    services.declare_conflict(review, person, has_conflict=True, statement="I co-founded it.")
    assert services.reviewer_quorum_problem(review) is not None


def test_accept_refused_when_a_gate_failed_and_says_which(staff: Any) -> None:
    verdicts = {**ALL_PASS, "G4": {"verdict": "fail", "comment": "Needs a proprietary cloud service."}}
    review = assessed_round(staff, verdicts=verdicts)
    with pytest.raises(ValidationFailed) as failure:
        services.decide(review, staff, decision="accepted", rationale="Popular.")
    assert "gate G4 (No hard proprietary lock-in)" in failure.value.errors["decision"][0]
    services.decide(review, staff, decision="ineligible", rationale="Gate G4 failed.")
    assert review.commons.catalogue_status == "ineligible"
    assert review.commons.valid_until is None


def test_rationale_and_permission_required_for_a_decision(staff: Any, users: dict[str, Any]) -> None:
    review = assessed_round(staff)
    with pytest.raises(ValidationFailed) as failure:
        services.decide(review, staff, decision="accepted", rationale="  ")
    assert "rationale" in failure.value.errors
    with pytest.raises(PermissionDenied):
        services.decide(review, users["reviewer"], decision="accepted", rationale="ok")


def test_acceptance_is_valid_twelve_months_and_updates_the_commons(staff: Any) -> None:
    review = assessed_round(staff)
    services.decide(review, staff, decision="accepted", rationale="Meets every gate; used in two states.")
    today = services.today()
    assert review.status == "decided" and review.decision == "accepted"
    assert review.valid_from == today and review.valid_until == services.add_months(today, 12)
    commons = review.commons
    assert commons.catalogue_status == "accepted"
    assert (commons.valid_from, commons.valid_until) == (review.valid_from, review.valid_until)
    assert commons.accepted_at is not None
    assert {"review:create", "review:reviewer:assign", "review:coi:declare", "review:assessment:save",
            "review:status:update", "review:decision:record"} <= set(tags(review))  # fmt: skip


def test_add_months_handles_month_ends() -> None:
    assert services.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert services.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services.add_months(date(2026, 11, 23), 12) == date(2027, 11, 23)


def test_clarification_deadline_must_be_in_the_future_and_recipients_known(staff: Any) -> None:
    review = new_round(staff, status="in_review")
    for deadline, message in ((services.today(), "future"), ("tomorrow", "as a date"), (None, "Give a deadline")):
        with pytest.raises(ValidationFailed) as failure:
            services.request_clarification(review, staff, question="Who maintains it?", deadline=deadline)
        assert message in failure.value.errors["deadline"][0]
        assert "No contact is known" in failure.value.errors["recipients"][0]
    with pytest.raises(ValidationFailed) as failure:
        services.request_clarification(
            review, staff, question="Q?", deadline=services.today() + timedelta(days=3), recipients="not-an-address"
        )
    assert "recipients" in failure.value.errors
    assert review.status == "in_review"


def test_clarification_goes_to_the_publiccode_contacts_and_answer_resumes(staff: Any) -> None:
    review = new_round(staff, status="in_review")
    review.commons.maintenance = {"type": "internal", "contacts": [{"name": "M", "email": "Maint@Example.org"}]}
    due = services.today() + timedelta(days=14)
    clarification = services.request_clarification(review, staff, question="Who funds it?", deadline=due.isoformat())
    assert clarification.recipients == ["maint@example.org"]
    assert review.status == "clarification_requested"
    with pytest.raises(Conflict):
        services.decide(review, staff, decision="accepted", rationale="x")
    services.record_answer(review, staff, answer="The ministry funds two developers.")
    assert review.status == "in_review"
    assert clarification.answered_at is not None
    assert {"review:clarification:request", "review:clarification:answer"} <= set(tags(review))


def test_expire_ends_unanswered_rounds_as_ineligible_once(staff: Any) -> None:
    review = new_round(staff, status="in_review")
    due = services.today() + timedelta(days=2)
    services.request_clarification(review, staff, question="Licence of the data?", deadline=due, recipients=["a@b.eu"])
    assert services.expire_clarifications(on=due) == []  # the deadline day itself still counts
    ended = services.expire_clarifications(on=due + timedelta(days=1))
    assert ended == [review]
    assert (review.status, review.decision) == ("decided", "ineligible")
    assert review.rationale == f"clarification not answered by {due.isoformat()}"
    assert review.commons.catalogue_status == "ineligible"
    assert services.expire_clarifications(on=due + timedelta(days=2)) == []


def test_renewal_opens_45_days_before_expiry_once(staff: Any) -> None:
    review = assessed_round(staff)
    services.decide(review, staff, decision="accepted", rationale="Meets every gate.")
    valid_until = review.valid_until
    assert services.open_renewals(on=valid_until - timedelta(days=46)) == []
    opened = services.open_renewals(on=valid_until - timedelta(days=45))
    assert len(opened) == 1
    renewal = opened[0]
    assert (renewal.round, renewal.status, renewal.previous_review_id) == ("renewal", "submitted", review.id)
    assert review.commons.catalogue_status == "accepted"  # still valid while the renewal runs
    assert services.open_renewals(on=valid_until - timedelta(days=40)) == []


def test_public_summary_has_scores_but_no_reviewer(staff: Any) -> None:
    review = assessed_round(staff)
    assert services.public_review_summary(review.commons)["status"] == "in_review"  # type: ignore[index]
    services.decide(review, staff, decision="accepted", rationale="Meets every gate.")
    summary = services.public_review_summary(review.commons)
    assert summary is not None
    assert summary["status"] == "decided" and summary["decision"] == "accepted"
    assert summary["scores"] == {"S1": 2.0, "S2": 2.0, "S3": 2.0, "S4": 2.0, "S5": 2.0}
    assert summary["round"] == "initial" and summary["criteria_version"] == "v1"
    assert "reviewer" not in repr(summary).lower()


def test_no_public_summary_for_drafts(staff: Any) -> None:
    review = new_round(staff)
    assert services.public_review_summary(review.commons) is None


def test_withdrawn_re_review_restores_the_previous_decision(staff: Any) -> None:
    first = assessed_round(staff)
    services.decide(first, staff, decision="ineligible", rationale="Gate G2 not met yet.")
    again = services.create_review(first.commons, staff)
    assert again.previous_review_id == first.id
    services.transition(again, "submit", staff)
    assert first.commons.catalogue_status == "under_review"
    services.transition(again, "withdraw", staff)
    assert first.commons.catalogue_status == "ineligible"


def test_renewal_round_only_for_accepted_commons(staff: Any) -> None:
    with pytest.raises(ValidationFailed) as failure:
        services.create_review(CommonsFactory(), staff, "renewal")
    assert "Only an accepted commons" in failure.value.errors["round"][0]
