"""Reads of the leader's record: whose record, who may open it, its visible parts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from phieukin.accounts.access import authorize, can
from phieukin.accounts.rules.records import READERS
from phieukin.accounts.scoping import unit_ids_for
from phieukin.criteria.models import Commitment
from phieukin.records.parts import Part, RecordSubject, parts_for
from phieukin.units.models import Person, Tenure


def record_subject(person: Person) -> RecordSubject:
    """Return the person's posts and every unit they held a post or committed in."""
    tenures = list(
        Tenure.objects.filter(person=person).select_related("position").order_by("start")
    )
    units = {t.position.unit_id for t in tenures}
    units |= set(Commitment.objects.filter(person=person).values_list("unit_id", flat=True))
    positions = tuple(
        (
            t.position.title,
            f"{t.start.strftime('%d/%m/%Y')} – {t.end.strftime('%d/%m/%Y') if t.end else '…'}",
        )
        for t in tenures
    )
    return RecordSubject(
        person_id=person.pk, name=person.full_name, unit_ids=frozenset(units), positions=positions
    )


def people_for(user: Any) -> QuerySet[Person]:
    """Return the people whose record the user may open (their own, their units' leaders)."""
    if not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    units = unit_ids_for(user, roles=list(READERS))
    condition = Q(tenures__position__unit_id__in=units) | Q(
        pk__in=Commitment.objects.filter(unit_id__in=units).values("person_id")
    )
    person_id = getattr(user, "person_id", None)
    if person_id is not None:
        condition |= Q(pk=person_id)
    return Person.objects.filter(condition).distinct().order_by("sort_key")


def can_open(user: Any, person: Person) -> bool:
    """Return whether the user may open the person's record at all."""
    return can(user, "record.open", record_subject(person))


@dataclass(frozen=True)
class Record:
    """A person's record as one reader sees it."""

    subject: RecordSubject
    parts: tuple[Part, ...]


def record_for(user: Any, person: Person) -> Record:
    """Return the parts of the person's record the user may see (``AccessDenied`` if none)."""
    subject = record_subject(person)
    authorize(user, "record.open", subject)
    return Record(subject=subject, parts=tuple(parts_for(subject, user)))
