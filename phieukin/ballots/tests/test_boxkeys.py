"""The box key (pure): t of n shares open it, fewer do not, a typo or a wrong share is caught."""

from __future__ import annotations

import pytest

from phieukin.ballots import boxkeys


def _material(
    threshold: int = 2, members: int = 3, recovery: bool = True
) -> boxkeys.BoxKeyMaterial:
    return boxkeys.new_box_key(threshold=threshold, members=members, recovery=recovery)


def _round_trip(material: boxkeys.BoxKeyMaterial, typed: list[str]) -> str:
    private = boxkeys.recover_private_key(material.public_key, material.threshold, typed)
    ciphertext = boxkeys.encrypt_sheet(
        material.public_key, answers="0123", group_id=7, comment="Tốt", size=512
    )
    return boxkeys.decrypt_sheet(private, ciphertext).comment


def test_any_t_shares_open_the_key_including_the_recovery_share() -> None:
    material = _material()
    typed = [s.typed() for s in material.shares]
    assert len(typed) == 4
    for pair in ([typed[0], typed[1]], [typed[1], typed[2]], [typed[2], typed[3]]):
        assert _round_trip(material, pair) == "Tốt"


def test_t_minus_one_shares_are_refused() -> None:
    material = _material(threshold=3, members=5)
    typed = [s.typed() for s in material.shares]
    with pytest.raises(boxkeys.ShareError) as error:
        boxkeys.recover_private_key(material.public_key, 3, typed[:2])
    assert error.value.reason == "too_few"


def test_a_single_typo_is_caught_by_the_check_symbols() -> None:
    material = _material()
    typed = material.shares[0].typed()
    position = 7
    wrong = "1" if typed[position] != "1" else "2"
    mistyped = typed[:position] + wrong + typed[position + 1 :]
    with pytest.raises(boxkeys.ShareError) as error:
        boxkeys.parse_share(mistyped)
    assert error.value.reason == "check"


def test_typing_is_forgiving_about_case_dashes_and_look_alike_letters() -> None:
    share = _material().shares[1]
    loose = share.typed().lower().replace("-", " ").replace("1", "l").replace("0", "o")
    assert boxkeys.parse_share(loose) == share


def test_a_share_of_another_box_is_named_as_such() -> None:
    mine, other = _material(), _material()
    typed = [mine.shares[0].typed(), other.shares[1].typed()]
    with pytest.raises(boxkeys.ShareError) as error:
        boxkeys.recover_private_key(mine.public_key, 2, typed)
    assert (error.value.reason, error.value.position) == ("other_box", 2)


def test_a_forged_share_with_a_valid_check_gives_a_mismatch_not_a_key() -> None:
    material = _material()
    genuine = material.shares[0]
    forged = boxkeys.KeyShare(genuine.index, genuine.tag, bytes(16))
    with pytest.raises(boxkeys.ShareError) as error:
        boxkeys.recover_private_key(
            material.public_key, 2, [forged.typed(), material.shares[1].typed()]
        )
    assert error.value.reason == "mismatch"


def test_the_same_share_twice_counts_once() -> None:
    material = _material()
    typed = material.shares[0].typed()
    with pytest.raises(boxkeys.ShareError) as error:
        boxkeys.recover_private_key(material.public_key, 2, [typed, typed])
    assert error.value.reason == "duplicate"


# The longest comments of 2.000 units each layout must hold: three-byte letters of
# Vietnamese, emoji (4 bytes, 2 units), JSON's escaped quote and backslash, line breaks.
_LONGEST = ("ằ" * 2000, "😀" * 1000, '"\\' * 1000, "\n" * 2000, "ệ😀" * 666 + "ệệ")


