"""Scanned paper ballots: upload, reading page by page, and the review of doubtful copies.

Files are streamed to storage (never held whole in memory) and read one page at a time
by :class:`phieukin.paper.omr.worker.PageReader`, in worker processes under a memory
limit, so a hostile file fails alone. A page either completes a ballot (every item of
its copy clear), joins the review queue (the reviewer sees every page of the copy with
every row's reading drawn on it), waits for the other pages of its copy, or is refused
with its reason and the fix (:mod:`phieukin.paper.labels`). Each service asks
:func:`phieukin.accounts.access.authorize` for its own action.
"""

from __future__ import annotations

import atexit
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.ballots.services import shapes_for
from phieukin.core.errors import Conflict, DomainError
from phieukin.core.uploads import HEAD_BYTES, UploadRefused, check_head
from phieukin.paper.entry import (
    EntryOutcome,
    clean_comment,
    locked_box,
    spot_check_percent,
    store_sheet,
)
from phieukin.paper.images import (
    MAX_SCAN_BYTES,
    SCAN_KINDS,
    Upload,
    png,
    row_crops,
)
from phieukin.paper.keys import INVALID_KEY, KeysError, TypedSheet, normalise, parse_keys
from phieukin.paper.labels import refusal_message
from phieukin.paper.models import (
    SPOT_CHECK,
    PendingReading,
    ReaderCheck,
    ReviewCrop,
    ReviewPage,
    ScanBatch,
    ScanFile,
    SeenSheet,
)
from phieukin.paper.omr.asking import NO_MARK_FOUND
from phieukin.paper.omr.types import sheet_number
from phieukin.paper.selectors import rows_to_decide
from phieukin.rounds.models import BallotBox, Subject

if TYPE_CHECKING:
    from phieukin.accounts.models import User
    from phieukin.paper.layout import BallotLayout
    from phieukin.paper.omr.worker import PageReader, PageResult

logger = logging.getLogger(__name__)

NO_ANSWER = ""
DOUBLE_MARK = "__double__"
DOUBLE_KEY = "+"  # typed in review for "two marks" (the round's policy applies)


def sheet_digest(box: BallotBox, purpose: str, serial: str, page: int = 0) -> str:
    """Return the keyed hash of a copy serial (and page) within a box.

    The serial itself is never stored: a keyed hash recognises a sheet scanned twice
    without giving anyone holding the database a value to look for on paper.
    """
    return salted_hmac(
        f"phieukin.paper.{purpose}", f"{box.pk}|{serial}|{page}", algorithm="sha256"
    ).hexdigest()


# --- Upload -------------------------------------------------------------------------------


def _check_upload(upload: Upload) -> str:
    """Return the kind of a scan file from its size and first bytes, or refuse it.

    The shared check of ``core.uploads`` reads only the head, so the file is still
    streamed to storage afterwards; its name is not trusted.
    """
    try:
        return check_head(
            upload.head(HEAD_BYTES),
            size=upload.size(),
            kinds=tuple(SCAN_KINDS),
            max_bytes=MAX_SCAN_BYTES,
            accepted="PDF, PNG, JPEG, TIFF",
        )
    except UploadRefused as exc:
        raise UploadRefused(
            _("%(name)s: %(problem)s") % {"name": upload.name, "problem": exc.message},
            code=exc.code,
            status=exc.status,
        ) from exc


def _store(scan: ScanFile, name: str, upload: Upload) -> None:
    """Stream the upload into the scan's storage file."""
    if isinstance(upload.data, bytes):
        scan.file.save(name, ContentFile(upload.data), save=False)
    elif isinstance(upload.data, Path):
        with upload.data.open("rb") as handle:
            scan.file.save(name, File(handle), save=False)
    else:
        upload.data.seek(0)
        scan.file.save(name, File(upload.data), save=False)


def _stored_source(scan: ScanFile) -> Any:
    """Return what a reader opens for a stored scan: its path, or its bytes elsewhere."""
    try:
        return scan.file.path
    except NotImplementedError:  # a storage without local files
        with scan.file.open("rb") as handle:
            return handle.read()


