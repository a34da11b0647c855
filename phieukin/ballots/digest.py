"""The canonical form of a sealed box and its SHA-256 Merkle digests. Pure: no Django.

This docstring is the specification the independent recount (``tools/recount.py``)
re-implements. Format version 3 (bulletin prefix ``phieukin-seal-v3``); the only format.

Private commitment of a ballot (hex)::

    private_hex = sha256(
        b"\\x03" + nonce + json.dumps(
            [ballot_id, group_key or "", source, NFC(comment)],
            ensure_ascii=False, separators=(",", ":"),
        ).encode("utf-8")
    ).hexdigest()

``nonce`` is 32 random bytes drawn when the box is sealed and kept only in the database
(never published). The respondent group, the source (``online``/``typed``/``scanned``)
and the comment enter the digest only through this commitment: without the nonce nobody
can test a guessed group, source or comment (or an empty comment) against it, while
``verify_box`` (which has the nonce) detects any change to them. ``ballot_id`` (the
ballot's random id, drawn afresh when the box is sealed, never published) makes every
commitment distinct: without it, ballots with the same group, source and comment would
share one value, and the export would sort the ballots into those classes (the two paper
ballots of a box, or one respondent's two sheets, would stand out).

Public ballot line::

    json.dumps(
        [box_id, subject_id, 1 if valid else 0, answers, private_hex],
        ensure_ascii=False, separators=(",", ":"),
    ).encode("utf-8")

``box_id`` and ``subject_id`` are integers and ``answers`` the compact string of
:mod:`phieukin.ballots.sheet`.

Merkle tree: ballot leaf = sha256(b"\\x00" + line); parent = sha256(b"\\x01" + left +
right) (raw 32-byte digests); leaves are sorted by their bytes (so the root says nothing
about insertion order); at each level an odd last node is carried up unchanged; the root
of an empty list is ``sha256(b"").hexdigest()``. The receipts tree is built the same way
with line = the receipt string (UTF-8).

Bulletin digest = sha256 over ``b"phieukin-seal-v3\\n" + ballots_root_hex + "\\n" +
receipts_root_hex + "\\n" + canonical_counts`` where canonical_counts is
``json.dumps(counts, sort_keys=True, separators=(",", ":"))`` (ASCII) of the seal counts.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

FORMAT: Final = "phieukin-seal-v3"
BULLETIN_PREFIX: Final = FORMAT.encode("ascii") + b"\n"
EMPTY_ROOT: Final = hashlib.sha256(b"").hexdigest()
NONCE_BYTES: Final = 32


@dataclass(frozen=True)
class CanonicalBallot:
    """What of a ballot the digests cover (group, source, comment only privately)."""

    box_id: int
    subject_id: int
    group_key: str
    source: str
    valid: bool
    answers: str
    comment: str
    ballot_id: int


def _dumps(record: list[object]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def private_hex(nonce: bytes, ballot: CanonicalBallot) -> str:
    """Return the nonce-keyed commitment to *ballot*'s group, source and comment."""
    private = _dumps(
        [
            ballot.ballot_id,
            ballot.group_key or "",
            ballot.source,
            unicodedata.normalize("NFC", ballot.comment),
        ]
    )
    return hashlib.sha256(b"\x03" + nonce + private).hexdigest()


def canonical_line(ballot: CanonicalBallot, nonce: bytes) -> bytes:
    """Return the public canonical UTF-8 line of one ballot under the seal's *nonce*."""
    return _dumps(
        [
            ballot.box_id,
            ballot.subject_id,
            1 if ballot.valid else 0,
            ballot.answers,
            private_hex(nonce, ballot),
        ]
    )


def leaf(line: bytes) -> bytes:
    """Return the raw Merkle leaf of one canonical line."""
    return hashlib.sha256(b"\x00" + line).digest()


def ballot_leaf_hex(ballot: CanonicalBallot, nonce: bytes) -> str:
    """Return the hex leaf of *ballot* (the ``leaf`` column of the public export)."""
    return leaf(canonical_line(ballot, nonce)).hex()


def root_of_leaves(leaves: Iterable[bytes]) -> str:
    """Return the hex Merkle root over raw 32-byte *leaves* (sorted by their bytes)."""
    level = sorted(leaves)
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        parents = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            parents.append(level[-1])
        level = parents
    return level[0].hex()


def merkle_root(lines: Iterable[bytes]) -> str:
    """Return the hex Merkle root over *lines* (leaf = sha256(0x00 + line))."""
    return root_of_leaves(leaf(line) for line in lines)


def ballots_root(ballots: Iterable[CanonicalBallot], nonce: bytes) -> str:
    """Return the Merkle root of the canonical lines of *ballots* under *nonce*."""
    return merkle_root(canonical_line(b, nonce) for b in ballots)


def receipts_root(receipts: Iterable[str]) -> str:
    """Return the Merkle root of the receipt strings."""
    return merkle_root(r.encode("utf-8") for r in receipts)


def new_nonce() -> bytes:
    """Return a fresh random nonce for the private commitments of a box being sealed."""
    return secrets.token_bytes(NONCE_BYTES)


def canonical_counts(counts: Mapping[str, object]) -> bytes:
    """Return the canonical JSON bytes of the seal counts."""
    return json.dumps(counts, sort_keys=True, separators=(",", ":")).encode("ascii")


def bulletin_digest(
    ballots_root_hex: str, receipts_root_hex: str, counts: Mapping[str, object]
) -> str:
    """Return the box digest recorded in the seal and printed on the minutes."""
    payload = (
        BULLETIN_PREFIX
        + ballots_root_hex.encode("ascii")
        + b"\n"
        + receipts_root_hex.encode("ascii")
        + b"\n"
        + canonical_counts(counts)
    )
    return hashlib.sha256(payload).hexdigest()
