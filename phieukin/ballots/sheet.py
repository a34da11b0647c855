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


class SheetCodes:
    """The compact characters of a questionnaire's items, looked up once per box.

    Voting encodes every sheet against the same items; building the item and option
    lookups once per box instead of per sheet is part of keeping a ballot cheap.
    """

    __slots__ = ("_items", "_known")

    def __init__(self, items: Sequence[ItemShape]) -> None:
        # Item key → option key → its character (None past the tenth option). An option
        # key given twice keeps its first position, as a search of the scale would.
        self._items: list[tuple[str, dict[str, str | None]]] = []
        for item in items:
            options: dict[str, str | None] = {}
            for index, option in enumerate(item.option_keys):
                options.setdefault(option, str(index) if index <= 9 else None)
            self._items.append((item.key, options))
        self._known = frozenset(item.key for item in items)

    def encode(self, answers: Mapping[str, str | None]) -> str:
        """Return the compact string for *answers*; see :func:`encode`."""
        for key in answers:
            if key not in self._known:
                raise SheetError("unknown_item", key)
        chars: list[str] = []
        for key, options in self._items:
            option = answers.get(key)
            if option is None or option == "":
                chars.append(UNANSWERED)
                continue
            char = options.get(option, UNANSWERED)
            if char == UNANSWERED:
                raise SheetError("unknown_option", key, option)
            if char is None:
                raise SheetError("too_many_options", key)
            chars.append(char)
        return "".join(chars)


def encode(items: Sequence[ItemShape], answers: Mapping[str, str | None]) -> str:
    """Return the compact string for *answers* (item key → option key or None).

    Raises SheetError for an unknown item or option; items missing from *answers* are
    unanswered.
    """
    return SheetCodes(items).encode(answers)


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
