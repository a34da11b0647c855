"""Report pages are built once per snapshot, never served stale and never to the wrong reader."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from phieukin.accounts.models import User
from phieukin.ballots.models import Seal
from phieukin.reports import pages, summary_page
from phieukin.reports.models import ReportAccess
from phieukin.reports.services import RoundReports
from phieukin.reports.tests.conftest import previous_round_filled, subject_of
from phieukin.rounds.models import Conference, Round, Subject
from phieukin.rounds.services import publish_round
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record every summary and leader report built from the snapshots (not read cached)."""
    built: list[str] = []
    summary, leader = RoundReports.summary, RoundReports.leader

    def counted_summary(self: RoundReports, **kwargs: Any) -> Any:
        built.append("summary")
        return summary(self, **kwargs)

    def counted_leader(self: RoundReports, subject_id: int) -> Any:
        built.append(f"leader {subject_id}")
        return leader(self, subject_id)

    monkeypatch.setattr(RoundReports, "summary", counted_summary)
    monkeypatch.setattr(RoundReports, "leader", counted_leader)
    yield built


def test_the_summary_page_is_built_once_then_read_from_the_cache(
    published_round: Round, standing: User, district_organiser: User, builds: list[str]
) -> None:
    url = reverse("reports:round", args=[published_round.pk])
    first = _client(standing).get(url)
    again = _client(district_organiser).get(url)
    assert first.status_code == again.status_code == 200
    assert builds == ["summary"]
    # The cached part is the same; what is the reader's own is rendered on each request.
    body = again.content.decode()
    assert "Báo cáo tổng hợp toàn địa bàn" in body
    for subject in Subject.objects.filter(conference__round=published_round):
        assert subject.name in body
        assert reverse("reports:leader", args=[published_round.pk, subject.pk]) in body
    log = reverse("reports:access_log", args=[published_round.pk])
    assert log in body and log not in first.content.decode()  # the organiser's link only


def test_a_leaders_page_is_built_once_and_every_opening_is_still_recorded(
    published_round: Round, leader: User, standing: User, builds: list[str]
) -> None:
    subject = subject_of(leader, published_round)
    url = reverse("reports:leader", args=[published_round.pk, subject.pk])
    own = _client(leader).get(url)
    committee = _client(standing).get(url)
    assert own.status_code == committee.status_code == 200
    assert leader.full_name in committee.content.decode()
    assert "Kết quả theo từng nội dung" in committee.content.decode()
    assert builds == [f"leader {subject.pk}"]
    assert ReportAccess.objects.filter(format="html").count() == 2


def test_a_reader_without_access_is_refused_before_the_cache_is_read_after_others_warmed_it(
    sealed_round: Round,
    district_organiser: User,
    standing: User,
    leader: User,
    other_leader: User,
    outsider: User,
    cache_reads: list[str],
) -> None:
    summary = reverse("reports:round", args=[sealed_round.pk])
    subject = subject_of(leader, sealed_round)
    report = reverse("reports:leader", args=[sealed_round.pk, subject.pk])
    organiser = _client(district_organiser)
    assert organiser.get(summary).status_code == 200
    assert organiser.get(report).status_code == 200
    warmed = len(cache_reads)
    assert warmed == 2
    # The round is not published: the Standing Committee and the leader may not read it
    # yet; another leader and an outsider never may. The content is in the cache, and
    # none of them gets it — the cache is not even looked up for them.
    for user in (standing, leader, other_leader, outsider):
        client = _client(user)
        assert client.get(summary).status_code == 404
        assert client.get(report).status_code == 404
    publish_round(actor=None, round=sealed_round)
    assert _client(other_leader).get(report).status_code == 404
    # A ward office reads its own ward's pooled results on the round's page, not the
    # summary kept in the cache.
    ward_office = _client(outsider).get(summary)
    assert ward_office.status_code == 200
    assert "Báo cáo tổng hợp toàn địa bàn" not in ward_office.content.decode()
    assert len(cache_reads) == warmed


def test_a_changed_figure_is_a_new_key_and_the_page_shows_it(
    sealed_round: Round, district_organiser: User, builds: list[str]
) -> None:
    client = _client(district_organiser)
    url = reverse("reports:round", args=[sealed_round.pk])
    assert client.get(url).status_code == 200
    conference = Conference.objects.filter(round=sealed_round).order_by("pk").first()
    assert conference is not None
    Conference.objects.filter(pk=conference.pk).update(invited_count=9876)
    body = client.get(url).content.decode()
    assert "9.876" in body
    assert builds == ["summary", "summary"]


def test_a_box_sealed_again_or_a_publication_is_never_served_the_old_content(
    sealed_round: Round, district_organiser: User, leader: User, builds: list[str]
) -> None:
    client = _client(district_organiser)
    summary = reverse("reports:round", args=[sealed_round.pk])
    report = reverse("reports:leader", args=[sealed_round.pk, subject_of(leader, sealed_round).pk])
    client.get(summary), client.get(report)
    # Another seal digest is another tally snapshot: both pages are built again.
    seal = Seal.objects.filter(box__conference__round=sealed_round).order_by("pk").first()
    assert seal is not None
    Seal.objects.filter(pk=seal.pk).update(digest="1" * 64)
    client.get(summary), client.get(report)
    # Publication stores the round's snapshot and changes the round: built again.
    publish_round(actor=None, round=sealed_round)
    client.get(summary), client.get(report)
    assert builds.count("summary") == 3
    assert len([b for b in builds if b.startswith("leader")]) == 3


