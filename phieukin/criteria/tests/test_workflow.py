"""The quarterly workflow: commit, self-assess, submit, review or return; who may do what."""

from __future__ import annotations

import pytest

from phieukin.accounts.access import AccessDenied
from phieukin.accounts.models import User
from phieukin.audit.models import AuditEvent
from phieukin.core.errors import Conflict, DomainError
from phieukin.criteria import selectors, services
from phieukin.criteria.models import AssessmentState, Commitment, CriteriaSet
from phieukin.criteria.tests.conftest import full_marks
from phieukin.units.models import Unit


def test_an_official_commits_once_a_year(
    commitment: Commitment, leader: User, wards: list[Unit], criteria_set: CriteriaSet
) -> None:
    assert AuditEvent.objects.filter(action="criteria.commit").count() == 1
    assert leader.person is not None
    with pytest.raises(Conflict):
        services.commit_to_criteria(
            actor=leader, person=leader.person, unit=wards[0], year=2026, criteria_set=criteria_set
        )


def test_an_organiser_of_another_ward_cannot_record_a_commitment(
    outsider: User, leader: User, wards: list[Unit], criteria_set: CriteriaSet
) -> None:
    assert leader.person is not None
    with pytest.raises(AccessDenied):
        services.commit_to_criteria(
            actor=outsider,
            person=leader.person,
            unit=wards[0],
            year=2026,
            criteria_set=criteria_set,
        )


def test_a_submitted_quarter_is_reviewed_into_a_level(
    commitment: Commitment, leader: User, district_organiser: User, criteria_set: CriteriaSet
) -> None:
    draft = services.save_self_assessment(
        actor=leader, commitment=commitment, quarter=1, scores=full_marks(criteria_set, 8)
    )
    assert draft.state == AssessmentState.DRAFT and draft.self_points == 80
    submitted = services.save_self_assessment(
        actor=leader,
        commitment=commitment,
        quarter=1,
        scores=full_marks(criteria_set, 10),
        comment="Hoàn thành các nhiệm vụ trọng tâm.",
        submit=True,
    )
    assert submitted.state == AssessmentState.SUBMITTED
    reviewed = services.review_assessment(
        actor=district_organiser,
        assessment=submitted,
        scores={"I.1": 6, "IV.2": 5},
        comment="Cần đẩy nhanh giải quyết hồ sơ.",
    )
    assert reviewed.state == AssessmentState.REVIEWED
    assert (reviewed.self_points, reviewed.reviewed_points) == (100, 91)
    assert reviewed.level_label == "Hoàn thành xuất sắc nhiệm vụ"
    assert reviewed.reviewer == district_organiser
    with pytest.raises(Conflict):
        services.save_self_assessment(
            actor=leader, commitment=commitment, quarter=1, scores=full_marks(criteria_set)
        )
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert {"criteria.save_draft", "criteria.submit", "criteria.review"} <= set(actions)


def test_a_returned_quarter_needs_a_comment_and_can_be_submitted_again(
    commitment: Commitment, leader: User, standing: User, criteria_set: CriteriaSet
) -> None:
    submitted = services.save_self_assessment(
        actor=leader, commitment=commitment, quarter=2, scores=full_marks(criteria_set), submit=True
    )
    with pytest.raises(DomainError) as error:
        services.review_assessment(actor=standing, assessment=submitted, approve=False)
    assert error.value.code == "comment_required"
    returned = services.review_assessment(
        actor=standing, assessment=submitted, approve=False, comment="Bổ sung minh chứng."
    )
    assert returned.state == AssessmentState.RETURNED
    again = services.save_self_assessment(
        actor=leader,
        commitment=commitment,
        quarter=2,
        scores=full_marks(criteria_set, 7),
        submit=True,
    )
    assert again.state == AssessmentState.SUBMITTED and again.self_points == 70


def test_only_the_official_assesses_and_never_reviews_themself(
    commitment: Commitment,
    leader: User,
    ward_organiser: User,
    district_organiser: User,
    criteria_set: CriteriaSet,
) -> None:
    with pytest.raises(AccessDenied):
        services.save_self_assessment(
            actor=district_organiser,
            commitment=commitment,
            quarter=1,
            scores=full_marks(criteria_set),
        )
    submitted = services.save_self_assessment(
        actor=leader, commitment=commitment, quarter=1, scores=full_marks(criteria_set), submit=True
    )
    for actor in (leader, ward_organiser):
        with pytest.raises(AccessDenied):
            services.review_assessment(actor=actor, assessment=submitted)


def test_scores_must_cover_every_criterion_within_its_maximum(
    commitment: Commitment, leader: User, criteria_set: CriteriaSet
) -> None:
    scores = full_marks(criteria_set)
    del scores["II.1"]
    with pytest.raises(DomainError) as missing:
        services.save_self_assessment(actor=leader, commitment=commitment, quarter=1, scores=scores)
    assert missing.value.code == "missing_score"
    with pytest.raises(DomainError) as too_high:
        services.save_self_assessment(
            actor=leader, commitment=commitment, quarter=1, scores=full_marks(criteria_set, 11)
        )
    assert too_high.value.code == "bad_score"


def test_the_quarterly_results_are_the_evidence_of_the_year_only_for_allowed_readers(
    commitment: Commitment,
    leader: User,
    district_organiser: User,
    outsider: User,
    standing: User,
    criteria_set: CriteriaSet,
) -> None:
    for quarter in (1, 2):
        a = services.save_self_assessment(
            actor=leader,
            commitment=commitment,
            quarter=quarter,
            scores=full_marks(criteria_set, 8),
            submit=True,
        )
        services.review_assessment(actor=district_organiser, assessment=a)
    assert leader.person_id is not None
    [year] = selectors.quarterly_results(standing, person_id=leader.person_id, year=2026)
    assert [q.level_label for q in year.quarters[:2]] == ["Hoàn thành tốt nhiệm vụ"] * 2
    assert [q.state for q in year.quarters[2:]] == ["", ""]
    assert year.year_percent == 80.0
    assert selectors.quarterly_results(leader, person_id=leader.person_id)
    assert selectors.quarterly_results(outsider, person_id=leader.person_id) == []


def test_a_units_quarter_counts_levels_and_work_not_done(
    commitment: Commitment, leader: User, district_organiser: User, criteria_set: CriteriaSet
) -> None:
    a = services.save_self_assessment(
        actor=leader,
        commitment=commitment,
        quarter=3,
        scores=full_marks(criteria_set, 6),
        submit=True,
    )
    services.review_assessment(actor=district_organiser, assessment=a)
    [unit] = selectors.unit_quarter_results(district_organiser, year=2026, quarter=3)
    assert (unit.commitments, unit.reviewed, unit.not_done) == (1, 1, 0)
    assert unit.levels == (("Hoàn thành nhiệm vụ", 1),)
    [empty] = selectors.unit_quarter_results(district_organiser, year=2026, quarter=4)
    assert (empty.reviewed, empty.not_done) == (0, 1)
