"""The canonical form of a sealed box and its SHA-256 Merkle digests. Pure: no Django.

Canonical ballot line (the independent recount script relies on exactly this)::

    json.dumps(
        [box_id, subject_id, group_key or "", source, 1 if valid else 0, answers,
         sha256_hex(NFC(comment))],
        ensure_ascii=False, separators=(",", ":"),
    ).encode("utf-8")

``box_id`` and ``subject_id`` are integers, ``group_key`` the respondent group's key (or
``""``), ``source`` one of ``online``/``typed``/``scanned``, ``answers`` the compact
string of :mod:`phieukin.ballots.sheet`, and the comment enters only as the hex SHA-256
of its UTF-8 NFC form.

Merkle tree: leaf = sha256(b"\\x00" + line); parent = sha256(b"\\x01" + left + right)
(raw 32-byte digests); leaves are sorted by their bytes (so the root says nothing about
insertion order); at each level an odd last node is carried up unchanged; the root of an
empty list is ``sha256(b"").hexdigest()``. The receipts tree is built the same way with
line = the receipt string (UTF-8).

Bulletin digest = sha256 over ``BULLETIN_PREFIX + ballots_root_hex + "\\n" +
receipts_root_hex + "\\n" + canonical_counts`` where canonical_counts is
``json.dumps(counts, sort_keys=True, separators=(",", ":"))`` (ASCII) of the seal counts.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

BULLETIN_PREFIX: Final = b"phieukin-seal-v1\n"
EMPTY_ROOT: Final = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class CanonicalBallot:
    """What of a ballot the digest covers."""

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
    """Return the canonical UTF-8 line of one ballot (see the module docstring)."""
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


def merkle_root(lines: Iterable[bytes]) -> str:
    """Return the hex Merkle root over *lines* (leaves sorted by their bytes)."""
    level = sorted(hashlib.sha256(b"\x00" + line).digest() for line in lines)
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


def ballots_root(ballots: Iterable[CanonicalBallot]) -> str:
    """Return the Merkle root of the canonical lines of *ballots*."""
    return merkle_root(canonical_line(b) for b in ballots)


def receipts_root(receipts: Iterable[str]) -> str:
    """Return the Merkle root of the receipt strings."""
    return merkle_root(r.encode("utf-8") for r in receipts)


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
