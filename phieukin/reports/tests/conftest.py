"""Fixtures of the reports: a round with sealed boxes and ballots, leaders as users.

Ballots are made with the ORM in the compact sheet encoding (``ballots/sheet.py``) and the
boxes are set to sealed with a seal row carrying the counts, as the counting committee's
sealing would leave them.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.core.cache import caches
from django.utils import timezone

from phieukin.accounts.models import Membership, Role, User
from phieukin.ballots.models import Ballot, Seal
from phieukin.ballots.sheet import encode
from phieukin.questionnaires.shapes import item_shapes
from phieukin.reports import pages
from phieukin.rounds.models import BallotBox, Round, Subject
from phieukin.rounds.services import close_round, publish_round
from phieukin.units.models import Unit

# Valid ballots per subject, by ward index and subject order: ward 0 has enough for
# comments (k_comments = 8), ward 1 enough for figures only, ward 2's Chair too few.
BALLOTS = {0: (12, 10), 1: (6, 6), 2: (9, 3)}
COMMENTS = ("Đồng chí cần gần dân hơn nữa.", "Gương mẫu, quyết liệt trong công việc.")


def _answers(rng: random.Random, option_keys: tuple[str, ...], bias: float) -> str | None:
    roll = rng.random()
    if roll < 0.05:
        return None
    weights = [0.45 + bias, 0.3, 0.15 - bias / 2, 0.05 - bias / 2, 0.05][: len(option_keys)]
    return rng.choices(option_keys, weights=[max(w, 0.0) for w in weights])[0]


def fill_round(rnd: Round, seed: int = 1, bias: float = 0.0) -> None:
    """Add ballots to every box of *rnd*, seal the boxes and close the round."""
    rng = random.Random(seed)
    shapes = item_shapes(rnd.questionnaire)
    boxes = list(
        BallotBox.objects.filter(conference__round=rnd)
        .select_related("conference")
        .order_by("conference__unit__sort_key")
    )
    for w, box in enumerate(boxes):
        conf = box.conference
        conf.invited_count = 30
        conf.present_count = 28 - w
        conf.save(update_fields=["invited_count", "present_count"])
        subjects = list(Subject.objects.filter(conference=conf).order_by("order"))
        per_subject: dict[str, int] = {}
        valid_total = invalid_total = 0
        for s, subject in enumerate(subjects):
            n = BALLOTS.get(w, (6, 6))[min(s, 1)]
            rows = []
            for i in range(n):
                answers = {it.key: _answers(rng, it.option_keys, bias) for it in shapes}
                # The first item of ward 0's Secretary is rated "Yếu" by a quarter: a flag.
                if w == 0 and s == 0 and i % 4 == 0:
                    answers[shapes[0].key] = "yeu"
                rows.append(
                    Ballot(
                        box=box,
                        subject=subject,
                        source="online",
                        valid=True,
                        answers=encode(shapes, answers),
                        comment=COMMENTS[i % 2] if i < 2 else "",
                    )
                )
            rows.append(
                Ballot(
                    box=box, subject=subject, source="typed", valid=False, answers="-" * len(shapes)
                )
            )
            Ballot.objects.bulk_create(rows)
            per_subject[str(subject.pk)] = n + 1
            valid_total += n
            invalid_total += 1
        box.state = "sealed"
        box.sealed_at = timezone.now()
        box.save(update_fields=["state", "sealed_at"])
        Seal.objects.create(
            box=box,
            sealed_at=timezone.now(),
            digest="0" * 64,
            counts={
                "invited": conf.invited_count,
                "present": conf.present_count,
                "codes_issued": conf.present_count,
                "codes_used": conf.present_count - 2,
                "paper_issued": 2,
                "paper_returned": 2,
                "ballots_total": valid_total + invalid_total,
                "ballots_valid": valid_total,
                "ballots_invalid": invalid_total,
                "per_subject": per_subject,
            },
        )
    Round.objects.filter(pk=rnd.pk).update(state="closed", closed_at=timezone.now())
    rnd.refresh_from_db()


@pytest.fixture
def sealed_round(open_round_: Round) -> Round:
    """Return the open round with every box filled and sealed, round closed."""
    # The round service refuses to close with unsealed boxes; fill_round seals them all.
    fill_round(open_round_)
    return open_round_


@pytest.fixture
def published_round(sealed_round: Round) -> Round:
    return publish_round(actor=None, round=sealed_round)


@pytest.fixture
def other_leader(wards: list[Unit], sealed_round: Round) -> User:
    """Return the user of the first ward's People's Committee Chair (another leader)."""
    subject = Subject.objects.get(
        conference__round=sealed_round,
        conference__unit=wards[0],
        position__type__key="chu_tich_ubnd",
    )
    user = User.objects.create_user(
        username="lanhdao2", password="pw-lanhdao2", full_name=subject.name, person=subject.person
    )
    Membership.objects.create(user=user, unit=wards[0], role=Role.LEADER)
    return user


def subject_of(user: User, rnd: Round) -> Subject:
    assert user.person_id is not None
    return Subject.objects.get(conference__round=rnd, person_id=user.person_id)


def previous_round_filled(district: Unit, wards: list[Unit], questionnaire: Any) -> Round:
    """Create and fill an earlier round (Đợt I/2026) over the same wards."""
    from phieukin.rounds.services import create_round, open_round
    from phieukin.units.models import PositionType

    rnd = create_round(
        actor=None,
        organiser_unit=district,
        title="Đợt I/2026",
        year=2026,
        number=1,
        questionnaire=questionnaire,
        position_types=PositionType.objects.all(),
        wards=wards[:3],
        conference_date=dt.date(2026, 5, 20),
    )
    rnd = open_round(actor=None, round=rnd)
    fill_round(rnd, seed=2, bias=-0.1)
    return rnd


__all__ = ["close_round", "fill_round", "previous_round_filled", "subject_of"]


@pytest.fixture
def cache_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every key looked up in the pages cache."""
    read: list[str] = []
    cache = caches[pages.PAGE_CACHE]
    real = cache.get

    def get(key: str, *args: Any, **kwargs: Any) -> Any:
        read.append(key)
        return real(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get)
    return read
