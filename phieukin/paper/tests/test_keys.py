"""The digits typed for a sheet (pure)."""

from __future__ import annotations

import pytest

from phieukin.ballots.sheet import ItemShape
from phieukin.paper.keys import KeysError, keys_for, parse_keys

ITEMS = [
    ItemShape("a", ("tot", "kha", "tb", "yeu")),
    ItemShape("b", ("tot", "kha", "tb", "yeu")),
    ItemShape("c", ("co", "khong")),
]


def test_digits_map_to_options_in_scale_order_and_zero_to_no_answer() -> None:
    sheet = parse_keys(ITEMS, "410")
    assert sheet.answers == {"a": "yeu", "b": "tot", "c": None}
    assert not sheet.declared_invalid


def test_separators_are_ignored() -> None:
    assert parse_keys(ITEMS, " 4.1 0 ").answers == parse_keys(ITEMS, "410").answers


def test_the_star_alone_declares_the_sheet_invalid() -> None:
    assert parse_keys(ITEMS, "*").declared_invalid


def test_the_invalid_flag_wins_over_typed_digits() -> None:
    sheet = parse_keys(ITEMS, "41", invalid=True)
    assert sheet.declared_invalid
    assert sheet.answers == {}


@pytest.mark.parametrize(
    ("raw", "code", "position"),
    [
        ("41", "wrong_length", 2),
        ("4101", "wrong_length", 4),
        ("4x0", "not_a_digit", 2),
        ("41*", "not_a_digit", 3),
        ("413", "no_such_option", 3),
        ("510", "no_such_option", 1),
    ],
)
def test_bad_keys_name_the_problem_and_the_item(raw: str, code: str, position: int) -> None:
    with pytest.raises(KeysError) as caught:
        parse_keys(ITEMS, raw)
    assert (caught.value.code, caught.value.position) == (code, position)


def test_keys_for_is_the_inverse_of_parse_keys() -> None:
    for raw in ("410", "000", "342", "121"):
        assert keys_for(ITEMS, parse_keys(ITEMS, raw).answers) == raw
