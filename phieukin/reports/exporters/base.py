"""The exporter registry and what every format shares: labels and charts."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import matplotlib
from django.core.cache import caches
from django.utils.translation import gettext as _

from phieukin.reports import charts
from phieukin.reports.content import DistrictSummary, LeaderReport, OptionColumn

_REGISTRY: dict[str, type[Exporter]] = {}
logger = logging.getLogger(__name__)

# Bump when a chart's drawing changes, so that no picture drawn before is served again.
CHART_STYLE = "1"
CHART_CACHE_SECONDS = 7 * 24 * 3600  # about 40 KB a leader; the weeks reports are read


class Exporter:
    """Render a leader report and a district summary in one file format."""

    key: ClassVar[str] = ""
    extension: ClassVar[str] = ""
    content_type: ClassVar[str] = "application/octet-stream"
    label: ClassVar[str] = ""

    def leader(self, report: LeaderReport, images: LeaderCharts) -> bytes:
        """Return the file of one leader's report."""
        raise NotImplementedError

    def summary(self, summary: DistrictSummary, images: SummaryCharts) -> bytes:
        """Return the file of the district summary."""
        raise NotImplementedError


def register(cls: type[Exporter]) -> type[Exporter]:
    """Register an exporter class under its ``key`` (class decorator)."""
    _REGISTRY[cls.key] = cls
    return cls


def get_exporter(key: str) -> Exporter:
    """Return a fresh exporter for *key* ("pdf", "docx", "xlsx"); KeyError when unknown."""
    return _REGISTRY[key]()


def exporters() -> list[type[Exporter]]:
    """Return the registered exporter classes in a stable order."""
    return [_REGISTRY[key] for key in sorted(_REGISTRY)]


@dataclass(frozen=True)
class LeaderCharts:
    """The PNG charts of a leader report."""

    options: bytes
    scores: bytes


@dataclass(frozen=True)
class SummaryCharts:
    """The PNG charts of the district summary."""

    participation: bytes
    heatmap: bytes  # the first page of the heatmap
    distribution: bytes
    trend: bytes
    heatmap_pages: tuple[bytes, ...] = ()  # every page (30 leaders a page), first included

    @property
    def heatmaps(self) -> tuple[bytes, ...]:
        return self.heatmap_pages or (self.heatmap,)


def suppressed_label() -> str:
    return _("suppressed")


def chart_cache_key(kind: str, *inputs: object) -> str:
    """Return the cache key of a chart: a digest of everything that decides its pixels.

    Charts are pure functions of their inputs (the released figures of a stored, immutable
    tally snapshot, the labels and the translated texts), so the digest of those inputs,
    the chart kind, the drawing's version and matplotlib's version names one picture: a
    cached PNG can never stand for other figures, and nothing needs invalidating.
    """
    text = repr((kind, inputs, CHART_STYLE, matplotlib.__version__))
    return "phieukin:chart:" + hashlib.sha256(text.encode()).hexdigest()


def cached_chart(kind: str, draw: Callable[..., bytes], *inputs: Any) -> bytes:
    """Return ``draw(*inputs)``, from the shared cache when the same chart was drawn before.

    The cache is the installation's ``charts`` cache (Redis shared by every app server and
    queue worker, else files on each server), apart from the cache of rate limits and
    sessions. A cache that cannot be reached costs only the drawing.
    """
    key = chart_cache_key(kind, *inputs)
    try:
        png = caches["charts"].get(key)
    except Exception:  # the cache is an optimisation: never fail a report because of it
        logger.warning("chart cache unavailable for reading", exc_info=True)
        png = None
    if isinstance(png, bytes):
        return png
    png = draw(*inputs)
    try:
        caches["charts"].set(key, png, CHART_CACHE_SECONDS)
    except Exception:
        logger.warning("chart cache unavailable for writing", exc_info=True)
    return png


