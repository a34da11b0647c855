"""A fictional country at national scale, for benchmarks and load tests (never a demo).

34 provinces and centrally-run cities (today's names since 01/07/2025) and about 3,300
communes and wards under them, in varied sizes; two leaders per commune (the Party
Secretary and the People's Committee Chair, fictional people), and ten rounds of history
(two a year) organised by each province over its communes: conferences with varied
attendance, boxes filled as voting and typing fill them (codes, online and typed
ballots, receipts), sealed as ``seal_box`` seals them (nonce, Merkle roots, digest, an
audit event each), published with their stored tally snapshots (stored by the same code
publication uses). ``verify_box`` passes on every generated box and ``check_snapshots``
on every round (:func:`check_country`).

Rows are written with ``COPY`` on PostgreSQL and ``executemany`` on SQLite, one
transaction per round; the sizes are parameters, so a smaller country of the same shape
can be built where the full one is too heavy.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from phieukin.audit.models import AuditEvent, AuditHead
from phieukin.audit.services import compute_digest
from phieukin.ballots import codes as codes_mod
from phieukin.ballots import digest as digest_mod
from phieukin.ballots.models import Ballot, Code, CodeState, Receipt, Seal
from phieukin.ballots.services.common import code_key
from phieukin.ballots.services.verification import verify_box
from phieukin.core.collation import sort_key
from phieukin.core.ids import random_id
from phieukin.questionnaires.models import Questionnaire
from phieukin.questionnaires.services import freeze_questionnaire, import_default_template
from phieukin.questionnaires.shapes import item_shapes
from phieukin.rounds.lifecycle import BoxState, RoundState
from phieukin.rounds.models import BallotBox, Conference, Round, Subject
from phieukin.tallying.selectors import check_snapshots, store_round_snapshot
from phieukin.units.fictional import FAMILY, GIVEN_FEMALE, GIVEN_MALE, MIDDLE_FEMALE, MIDDLE_MALE
from phieukin.units.models import Person, Position, PositionType, Tenure, Unit, UnitKind

# (name, is a centrally-run city, relative number of communes and wards).
PROVINCES: tuple[tuple[str, bool, int], ...] = (
    ("Hà Nội", True, 126),
    ("Huế", True, 40),
    ("Lai Châu", False, 38),
    ("Điện Biên", False, 45),
    ("Sơn La", False, 75),
    ("Lạng Sơn", False, 65),
    ("Quảng Ninh", False, 54),
    ("Thanh Hóa", False, 166),
    ("Nghệ An", False, 130),
    ("Hà Tĩnh", False, 69),
    ("Cao Bằng", False, 56),
    ("Tuyên Quang", False, 124),
    ("Lào Cai", False, 99),
    ("Thái Nguyên", False, 92),
    ("Phú Thọ", False, 148),
    ("Bắc Ninh", False, 99),
    ("Hưng Yên", False, 104),
    ("Hải Phòng", True, 114),
    ("Ninh Bình", False, 129),
    ("Quảng Trị", False, 78),
    ("Đà Nẵng", True, 94),
    ("Quảng Ngãi", False, 96),
    ("Gia Lai", False, 135),
    ("Khánh Hòa", False, 65),
    ("Lâm Đồng", False, 124),
    ("Đắk Lắk", False, 102),
    ("Hồ Chí Minh", True, 168),
    ("Đồng Nai", False, 95),
    ("Tây Ninh", False, 96),
    ("Cần Thơ", True, 103),
    ("Vĩnh Long", False, 124),
    ("Đồng Tháp", False, 102),
    ("Cà Mau", False, 64),
    ("An Giang", False, 102),
)
FULL_COMMUNES = sum(n for _name, _city, n in PROVINCES)  # 3,321

SYLLABLES = [
    "An",
    "Bình",
    "Hòa",
    "Phú",
    "Thạnh",
    "Tân",
    "Long",
    "Hưng",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Quang",
    "Minh",
    "Thuận",
    "Lộc",
    "Phước",
    "Hiệp",
    "Đức",
    "Thái",
    "Vĩnh",
    "Xuân",
    "Hải",
    "Sơn",
    "Trung",
    "Hồng",
    "Kim",
    "Ngọc",
    "Thành",
    "Mỹ",
    "Yên",
    "Khánh",
    "Lạc",
    "Định",
    "Nghĩa",
    "Cát",
    "Thịnh",
    "Quý",
    "Trường",
    "Gia",
    "Thượng",
    "Hạ",
    "Đại",
    "Tiến",
    "Phong",
    "Lâm",
    "Châu",
    "Điền",
]
COMMENTS = (
    "Đồng chí cần sâu sát cơ sở hơn nữa.",
    "Gương mẫu, quyết liệt, gần dân.",
    "Cần giải quyết dứt điểm kiến nghị của cử tri về đất đai.",
    "Tác phong làm việc còn chậm, cần cải tiến.",
    "Đề nghị đồng chí tiếp dân thường xuyên hơn.",
)
# Answer weights (Tốt, Khá, Trung bình, Yếu, Không đánh giá) of three kinds of leader.
PROFILES = (
    (0.62, 0.26, 0.06, 0.02, 0.04),
    (0.45, 0.33, 0.12, 0.05, 0.05),
    (0.30, 0.34, 0.20, 0.11, 0.05),
)
BALLOT_COLUMNS = ("id", "box_id", "subject_id", "source", "valid", "answers", "comment")
SECRETARY, CHAIR = "bi_thu_dang_uy", "chu_tich_ubnd"


@dataclass(frozen=True)
class CountrySize:
    """How big a country to build (the full size by default)."""

    provinces: int = len(PROVINCES)
    communes: int = FULL_COMMUNES
    rounds: int = 10
    respondents: int = 100
    first_year: int = 2022
    seed: int = 2026

    def communes_per_province(self) -> list[int]:
        """Split :attr:`communes` among the provinces in proportion to their real sizes."""
        chosen = PROVINCES[: self.provinces]
        weight = sum(n for _name, _city, n in chosen)
        counts = [max(1, round(self.communes * n / weight)) for _name, _city, n in chosen]
        counts[0] += self.communes - sum(counts)
        return counts


@dataclass
class Built:
    """What was generated, for the command's summary and the benchmarks."""

    provinces: list[Unit]
    communes: int = 0
    leaders: int = 0
    rounds: int = 0
    ballots: int = 0
    seconds: float = 0.0


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _commune_names(rng: random.Random, count: int) -> list[tuple[str, bool]]:
    """Return *count* distinct (name, is a ward) pairs of one province."""
    names: list[tuple[str, bool]] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
        if name.split()[0] == name.split()[1] or name in seen:
            if len(seen) > len(SYLLABLES) ** 2 // 3:
                name = f"{name} {len(names) + 1}"
            else:
                continue
        # "Thạnh Cát" and "Thành Cát" are two names but one slug: keep the first.
        slug = slugify(name)
        if slug in seen:
            continue
        seen.update((name, slug))
        names.append((_nfc(name), rng.random() < 0.3))
    return names


