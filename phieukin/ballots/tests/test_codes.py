"""The pure code module: entropy, normalisation, check symbol."""

from __future__ import annotations

import pytest

from phieukin.ballots import codes


def test_a_generated_code_has_twelve_symbols_and_a_valid_check() -> None:
    code = codes.generate()
    assert len(code) == 12
    assert set(code) <= set(codes.ALPHABET)
    assert codes.normalise(code) == code


def test_codes_are_not_repeated_in_a_large_sample() -> None:
    sample = {codes.generate() for _ in range(5000)}
    assert len(sample) == 5000


def test_loose_typing_is_normalised() -> None:
    code = codes.generate()
    shown = codes.display(code)
    assert shown.count("-") == 2
    typed = " " + shown.lower().replace("-", " ") + " "
    assert codes.normalise(typed) == code


def test_i_l_and_o_are_read_as_one_and_zero() -> None:
    body = "0101010101" + "1"
    code = body + codes.check_symbol(body)
    typed = code.replace("0", "o").replace("1", "I", 3).replace("1", "l")
    assert codes.normalise(typed) == code


@pytest.mark.parametrize("position", range(12))
def test_every_single_symbol_typo_is_caught_by_the_check(position: int) -> None:
    code = codes.generate()
    for symbol in codes.ALPHABET:
        if symbol == code[position]:
            continue
        typo = code[:position] + symbol + code[position + 1 :]
        with pytest.raises(codes.CodeFormatError) as error:
            codes.normalise(typo)
        assert error.value.reason == "check"


def test_a_swap_of_neighbours_is_caught() -> None:
    caught = 0
    total = 0
    for _ in range(200):
        code = codes.generate()
        for i in range(11):
            if code[i] == code[i + 1]:
                continue
            total += 1
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            caught += not codes.is_well_formed(swapped)
    assert caught / total > 0.95


@pytest.mark.parametrize(
    ("text", "reason"), [("ABC", "length"), ("ABCD-EFGH-IJK!", "symbol"), ("U" * 12, "symbol")]
)
def test_malformed_text_names_the_problem(text: str, reason: str) -> None:
    with pytest.raises(codes.CodeFormatError) as error:
        codes.normalise(text)
    assert error.value.reason == reason


def test_the_keyed_digest_depends_on_the_key() -> None:
    code = codes.generate()
    assert codes.keyed_digest(code, b"a") != codes.keyed_digest(code, b"b")
    assert len(codes.keyed_digest(code, b"a")) == 64


def test_receipts_are_random_and_grouped() -> None:
    receipts = {codes.new_receipt() for _ in range(1000)}
    assert len(receipts) == 1000
    assert all(len(r) == 19 for r in receipts)
