"""What the database benchmarks share: the child process's environment, a scratch
PostgreSQL database, and a district with an open round (the leaders, their tenures and
one ballot box per ward).

Not a benchmark itself (the leading underscore keeps ``python -m bench`` from running
it); used by ``bench/ballots_http.py`` and ``bench/seal.py``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def base_env(workdir: Path, *, settings: str = "phieukin.config.settings") -> dict[str, str]:
    """Return the environment of a benchmark's child process: production-like settings,
    a fresh var directory (so a fresh SQLite file) in *workdir*, no DATABASE_URL."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        PHIEUKIN_VAR_DIR=str(workdir),
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        SECRET_KEY="bench-" + secrets.token_hex(16),
        PYTHONPATH=str(ROOT),
    )
    env.pop("DATABASE_URL", None)
    return env


def postgres_url() -> str | None:
    """Return DATABASE_URL when it names a PostgreSQL server, else None."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@contextmanager
def scratch_postgres(url: str, prefix: str) -> Iterator[str]:
    """Create an empty database on *url*'s server, yield its URL, drop it afterwards."""
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parsed._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def open_round(*, title: str, boxes: int) -> list[Any]:
    """Import Long Biên with a leader in every position, create and open a round over
    its first *boxes* wards, and return their ballot boxes (prepared), in ward order.

    Runs inside the child process, after ``django.setup()`` and the migrations.
    """
    import datetime as dt

    from phieukin.questionnaires.services import import_default_template
    from phieukin.rounds.models import BallotBox
    from phieukin.rounds.services import create_round
    from phieukin.rounds.services import open_round as open_the_round
    from phieukin.units.fictional import fictional_names
    from phieukin.units.models import Person, Position, PositionType, Tenure, UnitKind
    from phieukin.units.services import LONG_BIEN, import_district

    district = import_district(actor=None, text=LONG_BIEN.read_text(encoding="utf-8"))
    positions = list(Position.objects.filter(unit__parent=district).order_by("id"))
    people = Person.objects.bulk_create(
        Person(full_name=n) for n in fictional_names(len(positions), seed=3)
    )
    Tenure.objects.bulk_create(
        Tenure(position=p, person=q, start=dt.date(2020, 1, 1))
        for p, q in zip(positions, people, strict=True)
    )
    wards = list(district.children.filter(kind=UnitKind.WARD).order_by("sort_key"))
    if len(wards) < boxes:
        raise ValueError(f"the district has {len(wards)} wards, {boxes} boxes were asked for")
    rnd = create_round(
        actor=None,
        organiser_unit=district,
        title=title,
        year=2030,
        number=1,
        questionnaire=import_default_template(actor=None),
        position_types=PositionType.objects.all(),
        wards=wards[:boxes],
    )
    open_the_round(actor=None, round=rnd)
    return list(
        BallotBox.objects.filter(conference__round=rnd).order_by("conference__unit__sort_key")
    )