def _person_name(rng: random.Random) -> str:
    if rng.random() < 0.7:
        parts = (rng.choice(FAMILY), rng.choice(MIDDLE_MALE), rng.choice(GIVEN_MALE))
    else:
        parts = (rng.choice(FAMILY), rng.choice(MIDDLE_FEMALE), rng.choice(GIVEN_FEMALE))
    return _nfc(" ".join(parts))


def _position_types() -> dict[str, PositionType]:
    types = {}
    for key, title, template, organ, kind, order in (
        (SECRETARY, "Bí thư Đảng ủy", "Bí thư Đảng ủy {ward}", "Đảng ủy", "dang", 1),
        (CHAIR, "Chủ tịch UBND", "Chủ tịch UBND {ward}", "Ủy ban nhân dân", "chinh_quyen", 2),
    ):
        types[key], _created = PositionType.objects.get_or_create(
            key=key,
            defaults={
                "title": title,
                "title_template": template,
                "organ": organ,
                "kind": kind,
                "order": order,
            },
        )
    return types


def _units(size: CountrySize, rng: random.Random) -> list[tuple[Unit, list[Unit]]]:
    provinces = []
    for (name, city, _n), count in zip(
        PROVINCES[: size.provinces], size.communes_per_province(), strict=True
    ):
        full = f"Thành phố {name}" if city else f"Tỉnh {name}"
        slug = f"qg-{slugify(name) or 'tinh'}"
        provinces.append(
            (
                Unit(
                    kind=UnitKind.PROVINCE,
                    slug=slug,
                    name=name,
                    full_name=full,
                    party_committee=f"{'Thành' if city else 'Tỉnh'} ủy {name}",
                    party_organisation=f"Đảng bộ {full[0].lower()}{full[1:]}",
                    people_committee=f"Ủy ban nhân dân {full[0].lower()}{full[1:]}",
                    organiser_unit=(
                        f"Ban Tuyên giáo và Dân vận {'Thành' if city else 'Tỉnh'} ủy {name}"
                    ),
                    document_symbol_suffix="TU",
                    valid_from=dt.date(2025, 7, 1),
                    sort_key=sort_key(name),
                ),
                count,
            )
        )
    made = Unit.objects.bulk_create([p for p, _count in provinces])
    out: list[tuple[Unit, list[Unit]]] = []
    communes: list[Unit] = []
    spans: list[tuple[int, int]] = []
    for province, (_p, count) in zip(made, provinces, strict=True):
        start = len(communes)
        for name, ward in _commune_names(rng, count):
            word = "Phường" if ward else "Xã"
            communes.append(
                Unit(
                    parent=province,
                    kind=UnitKind.WARD if ward else UnitKind.COMMUNE,
                    slug=slugify(name) or f"xa-{len(communes)}",
                    name=name,
                    full_name=f"{word} {name}",
                    party_committee=f"Đảng ủy {word.lower()} {name}",
                    people_committee=f"Ủy ban nhân dân {word.lower()} {name}",
                    valid_from=dt.date(2025, 7, 1),
                    sort_key=sort_key(name),
                )
            )
        spans.append((start, len(communes)))
    communes = Unit.objects.bulk_create(communes, batch_size=2000)
    for province, (start, end) in zip(made, spans, strict=True):
        out.append((province, communes[start:end]))
    return out


