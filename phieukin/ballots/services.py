"""Writes of the secret-ballot core: codes, boxes, ballots, sealing and verification.

Anonymity is enforced here, in one place (DESIGN.md §4): a ballot row holds no code, no
time, no sequence and a random id; the code is marked used and the ballots inserted in
one transaction; receipts live in their own table with no link to any ballot; sealing
re-inserts the box's ballots and receipts in random order with fresh random ids and
then scrubs the old copies (SQLite WAL checkpoint with secure_delete, PostgreSQL VACUUM).
Casting a ballot is never written to the audit chain.
"""

from __future__ import annotations

import hashlib
import logging
import random
import secrets
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from phieukin.accounts.models import Role
from phieukin.accounts.scoping import unit_ids_for
from phieukin.audit.services import record_event
from phieukin.ballots import codes as codes_mod
from phieukin.ballots import digest as digest_mod
from phieukin.ballots.models import Ballot, BallotSource, Code, CodeState, Receipt, Seal
from phieukin.ballots.sheet import ItemShape, SheetError, encode
from phieukin.core.errors import Conflict, DomainError, PermissionDenied
from phieukin.core.ids import random_id
from phieukin.core.numbers import check_count
from phieukin.core.uploads import file_sha256, validate_upload
from phieukin.questionnaires.shapes import item_shapes
from phieukin.rounds.lifecycle import BoxState, RoundState, TransitionError, check_box
from phieukin.rounds.models import BallotBox, RespondentGroup, Subject

if TYPE_CHECKING:
    from phieukin.accounts.models import User

logger = logging.getLogger(__name__)

MAX_CODES_PER_CALL = 5000
BOX_ROLES = (Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER)
COUNTING_ROLES = (Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER, Role.COUNTER)


# --- Data shapes -----------------------------------------------------------------------


@dataclass(frozen=True)
class SheetInput:
    """One sheet of an online ballot: the answers about one leader."""

    subject_id: int
    answers: dict[str, str | None]
    comment: str = ""


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


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of recomputing a sealed box."""

    box_id: int
    ok: bool
    problems: list[str]
    digest: str
    recomputed_digest: str


# --- Helpers ---------------------------------------------------------------------------


def _require(actor: User | None, box: BallotBox, roles: tuple[str, ...]) -> None:
    """Refuse unless *actor* (None = the operator's command line) reaches the box's ward."""
    if actor is None:
        return
    if box.conference.unit_id not in unit_ids_for(actor, roles=list(roles)):
        raise PermissionDenied(_("You may not manage this ballot box."), code="forbidden")


def _locked_box(box: BallotBox | int) -> BallotBox:
    pk = box.pk if isinstance(box, BallotBox) else box
    return (
        BallotBox.objects.select_for_update()
        .select_related("conference", "conference__round", "conference__unit")
        .get(pk=pk)
    )


def _transition(box: BallotBox, action: str) -> BoxState:
    try:
        return check_box(action, box.state)
    except TransitionError as exc:
        raise Conflict(
            _("The ballot box is %(state)s; this step is not possible now.")
            % {"state": box.get_state_display()},
            code="bad_box_state",
        ) from exc


def _code_key() -> bytes:
    return str(settings.CODE_HASH_KEY).encode("utf-8")


def code_digest(code: str) -> str:
    """Return the stored keyed hash of a normalised code."""
    return codes_mod.keyed_digest(code, _code_key())


def normalise_code(text: str) -> str:
    """Return the normalised code or raise a DomainError with a Vietnamese message."""
    try:
        return codes_mod.normalise(text)
    except codes_mod.CodeFormatError as exc:
        raise DomainError(
            _("The code is not valid; please check it again."), code="code_format"
        ) from exc


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


def strip_control_characters(text: str) -> str:
    """Return *text* without control characters other than line breaks and tabs."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def _clean_comment(comment: str, limit: int) -> str:
    text = strip_control_characters(unicodedata.normalize("NFC", comment or "")).strip()
    if len(text) > limit:
        raise DomainError(
            _("The comment is too long (at most %(limit)s characters).") % {"limit": limit},
            code="comment_too_long",
        )
    return text


def _sheet_error(exc: SheetError) -> DomainError:
    if exc.code == "unknown_item":
        return DomainError(
            _("Unknown question: %(item)s.") % {"item": exc.item}, code="unknown_item"
        )
    if exc.code == "unknown_option":
        return DomainError(
            _("Unknown answer %(option)s for question %(item)s.")
            % {"option": exc.option, "item": exc.item},
            code="unknown_option",
        )
    return DomainError(_("The answers do not fit the ballot."), code="bad_answers")


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
    # Raw SQL: this runs for every ballot, and the ORM's query compilation costs more
    # than the query itself.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.box_id, c.group_id, c.state, b.state, b.opened_at "
            "FROM ballots_code c JOIN rounds_ballotbox b ON b.id = c.box_id "
            "WHERE c.digest = %s",
            [code_digest(normalised)],
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
    return normalised, CodeInfo(pk, box_id, group_id, opened_at)


# --- Codes -----------------------------------------------------------------------------


def generate_codes(
    *, actor: User | None, box: BallotBox, count: int, group: RespondentGroup | None = None
) -> list[str]:
    """Create *count* one-time codes for the box and return them (``XXXX-XXXX-XXXX``).

    Only the keyed hashes are stored; the plain codes exist only in the return value
    (printed on slips). Nothing records who will receive which code.
    """
    if count < 1 or count > MAX_CODES_PER_CALL:
        raise DomainError(
            _("Choose between 1 and %(max)s codes.") % {"max": MAX_CODES_PER_CALL},
            code="bad_count",
        )
    with transaction.atomic():
        locked = _locked_box(box)
        _require(actor, locked, BOX_ROLES)
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
            if digest in seen or Code.objects.filter(digest=digest).exists():
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
            data={"count": count, "group": group.key if group else ""},
        )
    return [codes_mod.display(c) for c in plain]


