"""Sealing: the committee's shares open the box's key in memory; the ballots are
decrypted, checked and moved from the open-box tables (``ballots_pendingballot``,
``ballots_pendingreceipt``, ``ballots_code``) into the sealed history (``ballots_ballot``,
``ballots_receipt``, ``ballots_sealedcode``) in random order with fresh ids, all in one
transaction. The history tables only ever receive such inserts, so nothing in them
follows voting; the open-box tables, which only hold unsealed boxes' rows, are then
rewritten whole, so the deleted copies are gone at a cost that does not grow with the
sealed history.

Sealing never imports the apps built on the ballot core: it asks whether paper work is
still pending through :mod:`phieukin.rounds.hooks`.
"""

from __future__ import annotations

import logging
import random
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.public import PrivateKey

from phieukin.accounts.access import authorize
from phieukin.audit.models import AuditEvent
from phieukin.audit.services import record_event
from phieukin.ballots import boxkeys
from phieukin.ballots import digest as digest_mod
from phieukin.ballots import hooks as ballot_hooks
from phieukin.ballots.digest import CanonicalBallot
from phieukin.ballots.models import BoxKey, Seal
from phieukin.ballots.selectors import box_counts, shapes_for
from phieukin.ballots.services.common import box_gate, locked_box, transition
from phieukin.ballots.sheet import SheetError, decode
from phieukin.core.errors import Conflict, DomainError
from phieukin.core.ids import random_id
from phieukin.core.uploads import file_sha256, validate_upload
from phieukin.rounds import hooks as round_hooks
from phieukin.rounds.models import BallotBox, RespondentGroup

if TYPE_CHECKING:
    from phieukin.accounts.models import User

logger = logging.getLogger(__name__)


def missing_shares(key: BoxKey) -> Sequence[str]:
    """Refuse to seal a box whose shares were not given (there is no other way in)."""
    raise DomainError(
        _(
            "Enter %(threshold)s of the box's key shares to seal it: the key that opens "
            "the ballots exists only on the committee's share slips."
        )
        % {"threshold": key.threshold},
        code="shares_required",
    )


def _share_error(exc: boxkeys.ShareError, key: BoxKey, given: int) -> DomainError:
    position = {"position": exc.position or "?"}
    if exc.reason == "format":
        return DomainError(
            _("Share %(position)s is not a key share; check that it was copied whole.") % position,
            code="share_format",
        )
    if exc.reason == "check":
        return DomainError(
            _("Share %(position)s has a typing mistake (its check symbols do not match).")
            % position,
            code="share_typo",
        )
    if exc.reason == "other_box":
        return DomainError(
            _("Share %(position)s belongs to another ballot box.") % position,
            code="share_other_box",
        )
    if exc.reason == "duplicate":
        return DomainError(
            _("Share %(position)s was entered twice; each share counts once.") % position,
            code="share_duplicate",
        )
    if exc.reason == "too_few":
        return DomainError(
            _(
                "%(given)s different shares were entered; sealing needs %(threshold)s. "
                "With fewer than %(threshold)s shares the box cannot be sealed: ask the "
                "other members for theirs, or use the organiser's recovery share."
            )
            % {"given": given, "threshold": key.threshold},
            code="shares_too_few",
        )
    return DomainError(
        _(
            "The shares do not open this box's key: one of them is wrong. Nothing was "
            "changed; check each share against its slip."
        ),
        code="share_mismatch",
    )


def _opening_fingerprint(box: BallotBox) -> str | None:
    event = (
        AuditEvent.objects.filter(
            action="box.open", object_type=box._meta.label_lower, object_id=str(box.pk)
        )
        .order_by("-id")
        .first()
    )
    return event.data.get("key") if event is not None else None


def recover_key(key: BoxKey, shares: Sequence[str]) -> PrivateKey:
    """Return the box's private key from the typed *shares*, or raise a clear DomainError.

    The stored public key is first compared with the fingerprint written to the audit
    chain when the box opened, so a key swapped behind the product's back is refused.
    """
    public = bytes(key.public_key)
    expected = _opening_fingerprint(key.box)
    if boxkeys.fingerprint(public) != key.fingerprint or (
        expected is not None and expected != key.fingerprint
    ):
        raise Conflict(
            _("The box's public key differs from the one recorded when it was opened."),
            code="key_changed",
        )
    typed = [s for s in shares if s.strip()]
    try:
        return boxkeys.recover_private_key(public, key.threshold, typed)
    except boxkeys.ShareError as exc:
        given = len({s.strip().upper().replace("-", "") for s in typed})
        raise _share_error(exc, key, given) from exc


