"""The summary page draws the same round-wide charts as the summary documents."""

from __future__ import annotations

from phieukin.reports.exporters.base import summary_charts
from phieukin.reports.services import RoundReports
from phieukin.reports.summary_page import page_charts, summary_page
from phieukin.rounds.models import Round


def test_the_pages_trend_and_distribution_are_the_documents_own(sealed_round: Round) -> None:
    whole = RoundReports(sealed_round).summary()
    shown = summary_page(whole, page="1", unit=None)
    on_page = page_charts(whole, shown)
    in_documents = summary_charts(whole)
    # The trend sits on the time axis of the documents (rounds placed by their dates),
    # and the distribution is the whole round's, whatever page is shown.
    assert on_page.trend == in_documents.trend
    assert on_page.distribution == in_documents.distribution
    assert on_page.trend.startswith(b"\x89PNG")
