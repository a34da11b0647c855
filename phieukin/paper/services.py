"""Writes of the paper side: counts, keyboard entry with optional double entry, resolution.

Every paper sheet reaches the box through :func:`phieukin.ballots.services.enter_paper_ballot`
after the round's validity rules (:mod:`phieukin.paper.validity`) have been applied. A
pending entry is deleted in the same transaction in which its ballot is stored; nothing
about who typed a sheet, or when, reaches the ballot. Entering a ballot writes no audit
event (it is the act of voting); administrative changes do.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from phieukin.accounts.models import Role
from phieukin.accounts.scoping import unit_ids_for
from phieukin.audit.services import record_event
from phieukin.ballots.services import enter_paper_ballot, shapes_for
from phieukin.ballots.sheet import ItemShape
from phieukin.core.errors import Conflict, DomainError, PermissionDenied
from phieukin.paper.keys import INVALID_KEY, KeysError, TypedSheet, keys_for, parse_keys
from phieukin.paper.models import (
    PaperOptions,
    PendingEntry,
    PendingReading,
    ReviewCrop,
    ScanBatch,
    ScanFile,
    SeenSheet,
)
from phieukin.paper.validity import Verdict, judge_sheet
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, RespondentGroup, Subject

if TYPE_CHECKING:
    from phieukin.accounts.models import User
    from phieukin.paper.omr.types import PageReading

logger = logging.getLogger(__name__)

COUNTING_ROLES = (Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER, Role.COUNTER)
MAX_SHEET_LABEL = 32


# --- Helpers ---------------------------------------------------------------------------


def require_counting(actor: User | None, box: BallotBox) -> None:
    """Refuse unless *actor* (None = the operator's command line) counts in the box's ward."""
    if actor is None:
        return
    if box.conference.unit_id not in unit_ids_for(actor, roles=list(COUNTING_ROLES)):
        raise PermissionDenied(_("You may not count this ballot box."), code="forbidden")


def locked_box(box: BallotBox | int, *, actor: User | None, entering: bool) -> BallotBox:
    """Return the box locked for update, after the permission and state checks.

    *entering*: ballots are about to be entered, so the box must be open or closed;
    otherwise it only must not be sealed.
    """
    pk = box.pk if isinstance(box, BallotBox) else box
    locked = (
        BallotBox.objects.select_for_update()
        .select_related("conference__round__questionnaire", "conference__unit")
        .get(pk=pk)
    )
    require_counting(actor, locked)
    if locked.state == BoxState.SEALED:
        raise Conflict(_("The ballot box is sealed; nothing can be added."), code="box_sealed")
    if entering and locked.state not in (BoxState.OPEN, BoxState.CLOSED):
        raise Conflict(
            _("Paper ballots can only be entered into an open or closed box."),
            code="bad_box_state",
        )
    return locked


def keys_error(exc: KeysError) -> DomainError:
    """Return the Vietnamese message for keys that do not fit the ballot."""
    if exc.code == "not_a_digit":
        message = _('"%(char)s" (item %(position)s) is not a digit: type 0–9 only.') % {
            "char": exc.char,
            "position": exc.position,
        }
    elif exc.code == "wrong_length":
        message = _(
            "You typed %(typed)s digits but the ballot has %(expected)s items: "
            "type exactly one digit per item."
        ) % {"typed": exc.position, "expected": exc.expected}
    else:
        message = _(
            "Item %(position)s has only %(count)s options: %(char)s is not one of them "
            "(0 = no answer)."
        ) % {"position": exc.position, "count": exc.expected, "char": exc.char}
    return DomainError(message, code=exc.code)


def clean_comment(text: str) -> str:
    """Return the comment in NFC with its whitespace collapsed (how entries are compared)."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def double_entry_enabled(box: BallotBox) -> bool:
    """Return whether the box's paper sheets are typed twice."""
    return PaperOptions.objects.filter(box=box, double_entry=True).exists()


def judge(box: BallotBox, sheet: TypedSheet, comment: str, double_marked: set[str]) -> Verdict:
    """Apply the box's round rules to one sheet."""
    rnd = box.conference.round
    return judge_sheet(
        sheet.answers,
        comment=comment,
        declared_invalid=sheet.declared_invalid,
        double_marked=double_marked,
        blank_invalid=rnd.blank_ballot_invalid,
        double_mark_policy=rnd.double_mark_policy,
    )


def store_sheet(
    *,
    actor: User | None,
    box: BallotBox,
    subject: Subject,
    sheet: TypedSheet,
    comment: str,
    source: str,
    group: RespondentGroup | None = None,
    double_marked: set[str] | None = None,
) -> Verdict:
    """Judge the sheet by the round's rules and put it in the box; return the verdict."""
    verdict = judge(box, sheet, comment, double_marked or set())
    enter_paper_ballot(
        actor=actor,
        box=box,
        subject=subject,
        answers=verdict.answers,
        comment=comment,
        valid=verdict.valid,
        source=source,
        group=group,
    )
    return verdict


def _check_subject(box: BallotBox, subject: Subject, group: RespondentGroup | None) -> None:
    if subject.conference_id != box.conference_id:
        raise DomainError(_("This leader is not evaluated in this box."), code="unknown_subject")
    if group is not None and group.round_id != box.conference.round_id:
        raise DomainError(_("The group is not part of this round."), code="bad_group")


# --- Paper accounting ------------------------------------------------------------------


def set_double_entry(*, actor: User | None, box: BallotBox, enabled: bool) -> PaperOptions:
    """Switch double entry on or off for the box (refused while sheets await resolution)."""
    with transaction.atomic():
        locked = locked_box(box, actor=actor, entering=False)
        options, _created = PaperOptions.objects.select_for_update().get_or_create(box=locked)
        if not enabled and PendingEntry.objects.filter(box=locked).exists():
            raise Conflict(
                _("Some sheets still wait for their second entry or a resolution."),
                code="pending_entries",
            )
        if options.double_entry != enabled:
            options.double_entry = enabled
            options.save(update_fields=["double_entry"])
            record_event(
                actor=actor,
                action="paper.double_entry",
                obj=locked,
                unit=locked.conference.unit,
                data={"enabled": enabled},
            )
    return options


# --- Keyboard entry --------------------------------------------------------------------


@dataclass(frozen=True)
class EntryOutcome:
    """What became of a typed sheet.

    ``status``: ``"entered"`` (a ballot is in the box; ``valid`` says how it counts),
    ``"first"`` (double entry: waits for the second typist) or ``"mismatch"`` (the two
    entries differ and wait for a resolution).
    """

    status: str
    valid: bool | None = None
    reason: str = ""


def enter_typed_sheet(
    *,
    actor: User | None,
    box: BallotBox,
    subject: Subject,
    keys: str,
    invalid: bool = False,
    comment: str = "",
    group: RespondentGroup | None = None,
    sheet_label: str = "",
) -> EntryOutcome:
    """Enter one paper sheet typed as digits (see :mod:`phieukin.paper.keys`).

    Without double entry the sheet goes straight into the box. With double entry the
    first entry of a sheet (named by *sheet_label*) waits; the second, by another account,
    either matches (the ballot enters the box and the pending entry is deleted) or is
    kept for a resolution. Bad keys raise a DomainError and store nothing.
    """
    comment = clean_comment(comment)
    with transaction.atomic():
        locked = locked_box(box, actor=actor, entering=True)
        _check_subject(locked, subject, group)
        try:
            sheet = parse_keys(shapes_for(locked), keys, invalid=invalid)
        except KeysError as exc:
            raise keys_error(exc) from exc
        if not double_entry_enabled(locked):
            verdict = store_sheet(
                actor=actor,
                box=locked,
                subject=subject,
                sheet=sheet,
                comment=comment,
                source="typed",
                group=group,
            )
            return EntryOutcome("entered", verdict.valid, verdict.reason)
        label = sheet_label.strip()
        if not label or len(label) > MAX_SHEET_LABEL:
            raise DomainError(
                _("With double entry, type the sheet number written on the sheet."),
                code="sheet_label",
            )
        if actor is None:
            raise PermissionDenied(
                _("Double entry needs a signed-in committee member."), code="anonymous_typist"
            )
        pending = (
            PendingEntry.objects.select_for_update()
            .filter(box=locked, subject=subject, sheet_label=label)
            .first()
        )
        if pending is None:
            PendingEntry.objects.create(
                box=locked,
                subject=subject,
                group=group,
                sheet_label=label,
                first_by=actor,
                first_keys=_canonical_keys(shapes_for(locked), sheet),
                first_invalid=sheet.declared_invalid,
                first_comment=comment,
            )
            return EntryOutcome("first")
        if pending.first_by_id == actor.pk or pending.second_by_id == actor.pk:
            raise Conflict(
                _(
                    "You already typed sheet %(label)s: the second entry must be made by "
                    "another committee member."
                )
                % {"label": label},
                code="same_typist",
            )
        if pending.second_by_id is not None:
            raise Conflict(
                _("Sheet %(label)s was typed twice already and waits for a resolution.")
                % {"label": label},
                code="awaiting_resolution",
            )
        second_keys = _canonical_keys(shapes_for(locked), sheet)
        if (
            second_keys == pending.first_keys
            and comment == pending.first_comment
            and pending.group_id == (group.pk if group else None)
        ):
            verdict = store_sheet(
                actor=actor,
                box=locked,
                subject=subject,
                sheet=sheet,
                comment=comment,
                source="typed",
                group=group,
            )
            pending.delete()
            return EntryOutcome("entered", verdict.valid, verdict.reason)
        pending.second_by = actor
        pending.second_keys = second_keys
        pending.second_invalid = sheet.declared_invalid
        pending.second_comment = comment
        pending.save(update_fields=["second_by", "second_keys", "second_invalid", "second_comment"])
        return EntryOutcome("mismatch")


def _canonical_keys(shapes: list[ItemShape], sheet: TypedSheet) -> str:
    """Return the sheet as the digits a typist would type (``*`` when declared invalid)."""
    return INVALID_KEY if sheet.declared_invalid else keys_for(shapes, sheet.answers)


def resolve_entry(
    *,
    actor: User | None,
    entry: PendingEntry,
    keys: str,
    invalid: bool = False,
    comment: str = "",
) -> EntryOutcome:
    """Decide a sheet whose two entries differ; the ballot enters the box.

    The decision is made by a third account (a committee member or the coordinator),
    never by one of the two typists.
    """
    comment = clean_comment(comment)
    with transaction.atomic():
        pending = PendingEntry.objects.select_for_update().filter(pk=entry.pk).first()
        if pending is None:
            raise Conflict(_("This sheet has already been decided."), code="already_resolved")
        locked = locked_box(pending.box_id, actor=actor, entering=True)
        if pending.second_by_id is None:
            raise Conflict(
                _("This sheet still waits for its second entry."), code="awaiting_second"
            )
        if actor is None or actor.pk in (pending.first_by_id, pending.second_by_id):
            raise PermissionDenied(
                _("A sheet's differences are decided by someone who did not type it."),
                code="typist_resolves",
            )
        try:
            sheet = parse_keys(shapes_for(locked), keys, invalid=invalid)
        except KeysError as exc:
            raise keys_error(exc) from exc
        verdict = store_sheet(
            actor=actor,
            box=locked,
            subject=pending.subject,
            sheet=sheet,
            comment=comment,
            source="typed",
            group=pending.group,
        )
        record_event(
            actor=actor,
            action="paper.entry_resolved",
            obj=locked,
            unit=locked.conference.unit,
            data={},
        )
        pending.delete()
    return EntryOutcome("entered", verdict.valid, verdict.reason)


def discard_pending_entry(*, actor: User | None, entry: PendingEntry) -> None:
    """Drop a pending entry typed under a wrong sheet number or leader (coordinator only)."""
    with transaction.atomic():
        pending = PendingEntry.objects.select_for_update().filter(pk=entry.pk).first()
        if pending is None:
            return
        locked = locked_box(pending.box_id, actor=actor, entering=False)
        if actor is not None and locked.conference.unit_id not in unit_ids_for(
            actor, roles=[Role.WARD_ORGANISER, Role.DISTRICT_ORGANISER]
        ):
            raise PermissionDenied(
                _("Only the coordinator may discard a typed sheet."), code="forbidden"
            )
        record_event(
            actor=actor,
            action="paper.entry_discarded",
            obj=locked,
            unit=locked.conference.unit,
            data={"sheet": pending.sheet_label},
        )
        pending.delete()


# --- Printing --------------------------------------------------------------------------

MAX_COPIES = 2000


def print_ballots(*, actor: User | None, box: BallotBox, copies: int) -> bytes:
    """Return the printable ballots PDF of the box: *copies* copies per leader.

    Every copy carries a fresh random serial in its QR; the serials are not stored (a
    scanned page is recognised by its QR, and duplicates by a keyed hash of the serial).
    """
    from phieukin.paper.printing import render_box_ballots_pdf

    if copies < 1 or copies > MAX_COPIES:
        raise DomainError(
            _("Choose between 1 and %(max)s copies per leader.") % {"max": MAX_COPIES},
            code="bad_copies",
        )
    with transaction.atomic():
        locked = locked_box(box, actor=actor, entering=False)
        record_event(
            actor=actor,
            action="paper.print",
            obj=locked,
            unit=locked.conference.unit,
            data={"copies": copies},
        )
    return render_box_ballots_pdf(locked, copies=copies)


# --- Scans: upload, reading, review -----------------------------------------------------

SCAN_EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
MAX_SCAN_BYTES = 200 * 1024 * 1024
NO_ANSWER = ""
DOUBLE_MARK = "__double__"


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its name and its bytes."""

    name: str
    data: bytes


def _extension(name: str) -> str:
    return Path(name).suffix.lower()


def count_pages(data: bytes, name: str) -> int:
    """Return the number of pages of a scan file (1 when it cannot be opened)."""
    ext = _extension(name)
    try:
        if ext == ".pdf":
            import pypdfium2

            document = pypdfium2.PdfDocument(data)
            try:
                return max(1, len(document))
            finally:
                document.close()
        if ext in (".tif", ".tiff"):
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                return max(1, int(getattr(image, "n_frames", 1)))
    except Exception:
        return 1
    return 1


def page_bytes(data: bytes, name: str, index: int) -> tuple[bytes, str]:
    """Return page *index* of a scan file as a file of its own (bytes, file name).

    Multi-page files are split without rendering the other pages, so reading a batch a
    few pages at a time costs the same for page 1 and page 500.
    """
    ext = _extension(name)
    if ext == ".pdf":
        import pypdfium2

        source = pypdfium2.PdfDocument(data)
        target = pypdfium2.PdfDocument.new()
        try:
            target.import_pages(source, [index])
            buffer = io.BytesIO()
            target.save(buffer)
        finally:
            target.close()
            source.close()
        return buffer.getvalue(), "page.pdf"
    if ext in (".tif", ".tiff") and index > 0:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            image.seek(index)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
        return buffer.getvalue(), "page.png"
    return data, name


def upload_scans(*, actor: User | None, box: BallotBox, files: list[Upload]) -> ScanBatch:
    """Store scan files as evidence of the box and create a batch to read them.

    Accepts PDF, PNG, JPEG and TIFF; the files are kept with their SHA-256 under the
    box (see :func:`phieukin.paper.selectors.evidence_digests`). Refused once sealed.
    """
    if not files:
        raise DomainError(_("Choose at least one scan file."), code="no_files")
    for upload in files:
        if _extension(upload.name) not in SCAN_EXTENSIONS:
            raise DomainError(
                _("%(name)s is not a PDF, PNG, JPEG or TIFF file.") % {"name": upload.name},
                code="bad_file_type",
            )
        if not upload.data:
            raise DomainError(_("%(name)s is empty.") % {"name": upload.name}, code="empty_file")
        if len(upload.data) > MAX_SCAN_BYTES:
            raise DomainError(
                _("%(name)s is too large.") % {"name": upload.name}, code="file_too_large"
            )
    with transaction.atomic():
        locked = locked_box(box, actor=actor, entering=True)
        batch = ScanBatch.objects.create(
            box=locked, uploaded_by=actor if actor is not None and actor.pk else None
        )
        total = 0
        digests = []
        for position, upload in enumerate(files):
            pages = count_pages(upload.data, upload.name)
            sha = hashlib.sha256(upload.data).hexdigest()
            scan = ScanFile(
                box=locked,
                batch=batch,
                name=Path(upload.name).name[:200],
                sha256=sha,
                pages=pages,
                position=position,
            )
            scan.file.save(
                f"box-{locked.pk}/{secrets.token_hex(8)}{_extension(upload.name)}",
                ContentFile(upload.data),
                save=False,
            )
            scan.save()
            total += pages
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


def sheet_digest(box: BallotBox, purpose: str, serial: str, page: int = 0) -> str:
    """Return the keyed hash of a copy serial (and page) within a box.

    The serial itself is never stored: a keyed hash recognises a sheet scanned twice
    without giving anyone holding the database a value to look for on paper.
    """
    return salted_hmac(
        f"phieukin.paper.{purpose}", f"{box.pk}|{serial}|{page}", algorithm="sha256"
    ).hexdigest()


def _png(image: Any) -> bytes:
    import cv2

    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        return b""
    return bytes(encoded.tobytes())


class _Layouts:
    """Layouts of questionnaire versions named by QR codes, built once per batch step."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], Any] = {}

    def __call__(self, sheet: Any) -> Any:
        from phieukin.paper.layout import build_layout
        from phieukin.questionnaires.models import Questionnaire
        from phieukin.questionnaires.selectors import questionnaire_spec

        key = (sheet.questionnaire_code, sheet.questionnaire_version)
        if key not in self._cache:
            questionnaire = Questionnaire.objects.filter(
                code=sheet.questionnaire_code, version=sheet.questionnaire_version
            ).first()
            if questionnaire is None:
                raise LookupError(key)
            self._cache[key] = build_layout(questionnaire_spec(questionnaire))
        return self._cache[key]


def _locate(batch: ScanBatch, cursor: int) -> tuple[ScanFile, int]:
    """Return the file and the page index within it of the batch's page number *cursor*."""
    offset = cursor
    for scan in batch.files.order_by("position"):
        if offset < scan.pages:
            return scan, offset
        offset -= scan.pages
    raise IndexError(cursor)


def process_batch(*, actor: User | None, batch: ScanBatch, max_pages: int = 4) -> ScanBatch:
    """Read the next pages of the batch (at most *max_pages*) and return the batch.

    Each page either completes a ballot (every item clear, no comment to transcribe),
    joins the review queue, waits for the other pages of its copy, or is refused with a
    reason recorded on the batch: another box or round, unreadable, already scanned.
    The image work runs outside any transaction; only the outcome of each page is
    written, in a short transaction that re-checks the box and the batch's cursor (so
    two browser tabs stepping the same batch never read a page twice).
    """
    layouts = _Layouts()
    current = ScanBatch.objects.select_related("box__conference").get(pk=batch.pk)
    require_counting(actor, current.box)
    for _step in range(max_pages):
        if current.done:
            break
        cursor = current.cursor
        scan, index = _locate(current, cursor)
        result = _read_scan_page(scan, index, layouts)
        with transaction.atomic():
            locked_batch = ScanBatch.objects.select_for_update().get(pk=batch.pk)
            box = locked_box(locked_batch.box_id, actor=actor, entering=True)
            if locked_batch.cursor == cursor:
                outcome, reason = _outcome(actor, box, result)
                if outcome == "refused":
                    locked_batch.refusals = [
                        *locked_batch.refusals,
                        {"file": scan.name, "page": index + 1, "reason": reason},
                    ]
                elif outcome == "ballot":
                    locked_batch.ballots_entered += 1
                elif outcome == "review":
                    locked_batch.sent_to_review += 1
                locked_batch.cursor += 1
                locked_batch.save(
                    update_fields=["cursor", "refusals", "ballots_entered", "sent_to_review"]
                )
        current = locked_batch
    return current


def _outcome(actor: User | None, box: BallotBox, result: PageReading | str) -> tuple[str, str]:
    """Return the outcome of a page read (or refused) outside the transaction."""
    if isinstance(result, str):
        return "refused", result
    try:
        return _apply_reading(actor, box, result)
    except DomainError as exc:
        # The page's own writes were rolled back with its savepoint; the batch goes on.
        return "refused", str(exc.message)


def _read_scan_page(scan: ScanFile, index: int, layouts: _Layouts) -> PageReading | str:
    """Read page *index* of a stored scan; return the reading or a refusal reason."""
    from phieukin.paper.omr.images import load_pages
    from phieukin.paper.omr.reader import read_page
    from phieukin.paper.omr.types import PageRefused

    try:
        with scan.file.open("rb") as handle:
            data = handle.read()
        single, name = page_bytes(data, scan.name, index)
        image = next(iter(load_pages(single, name)))
        return read_page(image, layouts)
    except PageRefused as exc:
        return str(exc.message)
    except Exception:
        logger.warning("scan page unreadable", exc_info=True)
        return str(_("The file or page cannot be read as an image."))


def _apply_reading(actor: User | None, box: BallotBox, reading: PageReading) -> tuple[str, str]:
    """Record one read page; return (outcome, refusal reason).

    Outcomes: ``refused``, ``ballot`` (the copy is complete and clear), ``review`` (the
    copy is complete and waits for a human), ``waiting`` (other pages still missing).
    """
    sheet = reading.sheet
    rnd = box.conference.round
    if sheet.box_id != box.pk or sheet.round_id != rnd.pk:
        return "refused", str(
            _("This page belongs to another ballot box or round; it was not counted here.")
        )
    subject = Subject.objects.filter(pk=sheet.subject_id, conference_id=box.conference_id).first()
    if subject is None:
        return "refused", str(_("The leader named on this page is not evaluated in this box."))
    questionnaire = rnd.questionnaire
    if (sheet.questionnaire_code, sheet.questionnaire_version) != (
        questionnaire.code,
        questionnaire.version,
    ):
        return "refused", str(_("This page was printed for another version of the ballot."))
    with transaction.atomic():
        seen = sheet_digest(box, "page", sheet.serial, sheet.page)
        if SeenSheet.objects.filter(box=box, digest=seen).exists():
            return "refused", str(
                _("This sheet was already scanned (same printed copy and page); ignored.")
            )
        SeenSheet.objects.create(box=box, digest=seen)
        copy = sheet_digest(box, "copy", sheet.serial)
        pending, _created = PendingReading.objects.select_for_update().get_or_create(
            box=box,
            copy_digest=copy,
            defaults={"subject": subject, "page_count": sheet.page_count},
        )
        if pending.subject_id != subject.pk:
            return "refused", str(_("The pages of this printed copy name different leaders."))
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
                        "image": _png(crop) if crop is not None else b"",
                    },
                )
        if reading.comment_crop is not None and reading.comment_has_ink:
            pending.comment_crop = _png(reading.comment_crop)
        pending.answers = answers
        pending.pages_read = sorted({*pending.pages_read, sheet.page})
        pending.problems = sorted({*pending.problems, *reading.problems})
        pending.save()
        if not pending.complete:
            return "waiting", ""
        if pending.crops.exists() or pending.comment_crop:
            return "review", ""
        store_sheet(
            actor=actor,
            box=box,
            subject=subject,
            sheet=TypedSheet(answers=answers, declared_invalid=False),
            comment="",
            source="scanned",
        )
        pending.delete()
        return "ballot", ""