def void_codes(*, actor: User | None, box: BallotBox, codes: list[str]) -> int:
    """Void unused codes of the box (a lost or spoiled slip); return how many were voided."""
    digests = [code_digest(normalise_code(c)) for c in codes]
    with transaction.atomic():
        locked = _locked_box(box)
        _require(actor, locked, BOX_ROLES)
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


# --- Box lifecycle ---------------------------------------------------------------------


def box_counts(box: BallotBox) -> BoxCounts:
    """Return the counts of the box (codes, paper, ballots per leader, receipts, scans)."""
    from phieukin.paper.selectors import evidence_digests  # paper builds on this module

    box = BallotBox.objects.select_related("conference").get(pk=box.pk)
    code_states = dict(
        Code.objects.filter(box=box).values_list("state").annotate(n=Count("id")).order_by()
    )
    ballots = Ballot.objects.filter(box=box)
    by_source = dict(ballots.values_list("source").annotate(n=Count("id")).order_by())
    valid = ballots.filter(valid=True).count()
    total = sum(by_source.values())
    per_subject = {s.pk: 0 for s in Subject.objects.filter(conference=box.conference)}
    for subject_id, n in ballots.values_list("subject_id").annotate(n=Count("id")).order_by():
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
        receipts=Receipt.objects.filter(box=box).count(),
        per_subject=per_subject,
        scans=evidence_digests(box),
    )


def open_box(*, actor: User | None, box: BallotBox) -> BallotBox:
    """Open an empty box and record its zero counts; fix the round's anonymity rules."""
    with transaction.atomic():
        locked = _locked_box(box)
        _require(actor, locked, BOX_ROLES)
        target = _transition(locked, "open")
        rnd = locked.conference.round
        if rnd.state != RoundState.OPEN:
            raise Conflict(_("The round is not open."), code="round_not_open")
        counts = box_counts(locked)
        if counts.ballots_total or counts.receipts or counts.codes_used:
            raise Conflict(_("A box can only be opened empty."), code="box_not_empty")
        now = timezone.now()
        if rnd.rules_locked_at is None:
            rnd.rules_locked_at = now
            rnd.save(update_fields=["rules_locked_at"])
            record_event(
                actor=actor,
                action="round.rules_locked",
                obj=rnd,
                unit=rnd.organiser_unit,
                data={"k": rnd.k_threshold, "k_comments": rnd.k_comments},
            )
        locked.state = target
        locked.opened_at = now
        locked.save(update_fields=["state", "opened_at"])
        record_event(
            actor=actor,
            action="box.open",
            obj=locked,
            unit=locked.conference.unit,
            data={"counts": counts.as_record()},
        )
    return locked


