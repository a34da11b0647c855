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
from django.utils import timezone, translation

from phieukin.accounts.demo import enrol_demo_users
from phieukin.accounts.models import Membership, Role, User
from phieukin.ballots import services as ballots
from phieukin.ballots.demo import open_with_slips
from phieukin.ballots.models import Code, PendingBallot, Seal
from phieukin.questionnaires.models import Questionnaire
from phieukin.questionnaires.services import import_default_template
from phieukin.questionnaires.shapes import item_shapes
from phieukin.reports import warming
from phieukin.rounds import services as rounds
from phieukin.rounds.lifecycle import BoxState, RoundState
from phieukin.rounds.models import BallotBox, Conference, RespondentGroup, Round, Subject
from phieukin.units.fictional import fictional_names
from phieukin.units.models import Position, PositionType, Unit, UnitKind
from phieukin.units.services import (
    LONG_BIEN,
    LONG_BIEN_2025,
    appoint_person,
    import_district,
    import_reorganisation,
)

DEMO_PASSWORD = "demo12345"  # noqa: S105  (a demo login, printed on purpose)
TENURE_START = dt.date(2020, 10, 1)
# The four wards of today's map that succeed the old Long Biên district (data key →
# login suffix), and the old ward whose post holders continue in each (same name).
NEW_WARDS = {"bo-de": "00139", "long-bien": "00145", "phuc-loi": "00136", "viet-hung": "00127"}
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
    """A round of the demo: 2022 on the 14 old wards, 2026 on the four new ones."""

    title: str
    year: int
    number: int
    held_on: dt.date
    seed: int
    # The plan the round carries out (number and symbol, date, issuer), printed at the
    # head of every report; the numbers are the demo's own.
    plan: tuple[str, dt.date, str] = ("", dt.date(2000, 1, 1), "")


PAST_ROUNDS = (
    PastRound(
        "Đợt I/2022",
        2022,
        1,
        dt.date(2022, 5, 20),
        seed=2201,
        plan=("104-KH/QU", dt.date(2022, 2, 11), "Ban Thường vụ Quận ủy Long Biên"),
    ),
    PastRound(
        "Đợt II/2022",
        2022,
        2,
        dt.date(2022, 11, 18),
        seed=2202,
        plan=("131-KH/QU", dt.date(2022, 8, 5), "Ban Thường vụ Quận ủy Long Biên"),
    ),
)
OPEN_ROUND = PastRound(
    "Đợt II/2026",
    2026,
    2,
    dt.date(2026, 11, 21),
    seed=2602,
    plan=("45-KH/TU", dt.date(2026, 9, 15), "Ban Thường vụ Thành ủy Hà Nội"),
)
# The 2026 round is organised by the city (Ban Tuyên giáo và Dân vận Thành ủy) over the
# four new wards; three conferences were held the week before and their boxes are
# sealed, the first ward's (Bồ Đề) is live on the day.
HELD_EARLIER_2026 = dt.date(2026, 11, 14)


DEMO_LANGUAGE = "vi"


def role_label(role: str) -> str:
    """Return the Vietnamese label of *role* for the printed logins, whatever the language."""
    with translation.override(DEMO_LANGUAGE):
        return str(Role(role).label)


@dataclass
class Login:
    """A demo login to print (every text in Vietnamese)."""

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
    # 2022: the district and its 14 wards, as they were.
    district = import_district(actor=None, text=LONG_BIEN.read_text(encoding="utf-8"))
    city = district.parent
    assert city is not None
    wards = list(
        district.children.filter(kind=UnitKind.WARD, valid_from__isnull=True).order_by("sort_key")
    )
    _appoint_fictional_leaders(wards, result)
    questionnaire = import_default_template(actor=None)
    _city_users(city, district, result)
    organiser = User.objects.get(username="tuyengiao")
    for spec in PAST_ROUNDS:
        say(f"{spec.title} …")
        _past_round(spec, organiser, district, wards, questionnaire, respondents, result)
    # 01/07/2025: the district ends, four wards under the city take over its ground; the
    # post holders of the four same-named old wards continue in the new posts.
    say("Sắp xếp đơn vị hành chính 01/07/2025 …")
    reorganised = import_reorganisation(
        actor=None,
        text=LONG_BIEN_2025.read_text(encoding="utf-8"),
        carry_holders=NEW_WARDS,
    )
    if reorganised.created:
        result.created.append(str(reorganised.reorganisation))
    new_wards = _new_wards(city)
    _appoint_fictional_leaders(new_wards, result, start=reorganised.reorganisation.effective)
    _ward_users(new_wards, result)
    enrol_demo_users(User.objects.filter(username__in=[x.username for x in result.logins]))
    say(f"{OPEN_ROUND.title} …")
    _open_round(organiser, city, new_wards, questionnaire, respondents, result)
    ballots.scrub_deleted_copies()
    return result


