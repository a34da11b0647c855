"""Writes of units, people and positions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.core.errors import DomainError
from phieukin.core.uploads import MB, validate_bytes
from phieukin.units import unitsheet
from phieukin.units.models import (
    Person,
    Position,
    PositionType,
    Reorganisation,
    Succession,
    Tenure,
    Unit,
    UnitKind,
    UnitMove,
)

if TYPE_CHECKING:
    from phieukin.accounts.models import User

LONG_BIEN = Path(__file__).resolve().parent.parent / "data" / "long-bien.yaml"


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def import_district(*, actor: User | None, text: str) -> Unit:
    """Create (or update) a province, a district, its wards and their positions from YAML.

    The format is that of ``phieukin/data/long-bien.yaml``; existing units are matched by
    administrative code and updated, so the import can run again.
    """
    authorize(actor, "unit.import")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or "district" not in data or "wards" not in data:
        raise DomainError(
            _("The file must describe a district and its wards."), code="bad_units_file"
        )
    with transaction.atomic():
        province_data = data.get("province") or {}
        province = None
        if province_data:
            province = _upsert_unit(
                parent=None,
                kind=UnitKind.PROVINCE,
                code=str(province_data.get("code", "")),
                slug="province-" + str(province_data.get("code", "")),
                name=province_data["name"],
                full_name=province_data["name"],
                party_committee=province_data.get("party_committee", ""),
                party_organisation=province_data.get("party_organisation", ""),
            )
        d = data["district"]
        district = _upsert_unit(
            parent=province,
            kind=UnitKind.DISTRICT,
            code=str(d.get("code", "")),
            slug=d.get("slug", ""),
            name=d["name"],
            full_name=d.get("full_name", d["name"]),
            party_committee=d.get("party_committee", ""),
            party_organisation=d.get("party_organisation", ""),
            people_committee=d.get("people_committee", ""),
            organiser_unit=d.get("organiser_unit", ""),
            document_symbol_suffix=d.get("document_symbol_suffix", ""),
            valid_from=_date(d.get("valid_from")),
            valid_until=_date(d.get("valid_until")),
        )
        types: dict[str, PositionType] = {}
        for p in data.get("positions", []):
            ptype, _created = PositionType.objects.update_or_create(
                key=p["key"],
                defaults={
                    "title": p["title"],
                    "title_template": p.get("title_template", p["title"] + " {ward}"),
                    "organ": p.get("organ", ""),
                    "kind": p.get("kind", "khac"),
                    "order": p.get("order", 1),
                },
            )
            types[ptype.key] = ptype
        for w in data["wards"]:
            ward = _upsert_unit(
                parent=district,
                kind=UnitKind.WARD if w.get("type", "phuong") == "phuong" else UnitKind.COMMUNE,
                code=str(w.get("code", "")),
                slug=w["slug"],
                name=w["name"],
                full_name=w.get("full_name", w["name"]),
                party_committee=w.get("party_committee", ""),
                people_committee=w.get("people_committee", ""),
            )
            for key in w.get("positions", []):
                ptype = types[key]
                Position.objects.update_or_create(
                    unit=ward,
                    type=ptype,
                    defaults={"title": ptype.title_template.format(ward=ward.name)},
                )
        record_event(
            actor=actor,
            action="units.import",
            obj=district,
            unit=district,
            data={"wards": len(data["wards"])},
        )
    return district


def _upsert_unit(*, parent: Unit | None, code: str, slug: str, **fields: Any) -> Unit:
    # A code can come back after a reorganisation (a new ward keeps an old ward's code):
    # match only the unit that began on the same day as the record.
    unit = (
        Unit.objects.filter(
            code=code, kind=fields["kind"], valid_from=fields.get("valid_from")
        ).first()
        if code
        else None
    )
    if unit is None:
        unit = Unit(parent=parent, code=code, slug=slug, **fields)
    else:
        unit.parent = parent
        unit.slug = slug
        for name, value in fields.items():
            setattr(unit, name, value)
    unit.save()
    return unit


def appoint(
    *,
    actor: User | None,
    position: Position,
    person: Person,
    start: dt.date,
    end: dt.date | None = None,
) -> Tenure:
    """Record that *person* holds *position* from *start*; ends the previous open tenure."""
    authorize(actor, "position.appoint", position)
    if end is not None and end < start:
        raise DomainError(_("The end date is before the start date."), code="bad_dates")
    with transaction.atomic():
        previous = position.tenures.filter(end__isnull=True, start__lt=start)
        for tenure in previous:
            tenure.end = start - dt.timedelta(days=1)
            tenure.save(update_fields=["end"])
        tenure = Tenure.objects.create(position=position, person=person, start=start, end=end)
        record_event(
            actor=actor,
            action="position.appoint",
            obj=tenure,
            unit=position.unit,
            data={"person": person.full_name, "start": start.isoformat()},
        )
    return tenure


def create_person(*, actor: User | None, full_name: str, note: str = "") -> Person:
    """Create a person record (a leader who may be evaluated)."""
    authorize(actor, "person.create")
    name = " ".join(full_name.split())
    if not name:
        raise DomainError(_("The name is empty."), code="empty_name")
    with transaction.atomic():
        person = Person.objects.create(full_name=name, note=note)
        record_event(actor=actor, action="person.create", obj=person)
    return person


def appoint_person(
    *,
    actor: User | None,
    position: Position,
    start: dt.date,
    person: Person | None = None,
    full_name: str = "",
    end: dt.date | None = None,
) -> Tenure:
    """Appoint an existing person, or a new one named *full_name*, in one transaction."""
    if person is None and not " ".join(full_name.split()):
        raise DomainError(_("Choose a person or type a new name."), code="no_person")
    authorize(actor, "position.appoint", position)
    with transaction.atomic():
        if person is None:
            person = create_person(actor=actor, full_name=full_name)
        return appoint(actor=actor, position=position, person=person, start=start, end=end)


@dataclass(frozen=True)
class NewUnit:
    """A unit a reorganisation creates; ``key`` names it inside the event."""

    key: str
    kind: str
    name: str
    full_name: str
    slug: str
    parent: Unit | None
    code: str = ""
    party_committee: str = ""
    party_organisation: str = ""
    people_committee: str = ""
    position_types: tuple[PositionType, ...] = ()


@dataclass(frozen=True)
class SuccessionSpec:
    """Old unit → new unit (a :class:`Unit` or the ``key`` of a :class:`NewUnit`)."""

    predecessor: Unit
    successor: Unit | str
    whole: bool = False
    population_share: Decimal | None = None
    staff_share: Decimal | None = None
    verified: bool = True


@dataclass(frozen=True)
class Appointment:
    """A person who holds a post of type ``position_type`` in a new unit from the event on."""

    unit: Unit | str
    position_type: PositionType
    person: Person


@dataclass
class ReorganisationResult:
    """What one reorganisation changed."""

    reorganisation: Reorganisation
    ended: list[Unit] = field(default_factory=list)
    created: dict[str, Unit] = field(default_factory=dict)
    moved: list[Unit] = field(default_factory=list)
    tenures_ended: int = 0
    appointed: list[Tenure] = field(default_factory=list)


def record_reorganisation(
    *,
    actor: User | None,
    effective: dt.date,
    title: str,
    legal_basis: str = "",
    note: str = "",
    ending: Sequence[Unit] = (),
    new_units: Sequence[NewUnit] = (),
    successions: Sequence[SuccessionSpec] = (),
    moves: Sequence[tuple[Unit, Unit | None]] = (),
    appointments: Sequence[Appointment] = (),
) -> ReorganisationResult:
    """Record one dated reorganisation of the map, all of it or nothing.

    Units in *ending* end the day before *effective* (with the open tenures of their
    posts); *new_units* begin on *effective* with posts of their position types;
    *successions* link each new unit to the old ones it takes over, wholly or in part;
    *moves* re-parent continuing units (``(ward, city)``) and are undone on maps of
    earlier dates; *appointments* put people into the new posts from *effective*, so a
    leader's history follows them from the old ward to the new one.
    """
    authorize(actor, "unit.reorganise")
    title = " ".join(title.split())
    if not title:
        raise DomainError(_("Give the reorganisation a title."), code="no_title")
    last_day = effective - dt.timedelta(days=1)
    for unit in ending:
        if not unit.is_valid_on(last_day):
            raise DomainError(
                _("%(unit)s did not exist on %(day)s, so it cannot end then.")
                % {"unit": unit, "day": last_day.strftime("%d/%m/%Y")},
                code="unit_not_valid",
            )
    keys = [n.key for n in new_units]
    if len(set(keys)) != len(keys):
        raise DomainError(_("Two new units have the same key."), code="duplicate_key")
    for spec in successions:
        for share in (spec.population_share, spec.staff_share):
            if share is not None and not Decimal(0) < share <= Decimal(1):
                raise DomainError(
                    _("A share must be greater than 0 and at most 1 (100%)."), code="bad_share"
                )
    with transaction.atomic():
        reorg = Reorganisation.objects.create(
            effective=effective, title=title, legal_basis=legal_basis, note=note
        )
        result = ReorganisationResult(reorganisation=reorg)
        for unit in ending:
            unit.valid_until = last_day
            unit.save(update_fields=["valid_until"])
            result.ended.append(unit)
            result.tenures_ended += (
                Tenure.objects.filter(position__unit=unit, start__lte=last_day)
                .filter(end__isnull=True)
                .update(end=last_day)
            )
        for spec_unit in new_units:
            slug = spec_unit.slug
            if Unit.objects.filter(parent=spec_unit.parent, slug=slug).exists():
                slug = f"{slug}-{effective.year}"  # e.g. the ward named like its old district
            unit = Unit.objects.create(
                parent=spec_unit.parent,
                kind=spec_unit.kind,
                code=spec_unit.code,
                slug=slug,
                name=spec_unit.name,
                full_name=spec_unit.full_name,
                party_committee=spec_unit.party_committee,
                party_organisation=spec_unit.party_organisation,
                people_committee=spec_unit.people_committee,
                valid_from=effective,
            )
            for ptype in spec_unit.position_types:
                Position.objects.create(
                    unit=unit, type=ptype, title=ptype.title_template.format(ward=unit.name)
                )
            result.created[spec_unit.key] = unit

        def resolve(ref: Unit | str) -> Unit:
            if isinstance(ref, Unit):
                return ref
            if ref not in result.created:
                raise DomainError(
                    _("No new unit has the key %(key)s.") % {"key": ref}, code="unknown_key"
                )
            return result.created[ref]

        totals: dict[int, Decimal] = {}
        for spec in successions:
            successor = resolve(spec.successor)
            if not successor.is_valid_on(effective):
                raise DomainError(
                    _("%(unit)s does not exist on %(day)s.")
                    % {"unit": successor, "day": effective.strftime("%d/%m/%Y")},
                    code="unit_not_valid",
                )
            if spec.population_share is not None:
                total = totals.get(spec.predecessor.pk, Decimal(0)) + spec.population_share
                if total > Decimal(1):
                    raise DomainError(
                        _("The shares of %(unit)s add up to more than 100%%.")
                        % {"unit": spec.predecessor},
                        code="bad_share",
                    )
                totals[spec.predecessor.pk] = total
            Succession.objects.create(
                reorganisation=reorg,
                predecessor=spec.predecessor,
                successor=successor,
                whole=spec.whole,
                population_share=spec.population_share,
                staff_share=spec.staff_share,
                verified=spec.verified,
            )
        for unit, new_parent in moves:
            UnitMove.objects.create(
                reorganisation=reorg, unit=unit, old_parent=unit.parent, new_parent=new_parent
            )
            unit.parent = new_parent
            unit.save(update_fields=["parent"])
            result.moved.append(unit)
        for appointment in appointments:
            unit = resolve(appointment.unit)
            position = Position.objects.get(unit=unit, type=appointment.position_type)
            result.appointed.append(
                appoint(actor=actor, position=position, person=appointment.person, start=effective)
            )
        record_event(
            actor=actor,
            action="units.reorganise",
            obj=reorg,
            data={
                "effective": effective.isoformat(),
                "ended": [u.code or u.name for u in result.ended],
                "created": [u.code or u.name for u in result.created.values()],
                "moved": [u.code or u.name for u in result.moved],
                "successions": len(successions),
            },
        )
    return result


UNIT_LIST_MAX_BYTES = 5 * MB
UNIT_LIST_KINDS = ("xlsx", "text")
UNIT_LIST_ACCEPTED = "XLSX, CSV (UTF-8)"

_LEVEL = {"province": 0, "district": 1, "ward": 2, "commune": 2, "other": 3}


class UnitImportError(DomainError):
    """The unit list has errors; ``errors`` names each with its line."""

    def __init__(self, errors: list[unitsheet.RowError]) -> None:
        super().__init__(
            _("The list of units has %(count)s errors; nothing was imported.")
            % {"count": len(errors)},
            code="bad_units_sheet",
        )
        self.errors = errors


@dataclass
class UnitImportResult:
    """What an import of a unit list did."""

    created: list[Unit] = field(default_factory=list)
    updated: list[Unit] = field(default_factory=list)


def _overlaps(
    a: tuple[dt.date | None, dt.date | None], b: tuple[dt.date | None, dt.date | None]
) -> bool:
    start = max(a[0] or dt.date.min, b[0] or dt.date.min)
    end = min(a[1] or dt.date.max, b[1] or dt.date.max)
    return start <= end


def _slug_for(name: str, parent: Unit | None, code: str, exclude: int | None) -> str:
    base = slugify(name.replace("đ", "d").replace("Đ", "D")) or "don-vi"
    slug = base
    taken = Unit.objects.filter(parent=parent)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.filter(slug=slug).exists():
        slug = f"{base}-{code}" if code else f"{base}-2"
    return slug[:64]


def import_units(*, actor: User | None, data: bytes, filename: str) -> UnitImportResult:
    """Import a list of units (name, code, kind, parent, validity) from XLSX or CSV.

    All or nothing: every problem is reported with its line (``UnitImportError``). A row
    whose code, kind and start date match a unit already in the product updates it; any
    other row creates a unit. A parent is named by its code: a row of the same file or a
    unit of the product that exists on the row's start date.

    The file's kind is read from its content (an XLSX workbook or UTF-8 text), never
    from *filename*; another kind or more than ``UNIT_LIST_MAX_BYTES`` is refused
    (``UploadRefused``, 415 or 413) before anything is parsed.
    """
    authorize(actor, "unit.import")
    kind = validate_bytes(
        data, kinds=UNIT_LIST_KINDS, max_bytes=UNIT_LIST_MAX_BYTES, accepted=UNIT_LIST_ACCEPTED
    )
    try:
        cells = unitsheet.read_cells(data, kind)
    except Exception as exc:  # openpyxl and csv raise many kinds on a damaged file
        raise UnitImportError(
            [unitsheet.RowError(1, _("the file cannot be read as XLSX or CSV."))]
        ) from exc
    rows, errors = unitsheet.read_rows(cells)
    by_code: dict[str, list[unitsheet.UnitRow]] = {}
    for row in rows:
        if not row.code:
            continue
        for other in by_code.get(row.code, []):
            if _overlaps((row.valid_from, row.valid_until), (other.valid_from, other.valid_until)):
                errors.append(
                    unitsheet.RowError(
                        row.line,
                        _("the code %(code)s is already used on line %(other)s for the same dates.")
                        % {"code": row.code, "other": other.line},
                    )
                )
        by_code.setdefault(row.code, []).append(row)

    def in_file(code: str, day: dt.date | None) -> unitsheet.UnitRow | None:
        for candidate in by_code.get(code, []):
            if day is None or (
                (candidate.valid_from is None or candidate.valid_from <= day)
                and (candidate.valid_until is None or candidate.valid_until >= day)
            ):
                return candidate
        return None

    def in_product(code: str, day: dt.date | None) -> Unit | None:
        qs = Unit.objects.filter(code=code)
        if day is not None:
            qs = qs.filter(
                models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
                models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day),
            )
        return qs.order_by("-valid_from").first()

    parents: dict[int, unitsheet.UnitRow | Unit | None] = {}
    for row in rows:
        if not row.parent:
            parents[row.line] = None
            continue
        parent: unitsheet.UnitRow | Unit | None = in_file(row.parent, row.valid_from)
        if parent is None:
            parent = in_product(row.parent, row.valid_from)
        if parent is None:
            errors.append(
                unitsheet.RowError(
                    row.line,
                    _("the parent code %(code)s is neither in the file nor in the product.")
                    % {"code": row.parent},
                )
            )
            continue
        if parent is row or (isinstance(parent, unitsheet.UnitRow) and parent.line == row.line):
            errors.append(unitsheet.RowError(row.line, _("a unit cannot be its own parent.")))
            continue
        if _LEVEL.get(parent.kind, 3) >= _LEVEL.get(row.kind, 3):
            errors.append(
                unitsheet.RowError(
                    row.line,
                    _("%(parent)s cannot be the parent of %(unit)s (same or lower level).")
                    % {"parent": parent.full_name, "unit": row.full_name},
                )
            )
            continue
        parents[row.line] = parent
    if errors:
        raise UnitImportError(sorted(errors, key=lambda e: e.line))
    result = UnitImportResult()
    made: dict[int, Unit] = {}
    # Parents come first: sort by level, then by line.
    ordered = sorted(rows, key=lambda r: (_LEVEL.get(r.kind, 3), r.line))
    with transaction.atomic():
        for row in ordered:
            ref = parents.get(row.line)
            parent_unit = made[ref.line] if isinstance(ref, unitsheet.UnitRow) else ref
            existing = (
                Unit.objects.filter(code=row.code, kind=row.kind, valid_from=row.valid_from).first()
                if row.code
                else None
            )
            unit = existing or Unit()
            unit.parent = parent_unit
            unit.kind = row.kind
            unit.code = row.code
            unit.name = row.name
            unit.full_name = row.full_name
            unit.valid_from = row.valid_from
            unit.valid_until = row.valid_until
            unit.party_committee = (
                row.party_committee
                or unit.party_committee
                or (
                    f"Đảng ủy {row.full_name[0].lower()}{row.full_name[1:]}"
                    if row.kind in ("ward", "commune")
                    else ""
                )
            )
            unit.party_organisation = (
                row.party_organisation
                or unit.party_organisation
                or (f"Đảng bộ {row.full_name[0].lower()}{row.full_name[1:]}")
            )
            unit.slug = _slug_for(row.name, parent_unit, row.code, unit.pk)
            unit.save()
            made[row.line] = unit
            (result.updated if existing else result.created).append(unit)
        record_event(
            actor=actor,
            action="units.import_list",
            data={
                "file": filename[:120],
                "created": len(result.created),
                "updated": len(result.updated),
            },
        )
    return result


LONG_BIEN_2025 = LONG_BIEN.parent / "long-bien-2025.yaml"


def _by_code(code: str, day: dt.date) -> Unit:
    unit = (
        Unit.objects.filter(code=code)
        .filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day))
        .filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day))
        .first()
    )
    if unit is None:
        raise DomainError(
            _("No unit has the code %(code)s on %(day)s.")
            % {"code": code, "day": day.strftime("%d/%m/%Y")},
            code="unknown_unit",
        )
    return unit


def import_reorganisation(
    *,
    actor: User | None,
    text: str,
    carry_holders: dict[str, str] | None = None,
) -> ReorganisationResult:
    """Record the reorganisation described by a YAML file (``long-bien-2025.yaml``).

    Units are named by their national codes as they were the day before the change;
    new units by their key. *carry_holders* maps a new unit's key to the code of the old
    unit whose post holders continue in the new posts (same position types). Running it
    again after the event is recorded returns the recorded event unchanged.
    """
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or "reorganisation" not in data:
        raise DomainError(
            _("The file must describe a reorganisation."), code="bad_reorganisation_file"
        )
    spec = data["reorganisation"]
    effective = _date(spec["effective"])
    assert effective is not None
    existing = Reorganisation.objects.filter(effective=effective, title=spec["title"]).first()
    if existing is not None:
        return ReorganisationResult(reorganisation=existing)
    last_day = effective - dt.timedelta(days=1)
    with transaction.atomic():
        province_data = data.get("province") or {}
        province = _by_code(str(province_data["code"]), effective) if province_data else None
        if province is not None:
            province.party_committee = province_data.get("party_committee", "")
            province.party_organisation = province_data.get("party_organisation", "")
            province.organiser_unit = province_data.get("organiser_unit", "")
            province.document_symbol_suffix = province_data.get("document_symbol_suffix", "")
            province.save()
        ending = [_by_code(str(code), last_day) for code in spec.get("ending", [])]
        types = {t.key: t for t in PositionType.objects.all()}
        new_units = [
            NewUnit(
                key=n["key"],
                kind=UnitKind.WARD if n.get("type", "phuong") == "phuong" else UnitKind.COMMUNE,
                name=n["name"],
                full_name=n.get("full_name", n["name"]),
                slug=n.get("slug", n["key"]),
                parent=_by_code(str(n["parent"]), effective) if n.get("parent") else province,
                code=str(n.get("code") or ""),
                party_committee=n.get("party_committee", ""),
                party_organisation=n.get("party_organisation", ""),
                people_committee=n.get("people_committee", ""),
                position_types=tuple(types[k] for k in n.get("positions", []) if k in types),
            )
            for n in spec.get("new_units", [])
        ]
        successions = [
            SuccessionSpec(
                predecessor=_by_code(str(s["predecessor"]), last_day),
                successor=s["successor"],
                whole=bool(s.get("whole", False)),
                population_share=_share(s.get("population_share")),
                staff_share=_share(s.get("staff_share")),
                verified=bool(s.get("verified", True)),
            )
            for s in spec.get("successions", [])
        ]
        moves: list[tuple[Unit, Unit | None]] = [
            (_by_code(str(m["unit"]), last_day), _by_code(str(m["to"]), effective))
            for m in spec.get("moves", [])
        ]
        appointments: list[Appointment] = []
        for key, old_code in (carry_holders or {}).items():
            old = _by_code(old_code, last_day)
            for position in old.positions.select_related("type"):
                holder = position.holder_on(last_day)
                if holder is not None:
                    appointments.append(
                        Appointment(unit=key, position_type=position.type, person=holder)
                    )
        return record_reorganisation(
            actor=actor,
            effective=effective,
            title=spec["title"],
            legal_basis=spec.get("legal_basis", ""),
            note=spec.get("note", ""),
            ending=ending,
            new_units=new_units,
            successions=successions,
            moves=moves,
            appointments=appointments,
        )


def _share(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))