def close_box(*, actor: User | None, box: BallotBox) -> BallotBox:
    """Close the box: no more online ballots; paper entry and counting begin."""
    with transaction.atomic():
        locked = _locked_box(box)
        _require(actor, locked, COUNTING_ROLES)
        box_gate(locked.pk, exclusive=True)
        locked.state = _transition(locked, "close")
        locked.closed_at = timezone.now()
        locked.save(update_fields=["state", "closed_at"])
        record_event(
            actor=actor,
            action="box.close",
            obj=locked,
            unit=locked.conference.unit,
            data={"counts": box_counts(locked).as_record()},
        )
    return locked


def reopen_box(*, actor: User | None, box: BallotBox) -> BallotBox:
    """Reopen a closed (not sealed) box, e.g. when it was closed by mistake."""
    with transaction.atomic():
        locked = _locked_box(box)
        _require(actor, locked, COUNTING_ROLES)
        locked.state = _transition(locked, "reopen")
        locked.save(update_fields=["state"])
        record_event(actor=actor, action="box.reopen", obj=locked, unit=locked.conference.unit)
    return locked


def record_paper_counts(
    *, actor: User | None, box: BallotBox, issued: int | None, returned: int | None
) -> BallotBox:
    """Record how many paper ballots were handed out and returned (None: not known yet).

    Both are non-negative, returned cannot exceed issued, and a sealed box is refused.
    This is the one service for these figures (the box page, the paper pages and the API).
    """
    if (issued is not None and issued < 0) or (returned is not None and returned < 0):
        raise DomainError(_("Counts cannot be negative."), code="bad_count")
    check_count(issued)
    check_count(returned)
    if issued is not None and returned is not None and returned > issued:
        raise DomainError(
            _("More ballots returned (%(returned)s) than issued (%(issued)s).")
            % {"returned": returned, "issued": issued},
            code="returned_above_issued",
        )
    with transaction.atomic():
        locked = _locked_box(box)
        _require(actor, locked, COUNTING_ROLES)
        if locked.state == BoxState.SEALED:
            raise Conflict(_("The ballot box is sealed."), code="box_sealed")
        locked.paper_issued = issued
        locked.paper_returned = returned
        locked.save(update_fields=["paper_issued", "paper_returned"])
        record_event(
            actor=actor,
            action="box.paper_counts",
            obj=locked,
            unit=locked.conference.unit,
            data={"issued": issued, "returned": returned},
        )
    return locked


# --- Ballots ---------------------------------------------------------------------------


_BOX_LOCK_CLASS = 0x706B  # advisory-lock namespace of ballot boxes ("pk")


def box_gate(box_id: int, *, exclusive: bool) -> None:
    """Take the box's transaction-scoped gate on PostgreSQL (no-op on SQLite).

    Casting holds it shared; closing and sealing hold it exclusive, so a ballot that
    passed the "box is open" check is committed before the box closes, and none arrives
    after. Advisory locks live in memory: unlike ``SELECT … FOR SHARE`` on the box row
    they write nothing to the table, so concurrent ballots do not queue on one tuple.
    On SQLite the IMMEDIATE transaction's database write lock already serialises this.
    """
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [_BOX_LOCK_CLASS, box_id])


@dataclass(frozen=True)
class BoxSpec:
    """What validating a ballot needs of a box; fixed once the box is open."""

    box_id: int
    shapes: list[ItemShape]
    subject_ids: frozenset[int]
    comment_limit: int


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
    spec = BoxSpec(
        box_id=box_id,
        shapes=shapes_for(box),
        subject_ids=frozenset(
            Subject.objects.filter(conference_id=box.conference_id).values_list("pk", flat=True)
        ),
        comment_limit=box.conference.round.questionnaire.comment_max_length,
    )
    if opened_at is not None and state != BoxState.PREPARED:
        _SPECS[key] = spec
    return spec


