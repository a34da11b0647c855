"""Reads of boxes and ballots: the public ballot definition, bulletin, anonymised export.

Nothing here returns a figure or a comment from fewer than k ballots; the export and the
bulletin exist only for sealed boxes.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from phieukin.accounts.scoping import scope_to_units
from phieukin.ballots import digest as digest_mod
from phieukin.ballots.models import Ballot, Receipt, Seal
from phieukin.ballots.services import box_counts, canonical_ballots, shapes_for
from phieukin.ballots.sheet import decode
from phieukin.core.errors import Conflict
from phieukin.questionnaires.models import Item
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, Subject


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


def ballots_csv(box: BallotBox) -> str:
    """Return the anonymised ballots of a sealed box with at least k valid ballots.

    Columns: subject, group, source, valid, answers, comment_sha256, then one column per
    item key holding the option key; rows sorted by the canonical line (no order trace).
    Comments themselves are never exported.
    """
    _require_sealed(box)
    rnd = box.conference.round
    if Ballot.objects.filter(box=box, valid=True).count() < rnd.k_threshold:
        raise Conflict(
            _("Fewer than %(k)s valid ballots: nothing from this box is published.")
            % {"k": rnd.k_threshold},
            code="below_k",
        )
    shapes = shapes_for(box)
    rows = sorted(canonical_ballots(box), key=digest_mod.canonical_line)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["subject", "group", "source", "valid", "answers", "comment_sha256"]
        + [s.key for s in shapes]
    )
    for b in rows:
        decoded = decode(shapes, b.answers)
        writer.writerow(
            [
                b.subject_id,
                b.group_key,
                b.source,
                1 if b.valid else 0,
                b.answers,
                digest_mod.comment_sha256(b.comment),
            ]
            + [decoded[s.key] or "" for s in shapes]
        )
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
