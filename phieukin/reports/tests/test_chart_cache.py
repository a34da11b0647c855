"""A report's charts are drawn once and then read from the shared cache, never mixed up."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.utils import translation

from phieukin.reports import charts
from phieukin.reports.exporters import base
from phieukin.reports.exporters.base import chart_cache_key, leader_charts
from phieukin.reports.tests import samples


@pytest.fixture
def drawings(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Count the charts actually drawn (not read from the cache), on an empty cache."""
    caches["charts"].clear()
    drawn: list[str] = []
    for name in ("stacked_options_chart", "score_bars_chart"):
        real = getattr(charts, name)

        def counted(*args: Any, _real: Any = real, _name: str = name) -> bytes:
            drawn.append(_name)
            return bytes(_real(*args))

        monkeypatch.setattr(charts, name, counted)
    yield drawn
    caches["charts"].clear()


def test_a_leaders_charts_are_drawn_once_and_then_read_from_the_cache(
    drawings: list[str],
) -> None:
    with translation.override("vi"):
        first = leader_charts(samples.leader_report())
        again = leader_charts(samples.leader_report())
    assert drawings == ["stacked_options_chart", "score_bars_chart"]
    assert again == first
    assert first.options.startswith(b"\x89PNG")


def test_other_figures_are_drawn_again_not_served_from_the_cache(drawings: list[str]) -> None:
    report = samples.leader_report()
    changed = dataclasses.replace(
        report, items=(*report.items[:-1], samples.item(21, (1, 5, 8, 4, 2)))
    )
    with translation.override("vi"):
        first = leader_charts(report)
        second = leader_charts(changed)
    # Item 21 is released in the second report: its bars differ, its section scores do not.
    assert drawings == ["stacked_options_chart", "score_bars_chart", "stacked_options_chart"]
    assert second.options != first.options
    assert second.scores == first.scores


def test_the_cache_key_depends_on_every_input_and_the_language_of_the_labels() -> None:
    bars = [charts.ScoreBar("I. Phẩm chất", 3.25)]
    key = chart_cache_key("score_bars", bars, charts.ChartText(title="Điểm"))
    assert key == chart_cache_key("score_bars", bars, charts.ChartText(title="Điểm"))
    assert key != chart_cache_key("score_bars", bars, charts.ChartText(title="Scores"))
    assert key != chart_cache_key(
        "score_bars", [charts.ScoreBar("I. Phẩm chất", 3.26)], charts.ChartText(title="Điểm")
    )
    assert key != chart_cache_key("stacked_options", bars, charts.ChartText(title="Điểm"))


def test_a_report_is_still_drawn_when_the_cache_cannot_be_reached(
    drawings: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken:
        def get(self, key: str) -> bytes:
            raise ConnectionError("cache down")

        def set(self, key: str, value: bytes, timeout: int) -> None:
            raise ConnectionError("cache down")

    monkeypatch.setattr(base, "caches", {"charts": Broken()})
    with translation.override("vi"):
        images = leader_charts(samples.leader_report())
    assert images.scores.startswith(b"\x89PNG")
    assert drawings == ["stacked_options_chart", "score_bars_chart"]
