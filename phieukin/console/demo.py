"""The Long Biên demonstration data set (``manage.py seed_demo``).

Everything goes through the product's services, as an operator's actions would: the
district import, appointments, the questionnaire import, rounds, attendance, boxes,
paper ballots and seals. Running it again completes what is missing and duplicates
nothing; passwords are set only when a demo user is created.

The people are fictional (:mod:`phieukin.units.fictional`); the results are synthetic,
drawn from a seeded generator so that every run produces the same figures.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from phieukin.accounts.demo import enrol_demo_users
from phieukin.accounts.models import Membership, Role, User
from phieukin.ballots import services as ballots
from phieukin.ballots.demo import open_with_slips
from phieukin.ballots.models import Ballot, Code, Seal
from phieukin.questionnaires.models import Questionnaire
from phieukin.questionnaires.services import import_default_template
from phieukin.questionnaires.shapes import item_shapes
from phieukin.rounds import services as rounds
from phieukin.rounds.lifecycle import BoxState, RoundState
from phieukin.rounds.models import BallotBox, Conference, RespondentGroup, Round, Subject
from phieukin.units.fictional import fictional_names
from phieukin.units.models import Position, PositionType, Unit, UnitKind
from phieukin.units.services import LONG_BIEN, appoint_person, import_district

DEMO_PASSWORD = "demo12345"  # noqa: S105  (a demo login, printed on purpose)
TENURE_START = dt.date(2020, 10, 1)
WARDS_WITH_STAFF = 3
ONLINE_DEMO_CODES = 30
ONLINE_DEMO_VOTES = 12

# Option keys of the sample questionnaire's scale, best first, then "not rated".
OPTIONS = ("tot", "kha", "trung_binh", "yeu", "khong_danh_gia")
STRONG = (0.56, 0.33, 0.06, 0.02, 0.03)
WEAK = (0.24, 0.40, 0.24, 0.08, 0.04)
COMMENTS = (
    "Đề nghị đồng chí tăng cường đối thoại trực tiếp với Nhân dân.",
    "Cần quan tâm hơn đến công tác cải cách hành chính, giảm thời gian giải quyết hồ sơ.",
    "Đồng chí gương mẫu, sâu sát cơ sở.",
    "Đề nghị xử lý dứt điểm các vi phạm trật tự xây dựng trên địa bàn.",
    "Cần phát huy hơn nữa vai trò nêu gương trong sinh hoạt chi bộ.",
    "Tác phong làm việc dân chủ, lắng nghe ý kiến cán bộ.",
)


@dataclass(frozen=True)
class PastRound:
    """A completed round of the demo: all 14 wards, sealed and published."""

    title: str
    year: int
    number: int
    held_on: dt.date
    seed: int


PAST_ROUNDS = (
    PastRound("Đợt I/2022", 2022, 1, dt.date(2022, 5, 20), seed=2201),
    PastRound("Đợt II/2022", 2022, 2, dt.date(2022, 11, 18), seed=2202),
)
OPEN_ROUND = PastRound("Đợt II/2026", 2026, 2, dt.date(2026, 11, 21), seed=2602)


@dataclass
class Login:
    """A demo login to print."""

    username: str
    role: str
    unit: str
    person: str = ""


@dataclass
class DemoResult:
    """What the seeding did, for the command to print."""

    logins: list[Login] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    demo_codes: list[str] = field(default_factory=list)
    demo_shares: list[str] = field(default_factory=list)


def seed_demo(
    *,
    respondents: int = 100,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Create (or complete) the Long Biên demo and return the logins.

    *respondents* is the approximate number of people present per ward conference;
    tests pass a small number to keep the run short.
    """
    say = progress or (lambda _message: None)
    result = DemoResult()
    district = import_district(actor=None, text=LONG_BIEN.read_text(encoding="utf-8"))
    wards = list(district.children.filter(kind=UnitKind.WARD).order_by("sort_key"))
    _appoint_fictional_leaders(wards, result)
    questionnaire = import_default_template(actor=None)
    _demo_users(district, wards, result)
    enrol_demo_users(User.objects.filter(username__in=[x.username for x in result.logins]))
    organiser = User.objects.get(username="tuyengiao")
    for spec in PAST_ROUNDS:
        say(f"{spec.title} …")
        _past_round(spec, organiser, district, wards, questionnaire, respondents, result)
    say(f"{OPEN_ROUND.title} …")
    _open_round(organiser, district, wards, questionnaire, result)
    ballots.scrub_deleted_copies()
    return result


def _appoint_fictional_leaders(wards: list[Unit], result: DemoResult) -> None:
    positions = list(
        Position.objects.filter(unit__in=wards).select_related("unit", "type").order_by("id")
    )
    names = fictional_names(len(positions), seed=2020)
    for position, name in zip(positions, names, strict=True):
        if position.tenures.exists():
            continue
        appoint_person(actor=None, position=position, full_name=name, start=TENURE_START)
        result.created.append(f"{position.title}: {name}")