def _new_wards(city: Unit) -> list[Unit]:
    """Return today's four wards of the former Long Biên area (children of the city)."""
    names = [
        Unit.objects.get(code=code, valid_from__isnull=True).name for code in NEW_WARDS.values()
    ]
    return list(
        Unit.objects.filter(parent=city, kind=UnitKind.WARD, name__in=names)
        .exclude(valid_from__isnull=True)
        .order_by("sort_key")
    )


def _appoint_fictional_leaders(
    wards: list[Unit], result: DemoResult, start: dt.date = TENURE_START
) -> None:
    """Give every vacant post of *wards* a fictional holder from *start*."""
    positions = [
        p
        for p in Position.objects.filter(unit__in=wards)
        .select_related("unit", "type")
        .order_by("id")
        if not p.tenures.exists()
    ]
    if not positions:
        return
    names = fictional_names(len(positions), seed=2020 + start.year)
    for position, name in zip(positions, names, strict=True):
        appoint_person(actor=None, position=position, full_name=name, start=start)
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


def _city_users(city: Unit, district: Unit, result: DemoResult) -> None:
    """Create the organisers and readers above the wards: the city and the former district."""
    organiser = _user(
        "tuyengiao", full_name="Ban Tuyên giáo và Dân vận Thành ủy Hà Nội", result=result
    )
    _member(organiser, city, Role.DISTRICT_ORGANISER)
    result.logins.append(Login("tuyengiao", "Tổ chức lấy ý kiến, cấp thành phố", str(city)))
    former = _user(
        "tuyengiao-longbien", full_name="Ban Tuyên giáo Quận ủy Long Biên (cũ)", result=result
    )
    _member(former, district, Role.DISTRICT_ORGANISER)
    result.logins.append(
        Login(former.username, "Tổ chức lấy ý kiến, quận cũ", f"{district} (đến 30/06/2025)")
    )
    standing = _user("thuongtruc", full_name="Thường trực Thành ủy Hà Nội", result=result)
    _member(standing, city, Role.STANDING_COMMITTEE)
    result.logins.append(Login("thuongtruc", role_label(Role.STANDING_COMMITTEE), str(city)))
    front = _user("mattran", full_name="Ủy ban MTTQ Việt Nam thành phố Hà Nội", result=result)
    _member(front, city, Role.SUPERVISOR)
    result.logins.append(Login("mattran", role_label(Role.SUPERVISOR), str(city)))
    admin = _user(
        "quantri", full_name="Quản trị hệ thống", result=result, is_staff=True, is_superuser=True
    )
    result.logins.append(Login(admin.username, "Quản trị hệ thống (trang /admin/)", "—"))


def _ward_users(wards: list[Unit], result: DemoResult) -> None:
    """Create each new ward's office, counting committee, leaders and its own organiser."""
    today = OPEN_ROUND.held_on
    keys = {
        Unit.objects.get(code=code, valid_from__isnull=True).name: key
        for key, code in NEW_WARDS.items()
    }
    for ward in wards:
        key = keys[ward.name]
        for prefix, role, label in (
            ("vanphong", Role.WARD_ORGANISER, "Văn phòng Đảng ủy phường"),
            ("kiemphieu", Role.COUNTER, "Tổ kiểm phiếu phường"),
            # The ward committee organising its own round (an organiser at ward level).
            ("danguy", Role.DISTRICT_ORGANISER, "Đảng ủy phường"),
        ):
            user = _user(f"{prefix}-{key}", full_name=f"{label} {ward.name}", result=result)
            _member(user, ward, role)
            shown = (
                "Tổ chức lấy ý kiến, cấp phường"
                if role == Role.DISTRICT_ORGANISER
                else role_label(role)
            )
            result.logins.append(Login(user.username, shown, ward.full_name))
        for prefix, position_key in (("bithu", "bi_thu_dang_uy"), ("chutich", "chu_tich_ubnd")):
            position = Position.objects.get(unit=ward, type__key=position_key)
            person = position.holder_on(today)
            if person is None:
                continue
            user = _user(
                f"{prefix}-{key}", full_name=person.full_name, result=result, person=person
            )
            _member(user, ward, Role.LEADER)
            result.logins.append(
                Login(user.username, role_label(Role.LEADER), ward.full_name, person.full_name)
            )


def _round(
    spec: PastRound, organiser: User, organiser_unit: Unit, wards: list[Unit], q: Questionnaire
) -> Round:
    rnd = Round.objects.filter(
        organiser_unit=organiser_unit, year=spec.year, number=spec.number
    ).first()
    if rnd is None:
        rnd = rounds.create_round(
            actor=organiser,
            organiser_unit=organiser_unit,
            title=spec.title,
            year=spec.year,
            number=spec.number,
            questionnaire=q,
            position_types=PositionType.objects.all(),
            wards=wards,
            conference_date=spec.held_on,
        )
    number, day, issuer = spec.plan
    if number and not rnd.plan_number:
        rnd = rounds.record_round_plan(
            actor=organiser, round=rnd, number=number, day=day, issuer=issuer
        )
    return rnd


