"""The compact sheet format and the comment's character filter, against their definitions."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phieukin.ballots.services.common import strip_control_characters
from phieukin.ballots.sheet import ItemShape, SheetCodes, SheetError, decode, encode

ITEMS = [
    ItemShape("q1", ("tot", "kha", "tb", "kem")),
    ItemShape("q2", ("co", "khong")),
    ItemShape("q3", tuple(f"m{i}" for i in range(12))),  # more options than characters
    ItemShape("q4", ("a", "b", "a")),  # an option key given twice
]


def _by_search(items: list[ItemShape], answers: dict[str, str | None]) -> str:
    """The format's definition, one item and one scale search at a time."""
    known = {item.key for item in items}
    for key in answers:
        if key not in known:
            raise SheetError("unknown_item", key)
    chars = []
    for item in items:
        option = answers.get(item.key)
        if option is None or option == "":
            chars.append("-")
            continue
        if option not in item.option_keys:
            raise SheetError("unknown_option", item.key, option)
        index = item.option_keys.index(option)
        if index > 9:
            raise SheetError("too_many_options", item.key)
        chars.append(str(index))
    return "".join(chars)


answer_values = st.sampled_from(
    [None, "", "tot", "kem", "co", "khong", "m0", "m9", "m10", "m11", "a", "b", "x", "-"]
)
answer_maps = st.dictionaries(
    st.sampled_from(["q1", "q2", "q3", "q4", "q5", ""]), answer_values, max_size=6
)


@given(answer_maps)
def test_the_codes_built_once_encode_as_the_definition(answers: dict[str, str | None]) -> None:
    try:
        expected: str | tuple[str, str, str] = _by_search(ITEMS, answers)
    except SheetError as exc:
        expected = (exc.code, exc.item, exc.option)
    for encoder in (SheetCodes(ITEMS).encode, lambda a: encode(ITEMS, a)):
        try:
            got: str | tuple[str, str, str] = encoder(answers)
        except SheetError as exc:
            got = (exc.code, exc.item, exc.option)
        assert got == expected


def test_examples_and_the_round_trip() -> None:
    codes = SheetCodes(ITEMS)
    assert codes.encode({"q1": "kem", "q2": "co", "q3": "m9", "q4": "a"}) == "3090"
    assert codes.encode({}) == "----"
    assert decode(ITEMS, "3090") == {"q1": "kem", "q2": "co", "q3": "m9", "q4": "a"}
    with pytest.raises(SheetError, match="too_many_options"):
        codes.encode({"q3": "m10"})


def test_control_characters_are_exactly_category_cc_but_tab_and_line_feed_and_bidi() -> None:
    bidi = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
    dropped = [
        cp
        for cp in range(0x110000)
        if not 0xD800 <= cp <= 0xDFFF and strip_control_characters(chr(cp)) == ""
    ]
    expected = [
        cp
        for cp in range(0x110000)
        if cp in bidi or (unicodedata.category(chr(cp)) == "Cc" and chr(cp) not in "\t\n")
    ]
    assert dropped == expected
    assert strip_control_characters("Đồng chí\r\n\tcần\x00 sâu\u202esát\x9f.") == (
        "Đồng chí\n\tcần sâusát."
    )
