"""Reads that feed the tally engine from sealed boxes.

Ballots are read set-based (one ``values_list`` of the needed columns per query, no model
instances) and handed to :func:`phieukin.tallying.tally.tally` as arrays. Only sealed
boxes are tallied: an unsealed box raises :class:`~phieukin.core.errors.Conflict`.

What is published stays consistent over time without stored state: a box's figures are
final once it is sealed (:func:`box_tally` computes them from that box alone), a round
tally treats every sealed box's own figures as already released, and the district cell
waits until every box of the round is sealed.

These selectors are not scoped to a user: callers (views, the API, reports) decide who
may read which tally through :mod:`phieukin.accounts.scoping` before calling them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.utils.translation import gettext as _

from phieukin.ballots.models import Ballot
from phieukin.core.errors import Conflict
from phieukin.questionnaires.models import Item, Questionnaire
from phieukin.rounds import selectors as round_selectors
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, RespondentGroup, Round, Subject
from phieukin.tallying import codec, documents, snapshots
from phieukin.tallying import tally as engine
from phieukin.units import lineage


def questionnaire_shape(questionnaire: Questionnaire) -> engine.Shape:
    """Return the tally's view of a questionnaire: items in order, options with scores."""
    items = (
        Item.objects.filter(questionnaire=questionnaire)
        .select_related("section", "scale")
        .prefetch_related("scale__options")
        .order_by("order")
    )
    shapes: list[engine.ItemShape] = []
    sections: dict[str, int] = {}
    for item in items:
        options = sorted(item.scale.options.all(), key=lambda o: o.order)
        shapes.append(
            engine.ItemShape(
                key=item.key,
                section=item.section.key,
                option_keys=tuple(o.key for o in options),
                scores=tuple(None if o.score is None else float(o.score) for o in options),
            )
        )
        sections.setdefault(item.section.key, item.section.order)
    return engine.Shape(
        items=tuple(shapes), sections=tuple(sorted(sections, key=lambda k: sections[k]))
    )


def round_rules(rnd: Round) -> engine.Rules:
    """Return the round's disclosure and flag rules for the engine."""
    return engine.Rules(
        k=rnd.k_threshold,
        k_comments=rnd.k_comments,
        flag_low_share=float(rnd.flag_low_share),
        flag_mean_below=float(rnd.flag_mean_below),
        flag_analogy=rnd.flag_analogy,
        low_option_keys=tuple(rnd.low_option_keys or ()),
    )


def _require_sealed(boxes: Iterable[BallotBox]) -> None:
    for box in boxes:
        if box.state != BoxState.SEALED.value:
            raise Conflict(_("Only a sealed ballot box can be tallied."), code="box_not_sealed")


