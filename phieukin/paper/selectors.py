"""Reads of the paper side, always scoped to the counting roles of the box's ward."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phieukin.accounts.access import authorize
from phieukin.accounts.scoping import scope_to_units
from phieukin.ballots.models import BallotSource, Seal
from phieukin.ballots.selectors import ballots_of
from phieukin.core.collation import sort_key
from phieukin.paper.checkstats import CONFIDENCE, upper_error_rate
from phieukin.paper.labels import doubt_label, problem_label
from phieukin.paper.models import (
    SPOT_CHECK,
    PaperOptions,
    PendingEntry,
    PendingReading,
    ReaderCheck,
    ReviewCrop,
    ReviewPage,
    ScanBatch,
    ScanFile,
    VoidedSheet,
)
from phieukin.questionnaires.models import Item
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, Subject

PAPER_SOURCES = (BallotSource.TYPED, BallotSource.SCANNED)
# Plausibility thresholds: warnings only, the committee decides.
INVALID_SHARE_WARNING = 0.10
IDENTICAL_SHARE_WARNING = 0.5
MIN_BALLOTS_FOR_SHARES = 10


def paper_boxes_for(user: Any) -> QuerySet[BallotBox]:
    """Return the boxes whose paper pages the user reaches: those of the box pages.

    Reaching a box is not acting on it: each page asks the rule of its own action
    (``accounts/rules/paper.py``), which the Standing Committee passes only for reading.
    """
    return scope_to_units(
        BallotBox.objects.select_related("conference__round__questionnaire", "conference__unit"),
        user,
        "conference__unit_id",
    )


def evidence_digests(box: BallotBox) -> list[str]:
    """Return the sorted SHA-256 hex digests of the box's stored scan files (for the seal)."""
    return sorted(ScanFile.objects.filter(box=box).values_list("sha256", flat=True))


# The figures of :class:`ReaderCheck` the seal records and the counting minutes print.
SCAN_CHECK_FIGURES = (
    "spot_copies",
    "spot_items",
    "spot_differences",
    "spot_copies_differing",
    "reviewed_items",
    "corrected",
)


def scan_checks(box: BallotBox) -> dict[str, int]:
    """Return the box's scan-reader check figures for the seal (empty if none was made)."""
    check = ReaderCheck.objects.filter(box=box).first()
    if check is None:
        return {}
    return {name: getattr(check, name) for name in SCAN_CHECK_FIGURES}


def evidence_problems(box: BallotBox) -> list[str]:
    """Re-hash every stored scan file of the box and name those missing or changed."""
    problems: list[str] = []
    for scan in ScanFile.objects.filter(box=box).order_by("id"):
        digest = hashlib.sha256()
        try:
            with scan.file.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError:
            problems.append(_("The scan file %(name)s is missing.") % {"name": scan.name})
            continue
        if digest.hexdigest() != scan.sha256:
            problems.append(
                _("The scan file %(name)s was changed after it was stored.") % {"name": scan.name}
            )
    return problems


def paper_work_waiting(box: BallotBox) -> int:
    """Return how many paper sheets of the box are typed or scanned but not in the box yet.

    Sealing should wait until this is 0: these sheets wait for a second entry, a
    resolution or a review, and would otherwise be left out of the count.
    """
    return (
        PendingEntry.objects.filter(box=box).count()
        + PendingReading.objects.filter(box=box).count()
    )


@dataclass(frozen=True)
class SubjectPaperCounts:
    """Paper ballots about one leader."""

    subject: Subject
    typed: int
    scanned: int
    valid: int
    invalid: int

    @property
    def total(self) -> int:
        return self.typed + self.scanned


@dataclass(frozen=True)
class PaperSummary:
    """The box's paper figures, the work still waiting, and plausibility warnings."""

    box: BallotBox
    subjects: list[SubjectPaperCounts]
    pending_first: int
    pending_resolution: int
    pending_review: int
    pending_incomplete: int
    scans: int
    warnings: list[str] = field(default_factory=list)
    voided: list[tuple[str, int]] = field(default_factory=list)
    spot_check_percent: int = 0
    reader_check: ReaderCheck | None = None

    @property
    def voided_total(self) -> int:
        """Return how many paper sheets the committee voided before sealing."""
        return sum(n for _reason, n in self.voided)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.subjects)

    @property
    def valid(self) -> int:
        return sum(s.valid for s in self.subjects)

    @property
    def invalid(self) -> int:
        return sum(s.invalid for s in self.subjects)

    @property
    def work_waiting(self) -> int:
        return (
            self.pending_first
            + self.pending_resolution
            + self.pending_review
            + self.pending_incomplete
        )


