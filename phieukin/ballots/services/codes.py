"""Codes: making them for a box, voiding lost slips, looking a typed code up."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.ballots import codes as codes_mod
from phieukin.ballots.models import Code, CodeState, SealedCode
from phieukin.ballots.services.common import (
    binding_cursor,
    code_digest,
    locked_box,
    normalise_code,
)
from phieukin.core.errors import Conflict, DomainError
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, RespondentGroup

if TYPE_CHECKING:
    from phieukin.accounts.models import User

MAX_CODES_PER_CALL = 5000


@dataclass(frozen=True)
class CodeInfo:
    """What casting needs of a looked-up code: its row, its box and its group."""

    pk: int
    box_id: int
    group_id: int | None
    box_opened_at: Any = None


def lookup_code(text: str) -> tuple[str, CodeInfo]:
    """Return (normalised code, code info) for typed text, or raise a Vietnamese error.

    Errors: ``code_format`` (400, no database access), ``code_unknown`` (404),
    ``code_used`` / ``code_voided`` (409), ``box_not_open`` (409).
    """
    normalised = normalise_code(text)
    return normalised, lookup_digest(code_digest(normalised))


def lookup_digest(digest: str) -> CodeInfo:
    """Return the code info of the code whose keyed hash is *digest* (errors as
    :func:`lookup_code`, but ``code_format``)."""
    # Raw SQL: this runs for every ballot, and the ORM's query compilation costs more
    # than the query itself. On PostgreSQL it is bound and prepared on the server.
    with binding_cursor() if connection.vendor == "postgresql" else connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.box_id, c.group_id, c.state, b.state, b.opened_at "
            "FROM ballots_code c JOIN rounds_ballotbox b ON b.id = c.box_id "
            "WHERE c.digest = %s",
            [digest],
        )
        found = cursor.fetchall()
        if not found:
            # Codes of sealed boxes were moved to the history table by the seal.
            cursor.execute(
                "SELECT c.id, c.box_id, c.group_id, c.state, b.state, b.opened_at "
                "FROM ballots_sealedcode c JOIN rounds_ballotbox b ON b.id = c.box_id "
                "WHERE c.digest = %s",
                [digest],
            )
            found = cursor.fetchall()
    if not found:
        raise DomainError(_("This code does not exist."), code="code_unknown", status=404)
    pk, box_id, group_id, state, box_state, opened_at = found[0]
    if state == CodeState.USED:
        raise Conflict(_("This code has already been used."), code="code_used")
    if state == CodeState.VOIDED:
        raise Conflict(_("This code has been voided."), code="code_voided")
    if box_state != BoxState.OPEN:
        raise Conflict(_("This ballot box is not open."), code="box_not_open")
    return CodeInfo(pk, box_id, group_id, opened_at)


# What a code is, once known: its row, box and group never change (its state does, and
# is never cached). Each process keeps the codes of the open boxes it has cast ballots
# for, so that a ballot's code costs no round trip of its own: the claim re-checks the
# code's digest and state and the box's state, and any failed claim is looked up anew.
# The directory holds what the code table holds (keyed hashes, no plain code, nothing
# about votes or use). Boxes beyond KNOWN_BOXES are forgotten, oldest first.
KNOWN_BOXES = 1024
_known_codes: dict[str, CodeInfo] = {}
_known_boxes: dict[tuple[int, Any], list[str]] = {}
_known_lock = threading.Lock()


def known_code(digest: str) -> CodeInfo | None:
    """Return what this process knows of the code with *digest*, or None."""
    return _known_codes.get(digest)


def learn_box_codes(info: CodeInfo) -> None:
    """Remember every code of *info*'s box (one query, once per box and opening)."""
    key = (info.box_id, info.box_opened_at)
    if info.box_opened_at is None or key in _known_boxes:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT digest, id, group_id FROM ballots_code WHERE box_id = %s", [info.box_id]
        )
        found = cursor.fetchall()
    with _known_lock:
        if key in _known_boxes:
            return
        while len(_known_boxes) >= KNOWN_BOXES:
            for digest in _known_boxes.pop(next(iter(_known_boxes))):
                _known_codes.pop(digest, None)
        _known_boxes[key] = [digest for digest, _pk, _group in found]
        for digest, pk, group_id in found:
            _known_codes[digest] = CodeInfo(pk, info.box_id, group_id, info.box_opened_at)


def forget_known_codes() -> None:
    """Forget every code this process knows (tests; a box's rows never change)."""
    with _known_lock:
        _known_codes.clear()
        _known_boxes.clear()


def generate_codes(
    *, actor: User | None, box: BallotBox, count: int, group: RespondentGroup | None = None
) -> list[str]:
    """Create *count* one-time codes for the box and return them (``XXXX-XXXX-XXXX``).

    Only the keyed hashes are stored; the plain codes exist only in the return value
    (printed on slips). Nothing records who will receive which code. Once the box is
    open, only the counting committee may add codes (``box.codes.generate``).
    """
    if count < 1 or count > MAX_CODES_PER_CALL:
        raise DomainError(
            _("Choose between 1 and %(max)s codes.") % {"max": MAX_CODES_PER_CALL},
            code="bad_count",
        )
    with transaction.atomic():
        locked = locked_box(box)
        authorize(actor, "box.codes.generate", locked)
        if locked.state not in (BoxState.PREPARED, BoxState.OPEN):
            raise Conflict(
                _("Codes can only be made for a prepared or open box."), code="bad_box_state"
            )
        if group is not None and group.round_id != locked.conference.round_id:
            raise DomainError(_("The group is not part of this round."), code="bad_group")
        plain: list[str] = []
        seen: set[str] = set()
        while len(plain) < count:
            code = codes_mod.generate()
            digest = code_digest(code)
            if (
                digest in seen
                or Code.objects.filter(digest=digest).exists()
                or SealedCode.objects.filter(digest=digest).exists()
            ):
                continue
            seen.add(digest)
            plain.append(code)
        Code.objects.bulk_create(
            [Code(box=locked, digest=code_digest(c), group=group) for c in plain]
        )
        record_event(
            actor=actor,
            action="codes.generate",
            obj=locked,
            unit=locked.conference.unit,
            data={
                "count": count,
                "group": group.key if group else "",
                "after_opening": locked.opened_at is not None,
            },
        )
    return [codes_mod.display(c) for c in plain]


def void_codes(*, actor: User | None, box: BallotBox, codes: list[str]) -> int:
    """Void unused codes of the box (a lost or spoiled slip); return how many were voided."""
    digests = [code_digest(normalise_code(c)) for c in codes]
    with transaction.atomic():
        locked = locked_box(box)
        authorize(actor, "box.codes.void", locked)
        if locked.state == BoxState.SEALED:
            raise Conflict(_("The ballot box is sealed."), code="box_sealed")
        rows = list(Code.objects.filter(box=locked, digest__in=digests))
        if len(rows) != len(set(digests)):
            raise DomainError(_("A code does not belong to this box."), code="code_unknown")
        if any(r.state == CodeState.USED for r in rows):
            raise Conflict(_("A used code cannot be voided."), code="code_used")
        voided = Code.objects.filter(box=locked, digest__in=digests, state=CodeState.UNUSED).update(
            state=CodeState.VOIDED
        )
        record_event(
            actor=actor,
            action="codes.void",
            obj=locked,
            unit=locked.conference.unit,
            data={"count": voided},
        )
    return voided
