"""A leader's PDF reads the database a fixed, small number of times; the lineage once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phieukin.accounts.models import User
from phieukin.reports import pages
from phieukin.reports.services import RoundReports, render_leader_report
from phieukin.reports.tests.conftest import previous_round_filled, subject_of
from phieukin.rounds.models import Round
from phieukin.rounds.services import publish_round
from phieukin.tallying.selectors import store_round_snapshot
from phieukin.units import lineage
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db

# A leader's PDF built from nothing, as its first download builds it when no warm-up did
# (a fresh RoundReports: the round's names, texts and tally snapshot read again), with a
# previous round to compare with. In this
# fixture it cost 35 queries when the previous result was looked up through the map's
# lineage twice (the report's comparison and the follow-up section), the post's
# reorganisations were read twice and each box twice.
FRESH_PDF_QUERIES = 28
# The same leader's PDF again from the same RoundReports (a report set): 12 before.
SERVED_PDF_QUERIES = 5
# The same PDF as the download view serves it once built for this snapshot (the pages
# cache): the subject, its previous result and post's lineage, the follow-up sections and
# the page key's reads, then the file from the cache: 14 queries, no tally read, nothing
# drawn, no layout.
KEPT_PDF_QUERIES = 14


@pytest.fixture
def two_rounds(sealed_round: Round, district: Unit, wards: list[Unit], questionnaire: Any) -> Round:
    """Return the published round, with an earlier counted round over its first wards.

    Both rounds' tally snapshots are stored, as sealing and publication store them.
    """
    store_round_snapshot(previous_round_filled(district, wards, questionnaire))
    return publish_round(actor=None, round=sealed_round)


@pytest.fixture
def lineage_walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record every walk from a post to the posts of the units it succeeds."""
    walks: list[int] = []
    real = lineage.lineage_positions

    def counted(position: Any, **kwargs: Any) -> Any:
        walks.append(position.pk)
        return real(position, **kwargs)

    monkeypatch.setattr(lineage, "lineage_positions", counted)
    return walks


def test_a_leaders_pdf_holds_its_query_count(two_rounds: Round, leader: User) -> None:
    subject = subject_of(leader, two_rounds)
    with CaptureQueriesContext(connection) as fresh:
        data = render_leader_report(subject=subject, fmt="pdf").data
    assert data.startswith(b"%PDF")
    assert len(fresh) <= FRESH_PDF_QUERIES
    reports = RoundReports(two_rounds)
    render_leader_report(subject=subject, fmt="pdf", reports=reports)
    reports._leaders.clear()  # the content built again, as the benchmark serves it
    with CaptureQueriesContext(connection) as served:
        render_leader_report(subject=subject, fmt="pdf", reports=reports)
    assert len(served) <= SERVED_PDF_QUERIES, [q["sql"][:120] for q in served.captured_queries]


def test_the_previous_result_is_found_through_the_lineage_once_per_report(
    two_rounds: Round, leader: User, lineage_walks: list[int]
) -> None:
    subject = subject_of(leader, two_rounds)
    reports = RoundReports(two_rounds)
    pdf = render_leader_report(subject=subject, fmt="pdf", reports=reports)
    docx = render_leader_report(subject=subject, fmt="docx", reports=reports)
    assert pdf.data.startswith(b"%PDF") and docx.data.startswith(b"PK")
    # The comparison in the report and the follow-up section read the same answer.
    assert lineage_walks == [subject.position_id]
    previous = reports.previous_subject(subject.pk)
    assert previous is not None
    assert previous.conference.round.title == "Đợt I/2026"
    assert lineage_walks == [subject.position_id]


def test_a_leaders_pdf_kept_per_snapshot_is_served_with_its_key_reads_only(
    two_rounds: Round, leader: User
) -> None:
    subject = subject_of(leader, two_rounds)
    built = pages.leader_file(RoundReports(two_rounds), subject, "pdf")
    with CaptureQueriesContext(connection) as served:
        again = pages.leader_file(RoundReports(two_rounds), subject, "pdf")
    assert again.data == built.data and again.data.startswith(b"%PDF")
    assert len(served) <= KEPT_PDF_QUERIES, [q["sql"][:120] for q in served.captured_queries]
