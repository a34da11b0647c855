"""Reads of boxes and ballots: the public ballot definition, bulletin, anonymised export.

Nothing here returns a figure or a comment from fewer than k ballots; the export and the
bulletin exist only for sealed boxes.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from phieukin.accounts.scoping import scope_to_units
from phieukin.audit.models import AuditEvent
from phieukin.ballots import codes as codes_mod
from phieukin.ballots import digest as digest_mod
from phieukin.ballots import hooks as ballot_hooks
from phieukin.ballots.models import (
    Ballot,
    BallotSource,
    Code,
    CodeState,
    PendingBallot,
    PendingReceipt,
    Receipt,
    Seal,
    SealedCode,
)
from phieukin.ballots.sheet import ItemShape, decode
from phieukin.core.errors import Conflict
from phieukin.core.spreadsheets import safe_csv_cell
from phieukin.questionnaires.models import Item
from phieukin.questionnaires.shapes import item_shapes
from phieukin.rounds import hooks as round_hooks
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import (
    AttendanceProposal,
    BallotBox,
    ProposalState,
    RespondentGroup,
    Subject,
)


@dataclass(frozen=True)
class BoxCounts:
    """The figures of a box shown on dashboards, checked before sealing, printed on minutes."""

    invited: int
    present: int
    codes_issued: int
    codes_used: int
    codes_unused: int
    codes_voided: int
    paper_issued: int | None
    paper_returned: int | None
    ballots_total: int
    ballots_valid: int
    ballots_invalid: int
    ballots_online: int
    ballots_typed: int
    ballots_scanned: int
    receipts: int
    per_subject: dict[int, int] = field(default_factory=dict)
    # SHA-256 of every stored scan file (the evidence the seal covers), sorted.
    scans: list[str] = field(default_factory=list)
    # How far people found the scan reader wrong against the paper (counts only), from
    # the paper app: empty when no scanned sheet was ever checked.
    scan_checks: dict[str, int] = field(default_factory=dict)

    @property
    def voters(self) -> int:
        """Return the people who voted: codes used plus paper ballots returned."""
        return self.codes_used + (self.paper_returned or 0)

    @property
    def sheets_per_person(self) -> int:
        """Return the sheets one person fills: one for each leader on the ballot."""
        return len(self.per_subject)

    @property
    def present_reconciles(self) -> bool:
        """Return whether present = codes used + paper ballots returned."""
        return self.present == self.codes_used + (self.paper_returned or 0)

    @property
    def codes_reconcile(self) -> bool:
        """Return whether issued = used + unused + voided."""
        return self.codes_issued == self.codes_used + self.codes_unused + self.codes_voided

    def mismatches(self) -> list[str]:
        """Return the translated reconciliation problems (empty when everything holds)."""
        problems: list[str] = []
        if not self.present_reconciles:
            problems.append(
                _(
                    "Present (%(present)s) is not codes used (%(used)s) plus paper ballots "
                    "returned (%(returned)s)."
                )
                % {
                    "present": self.present,
                    "used": self.codes_used,
                    "returned": self.paper_returned or 0,
                }
            )
        if not self.codes_reconcile:
            problems.append(
                _(
                    "Codes issued (%(issued)s) is not used + unused + voided "
                    "(%(used)s + %(unused)s + %(voided)s)."
                )
                % {
                    "issued": self.codes_issued,
                    "used": self.codes_used,
                    "unused": self.codes_unused,
                    "voided": self.codes_voided,
                }
            )
        if (
            self.paper_issued is not None
            and self.paper_returned is not None
            and self.paper_returned > self.paper_issued
        ):
            problems.append(
                _("More paper ballots returned (%(returned)s) than issued (%(issued)s).")
                % {"returned": self.paper_returned, "issued": self.paper_issued}
            )
        return problems

    def as_record(self) -> dict[str, Any]:
        """Return the counts as a JSON object (the form stored in the seal and digested)."""
        record = asdict(self)
        record["per_subject"] = {str(k): v for k, v in sorted(self.per_subject.items())}
        return record


_SHAPES: dict[tuple[int, Any], list[ItemShape]] = {}


def shapes_for(box: BallotBox) -> list[ItemShape]:
    """Return the item shapes of the box's questionnaire (cached once it is frozen).

    The cache key includes the freezing time, so a reused id (a test database) never
    meets a stale entry.
    """
    questionnaire = box.conference.round.questionnaire
    key = (questionnaire.pk, questionnaire.frozen_at)
    shapes = _SHAPES.get(key)
    if shapes is None:
        shapes = item_shapes(questionnaire)
        if questionnaire.frozen_at is not None:
            _SHAPES[key] = shapes
    return shapes


def ballots_of(box: BallotBox) -> QuerySet[Any]:
    """Return the box's ballots: the readable history once sealed, else the open-box rows.

    Both models have the same fields (box, subject, group, source, valid, answers,
    comment); an unsealed box's rows hold their content only as ciphertext.
    """
    if box.state == BoxState.SEALED:
        return Ballot.objects.filter(box_id=box.pk)
    return PendingBallot.objects.filter(box_id=box.pk)


def _tally_by(querysets: list[QuerySet[Any]], field_name: str) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for qs in querysets:
        for key, n in qs.values_list(field_name).annotate(n=Count("id")).order_by():
            out[key] = out.get(key, 0) + n
    return out


def box_counts(box: BallotBox) -> BoxCounts:
    """Return the counts of the box (codes, paper, ballots per leader, receipts, scans).

    Rows are counted in the open-box tables and in the sealed history alike (a box has
    rows in one of them), so a row slipped into the wrong table still shows.
    """
    box = BallotBox.objects.select_related("conference").get(pk=box.pk)
    code_states = _tally_by(
        [Code.objects.filter(box=box), SealedCode.objects.filter(box=box)], "state"
    )
    ballots = [Ballot.objects.filter(box=box), PendingBallot.objects.filter(box=box)]
    by_source = _tally_by(ballots, "source")
    valid = sum(qs.filter(valid=True).count() for qs in ballots)
    total = sum(by_source.values())
    per_subject = {s.pk: 0 for s in Subject.objects.filter(conference=box.conference)}
    for subject_id, n in _tally_by(ballots, "subject_id").items():
        per_subject[subject_id] = n
    used = code_states.get(CodeState.USED, 0)
    unused = code_states.get(CodeState.UNUSED, 0)
    voided = code_states.get(CodeState.VOIDED, 0)
    return BoxCounts(
        invited=box.conference.invited_count,
        present=box.conference.present_count,
        codes_issued=used + unused + voided,
        codes_used=used,
        codes_unused=unused,
        codes_voided=voided,
        paper_issued=box.paper_issued,
        paper_returned=box.paper_returned,
        ballots_total=total,
        ballots_valid=valid,
        ballots_invalid=total - valid,
        ballots_online=by_source.get(BallotSource.ONLINE, 0),
        ballots_typed=by_source.get(BallotSource.TYPED, 0),
        ballots_scanned=by_source.get(BallotSource.SCANNED, 0),
        receipts=Receipt.objects.filter(box=box).count()
        + PendingReceipt.objects.filter(box=box).count(),
        per_subject=per_subject,
        scans=round_hooks.evidence_digests(box),
        scan_checks=round_hooks.scan_checks(box),
    )


def canonical_ballots(box: BallotBox) -> list[digest_mod.CanonicalBallot]:
    """Return the canonical form of every ballot of the box (unordered)."""
    groups = dict(RespondentGroup.objects.values_list("pk", "key"))
    return [
        digest_mod.CanonicalBallot(
            box_id=box.pk,
            subject_id=b["subject_id"],
            group_key=groups.get(b["group_id"], "") if b["group_id"] else "",
            source=b["source"],
            valid=b["valid"],
            answers=b["answers"],
            comment=b["comment"],
            ballot_id=b["id"],
        )
        for b in Ballot.objects.filter(box_id=box.pk).values(
            "id", "subject_id", "group_id", "source", "valid", "answers", "comment"
        )
    ]


def seal_nonce(seal: Seal) -> bytes | None:
    """Return the seal's secret nonce, or None when the stored value is not a valid one."""
    try:
        nonce = bytes.fromhex(seal.nonce)
    except ValueError:
        return None
    return nonce if len(nonce) == digest_mod.NONCE_BYTES else None


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
                "section_key": item.section.key,
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
    normal = codes_mod.normalise_receipt(value)
    if normal is None:
        return ReceiptLookup(False, False, None, "", "")
    related = ("box", "box__conference__unit", "box__conference__round")
    row: Receipt | PendingReceipt | None = (
        Receipt.objects.select_related(*related).filter(value=normal).first()
        or PendingReceipt.objects.select_related(*related).filter(value=normal).first()
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
      group answered unanimously), see
      :func:`phieukin.tallying.exports.within_box_tally`.
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
    released, grouped = ballot_hooks.shown_in_tally(box, ballots, released, grouped)
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


