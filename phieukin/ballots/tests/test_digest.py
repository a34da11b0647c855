"""The pure digest module: private commitments, canonical lines and Merkle roots."""

from __future__ import annotations

import hashlib
import json
import unicodedata

from phieukin.ballots.digest import (
    EMPTY_ROOT,
    CanonicalBallot,
    ballot_leaf_hex,
    ballots_root,
    bulletin_digest,
    canonical_line,
    merkle_root,
    new_nonce,
    private_hex,
)

NONCE = bytes(range(32))


def _ballot(
    answers: str = "0123",
    comment: str = "",
    group: str = "",
    source: str = "online",
    ballot_id: int = 123456789,
) -> CanonicalBallot:
    return CanonicalBallot(7, 11, group, source, True, answers, comment, ballot_id)


def test_the_private_commitment_has_the_documented_form() -> None:
    ballot = _ballot(comment="Tốt", group="chi_bo", source="typed")
    private = json.dumps(
        [123456789, "chi_bo", "typed", "Tốt"], ensure_ascii=False, separators=(",", ":")
    )
    expected = hashlib.sha256(b"\x03" + NONCE + private.encode()).hexdigest()
    assert private_hex(NONCE, ballot) == expected


def test_the_canonical_line_has_the_documented_form() -> None:
    ballot = _ballot(comment="Tốt", group="chi_bo")
    line = canonical_line(ballot, NONCE)
    assert line == f'[7,11,1,"0123","{private_hex(NONCE, ballot)}"]'.encode()


def test_alike_ballots_get_distinct_commitments_so_the_export_shows_no_classes() -> None:
    first, second = _ballot(ballot_id=1), _ballot(ballot_id=2)
    assert private_hex(NONCE, first) != private_hex(NONCE, second)
    assert canonical_line(first, NONCE) != canonical_line(second, NONCE)


def test_the_line_shows_neither_source_nor_group_nor_a_comment_hash() -> None:
    ballot = _ballot(comment="", group="chi_bo", source="scanned")
    line = canonical_line(ballot, NONCE).decode()
    assert "scanned" not in line and "chi_bo" not in line
    assert hashlib.sha256(b"").hexdigest() not in line


def test_the_leaf_is_the_hash_of_the_marked_line() -> None:
    ballot = _ballot(comment="Tốt")
    expected = hashlib.sha256(b"\x00" + canonical_line(ballot, NONCE)).hexdigest()
    assert ballot_leaf_hex(ballot, NONCE) == expected


def test_the_root_changes_with_the_group_the_source_the_comment_and_the_nonce() -> None:
    base = [_ballot(group="a"), _ballot("1111", group="b")]
    root = ballots_root(base, NONCE)
    assert ballots_root([_ballot(group="b"), base[1]], NONCE) != root
    assert ballots_root([_ballot(group="a", source="typed"), base[1]], NONCE) != root
    assert ballots_root([_ballot(group="a", comment="x"), base[1]], NONCE) != root
    assert ballots_root(base, b"\x01" * 32) != root


def test_the_comment_commitment_ignores_unicode_normal_form() -> None:
    nfd = unicodedata.normalize("NFD", "Chủ tịch")
    assert private_hex(NONCE, _ballot(comment=nfd)) == private_hex(
        NONCE, _ballot(comment="Chủ tịch")
    )


def test_fresh_nonces_are_random_and_32_bytes() -> None:
    first, second = new_nonce(), new_nonce()
    assert len(first) == 32 and first != second


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
    assert ballots_root(ballots, NONCE) == ballots_root(list(reversed(ballots)), NONCE)
    changed = [*ballots[:-1], _ballot("9990")]
    assert ballots_root(changed, NONCE) != ballots_root(ballots, NONCE)


def test_the_bulletin_digest_covers_the_roots_and_the_counts() -> None:
    assert bulletin_digest("a", "b", {"x": 1}) != bulletin_digest("a", "b", {"x": 2})
    assert bulletin_digest("a", "b", {"x": 1}) != bulletin_digest("a", "c", {"x": 1})


def test_the_bulletin_digest_has_the_documented_v3_form() -> None:
    payload = b"phieukin-seal-v3\na\nb\n" + b'{"x":1,"y":[2]}'
    expected = hashlib.sha256(payload).hexdigest()
    assert bulletin_digest("a", "b", {"y": [2], "x": 1}) == expected