def upload_scans(*, actor: User | None, box: BallotBox, files: list[Upload]) -> ScanBatch:
    """Store scan files as evidence of the box and create a batch to read them.

    Accepts PDF, PNG, JPEG and TIFF; each file is streamed to storage and kept with its
    SHA-256 under the box (see :func:`phieukin.paper.selectors.evidence_digests`).
    Refused once sealed.
    """
    from phieukin.paper.omr.images import count_pages

    if not files:
        raise DomainError(_("Choose at least one scan file."), code="no_files")
    kinds = [_check_upload(upload) for upload in files]
    with transaction.atomic():
        locked = locked_box(box, actor=actor, action="paper.scan", entering=True)
        batch = ScanBatch.objects.create(
            box=locked, uploaded_by=actor if actor is not None and actor.pk else None
        )
        total = 0
        digests = []
        for position, (upload, kind) in enumerate(zip(files, kinds, strict=True)):
            sha = upload.sha256()
            scan = ScanFile(
                box=locked,
                batch=batch,
                name=Path(upload.name).name[:200],
                sha256=sha,
                pages=1,
                position=position,
            )
            stored_as = f"{secrets.token_hex(8)}{SCAN_KINDS[kind]}"
            _store(scan, f"box-{locked.pk}/{stored_as}", upload)
            scan.pages = count_pages(_stored_source(scan), stored_as)
            scan.save()
            total += scan.pages
            digests.append(sha)
        batch.pages_total = total
        batch.save(update_fields=["pages_total"])
        record_event(
            actor=actor,
            action="paper.scans_uploaded",
            obj=locked,
            unit=locked.conference.unit,
            data={"files": len(files), "pages": total, "sha256": digests},
        )
    return batch


# --- Reading ------------------------------------------------------------------------------


def box_layouts(box: BallotBox) -> dict[tuple[str, int], BallotLayout]:
    """Return the layouts of every version of the box's questionnaire, by (code, version).

    Pages of another version are read (so the refusal can say so), never counted.
    """
    from phieukin.paper.layout import build_layout
    from phieukin.questionnaires.models import Questionnaire
    from phieukin.questionnaires.selectors import questionnaire_spec

    code = box.conference.round.questionnaire.code
    return {
        (q.code, q.version): build_layout(questionnaire_spec(q))
        for q in Questionnaire.objects.filter(code=code)
    }


_readers: dict[tuple[Any, ...], PageReader] = {}


def _reader(layouts: dict[tuple[str, int], BallotLayout], workers: int | None = None) -> PageReader:
    """Return the process's page reader for these layouts (its workers are kept warm)."""
    from phieukin.paper.omr.worker import PageReader

    count = workers or int(getattr(settings, "PHIEUKIN_OMR_WORKERS", 1))
    key = (count, *sorted((k, layout.fingerprint) for k, layout in layouts.items()))
    if key not in _readers:
        for old in _readers.values():  # one pool per process: the newest box's layouts
            old.close()
        _readers.clear()
        _readers[key] = PageReader(
            layouts,
            workers=count,
            memory_mb=int(getattr(settings, "PHIEUKIN_OMR_MEMORY_MB", 320)),
        )
    return _readers[key]


@atexit.register
def _close_readers() -> None:
    for reader in _readers.values():
        reader.close()
    _readers.clear()


def _locate(batch: ScanBatch, cursor: int) -> tuple[ScanFile, int]:
    """Return the file and the page index within it of the batch's page number *cursor*."""
    offset = cursor
    for scan in batch.files.order_by("position"):
        if offset < scan.pages:
            return scan, offset
        offset -= scan.pages
    raise IndexError(cursor)


