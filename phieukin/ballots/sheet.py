"""The compact form of a ballot's answers, shared by voting, paper entry and tallying.

A ballot stores one character per questionnaire item, in item order: the 0-based
position of the chosen option within the item's scale (``"0"``–``"9"``), or ``"-"``
when the item has no answer (left blank, or two marks on paper). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# Defined with the questionnaire (a floor below) and re-exported for this format's users.
from phieukin.questionnaires.itemshape import ItemShape as ItemShape

UNANSWERED = "-"


class SheetError(ValueError):
    """Answers that do not fit the questionnaire; ``code`` names the problem."""

    def __init__(self, code: str, item: str = "", option: str = "") -> None:
        super().__init__(f"{code}: {item} {option}".strip())
        self.code = code
        self.item = item
        self.option = option


def encode(items: Sequence[ItemShape], answers: Mapping[str, str | None]) -> str:
    """Return the compact string for *answers* (item key → option key or None).

    Raises SheetError for an unknown item or option; items missing from *answers* are
    unanswered.
    """
    known = {item.key for item in items}
    for key in answers:
        if key not in known:
            raise SheetError("unknown_item", key)
    chars: list[str] = []
    for item in items:
        option = answers.get(item.key)
        if option is None or option == "":
            chars.append(UNANSWERED)
            continue
        try:
            index = item.option_keys.index(option)
        except ValueError:
            raise SheetError("unknown_option", item.key, option) from None
        if index > 9:
            raise SheetError("too_many_options", item.key)
        chars.append(str(index))
    return "".join(chars)


def decode(items: Sequence[ItemShape], compact: str) -> dict[str, str | None]:
    """Return item key → option key (or None) for a compact string."""
    if len(compact) != len(items):
        raise SheetError("wrong_length")
    result: dict[str, str | None] = {}
    for item, char in zip(items, compact, strict=True):
        if char == UNANSWERED:
            result[item.key] = None
        else:
            index = int(char)
            if index >= len(item.option_keys):
                raise SheetError("unknown_option", item.key, char)
            result[item.key] = item.option_keys[index]
    return result


def is_blank(compact: str) -> bool:
    """Return whether no item is answered."""
    return all(char == UNANSWERED for char in compact)