def _user(username: str, *, full_name: str, result: DemoResult, **extra: Any) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, **extra)
        user.password = _demo_password_hash()
        user.save()
        result.created.append(f"user {username}")
    return user


@functools.cache
def _demo_password_hash() -> str:
    """Hash the demo password once: each hash costs the full PBKDF2 work (~0.5 s)."""
    return make_password(DEMO_PASSWORD)


def _member(user: User, unit: Unit, role: str) -> None:
    Membership.objects.get_or_create(user=user, unit=unit, role=role)


def _demo_users(district: Unit, wards: list[Unit], result: DemoResult) -> None:
    organiser = _user("tuyengiao", full_name="Ban Tuyên giáo Quận ủy", result=result)
    _member(organiser, district, Role.DISTRICT_ORGANISER)
    result.logins.append(Login("tuyengiao", str(Role.DISTRICT_ORGANISER.label), str(district)))
    standing = _user("thuongtruc", full_name="Thường trực Quận ủy", result=result)
    _member(standing, district, Role.STANDING_COMMITTEE)
    result.logins.append(Login("thuongtruc", str(Role.STANDING_COMMITTEE.label), str(district)))
    front = _user("mattran", full_name="Ủy ban MTTQ Việt Nam quận Long Biên", result=result)
    _member(front, district, Role.SUPERVISOR)
    result.logins.append(Login("mattran", str(Role.SUPERVISOR.label), str(district)))
    admin = _user(
        "quantri", full_name="Quản trị hệ thống", result=result, is_staff=True, is_superuser=True
    )
    result.logins.append(Login(admin.username, "Django admin (/admin/)", "—"))
    today = dt.date(2026, 11, 21)
    for ward in wards[:WARDS_WITH_STAFF]:
        for prefix, role, label in (
            ("vanphong", Role.WARD_ORGANISER, "Văn phòng Đảng ủy"),
            ("kiemphieu", Role.COUNTER, "Tổ kiểm phiếu"),
        ):
            user = _user(f"{prefix}-{ward.slug}", full_name=f"{label} {ward.name}", result=result)
            _member(user, ward, role)
            result.logins.append(Login(user.username, str(role.label), ward.name))
        for prefix, key in (("bithu", "bi_thu_dang_uy"), ("chutich", "chu_tich_ubnd")):
            position = Position.objects.get(unit=ward, type__key=key)
            person = position.holder_on(today)
            if person is None:
                continue
            user = _user(
                f"{prefix}-{ward.slug}", full_name=person.full_name, result=result, person=person
            )
            _member(user, ward, Role.LEADER)
            result.logins.append(
                Login(user.username, str(Role.LEADER.label), ward.name, person.full_name)
            )


def _round(
    spec: PastRound, organiser: User, district: Unit, wards: list[Unit], q: Questionnaire
) -> Round:
    existing = Round.objects.filter(
        organiser_unit=district, year=spec.year, number=spec.number
    ).first()
    if existing is not None:
        return existing
    return rounds.create_round(
        actor=organiser,
        organiser_unit=district,
        title=spec.title,
        year=spec.year,
        number=spec.number,
        questionnaire=q,
        position_types=PositionType.objects.all(),
        wards=wards,
        conference_date=spec.held_on,
    )


def _answers(rng: random.Random, item_keys: list[str], weak: set[str]) -> dict[str, str | None]:
    return {
        key: rng.choices(OPTIONS, weights=WEAK if key in weak else STRONG)[0] for key in item_keys
    }


def _weak_items(spec_seed: int, subject: Subject, item_keys: list[str]) -> set[str]:
    """Pick the items a leader is weaker on: stable per leader, shifting a little by round."""
    stable = random.Random(f"{subject.position_id}")
    base = set(stable.sample(item_keys, 3))
    shift = random.Random(f"{spec_seed}-{subject.position_id}")
    if shift.random() < 0.5:
        base.discard(sorted(base)[0])  # improved on one item since the previous round
    else:
        base.add(shift.choice(item_keys))  # or slipped on another
    return base