def paper_summary(box: BallotBox) -> PaperSummary:
    """Return the paper counts per leader, the waiting work and the warnings of *box*."""
    ballots = ballots_of(box).filter(source__in=PAPER_SOURCES)
    rows = {
        r["subject_id"]: r
        for r in ballots.values("subject_id")
        .annotate(
            n_typed=Count("id", filter=Q(source=BallotSource.TYPED)),
            n_scanned=Count("id", filter=Q(source=BallotSource.SCANNED)),
            n_valid=Count("id", filter=Q(valid=True)),
            n_invalid=Count("id", filter=Q(valid=False)),
        )
        .order_by()
    }
    subjects = [
        SubjectPaperCounts(
            subject=s,
            typed=rows.get(s.pk, {}).get("n_typed", 0),
            scanned=rows.get(s.pk, {}).get("n_scanned", 0),
            valid=rows.get(s.pk, {}).get("n_valid", 0),
            invalid=rows.get(s.pk, {}).get("n_invalid", 0),
        )
        for s in Subject.objects.filter(conference_id=box.conference_id).order_by("order")
    ]
    entries = PendingEntry.objects.filter(box=box)
    readings = list(PendingReading.objects.filter(box=box).values("pages_read", "page_count"))
    complete = sum(1 for r in readings if len(set(r["pages_read"])) >= r["page_count"])
    summary = PaperSummary(
        box=box,
        subjects=subjects,
        pending_first=entries.filter(second_by__isnull=True).count(),
        pending_resolution=entries.filter(second_by__isnull=False).count(),
        pending_review=complete,
        pending_incomplete=len(readings) - complete,
        scans=ScanFile.objects.filter(box=box).count(),
        spot_check_percent=PaperOptions.spot_check_of(box),
        reader_check=ReaderCheck.objects.filter(box=box).first(),
        voided=[
            (row["reason"], row["n"])
            for row in VoidedSheet.objects.filter(box=box)
            .values("reason")
            .annotate(n=Count("id"))
            .order_by("reason")
        ],
    )
    summary.warnings.extend(plausibility_warnings(box, summary))
    return summary


def plausibility_warnings(box: BallotBox, summary: PaperSummary) -> list[str]:
    """Return warnings about figures that look wrong; they never block anything."""
    warnings: list[str] = []
    returned = box.paper_returned
    for s in summary.subjects:
        if returned is not None and s.total > returned:
            warnings.append(
                _(
                    "%(leader)s: %(count)s paper ballots entered, but only %(returned)s "
                    "paper ballots were returned."
                )
                % {"leader": s.subject.name, "count": s.total, "returned": returned}
            )
        if s.total >= MIN_BALLOTS_FOR_SHARES and s.invalid / s.total > INVALID_SHARE_WARNING:
            warnings.append(
                _(
                    "%(leader)s: %(invalid)s of %(total)s paper ballots are invalid, an "
                    "unusual share; check the stack of invalid ballots."
                )
                % {"leader": s.subject.name, "invalid": s.invalid, "total": s.total}
            )
    identical: dict[int, int] = {}
    counted: dict[int, int] = {}
    for subject_id, answers in (
        ballots_of(box)
        .filter(source__in=PAPER_SOURCES, valid=True)
        .values_list("subject_id", "answers")
    ):
        counted[subject_id] = counted.get(subject_id, 0) + 1
        if len(answers) > 1 and len(set(answers)) == 1:
            identical[subject_id] = identical.get(subject_id, 0) + 1
    for s in summary.subjects:
        n = counted.get(s.subject.pk, 0)
        same = identical.get(s.subject.pk, 0)
        if n >= MIN_BALLOTS_FOR_SHARES and same / n >= IDENTICAL_SHARE_WARNING:
            warnings.append(
                _(
                    "%(leader)s: %(same)s of %(total)s valid paper ballots have the same "
                    "answer on every item; check that they were typed from the sheets."
                )
                % {"leader": s.subject.name, "same": same, "total": n}
            )
    check = summary.reader_check
    if check is not None and check.spot_differences:
        warnings.append(
            _(
                "On %(copies)s of the %(checked)s scanned sheets checked at random, the paper "
                "differs from the scan reader's reading (%(items)s items). Sheets the reader "
                "read without doubt may be wrong too: the committee decides, before sealing, "
                "whether to count the scanned sheets of this box again by hand."
            )
            % {
                "copies": check.spot_copies_differing,
                "checked": check.spot_copies,
                "items": check.spot_differences,
            }
        )
    if summary.work_waiting:
        warnings.append(
            _("%(count)s paper sheets are not in the box yet (second entry or review).")
            % {"count": summary.work_waiting}
        )
    return warnings


