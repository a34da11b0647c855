"""The digits a committee member types for one paper sheet, and what they mean. Pure.

One key per item, in item order: ``1``…``n`` is the n-th option of the item's scale as
printed on the sheet, ``0`` means no answer (left blank, or two marks). A sheet the
committee declares invalid is typed as ``*`` alone (the numeric keypad's star key).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from phieukin.ballots.sheet import ItemShape

INVALID_KEY = "*"
NO_ANSWER_KEY = "0"


class KeysError(ValueError):
    """The typed keys do not fit the questionnaire; ``code`` names the problem.

    ``position`` is the 1-based item number of the offending key (0 when not about one).
    """

    def __init__(self, code: str, position: int = 0, char: str = "", expected: int = 0) -> None:
        super().__init__(f"{code} at {position}: {char!r}")
        self.code = code
        self.position = position
        self.char = char
        self.expected = expected


@dataclass(frozen=True)
class TypedSheet:
    """A parsed sheet: answers item key → option key (or None), or declared invalid."""

    answers: dict[str, str | None]
    declared_invalid: bool


def normalise(raw: str) -> str:
    """Return *raw* without the spaces, dots and dashes a typist may use as separators."""
    return "".join(ch for ch in raw.strip() if ch not in " .-_,\t")


def parse_keys(items: Sequence[ItemShape], raw: str, *, invalid: bool = False) -> TypedSheet:
    """Return the sheet typed as *raw*; *invalid* is the no-JavaScript invalid checkbox.

    Raises KeysError for a character that is not a digit, a digit beyond an item's
    options, or a wrong number of digits.
    """
    keys = normalise(raw)
    if invalid or keys == INVALID_KEY:
        # An invalid sheet's marks are not counted, so digits typed before are dropped.
        return TypedSheet(answers={}, declared_invalid=True)
    for position, char in enumerate(keys, start=1):
        if not ("0" <= char <= "9"):
            raise KeysError("not_a_digit", position, char)
    if len(keys) != len(items):
        raise KeysError("wrong_length", len(keys), expected=len(items))
    answers: dict[str, str | None] = {}
    for position, (item, char) in enumerate(zip(items, keys, strict=True), start=1):
        if char == NO_ANSWER_KEY:
            answers[item.key] = None
            continue
        index = int(char) - 1
        if index >= len(item.option_keys):
            raise KeysError("no_such_option", position, char, expected=len(item.option_keys))
        answers[item.key] = item.option_keys[index]
    return TypedSheet(answers=answers, declared_invalid=False)


def keys_for(items: Sequence[ItemShape], answers: dict[str, str | None]) -> str:
    """Return the digits that would be typed for *answers* (the inverse of parse_keys)."""
    chars: list[str] = []
    for item in items:
        option = answers.get(item.key)
        chars.append(NO_ANSWER_KEY if option is None else str(item.option_keys.index(option) + 1))
    return "".join(chars)