def _unreadable() -> Conflict:
    return Conflict(
        _(
            "A stored ballot cannot be read with the box's key: it was not written by the "
            "product. The box is not sealed; report this to the district organiser."
        ),
        code="unreadable_ballot",
    )


# A readable ballot between decryption and re-insertion:
# (subject_id, group_id, source, valid, answers, comment).
ReadableBallot = tuple[int, int | None, str, bool, str, str]

_BALLOT_COLUMNS = ("subject_id", "group_id", "source", "valid", "answers", "comment")


def _readable_ballots(
    box: BallotBox, private: PrivateKey | None, sheet_format: int = boxkeys.SHEET_FORMAT_JSON
) -> list[ReadableBallot]:
    """Return every ballot of the box as readable values, decrypted in memory in one batch.

    One statement reads the rows (no model instances); every ciphertext is opened with
    the same key object and checked against the questionnaire, the comment limit and the
    round's groups.
    """
    shapes = shapes_for(box)
    limit = box.conference.round.questionnaire.comment_max_length
    groups = set(
        RespondentGroup.objects.filter(round_id=box.conference.round_id).values_list(
            "pk", flat=True
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(_BALLOT_COLUMNS)}, ciphertext FROM ballots_pendingballot "  # noqa: S608
            "WHERE box_id = %s",
            [box.pk],
        )
        stored = cursor.fetchall()
    ciphertexts = [bytes(row[6]) for row in stored if row[6] is not None]
    opened: list[boxkeys.SheetContent] = []
    if ciphertexts:
        if private is None:
            raise _unreadable()
        try:
            opened = boxkeys.decrypt_sheets(private, ciphertexts)
        except ValueError as exc:
            raise _unreadable() from exc
    contents = iter(opened)
    # A compact box limited its comments in UTF-16 units, the boxes before it in characters.
    length = boxkeys.comment_units if sheet_format == boxkeys.SHEET_FORMAT_COMPACT else len
    out: list[ReadableBallot] = []
    for subject_id, group_id, source, valid, answers, comment, ciphertext in stored:
        if ciphertext is not None:
            content = next(contents)
            answers, group_id, comment = content.answers, content.group_id, content.comment
        try:
            decode(shapes, answers)
        except (SheetError, ValueError) as exc:
            raise _unreadable() from exc
        if length(comment) > limit or (group_id is not None and group_id not in groups):
            raise _unreadable()
        out.append((subject_id, group_id, source, bool(valid), answers, comment))
    return out