def review_reading(
    *,
    actor: User | None,
    reading: PendingReading,
    choices: dict[str, str],
    comment: str = "",
    invalid: bool = False,
) -> EntryOutcome:
    """Decide a scanned copy from the paper: doubtful items, missing pages, the comment.

    *choices* maps every item still to decide to an option key, ``""`` (no answer) or
    ``"__double__"`` (two marks: the round's policy applies). The ballot enters the box
    and the pending reading, with its images, is deleted.
    """
    comment = clean_comment(comment)
    with transaction.atomic():
        pending = PendingReading.objects.select_for_update().filter(pk=reading.pk).first()
        if pending is None:
            raise Conflict(_("This sheet has already been decided."), code="already_resolved")
        locked = locked_box(pending.box_id, actor=actor, entering=True)
        shapes = shapes_for(locked)
        options = {shape.key: shape.option_keys for shape in shapes}
        answers: dict[str, str | None] = {
            key: value for key, value in pending.answers.items() if key in options
        }
        to_decide = set(pending.crops.values_list("item_key", flat=True))
        to_decide |= {shape.key for shape in shapes if shape.key not in answers}
        double: set[str] = set()
        if not invalid:
            missing = sorted(to_decide - set(choices), key=list(options).index)
            if missing:
                raise DomainError(
                    _("Decide every doubtful item (missing: %(items)s).")
                    % {"items": ", ".join(missing)},
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
                        _("Unknown answer %(option)s for question %(item)s.")
                        % {"option": choice, "item": key},
                        code="unknown_option",
                    )
        verdict = store_sheet(
            actor=actor,
            box=locked,
            subject=pending.subject,
            sheet=TypedSheet(answers=answers, declared_invalid=invalid),
            comment=comment,
            source="scanned",
            double_marked=double,
        )
        pending.delete()
    return EntryOutcome("entered", verdict.valid, verdict.reason)
