"""The summary page of a city's or the country's round: one page of wards at a time.

A province's round has up to 168 communes and 336 leaders: one HTML page with every ward's
row and a chart row per leader is megabytes and seconds of chart drawing. The page shows
:data:`WARDS_PER_PAGE` wards (or the one ward chosen in the filter) with their leaders;
the totals, the distribution and the trend stay those of the whole round. Charts depend
only on released figures, so each is drawn once and kept in the shared cache under the
SHA-256 of what it was drawn from (a changed figure is a different key, never a stale one).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from phieukin.reports.content import DistrictSummary, WardLine
from phieukin.reports.exporters.base import (
    SummaryCharts,
    summary_charts_of,
)

WARDS_PER_PAGE = 25


@dataclass(frozen=True)
class SummaryPage:
    """One page of a summary: its wards and leaders, the filter's choices, the paging."""

    summary: DistrictSummary  # only the page's wards and leaders; totals of the whole round
    page: Page[WardLine]
    units: tuple[tuple[int, str], ...]  # (unit id, name) of every ward, for the filter
    unit_id: int | None  # the ward chosen in the filter, if any

    @property
    def paginated(self) -> bool:
        return self.page.paginator.num_pages > 1


def number_param(value: str | None) -> int | None:
    """Return a query parameter's whole number (``?page=``, ``?unit=``), or None for junk."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


def summary_page(summary: DistrictSummary, *, page: str | None, unit: str | None) -> SummaryPage:
    """Return the page *page* of *summary*'s wards, or only the ward *unit* when given.

    An unknown ward shows no ward (the filter offers only the round's own); a page number
    out of range shows the last page.
    """
    units = tuple((line.unit_id, line.ward) for line in summary.wards)
    unit_id = number_param(unit)
    wards = [w for w in summary.wards if unit_id is None or w.unit_id == unit_id]
    paginator = Paginator(wards, WARDS_PER_PAGE)
    current = paginator.get_page(number_param(page) or 1)
    shown = {line.unit_id for line in current.object_list}
    keep = [i for i, line in enumerate(summary.leaders) if line.ward_id in shown]
    part = dataclasses.replace(
        summary,
        wards=tuple(current.object_list),
        leaders=tuple(summary.leaders[i] for i in keep),
        heatmap=tuple(tuple(row[i] for i in keep) for row in summary.heatmap),
    )
    return SummaryPage(summary=part, page=current, units=units, unit_id=unit_id)


def page_charts(whole: DistrictSummary, shown: SummaryPage) -> SummaryCharts:
    """Return the charts of one summary page: its wards and leaders, the round's trend."""
    return summary_charts_of(shown.summary, whole)
