"""Sealing: the committee's shares open the box's key in memory; the ballots are
decrypted, checked and re-inserted in random order with fresh ids; every trace of the
voting order (ciphertexts, receipts' and codes' physical order) is rewritten and scrubbed.

Sealing never imports the apps built on the ballot core: it asks whether paper work is
still pending through :mod:`phieukin.rounds.hooks`.
"""

from __future__ import annotations

import logging
import random
import secrets
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.public import PrivateKey

from phieukin.accounts.access import authorize
from phieukin.audit.models import AuditEvent
from phieukin.audit.services import record_event
from phieukin.ballots import boxkeys
from phieukin.ballots import digest as digest_mod
from phieukin.ballots import hooks as ballot_hooks
from phieukin.ballots.models import Ballot, BoxKey, Code, Receipt, Seal
from phieukin.ballots.selectors import box_counts, canonical_ballots, shapes_for
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


def _readable_ballots(box: BallotBox, private: PrivateKey | None) -> list[dict[str, Any]]:
    """Return every ballot of the box as readable values (decrypted in memory)."""
    shapes = shapes_for(box)
    limit = box.conference.round.questionnaire.comment_max_length
    groups = set(
        RespondentGroup.objects.filter(round_id=box.conference.round_id).values_list(
            "pk", flat=True
        )
    )
    out: list[dict[str, Any]] = []
    for stored in Ballot.objects.filter(box=box).values(
        "subject_id", "group_id", "source", "valid", "answers", "comment", "ciphertext"
    ):
        row: dict[str, Any] = dict(stored)
        ciphertext = row.pop("ciphertext")
        if ciphertext is not None:
            if private is None:
                raise _unreadable()
            try:
                content = boxkeys.decrypt_sheet(private, bytes(ciphertext))
            except ValueError as exc:
                raise _unreadable() from exc
            row["answers"] = content.answers
            row["group_id"] = content.group_id
            row["comment"] = content.comment
        try:
            decode(shapes, row["answers"])
        except (SheetError, ValueError) as exc:
            raise _unreadable() from exc
        if len(row["comment"]) > limit or (
            row["group_id"] is not None and row["group_id"] not in groups
        ):
            raise _unreadable()
        out.append(row)
    return out


def _reinsert_shuffled(box: BallotBox, ballots: list[dict[str, Any]]) -> None:
    """Replace the box's ballots, receipts and codes by copies in random order, fresh ids.

    The code rows are rewritten too: a used code's position (and on PostgreSQL its xmin)
    would otherwise still tell when it was used.
    """
    rng = random.SystemRandom()
    receipts = list(Receipt.objects.filter(box=box).values_list("value", flat=True))
    codes = list(Code.objects.filter(box=box).values("digest", "group_id", "state"))
    Ballot.objects.filter(box=box).delete()
    Receipt.objects.filter(box=box).delete()
    Code.objects.filter(box=box).delete()
    rng.shuffle(ballots)
    rng.shuffle(receipts)
    rng.shuffle(codes)
    Ballot.objects.bulk_create(
        [Ballot(id=random_id(), box_id=box.pk, **values) for values in ballots], batch_size=500
    )
    Receipt.objects.bulk_create(
        [Receipt(id=random_id(), box_id=box.pk, value=value) for value in receipts],
        batch_size=500,
    )
    Code.objects.bulk_create(
        [Code(id=random_id(), box_id=box.pk, **values) for values in codes], batch_size=500
    )


# Tables whose deleted rows could show how or in which order people voted.
SCRUBBED_TABLES = (
    "ballots_ballot",
    "ballots_receipt",
    "ballots_code",
    "paper_pendingentry",
    "paper_pendingreading",
    "paper_reviewcrop",
)


def scrub_deleted_copies() -> None:
    """Make deleted ballot copies unrecoverable (outside any transaction).

    SQLite: with secure_delete on, freed cells are zeroed; ``VACUUM`` rebuilds the file
    so no index page keeps a pre-seal id in its slack, and a TRUNCATE checkpoint copies
    the WAL into the file and empties it, so no old page image survives in the -wal.
    PostgreSQL: ``VACUUM FULL`` rewrites the ballot, receipt and code tables and the paper
    tables whose rows are deleted when a sheet enters the box; a plain VACUUM would only
    mark the dead tuples' space as free and leave their bytes in the table files.
    """
    if connection.in_atomic_block:
        logger.warning("scrub skipped: inside a transaction")
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for _attempt in range(20):
                try:
                    cursor.execute("VACUUM")
                except OperationalError:
                    time.sleep(0.1)
                    continue
                break
            else:
                logger.warning("VACUUM stayed busy; freed pages are zeroed but not removed")
            for _attempt in range(20):
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = cursor.fetchone()[0]
                if not busy:
                    return
                time.sleep(0.1)
            logger.warning("WAL checkpoint stayed busy; deleted copies may linger until next")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename = ANY(%s)",
                [list(SCRUBBED_TABLES)],
            )
            present = {row[0] for row in cursor.fetchall()}
            for table in SCRUBBED_TABLES:
                if table in present:
                    cursor.execute(f"VACUUM FULL {table}")


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
    order; the ciphertexts are deleted and scrubbed after commit, and the key is dropped.
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
        ballots = _readable_ballots(locked, private)
        del private
        _reinsert_shuffled(locked, ballots)
        del ballots
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
        # What the apps above derive from the sealed ballots (the tally snapshot) is
        # stored with the seal, in this transaction, or not at all.
        ballot_hooks.box_sealed.ask(locked)
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
