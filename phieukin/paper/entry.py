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

from django.db import transaction
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.ballots.services import enter_paper_ballot, shapes_for
from phieukin.ballots.sheet import ItemShape
from phieukin.core.errors import Conflict, DomainError, PermissionDenied
from phieukin.paper.keys import INVALID_KEY, KeysError, TypedSheet, keys_for, parse_keys
from phieukin.paper.models import PaperOptions, PendingEntry
from phieukin.paper.validity import Verdict, judge_sheet
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, RespondentGroup, Subject

if TYPE_CHECKING:
    from phieukin.accounts.models import User

MAX_SHEET_LABEL = 32


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
        locked = locked_box(box, actor=actor, action="paper.enter", entering=True)
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
        locked = locked_box(pending.box_id, actor=actor, action="paper.discard", entering=False)
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
        locked = locked_box(box, actor=actor, action="paper.print", entering=False)
        record_event(
            actor=actor,
            action="paper.print",
            obj=locked,
            unit=locked.conference.unit,
            data={"copies": copies},
        )
    return render_box_ballots_pdf(locked, copies=copies)