def _insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert *rows* with as few statements as the database allows (no model instances).

    SQLite runs one prepared statement over every row; PostgreSQL gets multi-row
    ``INSERT … VALUES`` statements of up to 1,000 rows (one round trip each).
    """
    if not rows:
        return
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(head + one, rows)
            return
        per = min(1000, 65535 // len(columns))
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cursor.execute(
                head + ", ".join([one] * len(chunk)), [value for row in chunk for value in row]
            )


@dataclass(frozen=True)
class Rewritten:
    """What the rewrite of a box put back: ballots with their fresh ids, and receipts."""

    ballots: list[tuple[int, ReadableBallot]]
    receipts: list[str]


def _reinsert_shuffled(box: BallotBox, ballots: list[ReadableBallot]) -> Rewritten:
    """Move the box's ballots, receipts and codes into the sealed history, shuffled.

    The open-box rows are deleted; the history rows get fresh random ids and are inserted
    in random order in this one transaction, so neither their place in the table nor
    (on PostgreSQL) their xmin says anything about the voting order. Rows are moved with
    plain statements (three reads, three deletes and a few multi-row inserts).
    """
    rng = random.SystemRandom()
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM ballots_pendingreceipt WHERE box_id = %s", [box.pk])
        receipts = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT digest, group_id, state FROM ballots_code WHERE box_id = %s",
            [box.pk],
        )
        codes = cursor.fetchall()
        for table in OPEN_BOX_TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE box_id = %s", [box.pk])  # noqa: S608
    rng.shuffle(ballots)
    rng.shuffle(receipts)
    rng.shuffle(codes)
    placed = [(random_id(), values) for values in ballots]
    _insert_rows(
        "ballots_ballot",
        ("id", "box_id", *_BALLOT_COLUMNS),
        [(ballot_id, box.pk, *values) for ballot_id, values in placed],
    )
    _insert_rows(
        "ballots_receipt",
        ("id", "box_id", "value"),
        [(random_id(), box.pk, value) for value in receipts],
    )
    _insert_rows(
        "ballots_sealedcode",
        ("id", "box_id", "digest", "group_id", "state"),
        [(random_id(), box.pk, *values) for values in codes],
    )
    return Rewritten(ballots=placed, receipts=receipts)


def _canonical(box: BallotBox, placed: list[tuple[int, ReadableBallot]]) -> list[CanonicalBallot]:
    """Return the canonical ballots of the rewrite (as :func:`canonical_ballots` reads them)."""
    keys = dict(
        RespondentGroup.objects.filter(round_id=box.conference.round_id).values_list("pk", "key")
    )
    return [
        CanonicalBallot(
            box_id=box.pk,
            subject_id=subject_id,
            group_key=keys.get(group_id, "") if group_id else "",
            source=source,
            valid=valid,
            answers=answers,
            comment=comment,
            ballot_id=ballot_id,
        )
        for ballot_id, (subject_id, group_id, source, valid, answers, comment) in placed
    ]


# The ballot core's open-box tables: they only ever hold the rows of unsealed boxes.
OPEN_BOX_TABLES = ("ballots_pendingballot", "ballots_pendingreceipt", "ballots_code")

# Tables whose deleted rows could show how or in which order people voted: the open-box
# tables and the paper tables whose rows are deleted when a sheet enters the box. All of
# them hold unsealed boxes' rows only, so rewriting them costs what is open, not history.
SCRUBBED_TABLES = (
    *OPEN_BOX_TABLES,
    "paper_pendingentry",
    "paper_pendingreading",
    "paper_reviewcrop",
)


@dataclass(frozen=True)
class ScrubReport:
    """Whether the deleted copies of sealed ballots are gone from the database files.

    ``leftovers`` names what stayed: per PostgreSQL table, the deleted row versions that
    ``VACUUM FULL`` had to copy into the new file because a transaction still running
    could see them (or -1 when the table could not be locked or reported nothing); on
    SQLite ``rewrite`` or ``wal`` when the tables' rewrite or the WAL checkpoint stayed busy;
    ``transaction`` when the scrub was asked for inside a transaction.
    """

    complete: bool
    attempts: int
    leftovers: dict[str, int] = field(default_factory=dict)


def _wait_seconds(given: float | None) -> float:
    if given is not None:
        return given
    return float(getattr(settings, "PHIEUKIN_SCRUB_WAIT_SECONDS", 5))


def _seal_xid() -> str | None:
    """Return the current transaction's id (PostgreSQL xid8 as text), None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text")
        return str(cursor.fetchone()[0])


def _pg_older_transactions(cursor: Any, xid: str) -> int:
    """Return how many transactions could still see rows deleted by transaction *xid*.

    ``VACUUM FULL`` copies a deleted row into the new file while any snapshot may still
    see it: a transaction of this database whose snapshot predates *xid*'s commit, or
    any transaction of the cluster that was running then (it stays in the running list
    of every new snapshot, the vacuum's own included, until it ends).
    """
    cursor.execute(
        "SELECT (pg_snapshot_xmin(pg_current_snapshot()) <= %s::xid8)::int + ("
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL "
        "AND age(backend_xmin) >= age((%s::bigint %% 4294967296)::text::xid))",
        [xid, xid],
    )
    return int(cursor.fetchone()[0])


_DEAD_KEPT = re.compile(r"(\d+)")


