"""Helpers of the paper tests."""

from __future__ import annotations

from django.test import Client

from phieukin.accounts.models import User
from phieukin.ballots import boxkeys
from phieukin.ballots.boxkeys import SheetContent
from phieukin.ballots.models import BoxKey, PendingBallot
from phieukin.ballots.services import sealing
from phieukin.testing.boxes import kept_shares


def login(user: User) -> Client:
    """Return a test client signed in as *user*."""
    client = Client()
    client.force_login(user)
    return client


def keys_of(n: int, pattern: str = "1") -> str:
    """Return *n* digits repeating *pattern*."""
    return (pattern * n)[:n]


def content_of(ballot: PendingBallot) -> SheetContent:
    """Return the readable content of a ballot of a box still open (encrypted to its key).

    The committee's shares are the ones the autouse ``phieukin.testing.boxes`` fixture
    kept when the box opened; the key is rebuilt in memory only, as sealing does.
    """
    if ballot.ciphertext is None:
        return SheetContent(
            answers=ballot.answers, group_id=ballot.group_id, comment=ballot.comment
        )
    key = BoxKey.objects.get(box_id=ballot.box_id)
    private = sealing.recover_key(key, kept_shares(ballot.box_id))
    return boxkeys.decrypt_sheet(private, bytes(ballot.ciphertext))
