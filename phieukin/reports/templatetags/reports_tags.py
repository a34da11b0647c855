"""Template helpers that print report figures exactly as the documents do."""

from __future__ import annotations

import base64

from django import template

from phieukin.reports import formatting, texts
from phieukin.reports.content import ItemRow, OptionColumn, Participation, Score, WardLine

register = template.Library()


@register.filter
def pk_number(value: float | None) -> str:
    return formatting.number(value)


@register.filter
def pk_percent(value: float | None) -> str:
    return formatting.percent(value)


@register.filter
def pk_count(value: int | None) -> str:
    return formatting.count(value)


@register.filter
def png_data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


@register.simple_tag
def item_cells(item: ItemRow, options: tuple[OptionColumn, ...]) -> list[str]:
    return texts.item_cells(item, options)


@register.simple_tag
def participation_cells(p: Participation) -> list[str]:
    return texts.participation_cells(p)


@register.simple_tag
def score_cells(score: Score) -> list[str]:
    return texts.score_cells(score)


@register.simple_tag
def ward_cells(line: WardLine) -> list[str]:
    return texts.ward_cells(line)


@register.simple_tag
def total_cells(p: Participation) -> list[str]:
    return texts.total_cells(p)
