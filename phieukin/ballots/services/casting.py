"""Casting: online ballots with a one-time code, and paper sheets entered by the committee.

Every sheet of an open box is stored in the open-box tables (``PendingBallot``,
``PendingReceipt``; the used code in ``Code``), encrypted to the box's public key
(:mod:`phieukin.ballots.boxkeys`), whatever its source: its row holds only the box, the
leader, the source, the validity and a fixed-size ciphertext, so the row, its neighbours
and its transaction tell a copy of the database only that a ballot arrived. The act of
voting is never written to the audit chain.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.ballots import boxkeys
from phieukin.ballots import codes as codes_mod
from phieukin.ballots.models import BallotSource, BoxKey, CodeState, PendingBallot
from phieukin.ballots.selectors import shapes_for
from phieukin.ballots.services.codes import CodeInfo, known_code, learn_box_codes, lookup_digest
from phieukin.ballots.services.common import (
    SheetInput,
    binding_cursor,
    box_gate,
    box_gate_sql,
    clean_comment,
    code_digest,
    default_db,
    locked_box,
    normalise_code,
    sheet_error,
)
from phieukin.ballots.sheet import UNANSWERED, ItemShape, SheetCodes, SheetError
from phieukin.core.errors import Conflict, DomainError
from phieukin.core.ids import random_id
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, RespondentGroup, Subject

if TYPE_CHECKING:
    from phieukin.accounts.models import User


@dataclass(frozen=True)
class BoxSpec:
    """What validating and storing a ballot needs of a box; fixed once the box is open."""

    box_id: int
    shapes: list[ItemShape]
    codes: SheetCodes
    subject_ids: frozenset[int]
    comment_limit: int
    public_key: bytes | None
    padded_size: int
    sheet_format: int = boxkeys.SHEET_FORMAT


_SPECS: dict[tuple[int, Any], BoxSpec] = {}


def box_spec(box_id: int, *, opened_at: Any = None) -> BoxSpec:
    """Return the box's ballot spec (cached per box and opening time, fixed while open).

    *opened_at* may be passed by a caller that has just read it with the box open.
    """
    if opened_at is None:
        state, opened_at = BallotBox.objects.filter(pk=box_id).values_list("state", "opened_at")[0]
    else:
        state = BoxState.OPEN
    key = (box_id, opened_at)
    spec = _SPECS.get(key)
    if spec is not None:
        return spec
    box = BallotBox.objects.select_related("conference__round__questionnaire").get(pk=box_id)
    limit = box.conference.round.questionnaire.comment_max_length
    public_key, sheet_format = BoxKey.objects.filter(box_id=box_id).values_list(
        "public_key", "sheet_format"
    ).first() or (None, boxkeys.SHEET_FORMAT)
    shapes = shapes_for(box)
    spec = BoxSpec(
        box_id=box_id,
        shapes=shapes,
        codes=SheetCodes(shapes),
        subject_ids=frozenset(
            Subject.objects.filter(conference_id=box.conference_id).values_list("pk", flat=True)
        ),
        comment_limit=limit,
        public_key=bytes(public_key) if public_key is not None else None,
        padded_size=boxkeys.padded_size(limit, sheet_format),
        sheet_format=sheet_format,
    )
    if opened_at is not None and state != BoxState.PREPARED:
        _SPECS[key] = spec
    return spec


class BallotRow(NamedTuple):
    """One ballot row as inserted (a tuple: building model instances costs more than
    encrypting on the hot path of voting)."""

    id: int
    box_id: int
    subject_id: int
    group_id: int | None
    source: str
    valid: bool
    answers: str
    comment: str
    ciphertext: bytes | None


# The inserted columns, in the order of a BallotRow.
_BALLOT_COLUMNS = BallotRow._fields


def _stored(
    spec: BoxSpec,
    *,
    subject_id: int,
    group_id: int | None,
    source: str,
    valid: bool,
    answers: str,
    comment: str,
) -> BallotRow:
    """Return an unsaved ballot: encrypted when the box has a key (every box opened now)."""
    if spec.public_key is None:
        # A box opened before boxes had keys: its ballots stay readable until sealing.
        return BallotRow(
            random_id(), spec.box_id, subject_id, group_id, source, valid, answers, comment, None
        )
    ciphertext = boxkeys.encrypt_sheet(
        spec.public_key,
        answers=answers,
        group_id=group_id,
        comment=comment,
        size=spec.padded_size,
        sheet_format=spec.sheet_format,
    )
    return BallotRow(random_id(), spec.box_id, subject_id, None, source, valid, "", "", ciphertext)


def _ballot_rows(spec: BoxSpec, sheets: list[SheetInput], group_id: int | None) -> list[BallotRow]:
    """Return unsaved online ballots for *sheets*, or raise a DomainError naming the problem."""
    shapes = spec.shapes
    subject_ids = spec.subject_ids
    if not sheets:
        raise DomainError(_("The ballot has no sheets."), code="no_sheets")
    seen: set[int] = set()
    checked: list[tuple[int, str, str]] = []
    limit = spec.comment_limit
    for sheet in sheets:
        if sheet.subject_id not in subject_ids:
            raise DomainError(_("Unknown leader on the ballot."), code="unknown_subject")
        if sheet.subject_id in seen:
            raise DomainError(_("A leader appears twice on the ballot."), code="duplicate_subject")
        seen.add(sheet.subject_id)
        try:
            answers = spec.codes.encode(sheet.answers)
        except SheetError as exc:
            raise sheet_error(exc, shapes) from exc
        if UNANSWERED in answers:
            # Items are named by their number on the ballot, never by their key.
            missing = [
                str(number) for number, char in enumerate(answers, start=1) if char == UNANSWERED
            ]
            raise DomainError(
                _("Please answer every question (missing: number %(items)s).")
                % {"items": ", ".join(missing)},
                code="missing_answers",
            )
        checked.append((sheet.subject_id, answers, clean_comment(sheet.comment, limit)))
    if seen != subject_ids:
        raise DomainError(
            _("The ballot must have one sheet for every leader."), code="missing_sheets"
        )
    return [
        _stored(
            spec,
            subject_id=subject_id,
            group_id=group_id,
            source=BallotSource.ONLINE,
            valid=True,
            answers=answers,
            comment=comment,
        )
        for subject_id, answers, comment in checked
    ]


def check_sheets(*, box: BallotBox, sheets: list[SheetInput]) -> None:
    """Raise a DomainError when *sheets* would be refused by :func:`cast_ballot` (review step)."""
    spec = box_spec(box.pk)
    _ballot_rows(
        dataclasses.replace(spec, public_key=None, padded_size=0),
        sheets,
        None,
    )


def cast_ballot(*, code: str, sheets: list[SheetInput]) -> list[str]:
    """Record one respondent's sheets (one per leader) and return one receipt per sheet.

    The code is marked used by a conditional UPDATE in the same transaction as the
    inserts; when two submissions race, exactly one succeeds and the others get a
    Conflict (409). Each sheet is encrypted to the box's key before the transaction
    starts; nothing about the code, the time or the order is stored with the ballots,
    and the sheets of one respondent carry no common value.
    """
    digest = code_digest(normalise_code(code))
    row = known_code(digest)
    if row is None:
        row = lookup_digest(digest)
        learn_box_codes(row)
        receipts = _cast(row, digest, sheets)
    else:
        try:
            receipts = _cast(row, digest, sheets)
        except DomainError:
            # Refused sheets of a known code: a code that cannot vote any more says so
            # first, as when it was looked up before its sheets were checked.
            lookup_digest(digest)
            raise
    if receipts is None:
        # The code was known to this process but not claimed: look it up as it is now
        # for the error it deserves (used, voided, box closed); a code that is still
        # unused in an open box was known wrongly (a database restored under a running
        # server), so cast once more with what the database says.
        receipts = _cast(lookup_digest(digest), digest, sheets)
        if receipts is None:
            raise Conflict(_("This code has already been used."), code="code_used")
    return receipts


def _cast(row: CodeInfo, digest: str, sheets: list[SheetInput]) -> list[str] | None:
    """Claim *row*'s code and store the sheets; return the receipts, or None when the
    code was not claimed while the box is open. Raise Conflict when the box is not open.
    """
    box_id = row.box_id
    rows = _ballot_rows(box_spec(box_id, opened_at=row.box_opened_at), sheets, row.group_id)
    receipts = [codes_mod.new_receipt() for _sheet in rows]
    random.SystemRandom().shuffle(rows)
    if connection.vendor == "postgresql":
        claimed, box_open = _claim_and_store_postgresql(row.pk, digest, box_id, rows, receipts)
    else:
        with transaction.atomic():
            box_gate(box_id, exclusive=False)
            # One conditional UPDATE claims the code: ``state = 'unused'`` is a condition
            # on the code row itself, and SQLite runs it under the IMMEDIATE transaction's
            # write lock. Rowcount 1 or nothing is stored.
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE ballots_code SET state = %s WHERE id = %s AND digest = %s "
                    "AND state = %s AND EXISTS "
                    "(SELECT 1 FROM rounds_ballotbox WHERE id = %s AND state = %s)",
                    [CodeState.USED, row.pk, digest, CodeState.UNUSED, box_id, BoxState.OPEN],
                )
                claimed = cursor.rowcount
            if claimed == 1:
                insert_ballots(rows)
                _insert_receipts(box_id, receipts)
            box_open = (
                claimed == 1 or BallotBox.objects.filter(pk=box_id, state=BoxState.OPEN).exists()
            )
    if claimed != 1:
        if box_open:
            return None
        raise Conflict(_("This ballot box is not open."), code="box_not_open")
    return receipts


def _claim_statement(
    code_id: int, digest: str, box_id: int, rows: list[BallotRow], receipts: list[str]
) -> tuple[str, list[Any]]:
    """Return one PostgreSQL statement that claims the code and, only then, stores the ballot.

    The UPDATE's ``state = 'unused'`` is a condition on the code row itself, so PostgreSQL
    re-checks it after a concurrent claim commits (a join or IN-subquery filter would not
    be re-checked): of parallel submissions of one code exactly one gets a row back. The
    inserts read the UPDATE's RETURNING rows, so they store nothing when it claimed
    nothing. The statement answers (codes claimed, whether the box is open).
    """
    ballot_values = ", ".join(
        ["(%s::bigint, %s::bigint, %s::bigint, %s::bigint, %s, %s::boolean, %s, %s, %s::bytea)"]
        * len(rows)
    )
    receipt_values = ", ".join(["(%s::bigint, %s::bigint, %s)"] * len(receipts))
    columns = ", ".join(_BALLOT_COLUMNS)
    # Only fixed column names and %s placeholders are formatted in; values are params.
    sql = (
        "WITH claim AS ("  # noqa: S608
        "UPDATE ballots_code SET state = %s WHERE id = %s AND digest = %s AND state = %s "
        "AND EXISTS (SELECT 1 FROM rounds_ballotbox WHERE id = %s AND state = %s) "
        "RETURNING id), "
        f"stored AS (INSERT INTO ballots_pendingballot ({columns}) SELECT * FROM "
        f"(VALUES {ballot_values}) AS v({columns}) WHERE EXISTS (SELECT 1 FROM claim)), "
        "receipts AS (INSERT INTO ballots_pendingreceipt (id, box_id, value) SELECT * FROM "
        f"(VALUES {receipt_values}) AS r(id, box_id, value) WHERE EXISTS (SELECT 1 FROM claim)) "
        "SELECT (SELECT count(*) FROM claim), "
        "EXISTS (SELECT 1 FROM rounds_ballotbox WHERE id = %s AND state = %s)"
    )
    params: list[Any] = [CodeState.USED, code_id, digest, CodeState.UNUSED, box_id, BoxState.OPEN]
    for b in rows:
        params.extend(b)
    for value in receipts:
        params += [random_id(), box_id, value]
    params += [box_id, BoxState.OPEN]
    return sql, params


def _claim_and_store_postgresql(
    code_id: int, digest: str, box_id: int, rows: list[BallotRow], receipts: list[str]
) -> tuple[int, bool]:
    """Claim the code and store the ballot on PostgreSQL; return (claimed, box open).

    Outside a transaction (a request) the gate and the claim-and-store statement go to
    the server in one pipeline closed by one Sync: one round trip. Without ``BEGIN``, the
    statements of an extended-protocol pipeline run in one implicit transaction that the
    server commits at the Sync, before it answers it (PostgreSQL's documentation,
    "Pipeline Mode"), so the advisory gate is held until the ballot is stored, and an
    acknowledged ballot is durable (``synchronous_commit=on``). Each statement takes its
    own snapshot (READ COMMITTED), so the claim sees the box's state as it is after the
    gate was granted. After an error the server skips the rest of the pipeline and the
    Sync rolls the implicit transaction back: nothing is stored. The statements are
    bound on the server (the ciphertexts travel as bytes) and prepared once per
    connection (:func:`~phieukin.ballots.services.common.binding_cursor`; the driver's
    own cursors, their errors turned into Django's around the whole exchange). Inside a
    caller's transaction, the gate and the claim go as one pipeline within a savepoint.
    """
    import psycopg

    gate_sql, gate_params = box_gate_sql(box_id, exclusive=False)
    claim_sql, claim_params = _claim_statement(code_id, digest, box_id, rows, receipts)
    db = default_db()
    with (
        db.wrap_database_errors,
        binding_cursor(db, bare=True) as gate,
        binding_cursor(db, bare=True) as claim,
    ):
        try:
            if db.get_autocommit():
                with db.connection.pipeline():
                    gate.execute(gate_sql, gate_params)
                    claim.execute(claim_sql, claim_params)
            else:
                with transaction.atomic(), db.connection.pipeline():
                    gate.execute(gate_sql, gate_params)
                    claim.execute(claim_sql, claim_params)
        except (psycopg.Error, DatabaseError):
            # A statement or the commit failed: Django's error once ``wrap_database_errors``
            # has translated psycopg's on the way out.
            _drop_if_stuck(db)
            raise
        except Exception as exc:
            # The driver's own bookkeeping failed, not a statement: psycopg 3.3 raises
            # IndexError when an error reported at the Sync arrives in the same read as
            # the statements' results (one result more than it queued). The server has
            # rolled the implicit transaction back; answer it as the database error it is.
            _drop_if_stuck(db)
            raise OperationalError("the ballot's transaction failed at its commit") from exc
        claimed, box_open = claim.fetchone()
    return int(claimed), bool(box_open)


def _drop_if_stuck(db: Any) -> None:
    """Close the connection when a failed pipeline left it in pipeline mode.

    An error the server reports at the pipeline's Sync itself (a constraint checked at
    commit, say) leaves psycopg unable to leave pipeline mode, and every later statement
    on the connection would fail. Closed, it is opened afresh for the next request; the
    server has rolled the implicit transaction back. The open-box tables' own foreign keys
    are checked at each statement (migration ``ballots/0011``), so their violations never
    come to this.
    """
    raw = db.connection
    if raw is not None and raw.pgconn.pipeline_status:
        db.close()


def insert_ballots(rows: list[BallotRow]) -> None:
    """Insert ballots with one multi-row INSERT (the hot path of voting)."""
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(_BALLOT_COLUMNS)) + ")"] * len(rows))
    params: list[Any] = []
    for b in rows:
        params.extend(b)
    with connection.cursor() as cursor:
        cursor.execute(
            # Only fixed column names and %s placeholders are formatted in; values are params.
            f"INSERT INTO ballots_pendingballot ({', '.join(_BALLOT_COLUMNS)}) "  # noqa: S608
            f"VALUES {placeholders}",
            params,
        )


def _insert_receipts(box_id: int, receipts: list[str]) -> None:
    """Insert receipts with one multi-row INSERT and fresh random ids."""
    placeholders = ", ".join(["(%s, %s, %s)"] * len(receipts))
    params: list[Any] = []
    for value in receipts:
        params += [random_id(), box_id, value]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO ballots_pendingreceipt (id, box_id, value) VALUES {placeholders}",  # noqa: S608
            params,
        )


def enter_paper_ballot(
    *,
    actor: User | None,
    box: BallotBox,
    subject: Subject,
    answers: dict[str, str | None],
    comment: str = "",
    valid: bool = True,
    source: str = "typed",
    group: RespondentGroup | None = None,
) -> int:
    """Store one paper sheet (typed or scanned) in an open or closed, unsealed box.

    Same secrecy as online: encrypted to the box's key, random id, no time, no link to
    who typed it (no audit event per ballot), no receipt. Return the ballot's id, which
    the caller may hand back to the typist alone (never store it) so that the typist can
    withdraw a stray entry with :func:`withdraw_paper_ballot` before sealing.
    """
    if source not in (BallotSource.TYPED, BallotSource.SCANNED):
        raise DomainError(_("Unknown ballot source."), code="bad_source")
    with transaction.atomic():
        locked = locked_box(box)
        authorize(actor, "box.paper", locked)
        if locked.state not in (BoxState.OPEN, BoxState.CLOSED):
            raise Conflict(
                _("Paper ballots can only be entered into an open or closed box."),
                code="bad_box_state",
            )
        if subject.conference_id != locked.conference_id:
            raise DomainError(_("Unknown leader on the ballot."), code="unknown_subject")
        if group is not None and group.round_id != locked.conference.round_id:
            raise DomainError(_("The group is not part of this round."), code="bad_group")
        spec = box_spec(locked.pk, opened_at=locked.opened_at)
        try:
            compact = spec.codes.encode(answers)
        except SheetError as exc:
            raise sheet_error(exc, spec.shapes) from exc
        ballot = _stored(
            spec,
            subject_id=subject.pk,
            group_id=group.pk if group else None,
            source=source,
            valid=valid,
            answers=compact,
            comment=clean_comment(comment, spec.comment_limit),
        )
        insert_ballots([ballot])
    return int(ballot.id)


def withdraw_paper_ballot(*, actor: User | None, box: BallotBox, ballot_id: int) -> bool:
    """Take one typed or scanned sheet out of an open or closed, unsealed box.

    The caller names the ballot by the id :func:`enter_paper_ballot` returned (kept only
    in the typist's page, signed); online ballots can never be withdrawn. Return whether
    a ballot was removed. The caller writes the audit event (without the ballot's id).
    """
    with transaction.atomic():
        locked = locked_box(box)
        authorize(actor, "box.paper", locked)
        if locked.state not in (BoxState.OPEN, BoxState.CLOSED):
            raise Conflict(
                _("A sheet can only be taken out of an open or closed box, before sealing."),
                code="bad_box_state",
            )
        deleted, _rows = PendingBallot.objects.filter(
            box=locked,
            pk=ballot_id,
            source__in=(BallotSource.TYPED, BallotSource.SCANNED),
        ).delete()
    return deleted > 0
