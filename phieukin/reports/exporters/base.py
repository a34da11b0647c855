"""The exporter registry and what every format shares: labels and charts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.utils.translation import gettext as _

from phieukin.reports import charts
from phieukin.reports.content import DistrictSummary, LeaderReport

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
    heatmap: bytes
    distribution: bytes
    trend: bytes


def suppressed_label() -> str:
    return _("suppressed")


def leader_charts(report: LeaderReport) -> LeaderCharts:
    """Draw the charts of a leader report from its released figures."""
    bars = [
        charts.StackedBar(
            label=f"{item.number}. {item.text}",
            shares=(
                None
                if item.shares is None or item.counts is None
                else _shares_with_unscored(item.shares, item.counts)
            ),
        )
        for item in report.items
    ]
    labels = [option.label for option in report.options]
    extra = {"numbers_only": "1"}
    if report.options and not report.options[-1].scored:
        extra["unscored_last"] = "1"
    options_png = charts.stacked_options_chart(
        bars,
        labels,
        charts.ChartText(
            title=_("Ratings per item, in percent of answers"),
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


def _shares_with_unscored(
    shares: tuple[float | None, ...], counts: tuple[int | None, ...]
) -> tuple[float, ...]:
    """Return bar segments that add up to 1 over every answer, unscored options included.

    The table shows shares over scored answers (the engine's figures); the bar shows
    how all answers split, so its segments are the released counts over their sum.
    """
    known = [c or 0 for c in counts]
    total = sum(known)
    if total == 0:
        return tuple(0.0 for _ in counts)
    return tuple(c / total for c in known)


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
    heatmap_png = charts.heatmap_chart(
        charts.Heatmap(
            row_labels=tuple(
                f"{label}. {text}"
                for label, text in zip(summary.item_labels, summary.item_texts, strict=True)
            ),
            column_labels=tuple(_short_name(line.name, line.ward) for line in summary.leaders),
            values=summary.heatmap,
        ),
        charts.ChartText(title=_("Mean score per item and leader")),
    )
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
        charts.ChartText(title=_("District score across rounds"), y_label=_("Mean score")),
    )
    return SummaryCharts(
        participation=participation_png,
        heatmap=heatmap_png,
        distribution=distribution_png,
        trend=trend_png,
    )


def _short_name(name: str, ward: str) -> str:
    parts = name.split()
    given = " ".join(parts[-2:]) if len(parts) >= 2 else name
    return f"{given} ({ward})"