def test_changed_sealed_counts_are_a_new_key(sealed_round: Round) -> None:
    # The counts enter the key as the database's text of them (not decoded): a change to
    # them, even with the same digest, is still another key.
    before = pages.summary_key(sealed_round, page=None, unit=None)
    assert before == pages.summary_key(sealed_round, page=None, unit=None)
    seal = Seal.objects.filter(box__conference__round=sealed_round).order_by("pk").first()
    assert seal is not None
    Seal.objects.filter(pk=seal.pk).update(counts={**seal.counts, "present": 10**6})
    assert pages.summary_key(sealed_round, page=None, unit=None) != before


def test_a_newly_counted_earlier_round_changes_the_trend_and_the_page(
    sealed_round: Round,
    district_organiser: User,
    district: Unit,
    wards: list[Unit],
    builds: list[str],
) -> None:
    client = _client(district_organiser)
    url = reverse("reports:round", args=[sealed_round.pk])
    client.get(url)
    before = pages.summary_key(sealed_round, page=None, unit=None)
    previous_round_filled(district, wards, sealed_round.questionnaire)
    assert pages.summary_key(sealed_round, page=None, unit=None) != before
    client.get(url)
    # The round read for the trend is one more input: the summary was built again.
    assert builds == ["summary", "summary"]


def test_the_key_follows_the_language_the_page_and_the_unit(
    sealed_round: Round, monkeypatch: pytest.MonkeyPatch
) -> None:
    with translation.override("vi"):
        vi = pages.summary_key(sealed_round, page=None, unit=None)
        assert vi == pages.summary_key(sealed_round, page="1", unit="")
        assert vi != pages.summary_key(sealed_round, page="2", unit=None)
        assert vi != pages.summary_key(sealed_round, page=None, unit="3")
        monkeypatch.setattr(summary_page, "WARDS_PER_PAGE", 5)
        assert vi != pages.summary_key(sealed_round, page=None, unit=None)
    with translation.override("en"):
        assert vi != pages.summary_key(sealed_round, page=None, unit=None)


def test_an_unreachable_cache_only_costs_the_building(
    published_round: Round, standing: User, monkeypatch: pytest.MonkeyPatch, builds: list[str]
) -> None:
    class Down:
        def get(self, key: str) -> Any:
            raise ConnectionError("cache down")

        def set(self, key: str, value: Any, timeout: int) -> None:
            raise ConnectionError("cache down")

        def clear(self) -> None:
            pass

    monkeypatch.setattr(pages, "caches", {pages.PAGE_CACHE: Down()})
    client = _client(standing)
    url = reverse("reports:round", args=[published_round.pk])
    assert client.get(url).status_code == client.get(url).status_code == 200
    assert builds == ["summary", "summary"]


def test_a_leaders_page_is_built_again_when_an_earlier_result_is_counted(
    sealed_round: Round,
    district_organiser: User,
    leader: User,
    district: Unit,
    wards: list[Unit],
    builds: list[str],
) -> None:
    client = _client(district_organiser)
    subject = subject_of(leader, sealed_round)
    url = reverse("reports:leader", args=[sealed_round.pk, subject.pk])
    client.get(url)
    client.get(url)
    # The same person's result in the same post one round earlier: the report compares
    # with it, so the page is another one.
    previous_round_filled(district, wards, sealed_round.questionnaire)
    body = client.get(url).content.decode()
    assert builds == [f"leader {subject.pk}", f"leader {subject.pk}"]
    assert "Đợt I/2026" in body


def test_a_fingerprint_tells_apart_every_changed_added_or_removed_row(
    sealed_round: Round,
) -> None:
    # On PostgreSQL the database reduces the rows to a count and a SHA-256; elsewhere the
    # rows themselves. Either way the key material must change with any row.
    def fingerprint() -> object:
        return pages._fingerprint(
            Conference.objects.filter(round=sealed_round)
            .order_by("pk")
            .values_list("pk", "invited_count", "place", "held_on", "unit__name")
        )

    before = fingerprint()
    assert fingerprint() == before
    first, second = Conference.objects.filter(round=sealed_round).order_by("pk")[:2]
    # Two rows' values swapped are other rows (each row carries its key).
    Conference.objects.filter(pk=first.pk).update(place=second.place + " ")
    changed = fingerprint()
    assert changed != before
    Conference.objects.filter(pk=first.pk).update(place=first.place)
    assert fingerprint() == before
    # A renamed unit (read through the join); no row at all against one row.
    Unit.objects.filter(pk=first.unit_id).update(name=first.unit.name + " mới")
    assert fingerprint() not in (before, changed)
    assert pages._fingerprint(
        Conference.objects.filter(pk=-1).values_list("pk")
    ) != pages._fingerprint(Conference.objects.filter(pk=first.pk).values_list("pk"))