def leader_charts(report: LeaderReport) -> LeaderCharts:
    """Draw the charts of a leader report from its released figures."""
    scored = [index for index, option in enumerate(report.options) if option.scored]
    bars = [
        charts.StackedBar(
            label=f"{item.number}. {item.text}",
            shares=(
                None
                if item.shares is None or item.counts is None
                else scored_shares(item.shares, scored)
            ),
        )
        for item in report.items
    ]
    labels = [report.options[index].label for index in scored]
    extra = {"numbers_only": "1"}
    options_png = cached_chart(
        "stacked_options",
        charts.stacked_options_chart,
        bars,
        labels,
        charts.ChartText(
            title=options_chart_title(report.options),
            suppressed=suppressed_label(),
            extra=extra,
        ),
    )
    score_bars = [
        charts.ScoreBar(
            label=f"{score.key}. {score.title}" if score.key else score.title,
            current=score.mean,
            previous=score.previous_mean,
            average=score.average_mean,
        )
        for score in (*report.sections, report.overall)
    ]
    scores_png = cached_chart(
        "score_bars",
        charts.score_bars_chart,
        score_bars,
        charts.ChartText(
            title=_("Scores by section (1–4)"),
            current=_("This round"),
            previous=_("Previous round"),
            average=report.average_label or _("District average"),
            suppressed=suppressed_label(),
        ),
    )
    return LeaderCharts(options=options_png, scores=scores_png)


def scored_shares(shares: tuple[float | None, ...], scored: list[int]) -> tuple[float, ...]:
    """Return the bar segments: the engine's shares of the scored options, as the table.

    One base for the chart and the table: the answers that rate the item. "Không đánh
    giá" and blanks are outside it (the table gives their count; the title says so).
    """
    return tuple(shares[index] or 0.0 for index in scored)


def options_chart_title(options: tuple[OptionColumn, ...]) -> str:
    """Return the stacked chart's title, naming its percentage base."""
    unscored = [option.label for option in options if not option.scored]
    if not unscored:
        return _("Ratings per item, in percent of the answers that rate it")
    return _(
        "Ratings per item, in percent of the answers that rate it (“%(unscored)s” not included)"
    ) % {"unscored": ", ".join(unscored)}


def summary_charts(summary: DistrictSummary) -> SummaryCharts:
    """Draw the charts of the district summary from its released figures."""
    return summary_charts_of(summary, summary)


def summary_charts_of(shown: DistrictSummary, whole: DistrictSummary) -> SummaryCharts:
    """Draw the summary's charts: participation and heatmap of the wards and leaders
    *shown* (a page of them, or all), distribution and trend of the *whole* round."""
    participation_png = cached_chart(
        "participation",
        charts.participation_chart,
        [line.ward for line in shown.wards],
        [line.participation.rate for line in shown.wards],
        shown.target,
        charts.ChartText(
            title=_("Participation per ward, in percent"),
            extra={"target": _("target")},
        ),
    )
    heatmap_pngs = tuple(
        cached_chart("heatmap", charts.heatmap_chart, page, text)
        for page, text in heatmap_pages(shown)
    )
    distribution_png = cached_chart(
        "distribution",
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
    trend_png = cached_chart(
        "trend",
        charts.trend_chart,
        whole.trend.round_titles,
        [charts.Series(label=whole.district, values=whole.trend.means)],
        charts.ChartText(
            title=_("District score across rounds"),
            y_label=_("Mean score"),
            x_label=_("Rounds by the date of their first conference"),
        ),
        whole.trend.dates,
    )
    return SummaryCharts(
        participation=participation_png,
        heatmap=heatmap_pngs[0] if heatmap_pngs else b"",
        distribution=distribution_png,
        trend=trend_png,
        heatmap_pages=heatmap_pngs,
    )


def heatmap_pages(summary: DistrictSummary) -> list[tuple[charts.Heatmap, charts.ChartText]]:
    """Return the heatmap of mean scores, one leader a row (full name), paged."""
    whole = charts.Heatmap(
        row_labels=tuple(f"{line.name} ({line.ward})" for line in summary.leaders),
        column_labels=summary.item_labels,
        values=tuple(zip(*summary.heatmap, strict=True)) if summary.heatmap else (),
    )
    pages = charts.heatmap_pages(whole)
    out = []
    for number, page in enumerate(pages, start=1):
        title = _("Mean score per leader (rows) and item (columns, numbered as in the table)")
        if len(pages) > 1:
            title += " — " + _("page %(page)s of %(pages)s") % {
                "page": number,
                "pages": len(pages),
            }
        out.append((page, charts.ChartText(title=title, x_label=_("Item"))))
    return out
