"""Tally snapshots: compute a sealed tally once, then serve it from storage.

A snapshot is keyed by a digest of everything its tally was computed from (the engine's
format, the round's rules, questionnaire and leaders, and the seal digest of every sealed
box it covers). While that digest still matches, pages, files and the API read the stored
result instead of re-tallying the ballots; when one more box is sealed the digest changes
and the next read stores a new snapshot. :func:`check` recomputes a snapshot from the
ballots, for ``recount`` and ``verify_box``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence

from django.db import IntegrityError, transaction

from phieukin.ballots.models import Seal
from phieukin.rounds.models import BallotBox, Round, Subject
from phieukin.tallying import codec
from phieukin.tallying import tally as engine
from phieukin.tallying.models import TallySnapshot

# Bump when the engine's results change meaning, so old snapshots are not reused.
FORMAT = "1"


def source_digest(rnd: Round, boxes: Sequence[BallotBox], rules: engine.Rules) -> str:
    """Return the digest of what a tally of *boxes* (all sealed) of *rnd* depends on."""
    seals = dict(Seal.objects.filter(box__in=boxes).values_list("box_id", "digest"))
    subjects = list(
        Subject.objects.filter(conference__round=rnd).order_by("pk").values_list("pk", flat=True)
    )
    material = {
        "format": FORMAT,
        "round": rnd.pk,
        "questionnaire": rnd.questionnaire_id,
        "rules": codec.to_json(rules),
        "subjects": subjects,
        "boxes": sorted([box.pk, seals.get(box.pk, "")] for box in boxes),
    }
    text = json.dumps(material, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stored(
    *,
    rnd: Round,
    box: BallotBox | None,
    source: str,
    kind: type[engine.RoundTally] | type[engine.WardTally],
    compute: Callable[[], engine.RoundTally | engine.WardTally],
) -> engine.RoundTally | engine.WardTally:
    found = TallySnapshot.objects.filter(round=rnd, box=box, source=source).first()
    if found is not None:
        return codec.from_json(kind, found.data)
    result = compute()
    try:
        with transaction.atomic():
            TallySnapshot.objects.create(
                round=rnd, box=box, source=source, data=codec.to_json(result)
            )
    except IntegrityError:
        pass  # Another request stored the same snapshot first; both are equal.
    return result


def box_tally(
    box: BallotBox, rules: engine.Rules, compute: Callable[[], engine.WardTally]
) -> engine.WardTally:
    """Return the sealed *box*'s tally from its snapshot, storing one on first use."""
    rnd = box.conference.round
    source = source_digest(rnd, [box], rules)
    result = _stored(rnd=rnd, box=box, source=source, kind=engine.WardTally, compute=compute)
    assert isinstance(result, engine.WardTally)
    return result


def round_tally(
    rnd: Round,
    sealed: Sequence[BallotBox],
    rules: engine.Rules,
    compute: Callable[[], engine.RoundTally],
) -> engine.RoundTally:
    """Return the tally of *rnd* over its *sealed* boxes from a snapshot, storing one."""
    source = source_digest(rnd, sealed, rules)
    result = _stored(rnd=rnd, box=None, source=source, kind=engine.RoundTally, compute=compute)
    assert isinstance(result, engine.RoundTally)
    return result


def stored_snapshots(rnd: Round, box: BallotBox | None = None) -> list[TallySnapshot]:
    """Return the snapshots stored for *rnd* (or for one of its boxes)."""
    query = TallySnapshot.objects.filter(round=rnd)
    query = query.filter(box=box) if box is not None else query.filter(box__isnull=True)
    return list(query.order_by("pk"))