def process_batch(
    *, actor: User | None, batch: ScanBatch, max_pages: int = 4, workers: int | None = None
) -> ScanBatch:
    """Read the next pages of the batch (at most *max_pages*) and return the batch.

    The image work runs in the reader's worker processes, outside any transaction; only
    the outcome of each page is written, in a short transaction that re-checks the box
    and the batch's cursor (so two browser tabs stepping the same batch never read a
    page twice).
    """
    current = ScanBatch.objects.select_related("box__conference__round__questionnaire").get(
        pk=batch.pk
    )
    authorize(actor, "paper.scan", current.box)
    if current.done:
        return current
    start = current.cursor
    cursors = list(range(start, min(current.pages_total, start + max_pages)))
    located = [_locate(current, cursor) for cursor in cursors]
    layouts = box_layouts(current.box)
    # The stored name carries the extension of the kind read from the content.
    jobs = [(_stored_source(scan), scan.file.name, index) for scan, index in located]
    results = _reader(layouts, workers).read_many(jobs)
    for cursor, (scan, index), result in zip(cursors, located, results, strict=True):
        with transaction.atomic():
            locked_batch = ScanBatch.objects.select_for_update().get(pk=batch.pk)
            box = locked_box(locked_batch.box_id, actor=actor, action="paper.scan", entering=True)
            if locked_batch.cursor == cursor:
                outcome, code, reason = _outcome(actor, box, result, layouts)
                if outcome == "refused":
                    locked_batch.refusals = [
                        *locked_batch.refusals,
                        {"file": scan.name, "page": index + 1, "code": code, "reason": reason},
                    ]
                elif outcome == "ballot":
                    locked_batch.ballots_entered += 1
                elif outcome in ("review", SPOT_CHECK):
                    locked_batch.sent_to_review += 1
                    locked_batch.spot_checks += outcome == SPOT_CHECK
                locked_batch.cursor += 1
                locked_batch.save(
                    update_fields=[
                        "cursor",
                        "refusals",
                        "ballots_entered",
                        "sent_to_review",
                        "spot_checks",
                    ]
                )
        current = locked_batch
    return current


def _outcome(
    actor: User | None,
    box: BallotBox,
    result: PageResult,
    layouts: dict[tuple[str, int], BallotLayout],
) -> tuple[str, str, str]:
    """Return (outcome, refusal code, refusal reason) of a page read outside the transaction."""
    if result.reading is None:
        if result.refusal in ("unreadable", "reader_failed", "too_large"):
            logger.warning("scan page refused: %s (%s)", result.refusal, result.detail)
        return "refused", result.refusal, refusal_message(result.refusal)
    try:
        with transaction.atomic():
            return _apply_reading(actor, box, result, layouts)
    except DomainError as exc:
        # The page's own writes were rolled back with its savepoint; the batch goes on.
        return "refused", exc.code, str(exc.message)


def _refused(code: str, message: str) -> tuple[str, str, str]:
    return "refused", code, message


def _apply_reading(
    actor: User | None,
    box: BallotBox,
    result: PageResult,
    layouts: dict[tuple[str, int], BallotLayout],
) -> tuple[str, str, str]:
    """Record one read page; return (outcome, refusal code, refusal reason).

    *layouts* are the box's, as the batch's reader has them (see :func:`box_layouts`).

    Outcomes: ``refused``, ``ballot`` (the copy is complete and clear), ``review`` (the
    copy is complete and waits for a human), ``spot_check`` (complete and clear, but
    chosen at random to be typed blind from the paper), ``waiting`` (other pages still
    missing).
    """
    reading = result.reading
    assert reading is not None
    sheet = reading.sheet
    rnd = box.conference.round
    if sheet.box_id != box.pk or sheet.round_id != rnd.pk:
        return _refused(
            "other_box",
            _("This page belongs to another ballot box or round; it was not counted here."),
        )
    subject = Subject.objects.filter(pk=sheet.subject_id, conference_id=box.conference_id).first()
    if subject is None:
        return _refused(
            "unknown_subject", _("The leader named on this page is not evaluated in this box.")
        )
    questionnaire = rnd.questionnaire
    if (sheet.questionnaire_code, sheet.questionnaire_version) != (
        questionnaire.code,
        questionnaire.version,
    ):
        return _refused(
            "other_version", _("This page was printed for another version of the ballot.")
        )
    seen = sheet_digest(box, "page", sheet.serial, sheet.page)
    if SeenSheet.objects.filter(box=box, digest=seen).exists():
        return _refused(
            "duplicate",
            _("This sheet was already scanned (same printed copy and page); ignored."),
        )
    SeenSheet.objects.create(box=box, digest=seen)
    copy = sheet_digest(box, "copy", sheet.serial)
    pending, _created = PendingReading.objects.select_for_update().get_or_create(
        box=box,
        copy_digest=copy,
        defaults={
            "subject": subject,
            "page_count": sheet.page_count,
            "sheet_number": sheet_number(sheet.serial),
        },
    )
    if pending.subject_id != subject.pk:
        return _refused("mixed_copy", _("The pages of this printed copy name different leaders."))
    options = {shape.key: shape.option_keys for shape in shapes_for(box)}
    answers = dict(pending.answers)
    for item in reading.items:
        if item.item_key not in options:
            continue
        if item.status == "marked" and item.option_index is not None:
            answers[item.item_key] = options[item.item_key][item.option_index]
        elif item.status == "empty":
            answers[item.item_key] = None
        else:
            crop = reading.item_crops.get(item.item_key)
            ReviewCrop.objects.update_or_create(
                reading=pending,
                item_key=item.item_key,
                defaults={
                    "reason": item.reason[:200],
                    "image": png(crop) if crop is not None else b"",
                },
            )
    ReviewPage.objects.update_or_create(
        reading=pending,
        page=sheet.page,
        defaults={
            # The reading worker painted the comment area out of the page image.
            "image": result.page_jpeg,
            "rows": [[r.item_key, r.status, r.option_index, r.reason] for r in reading.items],
        },
    )
    if reading.comment_crop is not None and reading.comment_has_ink:
        pending.comment_crop = png(reading.comment_crop)
    pending.answers = answers
    pending.pages_read = sorted({*pending.pages_read, sheet.page})
    pending.problems = sorted({*pending.problems, *reading.problems})
    pending.save()
    if not pending.complete:
        return "waiting", "", ""
    if pending.crops.exists() or pending.comment_crop:
        layout = layouts[(sheet.questionnaire_code, sheet.questionnaire_version)]
        _ask_unanswered(pending, layout)
        return "review", "", ""
    if _chosen_for_check(box):
        pending.problems = sorted({*pending.problems, SPOT_CHECK})
        pending.save(update_fields=["problems"])
        return SPOT_CHECK, "", ""
    store_sheet(
        actor=actor,
        box=box,
        subject=subject,
        sheet=TypedSheet(answers=answers, declared_invalid=False),
        comment="",
        source="scanned",
    )
    pending.delete()
    return "ballot", "", ""


