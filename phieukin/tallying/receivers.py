"""Where tally snapshots are written: at sealing and at publication, never on a read.

The ballot core and the rounds app ask their hooks (``ballots.hooks.box_sealed``,
``rounds.hooks.round_published``) inside the transaction of ``seal_box`` and
``publish_round``; those services have authorized the actor and written the audit event,
so these receivers only derive the stored tally from the sealed ballots. A failure here
makes the seal or the publication fail, so a sealed box never lacks its snapshot.
"""

from __future__ import annotations

from phieukin.rounds.lifecycle import RoundState
from phieukin.rounds.models import BallotBox, Round
from phieukin.tallying import selectors


def store_sealed_box(box: BallotBox) -> None:
    """Store the tally of the box just sealed, and its round's when the round is counted.

    A round's tally is stored once every box is sealed (what publication will show) or
    when its round is already published (a late box changes the published tally).
    """
    selectors.store_box_snapshot(box)
    rnd = Round.objects.get(pk=box.conference.round_id)
    if rnd.state == RoundState.PUBLISHED.value or selectors.round_is_counted(rnd):
        selectors.store_round_snapshot(rnd)


def store_published_round(rnd: Round) -> None:
    """Store the published round's tally (and any sealed box's that is missing)."""
    selectors.store_round_snapshot(rnd)
