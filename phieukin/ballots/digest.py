"""The canonical form of a sealed box and its SHA-256 Merkle digests. Pure: no Django.

This docstring is the specification the independent recount (``tools/recount.py``)
re-implements. Format version 2 (bulletin prefix ``phieukin-seal-v2``).

Canonical ballot line (v2)::

    json.dumps(
        [box_id, subject_id, source, 1 if valid else 0, answers, sha256_hex(NFC(comment))],
        ensure_ascii=False, separators=(",", ":"),
    ).encode("utf-8")

``box_id`` and ``subject_id`` are integers, ``source`` one of ``online``/``typed``/
``scanned``, ``answers`` the compact string of :mod:`phieukin.ballots.sheet`, and the
comment enters only as the hex SHA-256 of its UTF-8 NFC form. The respondent group is
deliberately *not* in the line: the public export may withhold a ballot's group (a
group of fewer than k respondents), and a public hash over the group would let anyone
try the few group keys.

Merkle tree: ballot leaf = sha256(b"\\x00" + line); parent = sha256(b"\\x01" + left +
right) (raw 32-byte digests); leaves are sorted by their bytes (so the root says nothing
about insertion order); at each level an odd last node is carried up unchanged; the root
of an empty list is ``sha256(b"").hexdigest()``. The receipts tree is built the same way
with line = the receipt string (UTF-8).

Groups tree: the same tree rules over the leaves
``sha256(b"\\x02" + nonce + line + b"\\n" + group_key_utf8)`` (``group_key`` is ``""``
for a ballot without a group), where ``nonce`` is 32 random bytes drawn when the box is
sealed and kept only in the database. The groups root is published as an opaque hash;
without the nonce nobody can test a guessed group assignment against it, while
``verify_box`` (which has the nonce) detects any changed group.

Version 1 (``phieukin-seal-v1``, seals made before the groups tree; recognised by an
empty groups nonce) had the group key as the third element of the line and no groups
root in the digest; :func:`canonical_line_v1` and :func:`bulletin_digest_v1` keep
``verify_box`` able to check those seals.

Bulletin digest (v2) = sha256 over ``b"phieukin-seal-v2\\n" + ballots_root_hex + "\\n" +
receipts_root_hex + "\\n" + groups_root_hex + "\\n" + canonical_counts`` where
canonical_counts is ``json.dumps(counts, sort_keys=True, separators=(",", ":"))`` (ASCII)
of the seal counts.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

FORMAT: Final = "phieukin-seal-v2"
FORMAT_V1: Final = "phieukin-seal-v1"
BULLETIN_PREFIX: Final = FORMAT.encode("ascii") + b"\n"
EMPTY_ROOT: Final = hashlib.sha256(b"").hexdigest()
NONCE_BYTES: Final = 32


@dataclass(frozen=True)
class CanonicalBallot:
    """What of a ballot the digests cover (the group only through the groups tree)."""

    box_id: int
    subject_id: int
    group_key: str
    source: str
    valid: bool
    answers: str
    comment: str


def comment_sha256(comment: str) -> str:
    """Return the hex SHA-256 of the NFC form of *comment*."""
    return hashlib.sha256(unicodedata.normalize("NFC", comment).encode("utf-8")).hexdigest()


def canonical_line(ballot: CanonicalBallot) -> bytes:
    """Return the canonical UTF-8 line (v2, without the group) of one ballot."""
    record = [
        ballot.box_id,
        ballot.subject_id,
        ballot.source,
        1 if ballot.valid else 0,
        ballot.answers,
        comment_sha256(ballot.comment),
    ]
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def leaf(line: bytes) -> bytes:
    """Return the raw Merkle leaf of one canonical line."""
    return hashlib.sha256(b"\x00" + line).digest()


def ballot_leaf_hex(ballot: CanonicalBallot) -> str:
    """Return the hex leaf of *ballot* (the ``leaf`` column of the public export)."""
    return leaf(canonical_line(ballot)).hex()


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


def ballots_root(ballots: Iterable[CanonicalBallot]) -> str:
    """Return the Merkle root of the canonical lines of *ballots*."""
    return merkle_root(canonical_line(b) for b in ballots)


def receipts_root(receipts: Iterable[str]) -> str:
    """Return the Merkle root of the receipt strings."""
    return merkle_root(r.encode("utf-8") for r in receipts)


def new_groups_nonce() -> bytes:
    """Return a fresh random nonce for the groups tree of a box being sealed."""
    return secrets.token_bytes(NONCE_BYTES)


def group_leaf(nonce: bytes, ballot: CanonicalBallot) -> bytes:
    """Return the raw groups-tree leaf binding *ballot*'s line to its group key."""
    return hashlib.sha256(
        b"\x02" + nonce + canonical_line(ballot) + b"\n" + (ballot.group_key or "").encode("utf-8")
    ).digest()


def groups_root(ballots: Iterable[CanonicalBallot], nonce: bytes) -> str:
    """Return the Merkle root of the groups tree of *ballots* under *nonce*."""
    return root_of_leaves(group_leaf(nonce, b) for b in ballots)


def canonical_counts(counts: Mapping[str, object]) -> bytes:
    """Return the canonical JSON bytes of the seal counts."""
    return json.dumps(counts, sort_keys=True, separators=(",", ":")).encode("ascii")


def bulletin_digest(
    ballots_root_hex: str,
    receipts_root_hex: str,
    groups_root_hex: str,
    counts: Mapping[str, object],
) -> str:
    """Return the box digest (v2) recorded in the seal and printed on the minutes."""
    payload = (
        BULLETIN_PREFIX
        + ballots_root_hex.encode("ascii")
        + b"\n"
        + receipts_root_hex.encode("ascii")
        + b"\n"
        + groups_root_hex.encode("ascii")
        + b"\n"
        + canonical_counts(counts)
    )
    return hashlib.sha256(payload).hexdigest()


def canonical_line_v1(ballot: CanonicalBallot) -> bytes:
    """Return the version 1 line (with the group key), for seals made before v2."""
    record = [
        ballot.box_id,
        ballot.subject_id,
        ballot.group_key or "",
        ballot.source,
        1 if ballot.valid else 0,
        ballot.answers,
        comment_sha256(ballot.comment),
    ]
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def ballots_root_v1(ballots: Iterable[CanonicalBallot]) -> str:
    """Return the version 1 Merkle root of *ballots* (lines with the group key)."""
    return merkle_root(canonical_line_v1(b) for b in ballots)


def bulletin_digest_v1(
    ballots_root_hex: str, receipts_root_hex: str, counts: Mapping[str, object]
) -> str:
    """Return the version 1 box digest (no groups root), for seals made before v2."""
    payload = (
        FORMAT_V1.encode("ascii")
        + b"\n"
        + ballots_root_hex.encode("ascii")
        + b"\n"
        + receipts_root_hex.encode("ascii")
        + b"\n"
        + canonical_counts(counts)
    )
    return hashlib.sha256(payload).hexdigest()
