"""Charts of the reports as PNG bytes: pure, deterministic, Vietnamese-capable.

Nothing here imports Django or touches ballots: each function takes the figures the
tally engine has already released (suppressed cells arrive as ``None`` and are drawn as
hatched "suppressed" cells, never as numbers) and returns PNG bytes. Figures are drawn
with the object API on an Agg canvas (no pyplot state), in matplotlib's bundled DejaVu
Sans, which covers every Vietnamese letter; PNG metadata is fixed so that the same input
gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PIL import Image

# Labels are people's names and item texts: never parse them as mathtext ("$…$") or TeX,
# which would render markup from user input or fail on an unbalanced "$".
matplotlib.rcParams["text.parse_math"] = False
matplotlib.rcParams["text.usetex"] = False

FONT_FAMILY = "DejaVu Sans"
DPI = 100
# Colours from good to bad; the unscored option ("Không đánh giá") is grey.
OPTION_COLOURS = ("#1a7f37", "#7fbf3f", "#f2b134", "#d1495b", "#8c2d3b", "#5c1a24")
UNSCORED_COLOUR = "#b8b8b8"
SUPPRESSED_COLOUR = "#eeeeee"
CURRENT_COLOUR = "#1f4e79"
PREVIOUS_COLOUR = "#9db7d5"
AVERAGE_COLOUR = "#d1495b"


@dataclass(frozen=True)
class StackedBar:
    """One item's bar: the share of each option (sums to 1), or None when suppressed."""

    label: str
    shares: tuple[float, ...] | None


@dataclass(frozen=True)
class ScoreBar:
    """One group's score (section or item) now, in the previous round and on average."""

    label: str
    current: float | None
    previous: float | None = None
    average: float | None = None


@dataclass(frozen=True)
class Heatmap:
    """A matrix of values (rows × columns), None for suppressed cells."""

    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]
    low: float = 1.0
    high: float = 4.0


@dataclass(frozen=True)
class Series:
    """One line of a trend chart: a value per round (None when not released)."""

    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartText:
    """The translated labels a chart needs (the caller translates; charts stay pure)."""

    title: str = ""
    x_label: str = ""
    y_label: str = ""
    current: str = "Current"
    previous: str = "Previous round"
    average: str = "Average"
    suppressed: str = "Suppressed"
    extra: dict[str, str] = field(default_factory=dict)


