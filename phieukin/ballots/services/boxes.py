"""A box's life before sealing: opening (with its key shares), closing, reopening, paper
counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.ballots import boxkeys
from phieukin.ballots.models import BoxKey
from phieukin.ballots.selectors import box_counts
from phieukin.ballots.services.common import box_gate, locked_box, transition
from phieukin.core.errors import Conflict, DomainError
from phieukin.rounds.lifecycle import BoxState, RoundState
from phieukin.rounds.models import BallotBox

if TYPE_CHECKING:
    from phieukin.accounts.models import User

DEFAULT_THRESHOLD = 2
DEFAULT_MEMBERS = 3


@dataclass(frozen=True)
class BoxOpening:
    """An opened box and its key shares: printed once, never stored by the product.

    ``shares`` holds the typed form of every share; the members' shares come first and,
    when there is one, the organiser's recovery share is the last.
    """

    box: BallotBox
    threshold: int
    members: int
    recovery: bool
    fingerprint: str
    shares: list[str]

    @property
    def member_shares(self) -> list[str]:
        return self.shares[: self.members]

    @property
    def recovery_share(self) -> str | None:
        return self.shares[self.members] if self.recovery else None


def open_box(
    *,
    actor: User | None,
    box: BallotBox,
    threshold: int = DEFAULT_THRESHOLD,
    members: int = DEFAULT_MEMBERS,
    recovery: bool = True,
) -> BoxOpening:
    """Open an empty box: make its key and its shares, fix the round's anonymity rules.

    The box's private key is split into *members* shares of which *threshold* seal the
    box (plus a recovery share for the organiser when *recovery*); only the public key
    and its fingerprint are stored. The shares are returned to be printed and handed out:
    with fewer than *threshold* of them the box can never be sealed.
    """
    if not 1 <= threshold <= members <= boxkeys.MAX_SHARES:
        raise DomainError(
            _("Choose between 1 and %(max)s committee shares, and at most that many to seal.")
            % {"max": boxkeys.MAX_SHARES},
            code="bad_threshold",
        )
    with transaction.atomic():
        locked = locked_box(box)
        authorize(actor, "box.open", locked)
        target = transition(locked, "open")
        rnd = locked.conference.round
        if rnd.state != RoundState.OPEN:
            raise Conflict(_("The round is not open."), code="round_not_open")
        counts = box_counts(locked)
        if counts.ballots_total or counts.receipts or counts.codes_used:
            raise Conflict(_("A box can only be opened empty."), code="box_not_empty")
        if BoxKey.objects.filter(box=locked).exists():
            raise Conflict(_("A box can only be opened empty."), code="box_not_empty")
        material = boxkeys.new_box_key(threshold=threshold, members=members, recovery=recovery)
        BoxKey.objects.create(
            box=locked,
            public_key=material.public_key,
            fingerprint=material.fingerprint,
            threshold=threshold,
            members=members,
            recovery=recovery,
        )
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
            data={
                "counts": counts.as_record(),
                "key": material.fingerprint,
                "threshold": threshold,
                "members": members,
                "recovery": recovery,
            },
        )
    return BoxOpening(
        box=locked,
        threshold=threshold,
        members=members,
        recovery=recovery,
        fingerprint=material.fingerprint,
        shares=[share.typed() for share in material.shares],
    )


def close_box(*, actor: User | None, box: BallotBox) -> BallotBox:
    """Close the box: no more online ballots; paper entry and counting begin."""
    with transaction.atomic():
        locked = locked_box(box)
        authorize(actor, "box.close", locked)
        box_gate(locked.pk, exclusive=True)
        locked.state = transition(locked, "close")
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
        locked = locked_box(box)
        authorize(actor, "box.close", locked)
        locked.state = transition(locked, "reopen")
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
    if issued is not None and returned is not None and returned > issued:
        raise DomainError(
            _("More ballots returned (%(returned)s) than issued (%(issued)s).")
            % {"returned": returned, "issued": issued},
            code="returned_above_issued",
        )
    with transaction.atomic():
        locked = locked_box(box)
        authorize(actor, "box.paper", locked)
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