def _index(ids: Sequence[int], raw: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Map database ids to their positions in *ids* (-1 stays -1), vectorised."""
    out = np.full(raw.shape, -1, dtype=np.int64)
    present = raw >= 0
    if not len(ids):
        if bool(np.any(present)):
            raise engine.TallyInputError("unknown_reference")
        return out
    known = np.asarray(ids, dtype=np.int64)
    order = np.argsort(known)
    ordered = known[order]
    pos = np.clip(np.searchsorted(ordered, raw), 0, len(ordered) - 1)
    hit = ordered[pos] == raw
    if bool(np.any(present & ~hit)):
        raise engine.TallyInputError("unknown_reference")
    out[hit] = order[pos[hit]]
    return out


def _grouped_answers(box_ids: Sequence[int], n_items: int) -> list[tuple[Any, ...]]:
    """Return (subject, group or -1, ballots, empty, wrong length, answers blob) rows.

    One row per (subject, group) of the valid ballots of the boxes; the blob is their
    answer strings concatenated (every string has ``n_items`` characters, so the order
    does not matter). Written in SQL because the ORM cannot say two things that matter
    for a million rows on SQLite: GROUP_CONCAT, and "scan the table rather than fetch
    each row through an index" (``NOT INDEXED``) when many boxes are read at once; the
    indexed plan jumps around the file and takes about twice as long.
    """
    table = connection.ops.quote_name(Ballot._meta.db_table)
    marks = ", ".join(["%s"] * len(box_ids))
    if connection.vendor == "postgresql":
        concat = "STRING_AGG(answers, '')"
        bad = "SUM(CASE WHEN LENGTH(answers) NOT IN (0, %s) THEN 1 ELSE 0 END)"
        empty = "SUM(CASE WHEN answers = '' THEN 1 ELSE 0 END)"
        scan = ""
    else:
        concat = "GROUP_CONCAT(answers, '')"
        bad = "SUM(LENGTH(answers) NOT IN (0, %s))"
        empty = "SUM(answers = '')"
        scan = " NOT INDEXED" if len(box_ids) > 1 else ""
    sql = (
        f"SELECT subject_id, COALESCE(group_id, -1), COUNT(*), {empty}, {bad}, {concat} "  # noqa: S608
        f"FROM {table}{scan} WHERE box_id IN ({marks}) AND valid "
        "GROUP BY subject_id, COALESCE(group_id, -1) ORDER BY 1, 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [n_items, *box_ids])
        return list(cursor.fetchall())


def _comments(box_ids: Sequence[int]) -> list[tuple[int, str]]:
    """Return (subject, comment) of the valid ballots of the boxes that carry a comment."""
    table = connection.ops.quote_name(Ballot._meta.db_table)
    marks = ", ".join(["%s"] * len(box_ids))
    scan = " NOT INDEXED" if connection.vendor == "sqlite" and len(box_ids) > 1 else ""
    sql = (
        f"SELECT subject_id, comment FROM {table}{scan} "  # noqa: S608
        f"WHERE box_id IN ({marks}) AND valid AND comment <> ''"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(box_ids))
        return [(int(sid), str(text)) for sid, text in cursor.fetchall()]


def read_ballots(
    *, boxes: Sequence[BallotBox], subjects: Sequence[int], groups: Sequence[int], n_items: int
) -> engine.BallotArrays:
    """Read the valid ballots of *boxes* as engine arrays (subjects, groups given by id).

    Set-based: the database groups the ballots by (subject, group) and concatenates
    their answer strings, so a million ballots come back as a few hundred rows that
    ``np.frombuffer`` turns into the answers matrix. Invalid ballots are never tallied
    and are not read.
    """
    box_ids = [b.pk for b in boxes]
    rows = _grouped_answers(box_ids, n_items) if box_ids else []
    counts: list[int] = []
    parts: list[str] = []
    for _subject, _group, n, empty, bad, blob in rows:
        if bad:
            raise engine.TallyInputError("wrong_length")
        # An empty answers string (never expected on a valid ballot) reads as unanswered.
        parts.append((blob or "") + "-" * (n_items * int(empty)))
        counts.append(int(n))
    comments: dict[int, list[str]] = defaultdict(list)
    subject_pos = {sid: i for i, sid in enumerate(subjects)}
    for sid, text in _comments(box_ids) if box_ids else []:
        comments[subject_pos[sid]].append(text)
    repeat = np.asarray(counts, dtype=np.int64)
    subject_ids = np.asarray([r[0] for r in rows], dtype=np.int64)
    group_ids = np.asarray([r[1] for r in rows], dtype=np.int64)
    return engine.BallotArrays(
        subject=np.repeat(_index(subjects, subject_ids), repeat),
        group=np.repeat(_index(groups, group_ids), repeat),
        valid=np.ones(int(repeat.sum()), dtype=np.bool_),
        answers=engine.answers_from_blob("".join(parts).encode("ascii", "replace"), n_items),
        comments=dict(comments),
    )


@dataclass(frozen=True)
class _Inputs:
    shape: engine.Shape
    rules: engine.Rules
    layout: engine.Layout
    arrays: engine.BallotArrays


def _inputs(rnd: Round, boxes: Sequence[BallotBox]) -> _Inputs:
    _require_sealed(boxes)
    shape = questionnaire_shape(rnd.questionnaire)
    groups = list(RespondentGroup.objects.filter(round=rnd).order_by("order", "id"))
    conf_ids = [b.conference_id for b in boxes]
    subjects = list(
        Subject.objects.filter(conference_id__in=conf_ids).order_by(
            "conference__unit__sort_key", "order", "id"
        )
    )
    ward_of_conf = {b.conference_id: b.conference.unit_id for b in boxes}
    wards = sorted(
        {b.conference.unit_id: b.conference.unit.sort_key for b in boxes}.items(),
        key=lambda pair: pair[1],
    )
    ward_ids = [w for w, _key in wards]
    layout = engine.Layout(
        wards=tuple(ward_ids),
        subjects=tuple(s.pk for s in subjects),
        subject_ward=tuple(ward_ids.index(ward_of_conf[s.conference_id]) for s in subjects),
        groups=tuple(g.key for g in groups),
        district=rnd.organiser_unit_id,
    )
    arrays = read_ballots(
        boxes=boxes,
        subjects=layout.subjects,
        groups=[g.pk for g in groups],
        n_items=len(shape.items),
    )
    return _Inputs(shape, round_rules(rnd), layout, arrays)


def _ward_alone(inputs: _Inputs, ward: int) -> engine.RoundTally:
    """Return the tally of one ward's ballots alone, as its box tally computes it."""
    members, alone = _ward_layout(inputs.layout, ward)
    remap = np.full(len(inputs.layout.subjects), -1, dtype=np.int64)
    remap[members] = np.arange(len(members))
    mask = remap[inputs.arrays.subject] >= 0
    arrays = engine.BallotArrays(
        subject=remap[inputs.arrays.subject[mask]],
        group=inputs.arrays.group[mask],
        valid=inputs.arrays.valid[mask],
        answers=inputs.arrays.answers[mask],
        comments={
            int(remap[s]): texts for s, texts in inputs.arrays.comments.items() if remap[s] >= 0
        },
    )
    # The district layer of a one-box tally is the ward itself: withhold it.
    return engine.tally(
        shape=inputs.shape, rules=inputs.rules, layout=alone, ballots=arrays, complete=False
    )


def _ward_layout(layout: engine.Layout, ward: int) -> tuple[list[int], engine.Layout]:
    members = [s for s in range(len(layout.subjects)) if layout.subject_ward[s] == ward]
    return members, engine.Layout(
        wards=(layout.wards[ward],),
        subjects=tuple(layout.subjects[s] for s in members),
        subject_ward=(0,) * len(members),
        groups=layout.groups,
        district=layout.district,
    )


def _boxes(rnd: Round) -> list[BallotBox]:
    return list(
        BallotBox.objects.filter(conference__round=rnd)
        .select_related("conference__unit")
        .order_by("conference__unit__sort_key")
    )


def box_tally(box: BallotBox) -> engine.WardTally:
    """Return the tally of one sealed box: its ward and each of its leaders.

    Computed from this box alone, so it is final once the box is sealed; read from the
    snapshot stored at sealing (computed in memory, never stored, when it is missing).
    """
    box = BallotBox.objects.select_related("conference__unit", "conference__round").get(pk=box.pk)
    return _box_tally(box)


def _box_tally(box: BallotBox) -> engine.WardTally:
    """Return :func:`box_tally` of *box*, read with its conference, unit and round."""
    _require_sealed([box])
    return snapshots.box_tally(
        box, round_rules(box.conference.round), lambda: _compute_box_tally(box)
    )


def _compute_box_tally(box: BallotBox) -> engine.WardTally:
    inputs = _inputs(box.conference.round, [box])
    return _ward_alone(inputs, 0).wards[0]


def store_box_snapshot(box: BallotBox) -> engine.WardTally:
    """Store the sealed *box*'s tally snapshot unless it is stored (sealing calls this)."""
    box = BallotBox.objects.select_related("conference__unit", "conference__round").get(pk=box.pk)
    _require_sealed([box])
    return snapshots.store_box_tally(
        box, round_rules(box.conference.round), lambda: _compute_box_tally(box)
    )


def store_round_snapshot(rnd: Round) -> engine.RoundTally:
    """Store the round's tally snapshot over its sealed boxes, and each box's, if missing."""
    boxes = _boxes(rnd)
    sealed = [b for b in boxes if b.state == BoxState.SEALED.value]
    rules = round_rules(rnd)
    snapshots.store_box_tallies(rnd, sealed, rules, lambda missing: _box_tallies(rnd, missing))
    return snapshots.store_round_tally(
        rnd, sealed, rules, lambda: _compute_round_tally(rnd, boxes, sealed, None)
    )


def _box_tallies(rnd: Round, boxes: Sequence[BallotBox]) -> dict[int, engine.WardTally]:
    """Return each sealed box's own tally, the ballots of all of them read at once."""
    inputs = _inputs(rnd, boxes)
    ward_index = {ward: i for i, ward in enumerate(inputs.layout.wards)}
    return {
        box.pk: _ward_alone(inputs, ward_index[box.conference.unit_id]).wards[0] for box in boxes
    }


def round_is_counted(rnd: Round) -> bool:
    """Return whether every box of the round is sealed."""
    return (
        not BallotBox.objects.filter(conference__round=rnd)
        .exclude(state=BoxState.SEALED.value)
        .exists()
    )


def subject_tally(subject: Subject) -> engine.SubjectTally:
    """Return the tally of one leader (their box must be sealed)."""
    box = BallotBox.objects.select_related("conference__unit", "conference__round").get(
        conference_id=subject.conference_id
    )
    return _box_tally(box).subject(subject.pk)


def round_tally(
    rnd: Round, *, progress: Callable[[int, int], None] | None = None
) -> engine.RoundTally:
    """Return the tally of a round over its sealed boxes: leaders, wards, district.

    Every sealed box's own figures count as already released (the box tally is public),
    and the district cell is withheld until all boxes are sealed. ``progress(done,
    total)`` is called after each box. Without *progress* the result comes from the
    round's snapshot for its current sealed boxes when one is stored (at publication),
    and is computed in memory otherwise; a read never stores one.
    """
    if progress is None:
        # Finding the snapshot needs only the boxes' ids and states: a province's round
        # has 168 boxes, and every summary reads up to five rounds (the trend).
        light = BallotBox.objects.filter(conference__round=rnd).only("pk", "state")
        ids = [b.pk for b in light if b.state == BoxState.SEALED.value]

        def compute() -> engine.RoundTally:
            boxes = _boxes(rnd)
            sealed = [b for b in boxes if b.state == BoxState.SEALED.value]
            return _compute_round_tally(rnd, boxes, sealed, None)

        return snapshots.round_tally(
            rnd, [BallotBox(pk=pk) for pk in ids], round_rules(rnd), compute
        )
    boxes = _boxes(rnd)
    sealed = [b for b in boxes if b.state == BoxState.SEALED.value]
    return _compute_round_tally(rnd, boxes, sealed, progress)


def _compute_round_tally(
    rnd: Round,
    boxes: list[BallotBox],
    sealed: list[BallotBox],
    progress: Callable[[int, int], None] | None,
) -> engine.RoundTally:
    inputs = _inputs(rnd, sealed)
    # What each box tally shows (the public API serves them): only which cells are shown
    # matters here, and that depends on the ballots per cell alone.
    per_atom = engine.atom_ballots(inputs.arrays, inputs.layout)
    released: dict[str, int] = {}
    for ward in range(len(inputs.layout.wards)):
        members, alone = _ward_layout(inputs.layout, ward)
        released.update(
            engine.published_counts(
                rules=inputs.rules, layout=alone, per_atom=per_atom[members], complete=False
            )
        )
        if progress is not None:
            progress(ward + 1, len(inputs.layout.wards))
    return engine.tally(
        shape=inputs.shape,
        rules=inputs.rules,
        layout=inputs.layout,
        ballots=inputs.arrays,
        released=released,
        complete=len(sealed) == len(boxes),
    )


def unsealed_boxes(rnd: Round) -> list[BallotBox]:
    """Return the boxes of the round not yet sealed (left out of its tally)."""
    return [b for b in _boxes(rnd) if b.state != BoxState.SEALED.value]


def _when(subject: Subject) -> tuple[int, int, dt.date]:
    rnd = subject.conference.round
    return (rnd.year, rnd.number, subject.conference.held_on or dt.date(rnd.year, 1, 1))


# A report reads a subject's previous subject several times (its comparison, its page's
# cache key, the follow-up section of an app above): the report's reader finds it once and
# keeps it on the Subject instance it read for that one report (remember_previous_subject).
_PREVIOUS = "_phieukin_previous_subject"


def remember_previous_subject(subject: Subject, previous: Subject | None) -> None:
    """Keep *previous* as :func:`previous_subject` of this *subject* instance.

    For an instance read for one report (``reports.services.RoundReports``): every reader
    of the same instance then gets the answer without following the lineage again.
    """
    subject.__dict__[_PREVIOUS] = previous


def previous_subject(
    subject: Subject, *, predecessors: list[lineage.Predecessor] | None = None
) -> Subject | None:
    """Return the same person's latest earlier counted subject in the same post.

    "The same post" follows the map: the post itself, or the same kind of post in a unit
    the post's unit succeeds (the Party Secretary of the old Bồ Đề ward for the one of
    the new Bồ Đề ward), whoever organised that round. "Counted" means its box is
    sealed; a round that was planned but never held is skipped. *predecessors* are
    ``lineage.predecessors(subject.position.unit)`` when the caller read them already.
    An answer kept on the instance by :func:`remember_previous_subject` is returned as is.
    """
    if _PREVIOUS in subject.__dict__:
        known: Subject | None = subject.__dict__[_PREVIOUS]
        return known
    positions = [
        p.pk for p in lineage.lineage_positions(subject.position, predecessors=predecessors)
    ]
    candidates = (
        Subject.objects.filter(
            position_id__in=positions,
            person_id=subject.person_id,
            conference__box__state=BoxState.SEALED.value,
        )
        .exclude(conference__round_id=subject.conference.round_id)
        .select_related("conference__round", "conference__unit", "position__unit")
    )
    now = _when(subject)
    earlier = [c for c in candidates if _when(c) < now]
    return max(earlier, key=_when, default=None)


def previous_round(rnd: Round) -> Round | None:
    """Return the round compared with (the one rule: ``rounds.selectors.previous_round``)."""
    return round_selectors.previous_round(rnd)


def district_delta(rnd: Round) -> engine.Delta | None:
    """Return the district's change against the previous round (None if either is hidden)."""
    previous = previous_round(rnd)
    if previous is None:
        return None
    return engine.compare(round_tally(rnd).total, round_tally(previous).total)


def subject_delta(subject: Subject) -> engine.Delta | None:
    """Return the leader's change against the same position in the previous round.

    None when there is no previous round for the position, its box is not sealed, or
    either side is suppressed.
    """
    previous = previous_subject(subject)
    if previous is None:
        return None
    prev_box = BallotBox.objects.get(conference_id=previous.conference_id)
    if prev_box.state != BoxState.SEALED.value:
        return None
    return engine.compare(subject_tally(subject).total, subject_tally(previous).total)


def box_tally_document(box: BallotBox, *, include_comments: bool = False) -> dict[str, Any]:
    """Return the JSON document of a sealed box's tally (what the API publishes)."""
    box = BallotBox.objects.select_related("conference__round__questionnaire").get(pk=box.pk)
    rnd = box.conference.round
    return documents.box_document(
        box=box.pk,
        ward=box_tally(box),
        shape=questionnaire_shape(rnd.questionnaire),
        rules=round_rules(rnd),
        include_comments=include_comments,
    )


def round_tally_document(rnd: Round, *, include_comments: bool = False) -> dict[str, Any]:
    """Return the JSON document of a round's tally over its sealed boxes."""
    return documents.round_document(
        round=rnd.pk,
        tally=round_tally(rnd),
        shape=questionnaire_shape(rnd.questionnaire),
        rules=round_rules(rnd),
        include_comments=include_comments,
    )


def _comparable(data: Any) -> Any:
    """Return a snapshot's JSON with every comment list sorted.

    The engine shuffles comments on every computation, so a recomputed tally equals its
    snapshot only up to the order of comments; the comments themselves must match.
    """
    if isinstance(data, dict):
        return {
            key: sorted(value)
            if key == "comments" and isinstance(value, list)
            else _comparable(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_comparable(value) for value in data]
    return data


def check_snapshots(rnd: Round) -> list[str]:
    """Recompute every current snapshot of *rnd* from its ballots; name each that differs.

    A snapshot is current when its source digest still matches the sealed boxes; older
    ones describe an earlier state of the round and are left alone.
    """
    problems: list[str] = []
    rules = round_rules(rnd)
    boxes = _boxes(rnd)
    sealed = [b for b in boxes if b.state == BoxState.SEALED.value]
    for box in sealed:
        source = snapshots.source_digest(rnd, [box], rules)
        for snap in snapshots.stored_snapshots(rnd, box):
            if snap.source != source:
                continue
            fresh = _comparable(codec.to_json(_compute_box_tally(box)))
            if _comparable(snap.data) != fresh:
                problems.append(
                    _("The stored tally of box %(box)s differs from its ballots.") % {"box": box.pk}
                )
    source = snapshots.source_digest(rnd, sealed, rules)
    for snap in snapshots.stored_snapshots(rnd):
        if snap.source == source:
            fresh = _comparable(codec.to_json(_compute_round_tally(rnd, boxes, sealed, None)))
            if _comparable(snap.data) != fresh:
                problems.append(
                    _("The stored tally of round %(round)s differs from its ballots.")
                    % {"round": rnd.pk}
                )
    return problems
