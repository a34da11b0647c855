"""The item shapes of a questionnaire, for encoding and decoding ballots."""

from __future__ import annotations

from phieukin.questionnaires.itemshape import ItemShape
from phieukin.questionnaires.models import Item, Questionnaire


def item_shapes(questionnaire: Questionnaire) -> list[ItemShape]:
    """Return the questionnaire's items in order with their option keys in scale order."""
    items = (
        Item.objects.filter(questionnaire=questionnaire)
        .select_related("scale")
        .prefetch_related("scale__options")
        .order_by("order")
    )
    return [
        ItemShape(
            key=item.key,
            option_keys=tuple(
                o.key for o in sorted(item.scale.options.all(), key=lambda o: o.order)
            ),
        )
        for item in items
    ]
