"""Keyboard entry of paper ballots, double entry and its resolution, printing.

Every paper sheet reaches the box through :func:`phieukin.ballots.services.enter_paper_ballot`
after the round's validity rules (:mod:`phieukin.paper.validity`) have been applied. A
pending entry is deleted in the same transaction in which its ballot is stored; nothing
about who typed a sheet, or when, reaches the ballot. Entering a ballot writes no audit
event (it is the act of voting); administrative changes do. Each service asks
:func:`phieukin.accounts.access.authorize` for its own action (rules in
``accounts/rules/paper.py``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.ballots.services import enter_paper_ballot, shapes_for, withdraw_paper_ballot
from phieukin.ballots.sheet import ItemShape
from phieukin.core.errors import Conflict, DomainError, PermissionDenied
from phieukin.paper.keys import INVALID_KEY, KeysError, TypedSheet, keys_for, parse_keys
from phieukin.paper.models import PaperOptions, PendingEntry, VoidedSheet
from phieukin.paper.omr.types import SERIAL_ALPHABET, SHEET_NUMBER_LENGTH, sheet_number
from phieukin.paper.validity import Verdict, judge_sheet
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, RespondentGroup, Subject

if TYPE_CHECKING:
    from phieukin.accounts.models import User

MAX_SHEET_LABEL = 32
MAX_VOID_REASON = 200


# --- Helpers shared with scanning ---------------------------------------------------------


def locked_box(
    box: BallotBox | int, *, actor: User | None, action: str, entering: bool
) -> BallotBox:
    """Return the box locked for update, after the access check of *action* and the state.

    *entering*: ballots are about to be entered, so the box must be open or closed;
    otherwise it only must not be sealed.
    """
    pk = box.pk if isinstance(box, BallotBox) else box
    locked = (
        BallotBox.objects.select_for_update()
        .select_related("conference__round__questionnaire", "conference__unit")
        .get(pk=pk)
    )
    authorize(actor, action, locked)
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


def normalise_sheet_label(text: str) -> str:
    """Return the sheet number as printed (``ABC-DEF``) however it was typed.

    Case, spaces and dashes do not matter, so ``abc def`` and ``ABC-DEF`` name the same
    sheet; a number the committee wrote by hand (``17``) is kept as typed, upper-cased.
    """
    compact = "".join(ch for ch in (text or "").upper() if ch not in " -_.\t")
    if len(compact) == SHEET_NUMBER_LENGTH and all(ch in SERIAL_ALPHABET for ch in compact):
        return sheet_number(compact)
    return " ".join((text or "").upper().split())


def double_entry_enabled(box: BallotBox) -> bool:
    """Return whether the box's paper sheets are typed twice."""
    return PaperOptions.objects.filter(box=box, double_entry=True).exists()


def spot_check_percent(box: BallotBox) -> int:
    """Return the share (%) of copies read without doubt that go to a blind check."""
    return PaperOptions.spot_check_of(box)


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
) -> Stored:
    """Judge the sheet by the round's rules and put it in the box.

    Return the verdict and the new ballot's id (to hand back to the typist only).
    """
    verdict = judge(box, sheet, comment, double_marked or set())
    ballot_id = enter_paper_ballot(
        actor=actor,
        box=box,
        subject=subject,
        answers=verdict.answers,
        comment=comment,
        valid=verdict.valid,
        source=source,
        group=group,
    )
    return Stored(verdict, ballot_id)


@dataclass(frozen=True)
class Stored:
    """A sheet put in the box: how it counts, and its ballot's id (never stored elsewhere)."""

    verdict: Verdict
    ballot_id: int


def _check_subject(box: BallotBox, subject: Subject, group: RespondentGroup | None) -> None:
    if subject.conference_id != box.conference_id:
        raise DomainError(_("This leader is not evaluated in this box."), code="unknown_subject")
    if group is not None and group.round_id != box.conference.round_id:
        raise DomainError(_("The group is not part of this round."), code="bad_group")


# --- Paper accounting ------------------------------------------------------------------


def set_double_entry(*, actor: User | None, box: BallotBox, enabled: bool) -> PaperOptions:
    """Switch double entry on or off for the box (refused while sheets await resolution)."""
    with transaction.atomic():
        locked = locked_box(box, actor=actor, action="paper.configure", entering=False)
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


