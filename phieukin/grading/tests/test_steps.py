"""The three steps: in order, each by its own role, audited, the grade by the year's rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from phieukin.accounts.access import AccessDenied
from phieukin.accounts.models import User
from phieukin.audit.models import AuditEvent
from phieukin.core.errors import Conflict, DomainError
from phieukin.grading import services
from phieukin.grading.models import Grading, GradingYear, Step, SubjectKind
from phieukin.grading.selectors import cap_checks
from phieukin.grading.tests.conftest import collective, individual
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_year_stores_its_regulation_and_creates_the_wards_and_leaders(
    year_2024: GradingYear, year_2025: GradingYear
) -> None:
    assert (year_2024.regulation, year_2025.regulation) == ("QD124", "QD366")
    for year in (year_2024, year_2025):
        gradings = Grading.objects.filter(year=year)
        assert gradings.filter(kind=SubjectKind.COLLECTIVE).count() == 14
        assert gradings.filter(kind=SubjectKind.INDIVIDUAL).count() == 28
    assert AuditEvent.objects.filter(action="grading.year_opened").count() == 2


def test_only_the_organiser_opens_a_year(
    district: Unit, standing: User, ward_organiser: User
) -> None:
    for actor in (standing, ward_organiser):
        with pytest.raises(AccessDenied):
            services.open_grading_year(actor=actor, organiser_unit=district, year=2024)


def test_a_year_is_opened_once(year_2024: GradingYear, district: Unit) -> None:
    with pytest.raises(Conflict):
        services.open_grading_year(actor=None, organiser_unit=district, year=2024)


def _three_steps(
    grading: Grading, office: User, organiser: User, standing: User, **grade: object
) -> Grading:
    services.self_assess(actor=office, grading=grading, text="Tự đánh giá", **grade)  # type: ignore[arg-type]
    services.propose(actor=organiser, grading=grading, text="Đề xuất", **grade)  # type: ignore[arg-type]
    return services.decide(actor=standing, grading=grading, text="Quyết định", **grade)  # type: ignore[arg-type]


def test_the_three_steps_record_who_and_when_and_are_audited(
    year_2024: GradingYear,
    wards: list[Unit],
    ward_organiser: User,
    district_organiser: User,
    standing: User,
) -> None:
    grading = _three_steps(
        collective(year_2024, wards[0]), ward_organiser, district_organiser, standing, grade="HTTNV"
    )
    assert grading.step == Step.DECIDED
    assert (grading.self_by, grading.proposed_by, grading.decided_by) == (
        ward_organiser,
        district_organiser,
        standing,
    )
    assert grading.self_at <= grading.proposed_at <= grading.decided_at  # type: ignore[operator]
    actions = list(
        AuditEvent.objects.filter(object_type="grading.grading", object_id=str(grading.pk))
        .order_by("pk")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("grading.self_assessed", ward_organiser.username),
        ("grading.proposed", district_organiser.username),
        ("grading.decided", standing.username),
    ]


def test_no_step_is_skipped(
    year_2024: GradingYear,
    wards: list[Unit],
    ward_organiser: User,
    district_organiser: User,
    standing: User,
) -> None:
    grading = collective(year_2024, wards[0])
    with pytest.raises(Conflict):
        services.propose(actor=district_organiser, grading=grading, text="x", grade="HTTNV")
    with pytest.raises(Conflict):
        services.decide(actor=standing, grading=grading, text="x", grade="HTTNV")
    services.self_assess(actor=ward_organiser, grading=grading, text="x", grade="HTTNV")
    with pytest.raises(Conflict):
        services.decide(actor=standing, grading=grading, text="x", grade="HTTNV")
    services.propose(actor=district_organiser, grading=grading, text="x", grade="HTTNV")
    with pytest.raises(Conflict):
        services.self_assess(actor=ward_organiser, grading=grading, text="again", grade="HTXSNV")
    services.decide(actor=standing, grading=grading, text="x", grade="HTNV")
    with pytest.raises(Conflict):
        services.decide(actor=standing, grading=grading, text="y", grade="HTTNV")
    with pytest.raises(Conflict):
        services.propose(actor=district_organiser, grading=grading, text="y", grade="HTTNV")
    assert Grading.objects.get(pk=grading.pk).decided_grade == "HTNV"


def test_no_step_is_done_by_the_wrong_role(
    year_2024: GradingYear,
    wards: list[Unit],
    ward_organiser: User,
    outsider: User,
    counter: User,
    leader: User,
    district_organiser: User,
    standing: User,
) -> None:
    grading = collective(year_2024, wards[0])
    for actor in (outsider, counter, leader, district_organiser, standing):
        with pytest.raises(AccessDenied):
            services.self_assess(actor=actor, grading=grading, text="x", grade="HTTNV")
    services.self_assess(actor=ward_organiser, grading=grading, text="x", grade="HTTNV")
    for actor in (ward_organiser, outsider, counter, leader, standing):
        with pytest.raises(AccessDenied):
            services.propose(actor=actor, grading=grading, text="x", grade="HTTNV")
    services.propose(actor=district_organiser, grading=grading, text="x", grade="HTTNV")
    for actor in (ward_organiser, outsider, counter, leader, district_organiser):
        with pytest.raises(AccessDenied):
            services.decide(actor=actor, grading=grading, text="x", grade="HTTNV")
    assert Grading.objects.get(pk=grading.pk).step == Step.PROPOSED


def test_a_leader_assesses_themself_but_nobody_else(
    year_2024: GradingYear, wards: list[Unit], leader: User
) -> None:
    own = Grading.objects.get(year=year_2024, person=leader.person, unit=wards[0])
    services.self_assess(actor=leader, grading=own, text="Bản thân", grade="HTTNV")
    other = (
        Grading.objects.filter(year=year_2024, unit=wards[0], kind=SubjectKind.INDIVIDUAL)
        .exclude(pk=own.pk)
        .first()
    )
    assert other is not None
    with pytest.raises(AccessDenied):
        services.self_assess(actor=leader, grading=other, text="x", grade="HTTNV")


def test_a_unit_is_decided_before_the_people_who_lead_it(
    year_2024: GradingYear,
    wards: list[Unit],
    ward_organiser: User,
    district_organiser: User,
    standing: User,
) -> None:
    head = individual(year_2024, wards[0])
    services.self_assess(actor=ward_organiser, grading=head, text="x", grade="HTTNV")
    services.propose(actor=district_organiser, grading=head, text="x", grade="HTTNV")
    with pytest.raises(Conflict) as caught:
        services.decide(actor=standing, grading=head, text="x", grade="HTTNV")
    assert caught.value.code == "collective_first"
    _three_steps(
        collective(year_2024, wards[0]), ward_organiser, district_organiser, standing, grade="HTTNV"
    )
    assert (
        services.decide(actor=standing, grading=head, text="x", grade="HTTNV").step == Step.DECIDED
    )


@pytest.mark.parametrize(
    ("general", "tasks", "grade"),
    [
        ("19.5", "30", "KHTNV"),
        ("20", "30", "HTNV"),
        ("29.9", "40", "HTNV"),
        ("30", "40", "HTTNV"),
        ("29.9", "60", "HTTNV"),
        ("30", "60", "HTXSNV"),
    ],
)
def test_a_2025_grade_is_computed_from_points(
    year_2025: GradingYear,
    wards: list[Unit],
    ward_organiser: User,
    general: str,
    tasks: str,
    grade: str,
) -> None:
    grading = services.self_assess(
        actor=ward_organiser,
        grading=collective(year_2025, wards[0]),
        text="x",
        grade="HTXSNV",  # ignored: the points decide
        general=D(general),
        tasks=D(tasks),
    )
    assert grading.self_grade == grade
    assert grading.self_total == D(general) + D(tasks)


def test_a_2024_grade_is_chosen_and_points_are_not_required(
    year_2024: GradingYear, wards: list[Unit], ward_organiser: User
) -> None:
    grading = services.self_assess(
        actor=ward_organiser, grading=collective(year_2024, wards[0]), text="x", grade="HTXSNV"
    )
    assert (grading.self_grade, grading.self_total) == ("HTXSNV", None)


def test_2025_points_outside_the_framework_are_refused(
    year_2025: GradingYear, wards: list[Unit], ward_organiser: User
) -> None:
    with pytest.raises(DomainError) as caught:
        services.self_assess(
            actor=ward_organiser,
            grading=collective(year_2025, wards[0]),
            text="x",
            general=D("31"),
            tasks=D("60"),
        )
    assert caught.value.code == "points_out_of_range"
    with pytest.raises(DomainError):
        services.self_assess(
            actor=ward_organiser, grading=collective(year_2025, wards[0]), text="x", grade="HTTNV"
        )


def test_the_cap_is_checked_per_group_of_comparable_subjects(
    year_2024: GradingYear, wards: list[Unit]
) -> None:
    # Ward collectives: 2 excellent, 5 good → at most 1 excellent allowed: exceeded.
    for ward, grade in zip(wards[:7], ["HTXSNV", "HTXSNV"] + ["HTTNV"] * 5, strict=True):
        services.self_assess(actor=None, grading=collective(year_2024, ward), text="x", grade=grade)
    # Party Secretaries: 1 excellent, 5 good → within.
    for ward, grade in zip(wards[:6], ["HTXSNV"] + ["HTTNV"] * 5, strict=True):
        services.self_assess(actor=None, grading=individual(year_2024, ward), text="x", grade=grade)
    checks = {c.group: c for c in cap_checks(year_2024)}
    collectives = checks[collective(year_2024, wards[0]).peer_group]
    secretaries = checks[individual(year_2024, wards[0]).peer_group]
    assert (collectives.excellent, collectives.good, collectives.allowed, collectives.exceeded) == (
        2,
        5,
        1,
        True,
    )
    assert (secretaries.excellent, secretaries.good, secretaries.exceeded) == (1, 5, False)