@pytest.mark.parametrize(
    ("sheet_format", "comments", "plain_size"),
    [
        (boxkeys.SHEET_FORMAT_COMPACT, ("", "Tốt", *_LONGEST), 4256),
        # The JSON layout counted characters: 2.000 emoji fit it.
        (boxkeys.SHEET_FORMAT_JSON, ("", "Tốt", *_LONGEST, "😀" * 2000), 8256),
    ],
)
def test_every_ciphertext_of_a_box_has_the_same_length_whatever_the_comment(
    sheet_format: int, comments: tuple[str, ...], plain_size: int
) -> None:
    material = _material()
    private = boxkeys.recover_private_key(
        material.public_key, 2, [s.typed() for s in material.shares[:2]]
    )
    size = boxkeys.padded_size(2000, sheet_format)
    assert size == plain_size
    for comment in comments:
        assert boxkeys.comment_units(comment) <= 2000 or sheet_format == 1
        for group_id in (None, 2**62):
            ciphertext = boxkeys.encrypt_sheet(
                material.public_key,
                answers="9" * 64,
                group_id=group_id,
                comment=comment,
                size=size,
                sheet_format=sheet_format,
            )
            # A sealed box adds its ephemeral public key (32) and its MAC (16).
            assert len(ciphertext) == plain_size + 48
            assert boxkeys.decrypt_sheet(private, ciphertext) == boxkeys.SheetContent(
                "9" * 64, group_id, comment
            )


def test_a_comment_over_its_room_is_refused_not_cut() -> None:
    material = _material()
    size = boxkeys.padded_size(10)
    assert boxkeys.comment_units("😀" * 5) == 10
    boxkeys.encrypt_sheet(
        material.public_key, answers="0", group_id=None, comment="😀" * 5, size=size
    )
    with pytest.raises(ValueError):
        boxkeys.encrypt_sheet(
            material.public_key, answers="0", group_id=None, comment="x" * 200, size=size
        )


def _sealed(material: boxkeys.BoxKeyMaterial, plain: bytes) -> bytes:
    from nacl.public import PublicKey, SealedBox

    return bytes(SealedBox(PublicKey(material.public_key)).encrypt(plain))


@pytest.mark.parametrize(
    "plain",
    [
        b"\x02" + b'{"a":"0","g":null,"n":2}\n' + b"x\x00" + b"\x01" + bytes(100),  # not zeros
        b"\x02" + b'{"a":"0","g":null,"n":3}\n' + b"xyz" + bytes(100),  # half a unit
        b"\x02" + b'{"a":"0","g":null,"n":400}\n' + bytes(100),  # past the end
        b"\x02" + b'{"a":"0","g":null,"n":2}\n' + b"\x00\xd8" + bytes(100),  # half a pair
        b"\x02" + b'{"a":"0","g":null,"n":true}\n' + bytes(100),
        b"\x02" + b'{"a":"0","g":"7","n":0}\n' + bytes(100),
        b"\x02" + b'["0",null,0]\n' + bytes(100),
        b"\x02" + b'{"a":"0","g":null,"n":0}' + bytes(300),  # no end of header
        b'{"a":"0","g":null,"c":""}' + b"x" + b" " * 100,  # JSON layout, not spaces
    ],
)
def test_a_sheet_that_does_not_follow_its_layout_is_unreadable(plain: bytes) -> None:
    material = _material()
    private = boxkeys.recover_private_key(
        material.public_key, 2, [s.typed() for s in material.shares[:2]]
    )
    with pytest.raises(ValueError):
        boxkeys.decrypt_sheet(private, _sealed(material, plain))


def test_a_ciphertext_holds_no_readable_content() -> None:
    material = _material()
    ciphertext = boxkeys.encrypt_sheet(
        material.public_key, answers="0123", group_id=None, comment="marker-secret", size=512
    )
    assert b"marker" not in ciphertext and b"0123" not in ciphertext


def test_a_threshold_above_the_members_is_refused() -> None:
    with pytest.raises(ValueError):
        boxkeys.new_box_key(threshold=4, members=3, recovery=True)