def set_spot_check(*, actor: User | None, box: BallotBox, percent: int) -> PaperOptions:
    """Set the share (0–100 %) of scanned copies read without doubt checked blind.

    Copies already waiting keep their state; the share applies to the pages read next.
    """
    if not 0 <= percent <= 100:
        raise DomainError(
            _("The share of sheets checked at random is a whole number from 0 to 100."),
            code="bad_spot_check",
        )
    with transaction.atomic():
        locked = locked_box(box, actor=actor, action="paper.configure", entering=False)
        options, _created = PaperOptions.objects.select_for_update().get_or_create(box=locked)
        if options.spot_check_percent != percent:
            options.spot_check_percent = percent
            options.save(update_fields=["spot_check_percent"])
            record_event(
                actor=actor,
                action="paper.spot_check",
                obj=locked,
                unit=locked.conference.unit,
                data={"percent": percent},
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
    ballot_id: int | None = None
    entry_id: int | None = None


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
        locked = locked_box(box, actor=actor, action="paper.enter", entering=True)
        _check_subject(locked, subject, group)
        try:
            sheet = parse_keys(shapes_for(locked), keys, invalid=invalid)
        except KeysError as exc:
            raise keys_error(exc) from exc
        if not double_entry_enabled(locked):
            stored = store_sheet(
                actor=actor,
                box=locked,
                subject=subject,
                sheet=sheet,
                comment=comment,
                source="typed",
                group=group,
            )
            return _entered(stored)
        label = normalise_sheet_label(sheet_label)
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
            created = PendingEntry.objects.create(
                box=locked,
                subject=subject,
                group=group,
                sheet_label=label,
                first_by=actor,
                first_keys=_canonical_keys(shapes_for(locked), sheet),
                first_invalid=sheet.declared_invalid,
                first_comment=comment,
            )
            return EntryOutcome("first", entry_id=created.pk)
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
            stored = store_sheet(
                actor=actor,
                box=locked,
                subject=subject,
                sheet=sheet,
                comment=comment,
                source="typed",
                group=group,
            )
            pending.delete()
            return _entered(stored)
        pending.second_by = actor
        pending.second_keys = second_keys
        pending.second_invalid = sheet.declared_invalid
        pending.second_comment = comment
        pending.save(update_fields=["second_by", "second_keys", "second_invalid", "second_comment"])
        return EntryOutcome("mismatch", entry_id=pending.pk)


def _entered(stored: Stored) -> EntryOutcome:
    return EntryOutcome(
        "entered", stored.verdict.valid, stored.verdict.reason, ballot_id=stored.ballot_id
    )


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
    comment_from: str = "",
) -> EntryOutcome:
    """Decide a sheet whose two entries differ; the ballot enters the box.

    The decision is made by a member of the ward's counting committee (a counter, the
    ward's office or the organiser) who typed neither entry, never by one of the two
    typists. *comment_from* ``"first"`` or ``"second"`` takes that entry's comment as
    typed; otherwise *comment* is the decided comment.
    """
    if comment_from not in ("", "first", "second"):
        raise DomainError(_("Choose one of the two typed comments."), code="bad_comment_choice")
    comment = clean_comment(comment)
    with transaction.atomic():
        pending = PendingEntry.objects.select_for_update().filter(pk=entry.pk).first()
        if pending is None:
            raise Conflict(_("This sheet has already been decided."), code="already_resolved")
        locked = locked_box(pending.box_id, actor=actor, action="paper.resolve", entering=True)
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
        if comment_from == "first":
            comment = pending.first_comment
        elif comment_from == "second":
            comment = pending.second_comment
        stored = store_sheet(
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
    return EntryOutcome("entered", stored.verdict.valid, stored.verdict.reason)


def _void_reason(reason: str) -> str:
    text = clean_comment(reason)
    if not text:
        raise DomainError(
            _("Write why the sheet is voided; the reason enters the reconciliation."),
            code="void_reason",
        )
    if len(text) > MAX_VOID_REASON:
        raise DomainError(
            _("The reason is too long (at most %(max)s characters).") % {"max": MAX_VOID_REASON},
            code="void_reason",
        )
    return text


def discard_pending_entry(
    *, actor: User | None, entry: PendingEntry, reason: str = "", void: bool = False
) -> None:
    """Drop a typed sheet that waits for its second entry or a resolution.

    Any member of the ward's counting committee may do it before sealing. Without *void*
    the entry was typed under a wrong sheet number or leader and is simply dropped (the
    sheet is typed again). With *void* the paper sheet itself is set aside for *reason*
    (required), which is counted in the box's paper reconciliation. Both are audited; the
    voided sheet keeps no content and no link to a ballot or a person.
    """
    if void:
        reason = _void_reason(reason)
    with transaction.atomic():
        pending = PendingEntry.objects.select_for_update().filter(pk=entry.pk).first()
        if pending is None:
            return
        locked = locked_box(pending.box_id, actor=actor, action="paper.discard", entering=False)
        if void:
            VoidedSheet.objects.create(box=locked, reason=reason)
        record_event(
            actor=actor,
            action="paper.sheet_voided" if void else "paper.entry_discarded",
            obj=locked,
            unit=locked.conference.unit,
            data={"sheet": pending.sheet_label, "reason": reason}
            if void
            else {"sheet": pending.sheet_label},
        )
        pending.delete()


# --- Taking back one's own last entry ---------------------------------------------------

UNDO_SALT = "phieukin.paper.undo"
UNDO_MAX_AGE = 30 * 60


@dataclass(frozen=True)
class LastEntry:
    """What the typist's undo token names: their own last entry in one box."""

    user_id: int
    box_id: int
    ballot_id: int | None
    entry_id: int | None


def undo_token(*, actor: User, box: BallotBox, outcome: EntryOutcome) -> str:
    """Return the signed token that lets *actor* take back the entry of *outcome*.

    The token is handed to the typist's browser alone (a cookie scoped to the box's
    paper pages, for half an hour) and never stored by the server, so no table links a
    typist to a ballot. It is replaced by the next entry: only the last one can be
    taken back.
    """
    return signing.dumps(
        {"u": actor.pk, "x": box.pk, "b": outcome.ballot_id, "p": outcome.entry_id},
        salt=UNDO_SALT,
    )


def read_undo_token(token: str, *, actor: User, box: BallotBox) -> LastEntry | None:
    """Return the entry the token names, if it is *actor*'s, in *box*, and still fresh."""
    try:
        data = signing.loads(token, salt=UNDO_SALT, max_age=UNDO_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != actor.pk or data.get("x") != box.pk:
        return None
    ballot_id, entry_id = data.get("b"), data.get("p")
    if not isinstance(ballot_id, int | None) or not isinstance(entry_id, int | None):
        return None
    if ballot_id is None and entry_id is None:
        return None
    return LastEntry(actor.pk, box.pk, ballot_id, entry_id)


def undo_last_entry(
    *, actor: User, box: BallotBox, last: LastEntry, reason: str = "", void: bool = False
) -> bool:
    """Take back *actor*'s own last entry, before sealing; return whether anything changed.

    A sheet already in the box is withdrawn from it (the typist types it again, or with
    *void* sets the paper sheet aside for *reason*, counted in the reconciliation). A
    first entry waiting for its second is dropped; a second entry that disagreed is
    cleared, so the sheet waits for a second entry again. Audited without the ballot.
    """
    if void:
        reason = _void_reason(reason)
    if last.user_id != actor.pk or last.box_id != box.pk:
        raise PermissionDenied(_("Only the typist can take back their entry."), code="not_yours")
    with transaction.atomic():
        locked = locked_box(box, actor=actor, action="paper.enter", entering=True)
        changed = False
        if last.ballot_id is not None:
            changed = withdraw_paper_ballot(actor=actor, box=locked, ballot_id=last.ballot_id)
        elif last.entry_id is not None:
            pending = (
                PendingEntry.objects.select_for_update()
                .filter(box=locked, pk=last.entry_id)
                .first()
            )
            if pending is not None and pending.second_by_id == actor.pk:
                pending.second_by = None
                pending.second_keys = ""
                pending.second_invalid = False
                pending.second_comment = ""
                pending.save(
                    update_fields=["second_by", "second_keys", "second_invalid", "second_comment"]
                )
                changed = True
                void = False  # the first entry still stands for the paper sheet
            elif (
                pending is not None
                and pending.first_by_id == actor.pk
                and pending.second_by_id is None
            ):
                pending.delete()
                changed = True
        if not changed:
            raise Conflict(
                _("Your last entry cannot be taken back any more (it was decided or is gone)."),
                code="undo_gone",
            )
        if void:
            VoidedSheet.objects.create(box=locked, reason=reason)
        record_event(
            actor=actor,
            action="paper.sheet_voided" if void else "paper.entry_withdrawn",
            obj=locked,
            unit=locked.conference.unit,
            data={"reason": reason} if void else {},
        )
    return changed


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
        locked = locked_box(box, actor=actor, action="paper.print", entering=False)
        record_event(
            actor=actor,
            action="paper.print",
            obj=locked,
            unit=locked.conference.unit,
            data={"copies": copies},
        )
    return render_box_ballots_pdf(locked, copies=copies)