def vn_number(value: float, digits: int = 2) -> str:
    """Return *value* the Vietnamese way: thousands dot, decimal comma ("1.234,5")."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _tick(value: float, _position: object = None) -> str:
    """Format a tick: whole numbers without decimals, others with at most two."""
    if abs(value - round(value)) < 1e-9:
        return vn_number(round(value), 0)
    text = vn_number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


TICKS = FuncFormatter(_tick)


def font_path() -> str:
    """Return the path of the TrueType font used for every chart."""
    return str(font_manager.findfont(FONT_FAMILY, fallback_to_default=False))


def missing_glyphs(text: str) -> set[str]:
    """Return the characters of *text* that the chart font cannot draw."""
    charmap = FT2Font(font_path()).get_charmap()
    return {ch for ch in text if not ch.isspace() and ord(ch) not in charmap}


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _style(fig: Figure) -> None:
    for text in fig.findobj(match=lambda artist: hasattr(artist, "set_fontfamily")):
        text.set_fontfamily(FONT_FAMILY)  # type: ignore[attr-defined]


def _png(fig: Figure) -> bytes:
    """Draw *fig* once and encode the pixels with Pillow (savefig would draw again)."""
    _style(fig)
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    canvas.draw()
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    # No text chunks (software, dates): the same figures give the same bytes.
    image.convert("RGB").save(buffer, format="PNG", compress_level=2, dpi=(DPI, DPI))
    return buffer.getvalue()


def _wrap(label: str, width: int = 42) -> str:
    lines = textwrap.wrap(label, width=width)
    if len(lines) > 2:
        lines = [*lines[:1], textwrap.shorten(" ".join(lines[1:]), width=width, placeholder="…")]
    return "\n".join(lines) or label


def _short(label: str, width: int) -> str:
    return textwrap.shorten(label, width=width, placeholder="…") or label[:width]


def _rectangles(ax: Axes, rects: list[tuple[float, float, float, float]], **style: object) -> None:
    """Add rectangles (x, y, width, height) as one collection: far fewer artists than bar()."""
    polygons = [[(x, y), (x + w, y), (x + w, y + h), (x, y + h)] for x, y, w, h in rects]
    ax.add_collection(PolyCollection(polygons, **style))  # type: ignore[arg-type]


def stacked_options_figure(
    bars: Sequence[StackedBar], option_labels: Sequence[str], text: ChartText
) -> Figure:
    """Return a horizontal stacked bar per item: the share of each option, in %.

    The last option is drawn grey when *text.extra* has ``"unscored_last"``; suppressed
    items get an empty hatched bar labelled with *text.suppressed*. Bars are labelled
    with the text before the first "." of their label (the item number) when
    *text.extra* has ``"numbers_only"``: the table beside the chart carries the texts.
    """
    height = max(2.4, 0.22 * len(bars) + 1.3)
    numbers_only = "numbers_only" in text.extra
    fig = _figure(7.0 if numbers_only else 8.0, height)
    ax = fig.add_subplot(1, 1, 1)
    positions = list(range(len(bars)))[::-1]
    colours = list(OPTION_COLOURS[: len(option_labels)])
    if "unscored_last" in text.extra and colours:
        colours[-1] = UNSCORED_COLOUR
    bar_height = 0.7
    for index, colour in enumerate(colours):
        rects = [
            (
                100 * sum(bar.shares[:index]),
                y - bar_height / 2,
                100 * bar.shares[index],
                bar_height,
            )
            for y, bar in zip(positions, bars, strict=True)
            if bar.shares is not None
        ]
        _rectangles(ax, rects, facecolors=colour, edgecolors="none")
    hidden = [
        (0.0, y - bar_height / 2, 100.0, bar_height)
        for y, bar in zip(positions, bars, strict=True)
        if bar.shares is None
    ]
    if hidden:
        _rectangles(ax, hidden, facecolors=SUPPRESSED_COLOUR, edgecolors="#999999", hatch="//")
        for _x, y, _w, _h in hidden:
            ax.text(50, y + bar_height / 2, text.suppressed, ha="center", va="center", fontsize=7)
    ax.set_yticks(positions)
    labels = [bar.label.split(".", 1)[0] if numbers_only else _short(bar.label, 52) for bar in bars]
    ax.set_yticklabels(labels, fontsize=7)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(TICKS)
    ax.set_ylim(-0.6, len(bars) - 0.4)
    ax.set_xlabel(text.x_label or "%", fontsize=8)
    if text.title:
        ax.set_title(text.title, fontsize=10)
    ax.legend(
        handles=[
            Patch(facecolor=colour, label=label)
            for colour, label in zip(colours, option_labels, strict=True)
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.55 / (height - 1.3)),
        ncol=max(1, len(option_labels)),
        fontsize=7,
        frameon=False,
    )
    ax.spines[["top", "right"]].set_visible(False)
    # Fixed margins instead of tight_layout: one draw less (this chart is in every report).
    left = 0.08 if numbers_only else 0.36
    fig.subplots_adjust(left=left, right=0.97, top=1 - 0.45 / height, bottom=0.9 / height)
    return fig


def score_bars_figure(bars: Sequence[ScoreBar], text: ChartText, scale_max: float = 4.0) -> Figure:
    """Return grouped bars of scores: now, in the previous round, and the average mark."""
    height = max(2.2, 0.42 * len(bars) + 1.2)
    fig = _figure(7.0, height)
    ax = fig.add_subplot(1, 1, 1)
    positions = list(range(len(bars)))[::-1]
    has_previous = any(b.previous is not None for b in bars)
    offset = 0.18 if has_previous else 0.0
    bar_height = 0.34 if has_previous else 0.6
    current = [(y + offset, b.current) for y, b in zip(positions, bars, strict=True)]
    _rectangles(
        ax,
        [(0.0, y - bar_height / 2, v, bar_height) for y, v in current if v is not None],
        facecolors=CURRENT_COLOUR,
        edgecolors="none",
    )
    handles = [Patch(facecolor=CURRENT_COLOUR, label=text.current)]
    for y, value in current:
        if value is None:
            ax.text(0.05, y, text.suppressed, va="center", fontsize=7, color="#666666")
        else:
            ax.text(value + 0.03, y, vn_number(value, 2), va="center", fontsize=7)
    if has_previous:
        previous = [(y - offset, b.previous) for y, b in zip(positions, bars, strict=True)]
        _rectangles(
            ax,
            [(0.0, y - bar_height / 2, v, bar_height) for y, v in previous if v is not None],
            facecolors=PREVIOUS_COLOUR,
            edgecolors="none",
        )
        handles.append(Patch(facecolor=PREVIOUS_COLOUR, label=text.previous))
    shown = [(y, b.average) for y, b in zip(positions, bars, strict=True) if b.average is not None]
    if shown:
        segments = [[(v, y - 0.4), (v, y + 0.4)] for y, v in shown]
        ax.add_collection(LineCollection(segments, colors=AVERAGE_COLOUR, linewidths=2.2))
        handles.append(Patch(facecolor=AVERAGE_COLOUR, label=text.average))
    ax.set_yticks(positions)
    ax.set_yticklabels([_wrap(b.label, 40) for b in bars], fontsize=7)
    ax.set_xlim(0, scale_max + 0.35)
    ax.xaxis.set_major_formatter(TICKS)
    ax.set_ylim(-0.6, len(bars) - 0.4)
    ax.set_xlabel(text.x_label, fontsize=8)
    if text.title:
        ax.set_title(text.title, fontsize=10)
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.55 / (height - 1.2)),
        ncol=len(handles),
        fontsize=7,
        frameon=False,
    )
    ax.spines[["top", "right"]].set_visible(False)
    fig.subplots_adjust(left=0.36, right=0.97, top=1 - 0.45 / height, bottom=0.9 / height)
    return fig


HEATMAP_ROWS_PER_PAGE = 30


def heatmap_pages(heatmap: Heatmap, per_page: int = HEATMAP_ROWS_PER_PAGE) -> list[Heatmap]:
    """Split a heatmap into pages of at most *per_page* rows (every page keeps all columns)."""
    rows = len(heatmap.row_labels)
    return [
        Heatmap(
            row_labels=heatmap.row_labels[start : start + per_page],
            column_labels=heatmap.column_labels,
            values=heatmap.values[start : start + per_page],
            low=heatmap.low,
            high=heatmap.high,
        )
        for start in range(0, max(rows, 1), per_page)
    ]


def heatmap_figure(heatmap: Heatmap, text: ChartText) -> Figure:
    """Return a heatmap (rows × columns) of mean scores; suppressed cells are hatched grey.

    Rows carry the long labels (people's full names) horizontally at a readable size;
    columns carry short labels (item numbers). Callers page long row lists with
    :func:`heatmap_pages`, so each figure stays legible at any number of leaders.
    """
    rows = len(heatmap.row_labels)
    columns = len(heatmap.column_labels)
    label_width = max((len(label) for label in heatmap.row_labels), default=10)
    left_inches = min(4.2, 0.075 * min(label_width, 48) + 0.4)
    fig = _figure(max(7.0, 0.34 * columns + left_inches + 1.2), max(3.0, 0.3 * rows + 1.9))
    ax = fig.add_subplot(1, 1, 1)
    cmap = LinearSegmentedColormap.from_list("phieukin", ["#8c2d3b", "#f2b134", "#1a7f37"])
    matrix = [[math.nan if v is None else v for v in row] for row in heatmap.values]
    image = ax.imshow(matrix, cmap=cmap, vmin=heatmap.low, vmax=heatmap.high, aspect="auto")
    for r, row in enumerate(heatmap.values):
        for c, value in enumerate(row):
            if value is None:
                ax.add_patch(
                    matplotlib.patches.Rectangle(
                        (c - 0.5, r - 0.5),
                        1,
                        1,
                        facecolor=SUPPRESSED_COLOUR,
                        hatch="//",
                        edgecolor="#aaaaaa",
                        linewidth=0.0,
                    )
                )
            elif columns <= 24:  # beyond that the numbers are in the table, not the picture
                ax.text(c, r, vn_number(value, 1), ha="center", va="center", fontsize=6.5)
    ax.set_xticks(range(columns))
    ax.set_xticklabels(heatmap.column_labels, fontsize=8)
    ax.xaxis.set_ticks_position("top")
    ax.set_yticks(range(rows))
    ax.set_yticklabels([_wrap(label, 48) for label in heatmap.row_labels], fontsize=8)
    if text.x_label:
        ax.set_xlabel(text.x_label, fontsize=8)
        ax.xaxis.set_label_position("top")
    if text.title:
        ax.set_title(text.title, fontsize=10, pad=22)
    bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    bar.ax.tick_params(labelsize=7)
    bar.ax.yaxis.set_major_formatter(TICKS)
    fig.tight_layout()
    return fig


def distribution_figure(
    values: Sequence[float], text: ChartText, low: float = 1.0, high: float = 4.0, bins: int = 12
) -> Figure:
    """Return a histogram of *values* (e.g. the overall score of every leader)."""
    fig = _figure(6.0, 2.8)
    ax = fig.add_subplot(1, 1, 1)
    edges = [low + (high - low) * i / bins for i in range(bins + 1)]
    ax.hist(list(values), bins=edges, color=CURRENT_COLOUR, edgecolor="white")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(TICKS)
    ax.xaxis.set_major_formatter(TICKS)
    ax.set_xlim(low, high)
    ax.set_xlabel(text.x_label, fontsize=8)
    ax.set_ylabel(text.y_label, fontsize=8)
    ax.tick_params(labelsize=7)
    if text.title:
        ax.set_title(text.title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def participation_figure(
    labels: Sequence[str], rates: Sequence[float | None], target: float | None, text: ChartText
) -> Figure:
    """Return one bar per ward (participation in %), with the target as a dashed line."""
    fig = _figure(8.0, max(2.6, 0.3 * len(labels) + 1.2))
    ax = fig.add_subplot(1, 1, 1)
    positions = list(range(len(labels)))[::-1]
    shown = [(y, r) for y, r in zip(positions, rates, strict=True) if r is not None]
    colours = [
        CURRENT_COLOUR if target is None or r >= target else AVERAGE_COLOUR for _y, r in shown
    ]
    ax.barh([y for y, _r in shown], [100 * r for _y, r in shown], color=colours, height=0.6)
    for y, r in shown:
        ax.text(100 * r + 0.8, y, vn_number(100 * r, 1), va="center", fontsize=7)
    if target is not None:
        ax.axvline(100 * target, color=AVERAGE_COLOUR, linestyle="--", linewidth=1)
        ax.text(100 * target, len(labels) - 0.4, text.extra.get("target", ""), fontsize=7)
    ax.set_yticks(positions)
    ax.set_yticklabels(list(labels), fontsize=7)
    # Fixed limits: with one ward and no rate yet, autoscaling collapses the axis.
    ax.set_ylim(-0.6, len(labels) - 0.2)
    ax.set_xlim(0, 108)
    ax.xaxis.set_major_formatter(TICKS)
    ax.set_xlabel(text.x_label or "%", fontsize=8)
    if text.title:
        ax.set_title(text.title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def trend_figure(
    round_labels: Sequence[str],
    series: Sequence[Series],
    text: ChartText,
    dates: Sequence[dt.date] = (),
) -> Figure:
    """Return one line per series across rounds; gaps where a value was not released.

    With *dates* (one per round) the rounds sit on a real time axis: the distance
    between two rounds is the time between them, and each tick reads the round's title
    over its date (dd/mm/yyyy). Without dates they are spaced evenly.
    """
    fig = _figure(7.0, 3.2)
    ax = fig.add_subplot(1, 1, 1)
    timed = len(dates) == len(round_labels) and len(dates) > 0
    xs: list[float] = (
        [float(day.toordinal()) for day in dates]
        if timed
        else list(map(float, range(len(round_labels))))
    )
    for index, line in enumerate(series):
        ys = [math.nan if v is None else v for v in line.values]
        ax.plot(
            xs,
            ys,
            marker="o",
            linewidth=1.6,
            label=line.label,
            color=OPTION_COLOURS[index % len(OPTION_COLOURS)]
            if len(series) > 1
            else CURRENT_COLOUR,
        )
    ax.set_xticks(xs)
    if timed:
        labels = [
            "\n".join((*textwrap.wrap(label, 18), f"{day:%d/%m/%Y}"))
            for label, day in zip(round_labels, dates, strict=True)
        ]
        span = max(xs) - min(xs)
        pad = max(span * 0.06, 30.0)
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
    else:
        labels = list(round_labels)
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_ylim(1.0, 4.1)
    ax.yaxis.set_major_formatter(TICKS)
    ax.set_ylabel(text.y_label, fontsize=8)
    if text.x_label:
        ax.set_xlabel(text.x_label, fontsize=8)
    ax.tick_params(labelsize=7)
    if text.title:
        ax.set_title(text.title, fontsize=10)
    if len(series) > 1:
        ax.legend(fontsize=7, frameon=False, loc="lower left")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def stacked_options_chart(
    bars: Sequence[StackedBar], option_labels: Sequence[str], text: ChartText
) -> bytes:
    """Return :func:`stacked_options_figure` as PNG bytes."""
    return _png(stacked_options_figure(bars, option_labels, text))


def score_bars_chart(bars: Sequence[ScoreBar], text: ChartText, scale_max: float = 4.0) -> bytes:
    """Return :func:`score_bars_figure` as PNG bytes."""
    return _png(score_bars_figure(bars, text, scale_max))


def heatmap_chart(heatmap: Heatmap, text: ChartText) -> bytes:
    """Return :func:`heatmap_figure` as PNG bytes (one page: see :func:`heatmap_pages`)."""
    return _png(heatmap_figure(heatmap, text))


def distribution_chart(
    values: Sequence[float], text: ChartText, low: float = 1.0, high: float = 4.0, bins: int = 12
) -> bytes:
    """Return :func:`distribution_figure` as PNG bytes."""
    return _png(distribution_figure(values, text, low, high, bins))


def participation_chart(
    labels: Sequence[str], rates: Sequence[float | None], target: float | None, text: ChartText
) -> bytes:
    """Return :func:`participation_figure` as PNG bytes."""
    return _png(participation_figure(labels, rates, target, text))


def trend_chart(
    round_labels: Sequence[str],
    series: Sequence[Series],
    text: ChartText,
    dates: Sequence[dt.date] = (),
) -> bytes:
    """Return :func:`trend_figure` as PNG bytes."""
    return _png(trend_figure(round_labels, series, text, dates))


def bundled_font_file() -> Path:
    """Return the chart font as a Path (for tests and documents that embed it)."""
    return Path(font_path())
