"""The pure digest module: canonical lines and Merkle roots."""

from __future__ import annotations

import hashlib
import unicodedata

from phieukin.ballots.digest import (
    EMPTY_ROOT,
    CanonicalBallot,
    ballot_leaf_hex,
    ballots_root,
    bulletin_digest,
    canonical_line,
    groups_root,
    merkle_root,
)


def _ballot(answers: str = "0123", comment: str = "", group: str = "") -> CanonicalBallot:
    return CanonicalBallot(7, 11, group, "online", True, answers, comment)


def test_the_canonical_line_has_the_documented_form_without_the_group() -> None:
    line = canonical_line(_ballot(comment="Tốt", group="chi_bo"))
    expected_comment = hashlib.sha256("Tốt".encode()).hexdigest()
    assert line == f'[7,11,"online",1,"0123","{expected_comment}"]'.encode()


def test_the_leaf_is_the_hash_of_the_marked_line() -> None:
    ballot = _ballot(comment="Tốt")
    expected = hashlib.sha256(b"\x00" + canonical_line(ballot)).hexdigest()
    assert ballot_leaf_hex(ballot) == expected


def test_the_groups_root_has_the_documented_form() -> None:
    nonce = bytes(range(32))
    ballot = _ballot(group="đảng_viên")
    leaf = hashlib.sha256(
        b"\x02" + nonce + canonical_line(ballot) + b"\n" + "đảng_viên".encode()
    ).hexdigest()
    assert groups_root([ballot], nonce) == leaf


def test_the_groups_root_changes_with_a_group_and_with_the_nonce() -> None:
    nonce = bytes(32)
    ballots = [_ballot(group="a"), _ballot("1111", group="b")]
    moved = [_ballot(group="b"), _ballot("1111", group="b")]
    assert groups_root(ballots, nonce) != groups_root(moved, nonce)
    assert groups_root(ballots, nonce) != groups_root(ballots, b"\x01" * 32)
    # The ballots root does not see the group at all.
    assert ballots_root(ballots) == ballots_root(moved)


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


def test_the_bulletin_digest_covers_the_counts_and_the_groups_root() -> None:
    assert bulletin_digest("a", "b", "c", {"x": 1}) != bulletin_digest("a", "b", "c", {"x": 2})
    assert bulletin_digest("a", "b", "c", {"x": 1}) != bulletin_digest("a", "b", "d", {"x": 1})


def test_the_bulletin_digest_has_the_documented_v2_form() -> None:
    payload = b"phieukin-seal-v2\na\nb\nc\n" + b'{"x":1,"y":[2]}'
    expected = hashlib.sha256(payload).hexdigest()
    assert bulletin_digest("a", "b", "c", {"y": [2], "x": 1}) == expected
