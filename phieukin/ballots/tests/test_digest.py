"""The pure digest module: canonical lines and Merkle roots."""

from __future__ import annotations

import hashlib
import unicodedata

from phieukin.ballots.digest import (
    EMPTY_ROOT,
    CanonicalBallot,
    ballots_root,
    bulletin_digest,
    canonical_line,
    merkle_root,
)


def _ballot(answers: str = "0123", comment: str = "") -> CanonicalBallot:
    return CanonicalBallot(7, 11, "", "online", True, answers, comment)


def test_the_canonical_line_has_the_documented_form() -> None:
    line = canonical_line(_ballot(comment="Tốt"))
    expected_comment = hashlib.sha256("Tốt".encode()).hexdigest()
    assert line == f'[7,11,"","online",1,"0123","{expected_comment}"]'.encode()


def test_the_comment_digest_ignores_unicode_normal_form() -> None:
    nfd = unicodedata.normalize("NFD", "Chủ tịch")
    assert canonical_line(_ballot(comment=nfd)) == canonical_line(_ballot(comment="Chủ tịch"))


def test_the_empty_root_is_the_hash_of_nothing() -> None:
    assert merkle_root([]) == EMPTY_ROOT == hashlib.sha256(b"").hexdigest()


def test_one_leaf_root_is_the_leaf_hash() -> None:
    assert merkle_root([b"x"]) == hashlib.sha256(b"\x00x").hexdigest()


def test_three_leaves_carry_the_odd_one_up() -> None:
    leaves = sorted(hashlib.sha256(b"\x00" + x).digest() for x in (b"a", b"b", b"c"))
    left = hashlib.sha256(b"\x01" + leaves[0] + leaves[1]).digest()
    root = hashlib.sha256(b"\x01" + left + leaves[2]).hexdigest()
    assert merkle_root([b"c", b"a", b"b"]) == root


def test_the_root_does_not_depend_on_order_but_on_content() -> None:
    ballots = [_ballot(str(i) * 4) for i in range(9)]
    assert ballots_root(ballots) == ballots_root(list(reversed(ballots)))
    changed = [*ballots[:-1], _ballot("9990")]
    assert ballots_root(changed) != ballots_root(ballots)


def test_the_bulletin_digest_covers_the_counts() -> None:
    assert bulletin_digest("a", "b", {"x": 1}) != bulletin_digest("a", "b", {"x": 2})