def _leaders(
    tree: list[tuple[Unit, list[Unit]]], types: dict[str, PositionType], rng: random.Random
) -> dict[int, list[tuple[Position, Person]]]:
    positions: list[Position] = []
    for _province, communes in tree:
        for commune in communes:
            for key in (SECRETARY, CHAIR):
                ptype = types[key]
                positions.append(
                    Position(
                        unit=commune,
                        type=ptype,
                        title=ptype.title_template.format(ward=commune.full_name.lower()),
                    )
                )
    positions = Position.objects.bulk_create(positions, batch_size=2000)
    names = [_person_name(rng) for _ in positions]
    people = Person.objects.bulk_create(
        [Person(full_name=n, sort_key=sort_key(n)) for n in names], batch_size=2000
    )
    Tenure.objects.bulk_create(
        [
            Tenure(position=pos, person=person, start=dt.date(2020, 10, 1))
            for pos, person in zip(positions, people, strict=True)
        ],
        batch_size=2000,
    )
    held: dict[int, list[tuple[Position, Person]]] = {}
    for pos, person in zip(positions, people, strict=True):
        held.setdefault(pos.unit_id, []).append((pos, person))
    return held


def _existing(
    types: dict[str, PositionType],
) -> tuple[list[tuple[Unit, list[Unit]]], dict[int, list[tuple[Position, Person]]], int] | None:
    """Return the stored country's tree, its leaders and its rounds per province, or None.

    The rounds are counted on the first province: every round transaction adds one round to
    each province, so they all have the same number.
    """
    provinces = list(country_provinces().order_by("pk"))
    if not provinces:
        return None
    children: dict[int, list[Unit]] = {p.pk: [] for p in provinces}
    for unit in Unit.objects.filter(parent__in=provinces).order_by("pk"):
        assert unit.parent_id is not None
        children[unit.parent_id].append(unit)
    tree = [(p, children[p.pk]) for p in provinces]
    order = {types[SECRETARY].pk: 0, types[CHAIR].pk: 1}
    held: dict[int, list[tuple[Position, Person]]] = {}
    tenures = Tenure.objects.filter(
        position__unit__parent__in=provinces, end__isnull=True
    ).select_related("position", "person")
    for tenure in sorted(tenures, key=lambda t: (t.position.unit_id, order[t.position.type_id])):
        held.setdefault(tenure.position.unit_id, []).append((tenure.position, tenure.person))
    done = Round.objects.filter(organiser_unit=provinces[0]).count()
    return tree, held, done


