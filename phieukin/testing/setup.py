"""Data set-ups shared by the test fixtures and the benchmarks (not used by the product)."""

from __future__ import annotations

import datetime as dt

from phieukin.units.fictional import fictional_names
from phieukin.units.models import Person, Position, Tenure, Unit
from phieukin.units.services import LONG_BIEN, import_district

TENURE_START = dt.date(2020, 10, 1)


def long_bien_with_leaders(*, seed: int = 7, start: dt.date = TENURE_START) -> Unit:
    """Import Quận Long Biên and give each of its 28 posts a fictional holder from *start*."""
    district = import_district(actor=None, text=LONG_BIEN.read_text(encoding="utf-8"))
    positions = list(Position.objects.filter(unit__parent=district).order_by("id"))
    people = Person.objects.bulk_create(
        Person(full_name=name) for name in fictional_names(len(positions), seed=seed)
    )
    Tenure.objects.bulk_create(
        Tenure(position=p, person=person, start=start)
        for p, person in zip(positions, people, strict=True)
    )
    return district