@dataclass(frozen=True)
class FigureEntry:
    """One change of a figure the reconciliation checks, and who made it."""

    figure: str
    value: str
    actor: str
    at: Any
    after_opening: bool


_FIGURE_ACTIONS = (
    "conference.attendance",
    "conference.attendance_proposed",
    "codes.generate",
    "codes.void",
    "box.paper_counts",
)


def figure_entries(box: BallotBox) -> list[FigureEntry]:
    """Return who entered each figure of the reconciliation (attendance, codes, paper), in
    order, read from the audit chain; each entry says whether the box was open by then."""
    conference_type = box.conference._meta.label_lower
    events = (
        AuditEvent.objects.filter(action__in=_FIGURE_ACTIONS)
        .filter(
            object_type__in=[box._meta.label_lower, conference_type],
            object_id__in=[str(box.pk), str(box.conference_id)],
        )
        .order_by("id")
    )
    opening = (
        AuditEvent.objects.filter(
            action="box.open", object_type=box._meta.label_lower, object_id=str(box.pk)
        )
        .values_list("id", flat=True)
        .first()
    )
    entries: list[FigureEntry] = []
    for event in events:
        if event.object_type == conference_type and event.object_id != str(box.conference_id):
            continue
        if event.object_type == box._meta.label_lower and event.object_id != str(box.pk):
            continue
        data = event.data or {}
        actor = event.actor_label
        if event.action == "conference.attendance":
            figure = _("Invited / present")
            value = f"{data.get('invited')} / {data.get('present')}"
            if data.get("proposed_by"):
                actor = _("proposed by %(proposer)s, confirmed by %(confirmer)s") % {
                    "proposer": data["proposed_by"],
                    "confirmer": data.get("confirmed_by", event.actor_label),
                }
        elif event.action == "conference.attendance_proposed":
            figure = _("Invited / present (proposed)")
            value = f"{data.get('invited')} / {data.get('present')}"
            actor = _("proposed by %(proposer)s") % {"proposer": event.actor_label}
        elif event.action == "codes.generate":
            figure = _("Codes issued")
            value = f"+{data.get('count')}"
        elif event.action == "codes.void":
            figure = _("Codes voided")
            value = f"{data.get('count')}"
        else:
            figure = _("Paper ballots issued / returned")
            value = f"{data.get('issued', '—')} / {data.get('returned', '—')}"
        entries.append(
            FigureEntry(
                figure=str(figure),
                value=value,
                actor=str(actor),
                at=event.created_at,
                after_opening=opening is not None and event.pk > opening,
            )
        )
    return entries


def pending_attendance(box: BallotBox) -> AttendanceProposal | None:
    """Return the box's attendance proposal awaiting confirmation, if any."""
    return (
        AttendanceProposal.objects.filter(
            conference_id=box.conference_id, state=ProposalState.PENDING
        )
        .select_related("proposed_by")
        .first()
    )
