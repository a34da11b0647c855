"""Writes of units, people and positions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.core.errors import DomainError
from phieukin.units.models import Person, Position, PositionType, Tenure, Unit, UnitKind

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
    unit = Unit.objects.filter(code=code, kind=fields["kind"]).first() if code else None
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
