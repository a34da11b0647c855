"""Reads of boxes and ballots: the public ballot definition, bulletin, anonymised export.

Nothing here returns a figure or a comment from fewer than k ballots; the export and the
bulletin exist only for sealed boxes.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from phieukin.accounts.scoping import scope_to_units
from phieukin.ballots import digest as digest_mod
from phieukin.ballots.models import Ballot, Receipt, Seal
from phieukin.ballots.services import box_counts, canonical_ballots, seal_nonce, shapes_for
from phieukin.ballots.sheet import decode
from phieukin.core.errors import Conflict
from phieukin.core.spreadsheets import safe_csv_cell
from phieukin.questionnaires.models import Item
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, Subject
from phieukin.tallying import tally as engine
from phieukin.tallying.selectors import box_tally


def boxes_for(user: Any) -> QuerySet[BallotBox]:
    """Return the boxes the user may manage (ward organiser, counter, district organiser)."""
    qs = BallotBox.objects.select_related(
        "conference", "conference__round", "conference__unit"
    ).order_by(
        "-conference__round__year", "-conference__round__number", "conference__unit__sort_key"
    )
    return scope_to_units(qs, user, "conference__unit_id")


def box_definition(box: BallotBox) -> dict[str, Any]:
    """Return what a voting client needs: round, rules, leaders, items and options."""
    rnd = box.conference.round
    questionnaire = rnd.questionnaire
    items = (
        Item.objects.filter(questionnaire=questionnaire)
        .select_related("section", "scale")
        .prefetch_related("scale__options")
        .order_by("order")
    )
    return {
        "box": box.pk,
        "state": box.state,
        "ward": box.conference.unit.name,
        "round": {"id": rnd.pk, "title": rnd.title},
        "rules": {"k": rnd.k_threshold, "k_comments": rnd.k_comments},
        "questionnaire": {"title": questionnaire.title, "instructions": questionnaire.instructions},
        "subjects": [
            {"id": s.pk, "name": s.name, "title": s.title}
            for s in Subject.objects.filter(conference=box.conference).order_by("order", "pk")
        ],
        "items": [
            {
                "key": item.key,
                "section": item.section.title,
                "text": item.text,
                "options": [
                    {"key": o.key, "label": o.label}
                    for o in sorted(item.scale.options.all(), key=lambda o: o.order)
                ],
            }
            for item in items
        ],
        "comment": {
            "label": questionnaire.comment_label,
            "max_length": questionnaire.comment_max_length,
        },
    }


def _require_sealed(box: BallotBox) -> Seal:
    seal = Seal.objects.filter(box=box).first()
    if box.state != BoxState.SEALED or seal is None:
        raise Conflict(_("The ballot box is not sealed yet."), code="not_sealed")
    return seal


def bulletin(box: BallotBox) -> dict[str, Any]:
    """Return the public bulletin of a sealed box: digest, roots, counts, receipts."""
    seal = _require_sealed(box)
    return {
        "box": box.pk,
        "ward": box.conference.unit.name,
        "round": box.conference.round.title,
        "sealed_at": seal.sealed_at.isoformat(),
        "digest": seal.digest,
        "ballots_root": seal.ballots_root,
        "receipts_root": seal.receipts_root,
        "format": digest_mod.FORMAT,
        "counts": seal.counts,
        "receipts": sorted(Receipt.objects.filter(box=box).values_list("value", flat=True)),
    }


@dataclass(frozen=True)
class ReceiptLookup:
    """Where a receipt was found: the sealed box (None if not sealed yet) and its ward."""

    found: bool
    sealed: bool
    box_id: int | None
    ward: str
    round: str


def find_receipt(value: str) -> ReceiptLookup:
    """Return whether the receipt is recorded, and whether its box is sealed."""
    normal = value.strip().upper().replace(" ", "")
    row = (
        Receipt.objects.select_related("box", "box__conference__unit", "box__conference__round")
        .filter(value=normal)
        .first()
    )
    if row is None:
        return ReceiptLookup(False, False, None, "", "")
    return ReceiptLookup(
        True,
        row.box.state == BoxState.SEALED,
        row.box_id,
        row.box.conference.unit.name,
        row.box.conference.round.title,
    )


def _released(rows: list[digest_mod.CanonicalBallot], k: int) -> tuple[set[int], set[int]]:
    """Return the subjects whose rows are released and those whose groups are shown.

    A subject is released when it has at least *k* valid ballots in the box. Its group
    column is filled only when each of its group buckets (``""`` = no group included)
    holds 0 or at least *k* ballots, counted both over all its ballots and over its valid
    ones (the export shows invalid ballots' answers too).
    """
    valid: Counter[int] = Counter()
    buckets: Counter[tuple[int, str]] = Counter()
    valid_buckets: Counter[tuple[int, str]] = Counter()
    for b in rows:
        buckets[(b.subject_id, b.group_key)] += 1
        if b.valid:
            valid[b.subject_id] += 1
            valid_buckets[(b.subject_id, b.group_key)] += 1
    released = {sid for sid, n in valid.items() if n >= k}
    grouped = set(released)
    for (sid, _group), n in buckets.items():
        if n < k:
            grouped.discard(sid)
    for (sid, _group), n in valid_buckets.items():
        if n < k:
            grouped.discard(sid)
    return released, grouped


def _within_box_tally(
    box: BallotBox,
    ballots: list[digest_mod.CanonicalBallot],
    released: set[int],
    grouped: set[int],
) -> tuple[set[int], set[int]]:
    """Narrow the released subjects and groups to the cells the box tally shows in full.

    The public box tally may show the ward total while hiding a leader with k or more
    ballots, because the ward minus that leader would give away a leader with fewer
    than k (complementary suppression). Releasing that leader's rows would undo it:
    ward total minus the released rows = the small leader's ballots. The tally also
    shows an item only in bands when a small group answered it unanimously; k identical
    rows would give every vote away. So a subject's rows are released only when the box
    tally shows the subject with no banded item, and its groups only when the tally
    shows every non-empty group cell of it, none of them banded either.
    """
    ward = box_tally(box)

    def in_full(cell: engine.Cell) -> bool:
        return cell.figures is not None and not any(i.banded for i in cell.figures.items)

    shown_subjects = {st.subject for st in ward.subjects if in_full(st.total)}
    shown_groups = {c.key for st in ward.subjects for c in st.groups if in_full(c)}
    used = {(b.subject_id, b.group_key) for b in ballots if b.valid and b.group_key}
    released = released & shown_subjects
    grouped = {
        sid
        for sid in grouped & released
        if all(engine.group_key(sid, gkey) in shown_groups for s, gkey in used if s == sid)
    }
    return released, grouped


CSV_COLUMNS = ("leaf", "subject", "group", "valid", "answers", "private")


def ballots_csv(box: BallotBox) -> str:
    """Return the anonymised ballots of a sealed box with at least k valid ballots.

    Columns: ``leaf``, ``subject``, ``group``, ``valid``, ``answers``, ``private``, then
    one column per item key holding the option key. Neither the source of a ballot
    (online, typed, scanned) nor anything derived from its comment is exported.

    * ``leaf`` (every row): the hex Merkle leaf ``sha256(0x00 + line)`` of the ballot's
      canonical v3 line (:mod:`phieukin.ballots.digest`), so the ballots root of the
      bulletin can be recomputed from the export alone.
    * ``private``: the ballot's nonce-keyed commitment to its group, source and comment
      (opaque: without the seal's secret nonce it can be neither inverted nor tested
      against a guess).
    * A row is *withheld* (every column empty but ``leaf``) when its subject has fewer
      than k valid ballots in the box, or when the public box tally hides the subject
      (complementary suppression) or shows any of its items only in bands (a small
      group answered unanimously), see :func:`_within_box_tally`.
    * ``group`` is filled for the rows of a released subject only when every group
      bucket of that subject (including "no group", written ``""``) holds 0 or at least
      k ballots (all and valid ones) and the box tally shows each of its non-empty group
      cells un-banded; otherwise it is empty on all the subject's rows.
    * Rows are sorted on their content, ``leaf`` first (no order trace).

    A box with fewer than k valid ballots publishes nothing at all.
    """
    seal = _require_sealed(box)
    nonce = seal_nonce(seal)
    if nonce is None:
        raise Conflict(
            _("The seal of this ballot box is damaged: run verify_box."), code="seal_damaged"
        )
    k = box.conference.round.k_threshold
    if Ballot.objects.filter(box=box, valid=True).count() < k:
        raise Conflict(
            _("Fewer than %(k)s valid ballots: nothing from this box is published.") % {"k": k},
            code="below_k",
        )
    shapes = shapes_for(box)
    ballots = canonical_ballots(box)
    released, grouped = _released(ballots, k)
    released, grouped = _within_box_tally(box, ballots, released, grouped)
    width = len(CSV_COLUMNS) - 1 + len(shapes)
    rows: list[list[str]] = []
    for b in ballots:
        leaf = digest_mod.ballot_leaf_hex(b, nonce)
        if b.subject_id not in released:
            rows.append([leaf] + [""] * width)
            continue
        decoded = decode(shapes, b.answers)
        rows.append(
            [
                leaf,
                str(b.subject_id),
                b.group_key if b.subject_id in grouped else "",
                "1" if b.valid else "0",
                b.answers,
                digest_mod.private_hex(nonce, b),
            ]
            + [decoded[s.key] or "" for s in shapes]
        )
    # Sorted on the whole row, leaf first: never by the ballots' physical order.
    rows.sort()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_csv_cell(c) for c in (*CSV_COLUMNS, *(s.key for s in shapes))])
    writer.writerows([safe_csv_cell(c) for c in row] for row in rows)
    return out.getvalue()


def live_counts(box: BallotBox) -> dict[str, Any]:
    """Return the counts the live dashboard may show (never any content)."""
    counts = box_counts(box)
    return {
        "state": box.state,
        "present": counts.present,
        "invited": counts.invited,
        "codes_used": counts.codes_used,
        "ballots_received": counts.ballots_total,
    }


def dumps(data: dict[str, Any]) -> str:
    """Return compact JSON (used by the bulletin download)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