def _pg_vacuum_full(cursor: Any, tables: Sequence[str]) -> dict[str, int]:
    """Rewrite *tables* with ``VACUUM (FULL, VERBOSE)``; return the row versions each kept.

    The count comes from the server's own report (``DETAIL: N dead row versions cannot
    be removed yet``); a table whose lock was not granted within the lock timeout, or
    that reported nothing, counts as -1.
    """
    details: list[str] = []

    def notice(diagnostic: Any) -> None:
        if diagnostic.message_detail:
            details.append(diagnostic.message_detail)

    raw = connection.connection
    raw.add_notice_handler(notice)
    kept: dict[str, int] = {}
    try:
        cursor.execute("SET lock_timeout = '5s'")
        for table in tables:
            details.clear()
            try:
                cursor.execute(f"VACUUM (FULL, VERBOSE) {table}")
            except DatabaseError as exc:
                # A lock not granted in time, or a right missing: the seal is committed,
                # so report the scrub as not done rather than fail the seal.
                logger.error("VACUUM FULL of %s failed: %s", table, type(exc).__name__)
                kept[table] = -1
                continue
            counts = [int(m.group(1)) for d in details if (m := _DEAD_KEPT.search(d))]
            if not counts:
                kept[table] = -1
            elif sum(counts):
                kept[table] = sum(counts)
        cursor.execute("RESET lock_timeout")
    finally:
        raw.remove_notice_handler(notice)
    return kept


def _pg_scrub(xid: str | None, deadline: float) -> ScrubReport:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s)",
            [list(SCRUBBED_TABLES)],
        )
        present = {row[0] for row in cursor.fetchall()}
        tables = [t for t in SCRUBBED_TABLES if t in present]
        if xid is None:
            cursor.execute("SELECT pg_current_xact_id()::text")
            xid = str(cursor.fetchone()[0])
        attempts = 0
        pause = 0.05
        while True:
            while _pg_older_transactions(cursor, xid) and time.monotonic() < deadline:
                time.sleep(pause)
                pause = min(pause * 2, 1.0)
            attempts += 1
            kept = _pg_vacuum_full(cursor, tables)
            if not kept:
                return ScrubReport(True, attempts)
            if time.monotonic() >= deadline:
                return ScrubReport(False, attempts, kept)
            tables = list(kept)  # the others are clean already
            time.sleep(pause)


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    present = {row[0] for row in cursor.fetchall()}
    return [t for t in SCRUBBED_TABLES if t in present]


def _sqlite_rewrite(tables: Sequence[str]) -> None:
    """Rewrite *tables* whole in one write transaction: read every row, empty the table,
    put the rows back in random order.

    Deleting rows zeroes their cells (``secure_delete``), but it is not enough: when a
    B-tree page splits or merges, SQLite rebuilds the pages involved and leaves the old
    bytes of the cells it moved in the slack between the cell pointers and the cell
    content. A receipt's index entry, say, moved during voting, keeps a copy there after
    the row itself is deleted (``ballots/tests/test_anonymity.py`` found such a pre-seal
    id in the receipts' unique index about once in a dozen runs).

    Foreign keys are off for the rewrite, so ``DELETE FROM`` without a condition takes
    SQLite's truncate path: every page of the table and of its indexes is freed and, with
    ``secure_delete``, zeroed, the roots included. The rows of the boxes still open go
    back with the same values (foreign keys hold: nothing else changes) into clean pages.
    The cost is that of the open boxes' rows, never of the sealed history.
    """
    rng = random.SystemRandom()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        enforced = bool(cursor.fetchone()[0])
        cursor.execute("PRAGMA foreign_keys = OFF")  # takes effect outside a transaction only
        cursor.execute("PRAGMA foreign_keys")
        if cursor.fetchone()[0]:
            # Still on (a transaction was open): the deletes would go row by row and
            # leave the roots' slack, so the scrub must not claim to be complete.
            raise OperationalError("foreign keys could not be turned off for the rewrite")
        try:
            with transaction.atomic():
                for table in tables:
                    cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
                    columns = [connection.ops.quote_name(d[0]) for d in cursor.description]
                    rows = cursor.fetchall()
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608
                    rng.shuffle(rows)
                    _insert_rows(table, columns, rows)
        finally:
            cursor.execute(f"PRAGMA foreign_keys = {'ON' if enforced else 'OFF'}")


