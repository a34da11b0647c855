"""The follow-through parts of the record: response and plans, self-cultivation, self-check, grade.

Each part follows its own app's rule: the leader and the Standing Committee read all of
them here, another ward's organiser nothing, the ward's own organiser only what the
ward's office reads (self-cultivation plan, self-check, grade — never the response to a
confidential report).
"""

from __future__ import annotations

import datetime as dt

import pytest

from phieukin.accounts.models import User
from phieukin.followup import services as followup
from phieukin.followup.services import CommitmentInput
from phieukin.grading import services as grading
from phieukin.grading.models import Grading, SubjectKind
from phieukin.records.selectors import record_for
from phieukin.rounds.models import Round, Subject
from phieukin.selfcheck import services as selfcheck
from phieukin.selfcheck.tests.conftest import DATA as CHECKLIST
from phieukin.units.models import Person, Unit

PARTS = [
    "feedback",
    "remediation",
    "cultivation",
    "selfcheck",
    "criteria",
    "grading",
    "recognitions",
]


@pytest.fixture
def followed_through(
    full_record: Round,
    leader: User,
    wards: list[Unit],
    district: Unit,
    district_organiser: User,
    ward_organiser: User,
) -> Person:
    """The leader's response and plan, a posted self-cultivation plan, a self-check, a grade."""
    person = leader.person
    assert person is not None
    subject = Subject.objects.get(conference__round=full_record, person=person)
    followup.save_response(
        actor=leader, subject=subject, accepted="Tiếp thu ý kiến về tác phong.", explained=""
    )
    followup.start_plan(actor=leader, subject=subject)
    plan = followup.save_cultivation_plan(
        actor=leader,
        person_id=person.pk,
        unit=wards[0],
        year=2026,
        intro="",
        commitments=[CommitmentInput(area="ethics", text="Giữ gìn phẩm chất đạo đức.")],
    )
    followup.post_cultivation_plan(actor=leader, plan=plan)
    checklist = selfcheck.import_checklist(
        actor=None, data=CHECKLIST.read_bytes(), filename=CHECKLIST.name
    )
    session = selfcheck.create_session(
        actor=ward_organiser,
        unit=wards[0],
        period="2026",
        checklist=checklist,
        title="",
        held_on=dt.date(2026, 6, 10),
        participants=40,
        speakers=8,
    )
    entry = selfcheck.add_individual(
        actor=ward_organiser, session=session, name="", role_title="Bí thư", person=person
    )
    selfcheck.mark_none_apply(actor=ward_organiser, entry=entry)
    grading.open_grading_year(actor=district_organiser, organiser_unit=district, year=2024)
    own = Grading.objects.get(kind=SubjectKind.INDIVIDUAL, person=person)
    grading.self_assess(actor=leader, grading=own, text="Hoàn thành tốt nhiệm vụ.", grade="HTTNV")
    return person


def _keys(user: User, person: Person) -> list[str]:
    return [p.key for p in record_for(user, person).parts]


def test_the_standing_committee_reads_every_part(followed_through: Person, standing: User) -> None:
    record = record_for(standing, followed_through)
    assert [p.key for p in record.parts] == PARTS
    parts = {p.key: p for p in record.parts}
    assert parts["remediation"].tables[0].rows[0][1] == "Tiếp thu ý kiến về tác phong."
    assert parts["cultivation"].tables[0].rows[0][0] == "2026"
    assert parts["grading"].tables[0].rows[0][0] == "2024"


def test_the_leader_reads_their_own_parts(followed_through: Person, leader: User) -> None:
    keys = _keys(leader, followed_through)
    assert {"feedback", "remediation", "cultivation", "criteria", "grading"} <= set(keys)


def test_the_wards_office_never_reads_the_response_to_the_report(
    followed_through: Person, ward_organiser: User
) -> None:
    keys = _keys(ward_organiser, followed_through)
    assert "feedback" not in keys and "remediation" not in keys
    assert {"cultivation", "selfcheck", "grading"} <= set(keys)


def test_another_wards_organiser_reads_nothing(followed_through: Person, outsider: User) -> None:
    from phieukin.accounts.access import AccessDenied

    with pytest.raises(AccessDenied):
        record_for(outsider, followed_through)