def _fill_box(
    spec: PastRound,
    organiser: User,
    box: BallotBox,
    respondents: int,
    item_keys: list[str],
) -> None:
    """Record attendance and paper counts, and enter every sheet, in one transaction."""
    conference = box.conference
    rng = random.Random(f"{spec.seed}-{conference.unit.code}")
    present = max(3, respondents + rng.randint(-8, 8))
    invited = round(present / rng.uniform(0.90, 0.98))
    subjects = list(conference.subjects.order_by("order"))
    groups = list(RespondentGroup.objects.filter(round=conference.round).order_by("order"))
    weak = {s.pk: _weak_items(spec.seed, s, item_keys) for s in subjects}
    with transaction.atomic():
        # The box is open, so attendance is the counting committee's (four eyes); the demo
        # enters it from the operator's command line.
        rounds.record_attendance(
            actor=None, conference=conference, invited=invited, present=present
        )
        ballots.record_paper_counts(actor=organiser, box=box, issued=present, returned=present)
        for _respondent in range(present):
            group = rng.choices(groups, weights=[5, 3, 3, 1][: len(groups)])[0] if groups else None
            for subject in subjects:
                comment = rng.choice(COMMENTS) if rng.random() < 0.08 else ""
                # No actor: typing a sheet is not an audited act, and the operator's
                # command line may enter into any box.
                ballots.enter_paper_ballot(
                    actor=None,
                    box=box,
                    subject=subject,
                    answers=_answers(rng, item_keys, weak[subject.pk]),
                    comment=comment,
                    group=group,
                )


def _past_round(
    spec: PastRound,
    organiser: User,
    district: Unit,
    wards: list[Unit],
    q: Questionnaire,
    respondents: int,
    result: DemoResult,
) -> None:
    rnd = _round(spec, organiser, district, wards, q)
    if rnd.state == RoundState.PUBLISHED:
        return
    result.created.append(spec.title)
    if rnd.state == RoundState.DRAFT:
        rnd = rounds.open_round(actor=organiser, round=rnd)
    item_keys = [shape.key for shape in item_shapes(q)]
    boxes = BallotBox.objects.filter(conference__round=rnd).select_related("conference__unit")
    for box in boxes.order_by("conference__unit__sort_key"):
        opening = None
        if box.state == BoxState.PREPARED:
            opening = ballots.open_box(actor=organiser, box=box)
            box = opening.box
        if box.state == BoxState.OPEN and opening is not None:
            if not Ballot.objects.filter(box=box).exists():
                _fill_box(spec, organiser, box, respondents, item_keys)
            box = ballots.close_box(actor=organiser, box=box)
            ballots.seal_box(actor=organiser, box=box, shares=opening.member_shares)
    rnd.refresh_from_db()
    if rnd.state == RoundState.OPEN:
        rnd = rounds.close_round(actor=organiser, round=rnd)
    if rnd.state == RoundState.CLOSED:
        rounds.publish_round(actor=organiser, round=rnd)
    _date_history(rnd, spec.held_on)


def _date_history(rnd: Round, held_on: dt.date) -> None:
    """Give a past round the dates of its own time, not the seeding day.

    The services stamp every step with the current time; for a demo of 2022 rounds the
    opening, sealing and publication should read as 2022. Only these timestamps move:
    the seals' digests do not cover them, and the audit log keeps the true seeding times.
    """
    zone = timezone.get_current_timezone()
    conference_day = dt.datetime.combine(held_on, dt.time(8, 0), tzinfo=zone)
    sealed = conference_day + dt.timedelta(hours=3)
    published = conference_day + dt.timedelta(days=10)
    Round.objects.filter(pk=rnd.pk).update(
        opened_at=conference_day - dt.timedelta(days=7),
        closed_at=conference_day + dt.timedelta(days=3),
        published_at=published,
    )
    BallotBox.objects.filter(conference__round=rnd).update(
        opened_at=conference_day, closed_at=sealed, sealed_at=sealed
    )
    Seal.objects.filter(box__conference__round=rnd).update(sealed_at=sealed)


def _open_round(
    organiser: User, district: Unit, wards: list[Unit], q: Questionnaire, result: DemoResult
) -> None:
    rnd = _round(OPEN_ROUND, organiser, district, wards, q)
    if rnd.state == RoundState.DRAFT:
        rnd = rounds.open_round(actor=organiser, round=rnd)
        result.created.append(OPEN_ROUND.title)
    first: Conference = (
        Conference.objects.filter(round=rnd).select_related("box").order_by("unit__sort_key")[0]
    )
    if Code.objects.filter(box=first.box).exists():
        return
    # A live conference in the first ward: attendance so far, codes handed out, some votes.
    rounds.record_attendance(actor=organiser, conference=first, invited=110, present=64)
    codes = ballots.generate_codes(actor=organiser, box=first.box, count=ONLINE_DEMO_CODES)
    for box in BallotBox.objects.filter(conference__round=rnd, state=BoxState.PREPARED):
        result.demo_shares += open_with_slips(actor=organiser, box=box)[1]
    rng = random.Random(OPEN_ROUND.seed)
    item_keys = [shape.key for shape in item_shapes(q)]
    subjects = list(first.subjects.order_by("order"))
    for code in codes[:ONLINE_DEMO_VOTES]:
        ballots.cast_ballot(
            code=code,
            sheets=[
                ballots.SheetInput(
                    subject_id=s.pk, answers=_answers(rng, item_keys, set()), comment=""
                )
                for s in subjects
            ],
        )
    result.demo_codes = codes[ONLINE_DEMO_VOTES:]