def pending_entries(box: BallotBox) -> QuerySet[PendingEntry]:
    """Return the box's typed sheets waiting for a resolution (two entries differ)."""
    return (
        PendingEntry.objects.filter(box=box, second_by__isnull=False)
        .select_related("subject", "first_by", "second_by", "group")
        .order_by("subject__order", "sheet_label")
    )


def waiting_entries(box: BallotBox) -> QuerySet[PendingEntry]:
    """Return the box's typed sheets waiting for their second entry."""
    return (
        PendingEntry.objects.filter(box=box, second_by__isnull=True)
        .select_related("subject", "first_by")
        .order_by("subject__order", "sheet_label")
    )


def batches(box: BallotBox) -> QuerySet[ScanBatch]:
    """Return the box's scan batches."""
    return ScanBatch.objects.filter(box=box).prefetch_related("files")


def review_queue(box: BallotBox) -> list[PendingReading]:
    """Return the box's scanned copies waiting for a human, complete ones first."""
    readings = list(
        PendingReading.objects.filter(box=box).select_related("subject").defer("comment_crop")
    )
    readings.sort(key=lambda r: (not r.complete, r.subject.order, r.pk))
    return readings


@dataclass(frozen=True)
class EntryItem:
    """An item as the typist sees it: its number, text and the digit of each option."""

    number: int
    key: str
    text: str
    options: list[tuple[str, str]]


def entry_items(box: BallotBox) -> list[EntryItem]:
    """Return the box's questionnaire items with their options' digits (1…n in scale order)."""
    items = (
        Item.objects.filter(questionnaire_id=box.conference.round.questionnaire_id)
        .select_related("scale")
        .prefetch_related("scale__options")
        .order_by("order")
    )
    return [
        EntryItem(
            number=number,
            key=item.key,
            text=item.text,
            options=[
                (str(index), option.label)
                for index, option in enumerate(
                    sorted(item.scale.options.all(), key=lambda o: o.order), start=1
                )
            ],
        )
        for number, item in enumerate(items, start=1)
    ]


@dataclass(frozen=True)
class ReviewRow:
    """An item of a scanned copy that a human must decide."""

    key: str
    number: int
    text: str
    options: list[tuple[str, str]]
    crop_id: int | None
    reason: str


def page_problems(reading: PendingReading) -> list[str]:
    """Return the reader's page-level doubts about a scanned copy, translated."""
    return [problem_label(code) for code in reading.problems if code != SPOT_CHECK]


PAGE_MISSING = "page_missing"
RANDOM_CHECK = "random_check"


def rows_to_decide(reading: PendingReading, item_keys: list[str]) -> dict[str, str]:
    """Return every item of a pending copy that the person decides, with why (a code).

    The reader's doubts (their crops' reasons); on a copy a person holds, every row read
    as "no answer" too (``asking.NO_MARK_FOUND``, see :mod:`phieukin.paper.omr.asking`:
    such rows of a complete copy also have their image); the items of a page not scanned
    (``PAGE_MISSING``); on a blind check every item (``RANDOM_CHECK``). *item_keys* are
    the questionnaire's items in order.
    """
    from phieukin.paper.omr.asking import NO_MARK_FOUND, rows_to_ask

    if reading.spot_check:
        return dict.fromkeys(item_keys, RANDOM_CHECK)
    # A doubtful item has its crop (and no answer): its reason is the crop's.
    reasons = dict(reading.crops.values_list("item_key", "reason"))
    statuses = {
        key: "empty" if value is None else "marked" for key, value in reading.answers.items()
    }
    statuses |= dict.fromkeys(reasons, "ambiguous")
    asked = rows_to_ask(statuses, person_looks=True)
    decide: dict[str, str] = {}
    for key in item_keys:
        if key in reasons:
            decide[key] = reasons[key]
        elif key not in statuses:
            decide[key] = PAGE_MISSING
        elif key in asked:
            decide[key] = NO_MARK_FOUND
    return decide