def _record_conference_details(spec: PastRound, organiser: User, box: BallotBox) -> None:
    """Record the venue, time, chair, secretary and counting committee of a demo conference."""
    conference = box.conference
    if conference.committee:
        return
    names = fictional_names(5, seed=spec.seed * 1000 + conference.unit_id)
    ward = conference.unit
    rounds.record_conference_details(
        actor=organiser,
        conference=conference,
        place=f"Hội trường {ward.party_committee or ward.full_name}",
        starts_at=dt.time(8, 0),
        chair=names[0],
        secretary=names[1],
        committee=names[2:],
    )


def _answers(rng: random.Random, item_keys: list[str], weak: set[str]) -> dict[str, str | None]:
    return {
        key: rng.choices(OPTIONS, weights=WEAK if key in weak else STRONG)[0] for key in item_keys
    }


def _weak_items(spec_seed: int, subject: Subject, item_keys: list[str]) -> set[str]:
    """Pick the items a leader is weaker on: stable per person, shifting a little by round.

    Keyed by the person, not the post, so a leader who moved into a new ward in 2025
    keeps their profile and the 2026 report shows what improved.
    """
    stable = random.Random(subject.name)
    base = set(stable.sample(item_keys, 3))
    shift = random.Random(f"{spec_seed}-{subject.name}")
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
    rng = random.Random(f"{spec.seed}-{conference.unit.code or conference.unit.slug}")
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
        _count_box(spec, organiser, box, respondents, item_keys)
    rnd.refresh_from_db()
    if rnd.state == RoundState.OPEN:
        rnd = rounds.close_round(actor=organiser, round=rnd)
    if rnd.state == RoundState.CLOSED:
        # No warm-up of its pages: the history is dated next, which changes their keys,
        # and a background build would compete with the seeding for the database.
        with warming.paused():
            rounds.publish_round(actor=organiser, round=rnd)
    _date_history(rnd, spec.held_on)


def _count_box(
    spec: PastRound, organiser: User, box: BallotBox, respondents: int, item_keys: list[str]
) -> None:
    """Take a prepared box through its conference in one go: opened (the committee's key
    shares exist only in this call), paper ballots entered, closed, sealed with the shares.
    A box an interrupted run left open cannot be sealed without its shares and stays so.
    """
    if box.state != BoxState.PREPARED:
        return
    _record_conference_details(spec, organiser, box)
    opening = ballots.open_box(actor=organiser, box=box)
    box = opening.box
    if not PendingBallot.objects.filter(box=box).exists():
        _fill_box(spec, organiser, box, respondents, item_keys)
    box = ballots.close_box(actor=organiser, box=box)
    ballots.seal_box(actor=organiser, box=box, shares=opening.member_shares)


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
    organiser: User,
    city: Unit,
    wards: list[Unit],
    q: Questionnaire,
    respondents: int,
    result: DemoResult,
) -> None:
    """Run Đợt II/2026 of the city over today's wards: three counted, the first one live."""
    rnd = _round(OPEN_ROUND, organiser, city, wards, q)
    if rnd.state == RoundState.DRAFT:
        rnd = rounds.open_round(actor=organiser, round=rnd)
        result.created.append(OPEN_ROUND.title)
    conferences = list(
        Conference.objects.filter(round=rnd)
        .select_related("box", "unit")
        .order_by("unit__sort_key")
    )
    first, earlier = conferences[0], conferences[1:]
    item_keys = [shape.key for shape in item_shapes(q)]
    for conference in earlier:
        if conference.box.state == BoxState.SEALED:
            continue
        Conference.objects.filter(pk=conference.pk).update(held_on=HELD_EARLIER_2026)
        box = BallotBox.objects.select_related("conference__unit").get(pk=conference.box.pk)
        _count_box(OPEN_ROUND, organiser, box, respondents, item_keys)
        zone = timezone.get_current_timezone()
        sealed = dt.datetime.combine(HELD_EARLIER_2026, dt.time(11, 0), tzinfo=zone)
        BallotBox.objects.filter(pk=box.pk).update(
            opened_at=sealed - dt.timedelta(hours=3), closed_at=sealed, sealed_at=sealed
        )
        Seal.objects.filter(box=box).update(sealed_at=sealed)
    if Code.objects.filter(box=first.box).exists():
        return
    # A live conference in the first ward: attendance so far, codes handed out, some votes.
    rounds.record_attendance(actor=organiser, conference=first, invited=110, present=64)
    codes = ballots.generate_codes(actor=organiser, box=first.box, count=ONLINE_DEMO_CODES)
    for box in BallotBox.objects.filter(conference__round=rnd, state=BoxState.PREPARED):
        result.demo_shares += open_with_slips(actor=organiser, box=box)[1]
    rng = random.Random(OPEN_ROUND.seed)
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
    # Four eyes on attendance: latecomers arrived, the ward office proposes the new figure,
    # and the counting committee confirms it on the box's page.
    office = User.objects.filter(
        memberships__unit=first.unit, memberships__role=Role.WARD_ORGANISER
    ).first()
    if office is not None:
        rounds.propose_attendance(actor=office, conference=first, invited=110, present=66)
