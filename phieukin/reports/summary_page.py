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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils import translation
from django.utils.translation import gettext as _

from phieukin.reports import charts
from phieukin.reports.content import DistrictSummary, LeaderReport, WardLine
from phieukin.reports.exporters.base import (
    LeaderCharts,
    SummaryCharts,
    cached_chart,
    heatmap_pages,
    leader_charts,
)

# Report documents and their charts are Vietnamese whatever the reader's language.
DOCUMENT_LANGUAGE = "vi"

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


def _int(value: str | None) -> int | None:
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
    unit_id = _int(unit)
    wards = [w for w in summary.wards if unit_id is None or w.unit_id == unit_id]
    paginator = Paginator(wards, WARDS_PER_PAGE)
    current = paginator.get_page(_int(page) or 1)
    shown = {line.unit_id for line in current.object_list}
    keep = [i for i, line in enumerate(summary.leaders) if line.ward_id in shown]
    part = dataclasses.replace(
        summary,
        wards=tuple(current.object_list),
        leaders=tuple(summary.leaders[i] for i in keep),
        heatmap=tuple(tuple(row[i] for i in keep) for row in summary.heatmap),
    )
    return SummaryPage(summary=part, page=current, units=units, unit_id=unit_id)


def _cached(draw: Callable[..., bytes], *args: Any) -> bytes:
    """Return ``draw(*args)`` through the installation's chart cache (drawn once per input)."""
    return cached_chart(draw.__name__, draw, *args)


def page_charts(whole: DistrictSummary, shown: SummaryPage) -> SummaryCharts:
    """Return the charts of one summary page: its wards and leaders, the round's trend."""
    part = shown.summary
    participation = _cached(
        charts.participation_chart,
        [line.ward for line in part.wards],
        [line.participation.rate for line in part.wards],
        part.target,
        charts.ChartText(
            title=_("Participation per ward, in percent"), extra={"target": _("target")}
        ),
    )
    heatmaps = tuple(_cached(charts.heatmap_chart, hm, text) for hm, text in heatmap_pages(part))
    distribution = _cached(
        charts.distribution_chart,
        whole.overall_means,
        charts.ChartText(
            title=_("Distribution of overall scores"),
            x_label=_("Overall score"),
            y_label=_("Leaders"),
        ),
        1.0,
        4.0,
        30,
    )
    trend = _cached(
        charts.trend_chart,
        whole.trend.round_titles,
        [charts.Series(label=whole.district, values=whole.trend.means)],
        charts.ChartText(title=_("District score across rounds"), y_label=_("Mean score")),
    )
    return SummaryCharts(
        participation=participation,
        heatmap=heatmaps[0] if heatmaps else b"",
        distribution=distribution,
        trend=trend,
        heatmap_pages=heatmaps,
    )


def leader_page_charts(content: LeaderReport) -> LeaderCharts:
    """Return the charts of a leader's report page, in the documents' language.

    Each chart comes from the chart cache (:func:`cached_chart`), so the page does not
    draw them again on each opening.
    """
    with translation.override(DOCUMENT_LANGUAGE):
        return leader_charts(content)
