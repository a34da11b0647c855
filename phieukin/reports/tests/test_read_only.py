"""Report pages only read: they are served from stored tallies, as on a read-only replica.

Snapshots are stored at sealing and publication; opening a report stores nothing but the
record of who opened a leader's report (``ReportAccess``). The summary pages are also
served inside a read-only transaction (PostgreSQL) or connection (SQLite), which refuses
any write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.reports.models import ReportAccess
from phieukin.reports.tests.conftest import subject_of
from phieukin.rounds.models import Round
from phieukin.tallying.models import TallySnapshot

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _written_tables(context: CaptureQueriesContext) -> set[str]:
    tables: set[str] = set()
    for query in context.captured_queries:
        sql = query["sql"].lstrip()
        if sql.upper().startswith(WRITES):
            words = sql.replace('"', " ").split()
            verb = words[0].upper()
            tables.add(words[2] if verb in ("INSERT", "DELETE") else words[1])
    return tables


@contextmanager
def _read_only() -> Iterator[None]:
    """Refuse every write on the test's connection until the block ends."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Rolled back with the test's transaction; no way back to read-write in it.
            # Check the fixtures' deferred foreign keys now: the check locks rows, which a
            # read-only transaction refuses at the test's teardown.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET TRANSACTION READ ONLY")
            yield
        else:
            cursor.execute("PRAGMA query_only = ON")
            try:
                yield
            finally:
                cursor.execute("PRAGMA query_only = OFF")


def test_publication_stores_the_tallies_the_report_pages_read(published_round: Round) -> None:
    assert TallySnapshot.objects.filter(round=published_round, box__isnull=True).count() == 1
    assert TallySnapshot.objects.filter(round=published_round, box__isnull=False).count() == 3


def test_opening_reports_writes_nothing_but_the_record_of_the_opening(
    published_round: Round, standing: User, leader: User
) -> None:
    client = _client(standing)
    stored = TallySnapshot.objects.count()
    with CaptureQueriesContext(connection) as context:
        summary = client.get(reverse("reports:round", args=[published_round.pk]))
        workbook = client.get(
            reverse("reports:summary_download", args=[published_round.pk, "xlsx"])
        )
        subject = subject_of(leader, published_round).pk
        page = client.get(reverse("reports:leader", args=[published_round.pk, subject]))
        pdf = client.get(
            reverse("reports:leader_download", args=[published_round.pk, subject, "pdf"])
        )
    assert [r.status_code for r in (summary, workbook, page, pdf)] == [200] * 4
    assert _written_tables(context) == {ReportAccess._meta.db_table}
    assert ReportAccess.objects.count() == 2
    assert TallySnapshot.objects.count() == stored


def test_the_summary_page_and_workbook_are_served_by_a_read_only_connection(
    published_round: Round, standing: User
) -> None:
    client = _client(standing)
    with _read_only():
        summary = client.get(reverse("reports:round", args=[published_round.pk]))
        workbook = client.get(
            reverse("reports:summary_download", args=[published_round.pk, "xlsx"])
        )
    assert (
        summary.status_code == 200 and "Báo cáo tổng hợp toàn địa bàn" in summary.content.decode()
    )
    assert workbook.status_code == 200 and workbook.content.startswith(b"PK")


def test_a_draft_preview_is_tallied_in_memory_and_stores_nothing(
    sealed_round: Round, district_organiser: User
) -> None:
    # fill_round seals the boxes behind the services' back: nothing was stored.
    assert not TallySnapshot.objects.exists()
    client = _client(district_organiser)
    with _read_only():
        page = client.get(reverse("reports:round", args=[sealed_round.pk]))
    assert page.status_code == 200 and "Bản xem trước" in page.content.decode()
    assert not TallySnapshot.objects.exists()