def _ballot_rows(spec: BoxSpec, sheets: list[SheetInput], group_id: int | None) -> list[Ballot]:
    """Return unsaved online ballots for *sheets*, or raise a DomainError naming the problem."""
    shapes = spec.shapes
    subject_ids = spec.subject_ids
    if not sheets:
        raise DomainError(_("The ballot has no sheets."), code="no_sheets")
    seen: set[int] = set()
    rows: list[Ballot] = []
    limit = spec.comment_limit
    item_keys = [s.key for s in shapes]
    for sheet in sheets:
        if sheet.subject_id not in subject_ids:
            raise DomainError(_("Unknown leader on the ballot."), code="unknown_subject")
        if sheet.subject_id in seen:
            raise DomainError(_("A leader appears twice on the ballot."), code="duplicate_subject")
        seen.add(sheet.subject_id)
        try:
            answers = encode(shapes, sheet.answers)
        except SheetError as exc:
            raise _sheet_error(exc) from exc
        missing = [key for key, char in zip(item_keys, answers, strict=True) if char == "-"]
        if missing:
            raise DomainError(
                _("Please answer every question (missing: %(items)s).")
                % {"items": ", ".join(missing)},
                code="missing_answers",
            )
        rows.append(
            Ballot(
                box_id=spec.box_id,
                subject_id=sheet.subject_id,
                group_id=group_id,
                source=BallotSource.ONLINE,
                valid=True,
                answers=answers,
                comment=_clean_comment(sheet.comment, limit),
            )
        )
    if seen != subject_ids:
        raise DomainError(
            _("The ballot must have one sheet for every leader."), code="missing_sheets"
        )
    return rows


def check_sheets(*, box: BallotBox, sheets: list[SheetInput]) -> None:
    """Raise a DomainError when *sheets* would be refused by :func:`cast_ballot` (review step)."""
    _ballot_rows(box_spec(box.pk), sheets, None)


def cast_ballot(*, code: str, sheets: list[SheetInput]) -> list[str]:
    """Record one respondent's sheets (one per leader) and return one receipt per sheet.

    The code is marked used by a conditional UPDATE in the same transaction as the
    inserts; when two submissions race, exactly one succeeds and the others get a
    Conflict (409). Nothing about the code, the time or the order is stored with the
    ballots, and the sheets of one respondent carry no common value.
    """
    _normalised, row = lookup_code(code)
    box_id = row.box_id
    rows = _ballot_rows(box_spec(box_id, opened_at=row.box_opened_at), sheets, row.group_id)
    receipts = [codes_mod.new_receipt() for _sheet in rows]
    random.SystemRandom().shuffle(rows)
    with transaction.atomic():
        box_gate(box_id, exclusive=False)
        # One conditional UPDATE claims the code: ``state = 'unused'`` is a condition on the
        # code row itself, so PostgreSQL re-checks it after a concurrent claim commits (a
        # join or IN-subquery filter would not be re-checked) and SQLite runs it under the
        # IMMEDIATE transaction's write lock. Rowcount 1 or nothing is stored.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE ballots_code SET state = %s WHERE id = %s AND state = %s AND EXISTS "
                "(SELECT 1 FROM rounds_ballotbox WHERE id = %s AND state = %s)",
                [CodeState.USED, row.pk, CodeState.UNUSED, box_id, BoxState.OPEN],
            )
            claimed = cursor.rowcount
        if claimed != 1:
            if BallotBox.objects.filter(pk=box_id, state=BoxState.OPEN).exists():
                raise Conflict(_("This code has already been used."), code="code_used")
            raise Conflict(_("This ballot box is not open."), code="box_not_open")
        _insert_ballots(rows)
        _insert_receipts(box_id, receipts)
    return receipts


_BALLOT_COLUMNS = (
    "id",
    "box_id",
    "subject_id",
    "group_id",
    "source",
    "valid",
    "answers",
    "comment",
)


