"""The exporter registry and what every format shares: labels and charts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.utils.translation import gettext as _

from phieukin.reports import charts
from phieukin.reports.content import DistrictSummary, LeaderReport, OptionColumn

_REGISTRY: dict[str, type[Exporter]] = {}


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
    options_png = charts.stacked_options_chart(
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
    scores_png = charts.score_bars_chart(
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
    participation_png = charts.participation_chart(
        [line.ward for line in summary.wards],
        [line.participation.rate for line in summary.wards],
        summary.target,
        charts.ChartText(
            title=_("Participation per ward, in percent"),
            extra={"target": _("target")},
        ),
    )
    heatmap_pngs = tuple(charts.heatmap_chart(page, text) for page, text in heatmap_pages(summary))
    distribution_png = charts.distribution_chart(
        summary.overall_means,
        charts.ChartText(
            title=_("Distribution of overall scores"),
            x_label=_("Overall score"),
            y_label=_("Leaders"),
        ),
        bins=30,
    )
    trend_png = charts.trend_chart(
        summary.trend.round_titles,
        [charts.Series(label=summary.district, values=summary.trend.means)],
        charts.ChartText(
            title=_("District score across rounds"),
            y_label=_("Mean score"),
            x_label=_("Rounds by the date of their first conference"),
        ),
        summary.trend.dates,
    )
    return SummaryCharts(
        participation=participation_png,
        heatmap=heatmap_pngs[0],
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