def review_rows(box: BallotBox, reading: PendingReading) -> list[ReviewRow]:
    """Return the items of *reading* to decide, in the questionnaire's order."""
    crops = dict(reading.crops.values_list("item_key", "id"))
    items = list(
        Item.objects.filter(questionnaire_id=box.conference.round.questionnaire_id)
        .select_related("scale")
        .prefetch_related("scale__options")
        .order_by("order")
    )
    decide = rows_to_decide(reading, [item.key for item in items])
    rows: list[ReviewRow] = []
    for number, item in enumerate(items, start=1):
        code = decide.get(item.key)
        if code is None:
            continue
        if code == RANDOM_CHECK:
            reason = str(gettext_lazy("random check: read it on the paper sheet"))
        elif code == PAGE_MISSING:
            reason = str(gettext_lazy("page not scanned: read it on the paper sheet"))
        else:
            reason = doubt_label(code)
        rows.append(
            ReviewRow(
                key=item.key,
                number=number,
                text=item.text,
                options=[
                    (o.key, o.label)
                    for o in sorted(item.scale.options.all(), key=lambda o: o.order)
                ],
                crop_id=crops.get(item.key),
                reason=reason,
            )
        )
    return rows


@dataclass(frozen=True)
class ReviewSheet:
    """A pending copy as the reviewer sees it: every page with every row's reading drawn.

    ``keys`` is the copy as the reader read it, one character per item as typed in
    keyboard entry (``?`` where the reader has a doubt or a page is missing), for the
    reviewer to confirm or correct in one field. A copy chosen for a blind check shows
    ``?`` for every item and no reading on its pages: the reviewer types it from paper.
    """

    pages: list[Any]
    keys: str
    page_ids: dict[int, int]


def review_sheet(actor: Any, box: BallotBox, reading: PendingReading) -> ReviewSheet:
    """Return the page images and readings of a pending copy (never to an evaluated leader)."""
    from phieukin.ballots.services import shapes_for
    from phieukin.paper.images import overlay
    from phieukin.paper.layout import build_layout
    from phieukin.questionnaires.selectors import questionnaire_spec

    authorize(actor, "paper.see_handwriting", box)
    layout = build_layout(questionnaire_spec(box.conference.round.questionnaire))
    pages = list(ReviewPage.objects.filter(reading=reading).defer("image").order_by("page"))
    shapes = shapes_for(box)
    decide = rows_to_decide(reading, [shape.key for shape in shapes])
    keys = []
    for shape in shapes:
        if shape.key in decide:
            keys.append("?")
        elif reading.answers[shape.key] is None:
            keys.append("0")
        else:
            keys.append(str(shape.option_keys.index(reading.answers[shape.key]) + 1))
    return ReviewSheet(
        # Every row to decide is drawn as a doubt (a blind check hides the whole reading).
        pages=[
            overlay(
                layout,
                p.page,
                [[r[0], "unsure", None, ""] if r[0] in decide else r for r in p.rows],
            )
            for p in pages
        ],
        keys="".join(keys),
        page_ids={p.page: p.pk for p in pages},
    )


def review_page_image(actor: Any, box: BallotBox, reading: PendingReading, page: int) -> bytes:
    """Return the JPEG of one page of a pending copy (never to an evaluated leader)."""
    authorize(actor, "paper.see_handwriting", box)
    stored = ReviewPage.objects.filter(reading=reading, page=page).first()
    return bytes(stored.image) if stored is not None else b""


def review_crop_image(actor: Any, box: BallotBox, reading: PendingReading, crop_id: int) -> bytes:
    """Return the image (PNG) of one row of a pending copy to decide (never to an evaluated
    leader: it shows the marks on a copy about them, as the whole page does)."""
    authorize(actor, "paper.see_handwriting", box)
    stored = ReviewCrop.objects.filter(reading=reading, pk=crop_id).first()
    return bytes(stored.image) if stored is not None else b""


def comment_image(actor: Any, box: BallotBox, reading: PendingReading) -> bytes:
    """Return the handwritten comment crop of a pending copy (never to an evaluated leader)."""
    authorize(actor, "paper.see_handwriting", box)
    return bytes(reading.comment_crop or b"")