def _answer_pool(questionnaire: Questionnaire, rng: random.Random) -> list[list[str]]:
    """Return, per quality profile, a pool of complete encoded answer strings.

    Online ballots answer every item (the voting page refuses a sheet with a gap); typed
    paper sheets take a string from the pool and may lose an answer (see :func:`_typed`).
    """
    shapes = item_shapes(questionnaire)
    pools = []
    for weights in PROFILES:
        pool = []
        for _ in range(600):
            chars = []
            for shape in shapes:
                n = len(shape.option_keys)
                chars.append(str(rng.choices(range(n), weights=list(weights[:n]))[0]))
            pool.append("".join(chars))
        pools.append(pool)
    return pools


def _symbols(count: int) -> str:
    """Return *count* random Crockford symbols, uniform as ``secrets.choice`` draws them.

    One ``secrets.token_bytes`` call per string instead of one call per symbol: the
    generator draws millions of codes and receipts.
    """
    number = int.from_bytes(secrets.token_bytes((5 * count + 7) // 8))
    return "".join(codes_mod.ALPHABET[(number >> (5 * i)) & 31] for i in range(count))


def _code() -> str:
    """Return a new code in normalised form, of :func:`codes.generate`'s shape."""
    body = _symbols(codes_mod.RANDOM_SYMBOLS)
    return body + codes_mod.check_symbol(body)


def _receipt() -> str:
    """Return a new receipt, of :func:`codes.new_receipt`'s shape."""
    return codes_mod.display(_symbols(codes_mod.RECEIPT_SYMBOLS))


def _typed(answers: str, rng: random.Random) -> str:
    """Return a paper sheet's answers: now and then an item left blank by the respondent."""
    if rng.random() < 0.2:
        at = rng.randrange(len(answers))
        return answers[:at] + "-" + answers[at + 1 :]
    return answers


def _copy(model: type[Any], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert *rows* into *model*'s table: ``COPY`` on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            # Table and column names come from the model, never from input.
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, rows)


def _flush(
    codes: list[tuple[int, int, str, str]],
    rows: list[tuple[int, int, int, str, bool, str, str]],
    receipts: list[tuple[int, int, str]],
) -> None:
    """Write and empty the buffered codes, ballots and receipts."""
    _copy(Code, ("id", "box_id", "digest", "state"), codes)
    _copy(Ballot, BALLOT_COLUMNS, rows)
    _copy(Receipt, ("id", "box_id", "value"), receipts)
    codes.clear()
    rows.clear()
    receipts.clear()


@dataclass
class _Box:
    """What one sealed box holds, as its committee would have left it."""

    codes: list[tuple[int, int, str, str]]
    ballots: list[tuple[int, int, int, str, bool, str, str]]
    receipts: list[tuple[int, int, str]]
    seal: Seal


def _fill_box(
    conf: Conference,
    box: BallotBox,
    online: int,
    subjects: list[Subject],
    pools: list[list[str]],
    profile_of: dict[int, int],
    rng: random.Random,
    key: bytes,
    now: dt.datetime,
) -> _Box:
    """Return the codes, ballots, receipts and seal of one box, as the product makes them.

    Most people present vote on their phones with a code (one sheet per leader, every
    item answered, a receipt per sheet); the others fill in paper sheets that the
    counters type in (a blank item now and then, a few spoilt). The seal's counts,
    Merkle roots and digest are computed by :mod:`phieukin.ballots.digest` exactly as
    ``seal_box`` computes them, so ``verify_box`` passes on every generated box.
    """
    paper = conf.present_count - online
    unused = rng.randrange(4)
    codes = [
        (
            random_id(),
            box.pk,
            codes_mod.keyed_digest(_code(), key),
            CodeState.USED.value if i < online else CodeState.UNUSED.value,
        )
        for i in range(online + unused)
    ]
    ballots: list[tuple[int, int, int, str, bool, str, str]] = []
    receipts: list[tuple[int, int, str]] = []
    per_subject: dict[str, int] = {}
    invalid = 0
    for subject in sorted(subjects, key=lambda s: s.pk):
        pool = pools[profile_of[subject.person_id]]
        for i in range(conf.present_count):
            comment = rng.choice(COMMENTS) if rng.random() < 0.08 else ""
            if i < online:
                row = (random_id(), box.pk, subject.pk, "online", True, rng.choice(pool), comment)
                receipts.append((random_id(), box.pk, _receipt()))
            else:
                valid = rng.random() > 0.04
                invalid += not valid
                answers = _typed(rng.choice(pool), rng)
                row = (random_id(), box.pk, subject.pk, "typed", valid, answers, comment)
            ballots.append(row)
        per_subject[str(subject.pk)] = conf.present_count
    rng.shuffle(ballots)
    total = len(ballots)
    record: dict[str, Any] = {
        "invited": conf.invited_count,
        "present": conf.present_count,
        "codes_issued": online + unused,
        "codes_used": online,
        "codes_unused": unused,
        "codes_voided": 0,
        "paper_issued": box.paper_issued,
        "paper_returned": box.paper_returned,
        "ballots_total": total,
        "ballots_valid": total - invalid,
        "ballots_invalid": invalid,
        "ballots_online": online * len(subjects),
        "ballots_typed": total - online * len(subjects),
        "ballots_scanned": 0,
        "receipts": len(receipts),
        "per_subject": dict(sorted(per_subject.items())),
        "scans": [],
    }
    if paper != box.paper_returned:
        raise ValueError("the box's paper count must be the paper voters")
    nonce = digest_mod.new_nonce()
    ballots_root = digest_mod.ballots_root(
        (
            digest_mod.CanonicalBallot(
                box_id=b, subject_id=s, group_key="", source=src, valid=v, answers=a,
                comment=c, ballot_id=i,
            )
            for i, b, s, src, v, a, c in ballots
        ),
        nonce,
    )  # fmt: skip
    receipts_root = digest_mod.receipts_root(r for _i, _b, r in receipts)
    seal = Seal(
        box=box,
        sealed_at=now,
        digest=digest_mod.bulletin_digest(ballots_root, receipts_root, record),
        ballots_root=ballots_root,
        receipts_root=receipts_root,
        nonce=nonce.hex(),
        counts=record,
        scrubbed_at=now,  # generated sealed: no pre-seal copy ever existed to scrub
    )
    return _Box(codes=codes, ballots=ballots, receipts=receipts, seal=seal)


def _record_seals(seals: Sequence[Seal], boxes: dict[int, BallotBox], now: dt.datetime) -> None:
    """Append one ``box.seal`` event per seal to the audit chain, as ``seal_box`` does."""
    head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
    prev = head.digest
    events = []
    for seal in seals:
        box = boxes[seal.box_id]
        event = AuditEvent(
            created_at=now.replace(microsecond=0),
            actor=None,
            actor_label="system",
            action="box.seal",
            object_type=box._meta.label_lower,
            object_id=str(box.pk),
            object_label=str(box)[:255],
            unit=box.conference.unit,
            data={"digest": seal.digest, "mismatch_acknowledged": False},
            prev_digest=prev,
        )
        event.digest = compute_digest(event)
        prev = event.digest
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    head.digest = prev
    head.count += len(events)
    head.save(update_fields=["digest", "count"])


def _round_title(number: int, year: int) -> str:
    return f"Đợt {'I' * number}/{year}"


def generate_country(
    *,
    size: CountrySize,
    stdout: io.TextIOBase | None = None,
    on_round: Callable[[], None] | None = None,
    resume: bool = False,
) -> Built:
    """Build the fictional country of *size* in the current database and return a summary.

    With *resume*, a country generated before (its provinces, communes and leaders as they
    are) gets the rounds it lacks up to ``size.rounds``, each one transaction as at the
    first build: an interrupted build goes on, or a one-round country grows its history.
    The sizes of *size* other than ``rounds`` are then those of the stored country.
    """
    started = time.perf_counter()
    rng = random.Random(size.seed)

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")
            stdout.flush()

    with transaction.atomic():
        types = _position_types()
        questionnaire = import_default_template(actor=None)
        if not questionnaire.frozen_at:
            questionnaire = freeze_questionnaire(actor=None, questionnaire=questionnaire)
        found = _existing(types) if resume else None
        if found is None:
            tree = _units(size, rng)
            held = _leaders(tree, types, rng)
            done = 0
        else:
            tree, held, done = found
            # Drawn afresh, so that added rounds do not repeat the first ones' answers.
            rng = random.Random(size.seed + 7919 * done)
    communes = sum(len(c) for _p, c in tree)
    say(
        f"{len(tree)} provinces, {communes} communes and wards, {2 * communes} leaders"
        + (f"; {done} rounds there already" if found is not None else "")
    )
    pools = _answer_pool(questionnaire, rng)
    profile_of = {
        person.pk: rng.randrange(len(PROFILES)) for pairs in held.values() for _pos, person in pairs
    }
    built = Built(provinces=[p for p, _c in tree], communes=communes, leaders=2 * communes)
    now = timezone.now()
    key = code_key()
    for index in range(done, size.rounds):
        year, number = size.first_year + index // 2, index % 2 + 1
        day = dt.date(year, 5 if number == 1 else 11, 12)
        ballots = 0
        with transaction.atomic():
            rounds = Round.objects.bulk_create(
                [
                    Round(
                        organiser_unit=province,
                        title=_round_title(number, year),
                        year=year,
                        number=number,
                        questionnaire=questionnaire,
                        state=RoundState.PUBLISHED.value,
                        opened_at=now,
                        closed_at=now,
                        published_at=now,
                        rules_locked_at=now,
                    )
                    for province, _communes in tree
                ]
            )
            through = Round.position_types.through
            through.objects.bulk_create(
                [
                    through(round_id=rnd.pk, positiontype_id=ptype.pk)
                    for rnd in rounds
                    for ptype in types.values()
                ]
            )
            conferences = []
            for rnd, (_province, units) in zip(rounds, tree, strict=True):
                for unit in units:
                    invited = max(
                        20, int(rng.gauss(size.respondents * 1.08, size.respondents * 0.3))
                    )
                    present = max(10, min(invited, int(invited * rng.uniform(0.82, 0.99))))
                    conferences.append(
                        Conference(
                            round=rnd,
                            unit=unit,
                            held_on=day + dt.timedelta(days=rng.randrange(20)),
                            place=f"Hội trường {unit.full_name}",
                            invited_count=invited,
                            present_count=present,
                        )
                    )
            conferences = Conference.objects.bulk_create(conferences, batch_size=2000)
            subjects = Subject.objects.bulk_create(
                [
                    Subject(
                        conference=conf,
                        position=pos,
                        person=person,
                        name=person.full_name,
                        title=pos.title,
                        order=order,
                    )
                    for conf in conferences
                    for order, (pos, person) in enumerate(held[conf.unit_id], 1)
                ],
                batch_size=2000,
            )
            # Those present vote on their phones with a code, or on paper typed in after.
            online_of = [
                round(conf.present_count * rng.uniform(0.55, 0.85)) for conf in conferences
            ]
            boxes = BallotBox.objects.bulk_create(
                [
                    BallotBox(
                        conference=conf,
                        state=BoxState.SEALED.value,
                        opened_at=now,
                        closed_at=now,
                        sealed_at=now,
                        paper_issued=conf.present_count - online + rng.randrange(3),
                        paper_returned=conf.present_count - online,
                    )
                    for conf, online in zip(conferences, online_of, strict=True)
                ],
                batch_size=2000,
            )
            by_conf: dict[int, list[Subject]] = {}
            for subject in subjects:
                by_conf.setdefault(subject.conference_id, []).append(subject)
            seals: list[Seal] = []
            codes: list[tuple[int, int, str, str]] = []
            rows: list[tuple[int, int, int, str, bool, str, str]] = []
            receipts: list[tuple[int, int, str]] = []

            for conf, box, online in zip(conferences, boxes, online_of, strict=True):
                content = _fill_box(
                    conf, box, online, by_conf[conf.pk], pools, profile_of, rng, key, now
                )
                codes += content.codes
                rows += content.ballots
                receipts += content.receipts
                seals.append(content.seal)
                ballots += len(content.ballots)
                if len(rows) >= 50_000:
                    _flush(codes, rows, receipts)
            _flush(codes, rows, receipts)
            Seal.objects.bulk_create(seals, batch_size=2000)
            _record_seals(seals, {b.pk: b for b in boxes}, now)
            # Publication stores each round's tally and its boxes' tallies.
            for rnd in rounds:
                store_round_snapshot(rnd)
        built.rounds += len(rounds)
        built.ballots += ballots
        say(
            f"{_round_title(number, year)}: {len(rounds)} rounds, {len(boxes)} sealed boxes, "
            f"{ballots} ballots ({time.perf_counter() - started:.0f} s)"
        )
        if on_round is not None:
            on_round()
    if connection.vendor == "postgresql" and built.rounds:
        # Fresh statistics for the planner: autovacuum would get there, but a benchmark
        # run right after the build would otherwise plan against empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built.seconds = time.perf_counter() - started
    return built


def country_provinces() -> QuerySet[Unit]:
    """Return the provinces of the generated country (their slugs start with ``qg-``)."""
    return Unit.objects.filter(kind=UnitKind.PROVINCE, slug__startswith="qg-")


def country_exists() -> bool:
    """Whether a generated country is stored."""
    return country_provinces().exists()


def province_rounds(province: Unit) -> Iterable[Round]:
    """Return the generated rounds of *province*, latest first."""
    return Round.objects.filter(organiser_unit=province).order_by("-year", "-number")


@dataclass
class Checked:
    """What :func:`check_country` checked and what it found."""

    boxes: int = 0
    rounds: int = 0
    problems: list[str] = field(default_factory=list)


def check_country(*, boxes_per_round: int | None = None, seed: int = 0) -> Checked:
    """Verify the generated boxes and recompute the generated rounds' snapshots.

    Every box with ``verify_box`` (seal, Merkle roots, counts, audit chain) and every
    round with ``check_snapshots`` (each stored tally against its ballots), or, with
    *boxes_per_round*, that many boxes drawn from each round (``verify_box`` walks the
    whole audit chain each time, so checking every box of the full country is slow).
    """
    rng = random.Random(seed)
    checked = Checked()
    rounds = Round.objects.filter(organiser_unit__in=country_provinces()).order_by("pk")
    for rnd in rounds:
        boxes = list(BallotBox.objects.filter(conference__round=rnd).order_by("pk"))
        if boxes_per_round is not None and len(boxes) > boxes_per_round:
            boxes = rng.sample(boxes, boxes_per_round)
        for box in boxes:
            report = verify_box(box=box)
            checked.problems += [f"{rnd} / {box}: {p}" for p in report.problems]
        checked.boxes += len(boxes)
        checked.problems += [f"{rnd}: {p}" for p in check_snapshots(rnd)]
        checked.rounds += 1
    return checked