def _ask_unanswered(pending: PendingReading, layout: BallotLayout) -> None:
    """Put every row read as "no answer" on a copy going to a person before that person.

    See :mod:`phieukin.paper.omr.asking`: the reader's possible misses are very light
    marks on the same pages that hold other doubts, so on a copy a person checks anyway
    no row goes into the box as "no answer" unless that person says so. The rows are the
    review page's own (:func:`~phieukin.paper.selectors.rows_to_decide`); each gets its
    image, cut from the stored page image, beside the doubtful ones.
    """
    decide = rows_to_decide(pending, list(pending.answers))
    asked = {key for key, code in decide.items() if code == NO_MARK_FOUND}
    if not asked:
        return
    for page in ReviewPage.objects.filter(reading=pending).order_by("page"):
        rects = {item.key: item.row for item in layout.page(page.page).items if item.key in asked}
        if not rects:
            continue
        images = row_crops(bytes(page.image), rects)
        ReviewCrop.objects.bulk_create(
            ReviewCrop(
                reading=pending, item_key=key, reason=NO_MARK_FOUND, image=images.get(key, b"")
            )
            for key in rects
        )


def _chosen_for_check(box: BallotBox) -> bool:
    """Draw whether a copy read without doubt goes to a blind check (the box's share).

    The draw comes from the operating system's random source: nobody can tell in advance,
    from the sheet or the order of scanning, which copies a person will check.
    """
    percent = spot_check_percent(box)
    return percent > 0 and secrets.randbelow(100) < percent


# --- Review -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewKeys:
    """A whole copy typed by the reviewer, as in keyboard entry (``+`` = two marks)."""

    answers: dict[str, str | None]
    double: set[str]
    invalid: bool


def parse_review_keys(box: BallotBox, raw: str) -> ReviewKeys:
    """Parse the reviewer's digits for every item of the copy (``*`` alone = invalid)."""
    from phieukin.paper.entry import keys_error

    keys = normalise(raw)
    shapes = shapes_for(box)
    if keys == INVALID_KEY:
        return ReviewKeys({}, set(), True)
    double = {shape.key for shape, char in zip(shapes, keys, strict=False) if char == DOUBLE_KEY}
    try:
        sheet = parse_keys(shapes, keys.replace(DOUBLE_KEY, "0"))
    except KeysError as exc:
        raise keys_error(exc) from exc
    return ReviewKeys(sheet.answers, double, False)