def refused_pages(box: BallotBox) -> list[dict[str, Any]]:
    """Return every refused page of the box's batches: file, page and the reason with its fix."""
    return [
        {**refusal, "batch": batch.pk}
        for batch in ScanBatch.objects.filter(box=box).order_by("pk")
        for refusal in batch.refusals
    ]


# --- The scan reader's checks across a round ------------------------------------------


@dataclass(frozen=True)
class ReaderCheckRow:
    """One box's check figures: as sealed once the box is sealed, else as they stand.

    The sum over a round's boxes has no ``box``.
    """

    box: BallotBox | None
    sealed: bool
    scanned: int
    spot_copies: int = 0
    spot_items: int = 0
    spot_differences: int = 0
    spot_copies_differing: int = 0
    reviewed_items: int = 0
    corrected: int = 0

    def as_record(self) -> dict[str, Any]:
        """Return the row as JSON (the API's and the command's form)."""
        return {
            "ward": self.box.conference.unit.name if self.box else None,
            "box": self.box.pk if self.box else None,
            "sealed": self.sealed,
            "scanned": self.scanned,
            **{name: getattr(self, name) for name in SCAN_CHECK_FIGURES},
        }


@dataclass(frozen=True)
class ReaderCheckReport:
    """The reader's checks of a round's boxes the user reads, with their sum.

    ``upper_rate``: with 95 % confidence the reader gets no more than this share of items
    wrong on sheets it reads without doubt (None before any item was checked).
    ``boxes_without_scans``: boxes of the round the user reads where nothing was scanned.
    """

    rows: list[ReaderCheckRow]
    total: ReaderCheckRow | None
    upper_rate: float | None
    boxes_without_scans: int

    @property
    def one_in(self) -> int | None:
        """Return N of "no more than 1 item wrong in N" (rounded down: never flattering)."""
        if not self.upper_rate:
            return None
        return max(1, math.floor(1 / self.upper_rate))

    def as_record(self, round_id: int) -> dict[str, Any]:
        """Return the report as JSON (the API's and the command's form)."""
        return {
            "round": round_id,
            "wards": [row.as_record() for row in self.rows],
            "total": self.total.as_record() if self.total else None,
            "confidence": CONFIDENCE,
            "upper_error_rate": self.upper_rate,
            "one_in": self.one_in,
            "boxes_without_scans": self.boxes_without_scans,
        }


def _check_row(box: BallotBox) -> ReaderCheckRow:
    if box.state == BoxState.SEALED:
        seal = Seal.objects.filter(box=box).first()
        if seal is not None:
            # A seal made before seals recorded the checks: the live row, unchanged since.
            counts = seal.counts
            figures = counts["scan_checks"] if "scan_checks" in counts else scan_checks(box)
            return ReaderCheckRow(
                box=box,
                sealed=True,
                scanned=int(counts.get("ballots_scanned", 0)),
                **{name: int(figures.get(name, 0)) for name in SCAN_CHECK_FIGURES},
            )
    scanned = ballots_of(box).filter(source=BallotSource.SCANNED).count()
    return ReaderCheckRow(box=box, sealed=False, scanned=scanned, **scan_checks(box))


def reader_check_report(user: Any, round: Any) -> ReaderCheckReport:
    """Return the scan reader's checks in every box of *round* the user reads.

    Counts only, per box: how many scanned sheets, how many typed blind against the paper
    and how many of those differed. Raises ``AccessDenied`` unless the user reads paper
    figures somewhere in the round; the command line (``user`` None) reads every ward.
    """
    authorize(user, "paper.view_checks", round)
    every = BallotBox.objects.select_related("conference__unit")
    boxes = (every if user is None else paper_boxes_for(user)).filter(conference__round=round)
    rows: list[ReaderCheckRow] = []
    without = 0
    for box in boxes:
        row = _check_row(box)
        if row.scanned or row.spot_copies or row.reviewed_items:
            rows.append(row)
        else:
            without += 1
    rows.sort(key=lambda r: sort_key(r.box.conference.unit.name if r.box else ""))
    if not rows:
        return ReaderCheckReport([], None, None, without)
    total = ReaderCheckRow(
        box=None,
        sealed=all(r.sealed for r in rows),
        scanned=sum(r.scanned for r in rows),
        **{name: sum(getattr(r, name) for r in rows) for name in SCAN_CHECK_FIGURES},
    )
    upper = upper_error_rate(total.spot_differences, total.spot_items)
    return ReaderCheckReport(rows, total, upper, without)