def _insert_ballots(rows: list[Ballot]) -> None:
    """Insert ballots with one multi-row INSERT (the hot path of voting)."""
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(_BALLOT_COLUMNS)) + ")"] * len(rows))
    params: list[Any] = []
    for b in rows:
        params += [
            b.id,
            b.box_id,
            b.subject_id,
            b.group_id,
            b.source,
            b.valid,
            b.answers,
            b.comment,
        ]
    with connection.cursor() as cursor:
        cursor.execute(
            # Only fixed column names and %s placeholders are formatted in; values are params.
            f"INSERT INTO ballots_ballot ({', '.join(_BALLOT_COLUMNS)}) VALUES {placeholders}",  # noqa: S608
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
            f"INSERT INTO ballots_receipt (id, box_id, value) VALUES {placeholders}",  # noqa: S608
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
) -> None:
    """Store one paper sheet (typed or scanned) in an open or closed, unsealed box.

    Same anonymity as online: random id, no time, no link to who typed it (no audit
    event per ballot), no receipt.
    """
    if source not in (BallotSource.TYPED, BallotSource.SCANNED):
        raise DomainError(_("Unknown ballot source."), code="bad_source")
    with transaction.atomic():
        locked = _locked_box(box)
        _require(actor, locked, COUNTING_ROLES)
        if locked.state not in (BoxState.OPEN, BoxState.CLOSED):
            raise Conflict(
                _("Paper ballots can only be entered into an open or closed box."),
                code="bad_box_state",
            )
        if subject.conference_id != locked.conference_id:
            raise DomainError(_("Unknown leader on the ballot."), code="unknown_subject")
        if group is not None and group.round_id != locked.conference.round_id:
            raise DomainError(_("The group is not part of this round."), code="bad_group")
        try:
            compact = encode(shapes_for(locked), answers)
        except SheetError as exc:
            raise _sheet_error(exc) from exc
        Ballot.objects.create(
            box=locked,
            subject=subject,
            group=group,
            source=source,
            valid=valid,
            answers=compact,
            comment=_clean_comment(
                comment, locked.conference.round.questionnaire.comment_max_length
            ),
        )


# --- Sealing ---------------------------------------------------------------------------


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


def _reinsert_shuffled(box: BallotBox) -> None:
    """Replace the box's ballots and receipts by copies in random order with fresh ids."""
    rng = random.SystemRandom()
    ballots = list(
        Ballot.objects.filter(box=box).values(
            "subject_id", "group_id", "source", "valid", "answers", "comment"
        )
    )
    receipts = list(Receipt.objects.filter(box=box).values_list("value", flat=True))
    Ballot.objects.filter(box=box).delete()
    Receipt.objects.filter(box=box).delete()
    rng.shuffle(ballots)
    rng.shuffle(receipts)
    Ballot.objects.bulk_create(
        [Ballot(id=random_id(), box_id=box.pk, **values) for values in ballots], batch_size=500
    )
    Receipt.objects.bulk_create(
        [Receipt(id=random_id(), box_id=box.pk, value=value) for value in receipts],
        batch_size=500,
    )


# Tables whose deleted rows could show how or in which order people voted.
SCRUBBED_TABLES = (
    "ballots_ballot",
    "ballots_receipt",
    "paper_pendingentry",
    "paper_pendingreading",
    "paper_reviewcrop",
)


def scrub_deleted_copies() -> None:
    """Make deleted ballot copies unrecoverable (outside any transaction).

    SQLite: with secure_delete on, freed cells are zeroed; a TRUNCATE checkpoint copies
    the WAL into the file and empties it, so no old page image survives in the -wal.
    PostgreSQL: VACUUM FULL rewrites the ballot tables and the paper tables whose rows
    are deleted when a sheet enters the box; a plain VACUUM would only mark the dead
    tuples' space as free and leave their bytes (answers, comments, insertion order) in
    the table files.
    """
    if connection.in_atomic_block:
        logger.warning("scrub skipped: inside a transaction")
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for _attempt in range(20):
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = cursor.fetchone()[0]
                if not busy:
                    return
                time.sleep(0.1)
            logger.warning("WAL checkpoint stayed busy; deleted copies may linger until next")
        elif connection.vendor == "postgresql":
            for table in SCRUBBED_TABLES:
                cursor.execute(f"VACUUM FULL {table}")