def review_reading(
    *,
    actor: User | None,
    reading: PendingReading,
    choices: dict[str, str] | None = None,
    keys: str = "",
    comment: str = "",
    invalid: bool = False,
) -> EntryOutcome:
    """Decide a scanned copy from its page images and the paper; the ballot enters the box.

    With *keys* the reviewer confirms the whole copy, one digit per item as in keyboard
    entry (``0`` no answer, ``+`` two marks, ``*`` alone an invalid sheet), which replaces
    every reading. Otherwise *choices* maps every item still to decide to an option key,
    ``""`` (no answer) or ``"__double__"`` (two marks: the round's policy applies). The
    pending reading, with its images, is deleted.
    """
    comment = clean_comment(comment)
    choices = choices or {}
    with transaction.atomic():
        pending = PendingReading.objects.select_for_update().filter(pk=reading.pk).first()
        if pending is None:
            raise Conflict(_("This sheet has already been decided."), code="already_resolved")
        locked = locked_box(pending.box_id, actor=actor, action="paper.review", entering=True)
        shapes = shapes_for(locked)
        options = {shape.key: shape.option_keys for shape in shapes}
        double: set[str] = set()
        # The reader's own doubts; the rows it read as "no answer" that are asked all
        # the same (asking.NO_MARK_FOUND) were read without doubt and are checked below.
        doubtful = set(
            pending.crops.exclude(reason=NO_MARK_FOUND).values_list("item_key", flat=True)
        )
        typed_whole = bool(keys.strip())
        if typed_whole:
            typed = parse_review_keys(locked, keys)
            answers, double, invalid = typed.answers, typed.double, invalid or typed.invalid
        else:
            answers = {key: value for key, value in pending.answers.items() if key in options}
            # Every doubtful item, every row read as "no answer" and every item of a page
            # not scanned (on a blind check, every item): as the review page asks them.
            to_decide = set(rows_to_decide(pending, list(options)))
            if not invalid:
                missing = sorted(to_decide - set(choices), key=list(options).index)
                if missing:
                    # Items are named by their number on the ballot, never by their key.
                    numbers = [str(list(options).index(key) + 1) for key in missing]
                    raise DomainError(
                        _("Decide every doubtful item (missing: number %(items)s).")
                        % {"items": ", ".join(numbers)},
                        code="undecided",
                    )
                for key in to_decide:
                    choice = choices[key]
                    if choice == DOUBLE_MARK:
                        double.add(key)
                        answers[key] = None
                    elif choice == NO_ANSWER:
                        answers[key] = None
                    elif choice in options[key]:
                        answers[key] = choice
                    else:
                        raise DomainError(
                            _("The answer to question number %(number)s is not one of its options.")
                            % {"number": list(options).index(key) + 1},
                            code="unknown_option",
                        )
        if not invalid and (pending.spot_check or typed_whole):
            _count_check(locked, pending, answers, double, doubtful)
        verdict = store_sheet(
            actor=actor,
            box=locked,
            subject=pending.subject,
            sheet=TypedSheet(answers=answers if not invalid else {}, declared_invalid=invalid),
            comment=comment,
            source="scanned",
            double_marked=double,
        ).verdict
        pending.delete()
    return EntryOutcome("entered", verdict.valid, verdict.reason)


def _count_check(
    box: BallotBox,
    pending: PendingReading,
    answers: dict[str, str | None],
    double: set[str],
    doubtful: set[str],
) -> None:
    """Count, for the box, how far a person's reading of the paper differs from the
    reader's on the items the reader read without doubt (counts only: never which).

    A blind check compares every item; a copy confirmed digit by digit in review compares
    the items that were not in doubt (the reviewer saw the reader's digits there, except on
    the rows read as "no answer", asked as "?": a mark found there is the reader's miss).
    """
    read = {
        key: value
        for key, value in pending.answers.items()
        if key not in doubtful and key in answers
    }
    differing = sum(1 for key, value in read.items() if key in double or answers.get(key) != value)
    check, _created = ReaderCheck.objects.select_for_update().get_or_create(box=box)
    if pending.spot_check:
        check.spot_copies += 1
        check.spot_items += len(read)
        check.spot_differences += differing
        check.spot_copies_differing += differing > 0
    else:
        check.reviewed_items += len(read)
        check.corrected += differing
    check.save()