def _sqlite_scrub(deadline: float) -> ScrubReport:
    """Rewrite the scrubbed tables whole (:func:`_sqlite_rewrite`), then empty the WAL
    into the file (``wal_checkpoint(TRUNCATE)``); each is retried while another connection
    keeps it busy.

    The WAL holds the pages as they were before the seal and the rewrite until the
    checkpoint has copied the new ones into the file and truncated it.
    """
    leftovers: dict[str, int] = {}
    attempts = 0
    with connection.cursor() as cursor:
        tables = _sqlite_tables(cursor)
        # A write or checkpoint blocked by another connection waits in SQLite's busy
        # handler for the connection's whole busy timeout (30 s), not for the scrub's
        # deadline: each attempt may wait only for what is left of it.
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout = int(cursor.fetchone()[0])

        def rewrite() -> bool:
            try:
                _sqlite_rewrite(tables)
            except OperationalError:
                return False
            return True

        def checkpoint() -> bool:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return not cursor.fetchone()[0]

        try:
            for name, step in (("rewrite", rewrite), ("wal", checkpoint)):
                while True:
                    attempts += 1
                    left_ms = max(0, int((deadline - time.monotonic()) * 1000))
                    cursor.execute(f"PRAGMA busy_timeout = {left_ms}")
                    if step():
                        break
                    if time.monotonic() >= deadline:
                        leftovers[name] = 1
                        break
                    time.sleep(0.1)
                if leftovers:
                    break
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {busy_timeout}")
    return ScrubReport(not leftovers, attempts, leftovers)


def scrub_deleted_copies(
    *, after_xid: str | None = None, wait_seconds: float | None = None
) -> ScrubReport:
    """Make deleted ballot copies unrecoverable (outside any transaction) and say whether
    that worked.

    Only the tables that hold unsealed boxes' rows (:data:`SCRUBBED_TABLES`) are touched;
    the sealed history is never rewritten, so the cost follows what is open now.

    SQLite: with secure_delete on, the seal's deletes have zeroed the cells and pages they
    freed, but page splits and merges leave copies of moved cells in the pages' slack, so
    the tables are rewritten whole (:func:`_sqlite_rewrite`); then a TRUNCATE checkpoint
    copies the WAL into the file and empties it, so no old page image survives in the
    -wal. Both are retried while another connection keeps them busy.

    PostgreSQL: ``VACUUM FULL`` rewrites the open-box tables and the paper tables whose
    rows are deleted when a sheet enters the box; a plain VACUUM would only
    mark the dead tuples' space as free and leave their bytes in the table files. But
    ``VACUUM FULL`` also copies every deleted row that a running transaction may still
    see — another session idle in a transaction, a ``pg_dump``, a transaction of another
    database on the same server — so it first waits until every transaction older than
    the seal (*after_xid*) has ended, then checks the server's own count of the row
    versions it kept, and rewrites again until none is kept.

    Gives up after *wait_seconds* (``PHIEUKIN_SCRUB_WAIT_SECONDS``, 5 by default, so a
    seal never hangs on a long transaction elsewhere) and returns an incomplete report;
    :func:`scrub_sealed_boxes` (``manage.py scrub_boxes``) finishes the work later.
    """
    if connection.in_atomic_block:
        logger.warning("scrub skipped: inside a transaction")
        return ScrubReport(False, 0, {"transaction": 1})
    deadline = time.monotonic() + _wait_seconds(wait_seconds)
    if connection.vendor == "postgresql":
        report = _pg_scrub(after_xid, deadline)
    elif connection.vendor == "sqlite":
        report = _sqlite_scrub(deadline)
    else:
        report = ScrubReport(False, 0, {"unsupported": 1})
    if not report.complete:
        logger.error(
            "deleted ballot copies could not be scrubbed yet: %s",
            ", ".join(f"{name}={n}" for name, n in sorted(report.leftovers.items())),
        )
    return report


