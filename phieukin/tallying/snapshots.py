"""Tally snapshots: compute a sealed tally once, then serve it from storage.

A snapshot is keyed by a digest of everything its tally was computed from (the engine's
format, the round's rules, questionnaire and leaders, and the seal digest of every sealed
box it covers). Snapshots are written only where the product changes state: a box's when
it is sealed, a round's when it is published (and when a box is sealed into a round that
is complete or already published), through the hooks ``ballots.hooks.box_sealed`` and
``rounds.hooks.round_published`` (see ``tallying/receivers.py``). Reads never write:
while the digest still matches, pages, files and the API read the stored result; when it
is absent or stale (one more box sealed) they re-tally in memory, so reports also run on
a read-only replica. ``selectors.check_snapshots`` recomputes the current snapshots from
the ballots, for ``recount``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

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
    return _digest(rnd, boxes, rules, seals, _subject_ids(rnd))


def box_source_digests(
    rnd: Round, boxes: Sequence[BallotBox], rules: engine.Rules
) -> dict[int, str]:
    """Return each box's own :func:`source_digest`, read in two queries for all of them."""
    seals = dict(Seal.objects.filter(box__in=boxes).values_list("box_id", "digest"))
    subjects = _subject_ids(rnd)
    return {box.pk: _digest(rnd, [box], rules, seals, subjects) for box in boxes}


def _subject_ids(rnd: Round) -> list[int]:
    return list(
        Subject.objects.filter(conference__round=rnd).order_by("pk").values_list("pk", flat=True)
    )


def _digest(
    rnd: Round,
    boxes: Sequence[BallotBox],
    rules: engine.Rules,
    seals: dict[int, str],
    subjects: list[int],
) -> str:
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


# Decoded snapshots of this process, most recently used last, keyed by the stored row
# (id and creation time, so a row of another database or test never matches). A stored
# snapshot is immutable; the cache only saves decoding its JSON again (seconds for a
# province's round of a hundred communes, which every leader's page of that round reads).
_DECODED: OrderedDict[tuple[int, Any], engine.RoundTally | engine.WardTally] = OrderedDict()
_DECODED_LIMIT = 64
_DECODED_LOCK = threading.Lock()


def _read(
    *,
    rnd: Round,
    box: BallotBox | None,
    source: str,
    kind: type[engine.RoundTally] | type[engine.WardTally],
) -> engine.RoundTally | engine.WardTally | None:
    stored = TallySnapshot.objects.filter(round=rnd, box=box, source=source)
    row = stored.values_list("pk", "created_at").first()
    if row is None:
        return None
    with _DECODED_LOCK:
        found = _DECODED.get(row)
        if found is not None:
            _DECODED.move_to_end(row)
            return found
    data = TallySnapshot.objects.filter(pk=row[0]).values_list("data", flat=True).first()
    if data is None:
        return None
    result = codec.from_json(kind, data)
    with _DECODED_LOCK:
        _DECODED[row] = result
        while len(_DECODED) > _DECODED_LIMIT:
            _DECODED.popitem(last=False)
    return result


def _store(
    *,
    rnd: Round,
    box: BallotBox | None,
    source: str,
    kind: type[engine.RoundTally] | type[engine.WardTally],
    compute: Callable[[], engine.RoundTally | engine.WardTally],
) -> engine.RoundTally | engine.WardTally:
    found = _read(rnd=rnd, box=box, source=source, kind=kind)
    if found is not None:
        return found
    result = compute()
    try:
        with transaction.atomic():
            TallySnapshot.objects.create(
                round=rnd, box=box, source=source, data=codec.to_json(result)
            )
    except IntegrityError:
        pass  # Another transaction stored the same snapshot first; both are equal.
    return result


def box_tally(
    box: BallotBox, rules: engine.Rules, compute: Callable[[], engine.WardTally]
) -> engine.WardTally:
    """Return the sealed *box*'s tally from its snapshot, or *compute* it (never stored).

    A read writes nothing, so it also runs on a read-only replica: the snapshot is
    stored when the box is sealed (:func:`store_box_tally`).
    """
    rnd = box.conference.round
    source = source_digest(rnd, [box], rules)
    found = _read(rnd=rnd, box=box, source=source, kind=engine.WardTally)
    result = compute() if found is None else found
    assert isinstance(result, engine.WardTally)
    return result


def round_tally(
    rnd: Round,
    sealed: Sequence[BallotBox],
    rules: engine.Rules,
    compute: Callable[[], engine.RoundTally],
) -> engine.RoundTally:
    """Return the tally of *rnd* over its *sealed* boxes from a snapshot, or *compute* it.

    Nothing is stored here: a round's snapshot is stored when it is published, or when a
    box is sealed into a round that is complete or published (:func:`store_round_tally`).
    A draft round that is still being counted is computed on each read.
    """
    source = source_digest(rnd, sealed, rules)
    found = _read(rnd=rnd, box=None, source=source, kind=engine.RoundTally)
    result = compute() if found is None else found
    assert isinstance(result, engine.RoundTally)
    return result


def store_box_tally(
    box: BallotBox, rules: engine.Rules, compute: Callable[[], engine.WardTally]
) -> engine.WardTally:
    """Store the snapshot of the sealed *box*'s tally unless it is stored; return it."""
    rnd = box.conference.round
    source = source_digest(rnd, [box], rules)
    result = _store(rnd=rnd, box=box, source=source, kind=engine.WardTally, compute=compute)
    assert isinstance(result, engine.WardTally)
    return result


def store_round_tally(
    rnd: Round,
    sealed: Sequence[BallotBox],
    rules: engine.Rules,
    compute: Callable[[], engine.RoundTally],
) -> engine.RoundTally:
    """Store the snapshot of *rnd*'s tally over its *sealed* boxes unless it is stored."""
    source = source_digest(rnd, sealed, rules)
    result = _store(rnd=rnd, box=None, source=source, kind=engine.RoundTally, compute=compute)
    assert isinstance(result, engine.RoundTally)
    return result


def store_box_tallies(
    rnd: Round,
    boxes: Sequence[BallotBox],
    rules: engine.Rules,
    compute: Callable[[Sequence[BallotBox]], dict[int, engine.WardTally]],
) -> None:
    """Store the snapshot of every sealed box in *boxes* that has none for its sources.

    ``compute(missing)`` returns the tallies of the boxes lacking one, by box id, so a
    round's boxes are read from the ballots together rather than one by one.
    """
    sources = box_source_digests(rnd, boxes, rules)
    have = set(
        TallySnapshot.objects.filter(round=rnd, box__in=boxes).values_list("box_id", "source")
    )
    missing = [box for box in boxes if (box.pk, sources[box.pk]) not in have]
    if not missing:
        return
    tallies = compute(missing)
    rows = [
        TallySnapshot(
            round=rnd, box=box, source=sources[box.pk], data=codec.to_json(tallies[box.pk])
        )
        for box in missing
    ]
    try:
        with transaction.atomic():
            TallySnapshot.objects.bulk_create(rows, batch_size=500)
    except IntegrityError:
        # Some were stored by another transaction meanwhile (equal by construction):
        # store the others one by one.
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                pass


def stored_snapshots(rnd: Round, box: BallotBox | None = None) -> list[TallySnapshot]:
    """Return the snapshots stored for *rnd* (or for one of its boxes)."""
    query = TallySnapshot.objects.filter(round=rnd)
    query = query.filter(box=box) if box is not None else query.filter(box__isnull=True)
    return list(query.order_by("pk"))