def seal_box(*, actor: User | None, box: BallotBox, acknowledge_mismatch: bool = False) -> Seal:
    """Seal a closed box: check the reconciliation, shuffle, digest, record the seal.

    When the reconciliation does not hold, sealing needs ``acknowledge_mismatch=True``
    (the committee has read the warning). The counting minutes PDF is generated and
    attached to the seal.
    """
    with transaction.atomic():
        locked = _locked_box(box)
        _require(actor, locked, COUNTING_ROLES)
        box_gate(locked.pk, exclusive=True)
        target = _transition(locked, "seal")
        from phieukin.paper.selectors import paper_work_waiting

        waiting = paper_work_waiting(locked)
        if waiting:
            raise Conflict(
                _(
                    "%(count)s paper sheets are still waiting (second entry, resolution or "
                    "review). Finish or discard them before sealing."
                )
                % {"count": waiting},
                code="paper_work_waiting",
            )
        counts = box_counts(locked)
        problems = counts.mismatches()
        if problems and not acknowledge_mismatch:
            raise Conflict(
                _("The counts do not reconcile: %(problems)s Acknowledge to seal anyway.")
                % {"problems": " ".join(problems)},
                code="reconciliation_mismatch",
            )
        _reinsert_shuffled(locked)
        record = counts.as_record()
        nonce = digest_mod.new_nonce()
        ballots_root = digest_mod.ballots_root(canonical_ballots(locked), nonce)
        receipts_root = digest_mod.receipts_root(
            Receipt.objects.filter(box=locked).values_list("value", flat=True)
        )
        now = timezone.now()
        seal = Seal.objects.create(
            box=locked,
            sealed_at=now,
            sealed_by=actor if actor is not None and actor.pk else None,
            digest=digest_mod.bulletin_digest(ballots_root, receipts_root, record),
            ballots_root=ballots_root,
            receipts_root=receipts_root,
            nonce=nonce.hex(),
            counts=record,
            reconciliation_acknowledged=bool(problems),
        )
        locked.state = target
        locked.sealed_at = now
        locked.save(update_fields=["state", "sealed_at"])
        record_event(
            actor=actor,
            action="box.seal",
            obj=locked,
            unit=locked.conference.unit,
            data={"digest": seal.digest, "mismatch_acknowledged": bool(problems)},
        )
    scrub_deleted_copies()
    return seal


SIGNED_MINUTES_KINDS = ("pdf", "png", "jpeg")
SIGNED_MINUTES_MAX_BYTES = 20 * 1024 * 1024


def attach_signed_minutes(*, actor: User | None, box: BallotBox, upload: Any) -> Seal:
    """Attach a photo or scan (PDF, PNG, JPEG, at most 20 MB) of the signed counting minutes.

    A file attached before is deleted once the new one is committed; the audit event keeps
    the SHA-256 of both.
    """
    validate_upload(upload, kinds=SIGNED_MINUTES_KINDS, max_bytes=SIGNED_MINUTES_MAX_BYTES)
    with transaction.atomic():
        locked = _locked_box(box)
        _require(actor, locked, COUNTING_ROLES)
        seal = Seal.objects.select_for_update().filter(box=locked).first()
        if seal is None:
            raise Conflict(_("The ballot box is not sealed yet."), code="not_sealed")
        old_name = seal.signed_minutes.name if seal.signed_minutes else ""
        old_digest = file_sha256(seal.signed_minutes)
        seal.signed_minutes.save(f"box-{locked.pk}-{secrets.token_hex(4)}", upload, save=True)
        record_event(
            actor=actor,
            action="box.signed_minutes",
            obj=locked,
            unit=locked.conference.unit,
            data={
                "sha256": file_sha256(seal.signed_minutes),
                "replaced_sha256": old_digest,
            },
        )
        if old_name:
            storage = seal.signed_minutes.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return seal