def seal_box(
    *,
    actor: User | None,
    box: BallotBox,
    shares: Sequence[str] | None = None,
    acknowledge_mismatch: bool = False,
) -> Seal:
    """Seal a closed box with *shares* (at least t of the committee's key shares).

    The key is rebuilt in memory only, the ballots decrypted and checked, then re-inserted
    readable in random order with fresh ids; receipts and codes are rewritten in random
    order into the sealed history; the box's rows in the open-box tables (ciphertexts,
    receipts, codes) are deleted and scrubbed after commit, and the key is dropped.
    When the reconciliation does not hold, sealing needs ``acknowledge_mismatch=True``
    (the committee has read the warning). Wrong or too few shares change nothing.
    """
    with transaction.atomic():
        locked = locked_box(box)
        authorize(actor, "box.seal", locked)
        box_gate(locked.pk, exclusive=True)
        target = transition(locked, "seal")
        waiting = round_hooks.work_waiting(locked)
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
        key = BoxKey.objects.filter(box=locked).select_related("box").first()
        private: PrivateKey | None = None
        if key is not None:
            private = recover_key(key, missing_shares(key) if shares is None else shares)
        ballots = _readable_ballots(
            locked, private, key.sheet_format if key is not None else boxkeys.SHEET_FORMAT_JSON
        )
        del private
        rewritten = _reinsert_shuffled(locked, ballots)
        del ballots
        record = counts.as_record()
        nonce = digest_mod.new_nonce()
        ballots_root = digest_mod.ballots_root(_canonical(locked, rewritten.ballots), nonce)
        receipts_root = digest_mod.receipts_root(rewritten.receipts)
        del rewritten
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
        # What the apps above derive from the sealed ballots (the tally snapshot) is
        # stored with the seal, in this transaction, or not at all.
        ballot_hooks.box_sealed.ask(locked)
        xid = _seal_xid()
    report = scrub_deleted_copies(after_xid=xid)
    if report.complete:
        _mark_scrubbed(since=now)
        seal.refresh_from_db(fields=["scrubbed_at"])
    return seal


def _mark_scrubbed(*, since: Any) -> int:
    """Record that every seal made up to *since* has had its deleted copies scrubbed.

    A complete scrub rewrites the whole open-box tables, so it also finishes the scrub of
    any earlier seal that could not complete then.
    """
    return Seal.objects.filter(scrubbed_at__isnull=True, sealed_at__lte=since).update(
        scrubbed_at=timezone.now()
    )


def scrub_sealed_boxes(*, actor: User | None, wait_seconds: float | None = None) -> ScrubReport:
    """Scrub the deleted copies of every sealed box whose scrub did not complete.

    Run by ``manage.py scrub_boxes`` (and by every later seal, which scrubs the same
    tables): when the scrub completes, the seals made before it are marked scrubbed and
    the event is audited.
    """
    authorize(actor, "box.scrub", None)
    started = timezone.now()
    pending = list(Seal.objects.filter(scrubbed_at__isnull=True).values_list("box_id", flat=True))
    report = scrub_deleted_copies(wait_seconds=wait_seconds)
    if report.complete and pending:
        with transaction.atomic():
            _mark_scrubbed(since=started)
            record_event(
                actor=actor,
                action="box.scrub",
                obj=None,
                unit=None,
                data={"boxes": sorted(pending), "attempts": report.attempts},
            )
    return report


SIGNED_MINUTES_KINDS = ("pdf", "png", "jpeg")
SIGNED_MINUTES_MAX_BYTES = 20 * 1024 * 1024


def attach_signed_minutes(*, actor: User | None, box: BallotBox, upload: Any) -> Seal:
    """Attach a photo or scan (PDF, PNG, JPEG, at most 20 MB) of the signed counting minutes.

    A file attached before is deleted once the new one is committed; the audit event keeps
    the SHA-256 of both.
    """
    validate_upload(upload, kinds=SIGNED_MINUTES_KINDS, max_bytes=SIGNED_MINUTES_MAX_BYTES)
    with transaction.atomic():
        locked = locked_box(box)
        authorize(actor, "box.seal", locked)
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
            data={"sha256": file_sha256(seal.signed_minutes), "replaced_sha256": old_digest},
        )
        if old_name:
            storage = seal.signed_minutes.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return seal
