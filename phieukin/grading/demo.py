"""Demo data of the annual review (called by ``seed_demo``).

2024 under QĐ 124: every ward's Party committee and both leaders of each ward, graded
through all three steps. 2025 under QĐ 366: points for everybody; the collectives are
decided, the leaders are part-way (self-assessed, some proposed), and the proposals for
the People's Committee chairs exceed the excellent-to-good cap, so the warning shows.
Each step is taken by its role: the ward office (or the leader themself, where the
demo has a login), the organiser, the Standing Committee. Idempotent.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from phieukin.accounts.models import Membership, Role, User
from phieukin.grading import services
from phieukin.grading.models import Grading, GradingYear, Step, SubjectKind
from phieukin.units.models import Unit, UnitKind

GRADES_2024 = ("HTXSNV",) + ("HTTNV",) * 6 + ("HTNV",)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _office_of(unit: Unit) -> User | None:
    membership = (
        Membership.objects.filter(unit=unit, role=Role.WARD_ORGANISER)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def _self_actor(grading: Grading) -> User | None:
    """The leader's own login when the demo has one, else the ward office, else the operator."""
    if grading.kind == SubjectKind.INDIVIDUAL and grading.person_id is not None:
        own = User.objects.filter(person_id=grading.person_id).first()
        if own is not None:
            return own
    return _office_of(grading.unit)


def _ordered(year: GradingYear) -> list[Grading]:
    # Collectives first, then the people who lead them (the regulation's order).
    return list(
        Grading.objects.filter(year=year)
        .select_related("unit", "year")
        .order_by("kind", "unit__sort_key", "position_title")
    )


def _year_2024(district: Unit, organiser: User | None, standing: User | None) -> None:
    year = services.open_grading_year(actor=organiser, organiser_unit=district, year=2024)
    rng = random.Random(2024)
    for grading in _ordered(year):
        grade = rng.choice(GRADES_2024)
        services.self_assess(
            actor=_self_actor(grading),
            grading=grading,
            text=(
                "Hoàn thành các chỉ tiêu, nhiệm vụ năm 2024; còn hạn chế trong cải cách hành chính."
            ),
            grade=grade,
        )
    # The organiser proposes no more excellent grades than the cap allows.
    for grading in _ordered(year):
        proposed = "HTTNV" if grading.self_grade == "HTXSNV" and rng.random() < 0.6 else None
        services.propose(
            actor=organiser,
            grading=grading,
            text="Thẩm định, đề xuất mức xếp loại.",
            grade=proposed or grading.self_grade,
        )
    for grading in _ordered(year):
        services.decide(
            actor=standing,
            grading=grading,
            text="Ban Thường vụ quyết định xếp loại.",
            grade=grading.proposed_grade,
        )


def _points(rng: random.Random) -> tuple[Decimal, Decimal]:
    general = Decimal(rng.randint(230, 300)) / 10
    tasks = Decimal(rng.randint(480, 690)) / 10
    return general, tasks


def _year_2025(district: Unit, organiser: User | None, standing: User | None) -> None:
    year = services.open_grading_year(actor=organiser, organiser_unit=district, year=2025)
    rng = random.Random(2025)
    for grading in _ordered(year):
        general, tasks = _points(rng)
        services.self_assess(
            actor=_self_actor(grading),
            grading=grading,
            text="Tự đánh giá theo khung 100 điểm: tiêu chí chung và kết quả thực hiện nhiệm vụ.",
            general=general,
            tasks=tasks,
        )
    for grading in _ordered(year):
        if grading.kind == SubjectKind.COLLECTIVE:
            services.propose(
                actor=organiser,
                grading=grading,
                text="Thẩm định.",
                general=grading.self_general,
                tasks=grading.self_tasks,
            )
            services.decide(
                actor=standing,
                grading=grading,
                text="Quyết định.",
                general=grading.self_general,
                tasks=grading.self_tasks,
            )
        elif grading.position_title.startswith("Chủ tịch"):
            # The proposals keep the self-assessed points: several reach 90 and the
            # group of chairs exceeds the cap — the page warns.
            services.propose(
                actor=organiser,
                grading=grading,
                text="Đề xuất giữ nguyên mức tự đánh giá.",
                general=grading.self_general,
                tasks=min((grading.self_tasks or Decimal(0)) + 4, Decimal(70)),
            )


def seed(*, stdout: Any) -> None:
    """Open and fill the 2024 and 2025 reviews of the demo district (once each)."""
    district = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("sort_key").first()
    if district is None:
        return
    organiser = _user("tuyengiao")
    standing = _user("thuongtruc")
    for number, fill in ((2024, _year_2024), (2025, _year_2025)):
        if GradingYear.objects.filter(organiser_unit=district, year=number).exists():
            continue
        fill(district, organiser, standing)
        year = GradingYear.objects.get(organiser_unit=district, year=number)
        decided = Grading.objects.filter(year=year, step=Step.DECIDED).count()
        stdout.write(f"Grading {number} ({year.regulation}): {decided} decided.")
