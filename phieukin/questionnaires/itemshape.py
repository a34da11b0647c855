"""What the ballot encoder needs of a questionnaire item. Pure: no Django.

The compact answer format (``ballots/sheet.py``), paper entry and the tally all take
items in this shape; :func:`phieukin.questionnaires.shapes.item_shapes` builds them from
a stored questionnaire.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ItemShape:
    """An item's key and its options' keys in scale order."""

    key: str
    option_keys: tuple[str, ...]
