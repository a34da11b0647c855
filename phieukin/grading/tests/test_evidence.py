"""Evidence beside the self-assessment: feedback results only to those who may read them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from phieukin.accounts.models import User
from phieukin.followup import services as followup
from phieukin.grading import evidence, services
from phieukin.grading.models import Grading, GradingYear
from phieukin.reports.tests.conftest import fill_round
from phieukin.rounds.models import Round, Subject
from phieukin.rounds.services import publish_round
from phieukin.selfcheck import services as selfcheck
from phieukin.selfcheck.tests.conftest import DATA
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(open_round_: Round) -> Round:
    fill_round(open_round_)
    return open_round_


@pytest.fixture
def year_2026(district: Unit, counted: Round) -> GradingYear:
    return services.open_grading_year(actor=None, organiser_unit=district, year=2026)


@pytest.fixture
def own_grading(year_2026: GradingYear, leader: User, wards: list[Unit]) -> Grading:
    return Grading.objects.get(year=year_2026, person=leader.person, unit=wards[0])


def feedback(reader: User, grading: Grading) -> evidence.EvidenceSection:
    return evidence.feedback_results(reader, grading)


def test_before_publication_only_the_organiser_sees_the_results(
    own_grading: Grading, district_organiser: User, standing: User, leader: User
) -> None:
    assert len(feedback(district_organiser, own_grading).lines) == 1
    for reader in (standing, leader):
        section = feedback(reader, own_grading)
        assert section.lines == () and section.withheld


def test_after_publication_the_person_the_standing_committee_and_organiser_see_them(
    own_grading: Grading,
    counted: Round,
    district_organiser: User,
    standing: User,
    leader: User,
    ward_organiser: User,
) -> None:
    publish_round(actor=None, round=counted)
    for reader in (district_organiser, standing, leader):
        section = feedback(reader, own_grading)
        assert len(section.lines) == 1 and not section.withheld
        assert "Đợt II/2026" in section.lines[0].label
    office = feedback(ward_organiser, own_grading)
    assert office.lines == () and office.withheld


def test_the_grading_page_hides_the_results_from_the_wards_office(
    own_grading: Grading, counted: Round, ward_organiser: User, leader: User
) -> None:
    publish_round(actor=None, round=counted)
    client = Client()
    client.force_login(ward_organiser)
    html = client.get(f"/gradings/{own_grading.pk}/").content.decode()
    assert f"/reports/{counted.pk}/leaders/" not in html
    assert 'class="card evidence-feedback ' in html  # the section is there (CSS classes follow)
    client.force_login(leader)
    html = client.get(f"/gradings/{own_grading.pk}/").content.decode()
    assert f"/reports/{counted.pk}/leaders/" in html


def test_another_wards_office_cannot_open_the_grading(own_grading: Grading, outsider: User) -> None:
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/gradings/{own_grading.pk}/").status_code == 404
    assert client.get(f"/gradings/{own_grading.pk}/ban-kiem-diem.docx").status_code == 404


def test_the_self_check_of_the_year_is_shown_with_its_follow_up(
    year_2026: GradingYear,
    own_grading: Grading,
    wards: list[Unit],
    ward_organiser: User,
    leader: User,
    outsider: User,
) -> None:
    checklist = selfcheck.import_checklist(actor=None, data=DATA.read_bytes(), filename="c.yaml")
    session = selfcheck.create_session(
        actor=ward_organiser,
        unit=wards[0],
        period="2026",
        checklist=checklist,
        title="",
        held_on=dt.date(2026, 3, 1),
        participants=30,
        speakers=9,
    )
    entry = selfcheck.add_individual(
        actor=ward_organiser, session=session, name=own_grading.name, person=own_grading.person
    )
    selfcheck.record_finding(
        actor=ward_organiser,
        entry=entry,
        item=checklist.items.get(order=16),
        remedy="Giải quyết hồ sơ đúng hạn",
        follow_up_by="Chi ủy",
        due_on=dt.date(2026, 6, 30),
    )
    section = evidence.directive_24(leader, own_grading)
    assert section.data == {"findings": 1, "done": 0}
    assert any(line.warning for line in section.lines)  # overdue
    assert evidence.directive_24(ward_organiser, own_grading).lines


def test_every_source_has_its_section(own_grading: Grading, district_organiser: User) -> None:
    sections = {s.key: s for s in evidence.gather(district_organiser, own_grading)}
    assert set(sections) == {
        "feedback",
        "remediation",
        "self_cultivation",
        "directive_24",
        "criteria",
    }
    assert all(s.available for s in sections.values())


def test_the_remediation_plan_is_shown_to_its_readers_only(
    own_grading: Grading,
    counted: Round,
    leader: User,
    district_organiser: User,
    outsider: User,
) -> None:
    publish_round(actor=None, round=counted)
    subject = Subject.objects.get(conference__round=counted, person=leader.person)
    plan = followup.start_plan(actor=leader, subject=subject)
    section = evidence.remediation_plans(district_organiser, own_grading)
    assert [line.label for line in section.lines] == [counted.title]
    assert section.data["total"] == plan.measures.count()
    assert evidence.remediation_plans(leader, own_grading).lines
    # Another ward's office reads neither the grading nor the plan.
    hidden = evidence.remediation_plans(outsider, own_grading)
    assert hidden.lines == () and hidden.withheld


def test_the_self_cultivation_plan_shows_whether_it_was_posted(
    own_grading: Grading, leader: User, wards: list[Unit], standing: User
) -> None:
    section = evidence.self_cultivation_plan(standing, own_grading)
    assert section.data == {"posted": False, "required": True}
    assert section.lines[0].warning
    plan = followup.save_cultivation_plan(
        actor=leader,
        person_id=own_grading.person_id,  # type: ignore[arg-type]
        unit=wards[0],
        year=2026,
        intro="Kế hoạch tu dưỡng",
        commitments=[followup.CommitmentInput(area="ethics", text="Gương mẫu")],
    )
    followup.post_cultivation_plan(actor=leader, plan=plan)
    section = evidence.self_cultivation_plan(standing, own_grading)
    assert section.data == {"posted": True, "required": True}
    assert not section.lines[0].warning