def seal_nonce(seal: Seal) -> bytes | None:
    """Return the seal's secret nonce, or None when the stored value is not a valid one."""
    try:
        nonce = bytes.fromhex(seal.nonce)
    except ValueError:
        return None
    return nonce if len(nonce) == digest_mod.NONCE_BYTES else None


def verify_box(*, box: BallotBox) -> VerifyReport:
    """Recompute a sealed box's ballots and receipts roots, counts and digest.

    The ballots root covers each ballot's group, source and comment through its
    nonce-keyed private commitment, so a change to any of them shows here too.
    """
    box = BallotBox.objects.select_related("conference").get(pk=box.pk)
    seal = Seal.objects.filter(box=box).first()
    if seal is None or box.state != BoxState.SEALED:
        return VerifyReport(
            box.pk, False, [_("The ballot box is not sealed.")], seal.digest if seal else "", ""
        )
    problems: list[str] = []
    nonce = seal_nonce(seal)
    if nonce is None:
        problems.append(_("The seal has no valid nonce: the ballots cannot be checked against it."))
        ballots_root = ""
    else:
        ballots_root = digest_mod.ballots_root(canonical_ballots(box), nonce)
        if ballots_root != seal.ballots_root:
            problems.append(
                _(
                    "The ballots differ from the sealed ballots: a ballot was added or removed, "
                    "or its leader, answers, validity, respondent group, source or comment was "
                    "changed (Merkle root %(now)s, sealed %(then)s)."
                )
                % {"now": ballots_root[:16], "then": seal.ballots_root[:16]}
            )
    receipts_root = digest_mod.receipts_root(
        Receipt.objects.filter(box=box).values_list("value", flat=True)
    )
    if receipts_root != seal.receipts_root:
        problems.append(_("The receipts differ from the sealed receipts."))
    counts = box_counts(box).as_record()
    for key, sealed_value in sorted(seal.counts.items()):
        if counts.get(key) != sealed_value:
            problems.append(
                _("Count %(name)s is %(now)s, sealed %(then)s.")
                % {"name": key, "now": counts.get(key), "then": sealed_value}
            )
    recomputed = digest_mod.bulletin_digest(seal.ballots_root, seal.receipts_root, seal.counts)
    full = digest_mod.bulletin_digest(ballots_root, receipts_root, counts)
    if recomputed != seal.digest:
        problems.append(_("The seal record itself was altered (digest does not match)."))
    problems += _audit_problems(box, seal)
    problems += _evidence_problems(box)
    return VerifyReport(box.pk, not problems, problems, seal.digest, full)


def _evidence_problems(box: BallotBox) -> list[str]:
    """Re-hash every stored scan file of the box and compare with its recorded digest."""
    from phieukin.paper.models import ScanFile

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


def _audit_problems(box: BallotBox, seal: Seal) -> list[str]:
    """Compare the seal with the hash-chained audit log written when it was made.

    Someone with database access could change a ballot, delete the seal and seal the box
    again; the new seal would verify against the changed ballots. The audit chain keeps
    the digest of every sealing, so a second sealing or a different digest shows.
    """
    from phieukin.audit.models import AuditEvent
    from phieukin.audit.services import verify_chain

    problems: list[str] = []
    digests = [
        event.data.get("digest")
        for event in AuditEvent.objects.filter(action="box.seal", object_id=str(box.pk))
        .filter(object_type=box._meta.label_lower)
        .order_by("id")
    ]
    if not digests:
        problems.append(_("The audit log holds no record of this box's sealing."))
    elif len(digests) > 1:
        problems.append(
            _("The audit log shows that this box was sealed %(count)s times.")
            % {"count": len(digests)}
        )
    elif digests[0] != seal.digest:
        problems.append(
            _("The seal's digest differs from the one recorded in the audit log at sealing.")
        )
    chain = verify_chain()
    if not chain.ok:
        problems.append(
            _("The audit log itself is broken (%(problem)s at event %(event)s).")
            % {"problem": chain.problem, "event": chain.event_id or "—"}
        )
    return problems
