"""A province's report pages cost the same number of queries whatever its size."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phieukin.accounts.models import Membership, Role, User
from phieukin.console.country import CountrySize, generate_country
from phieukin.reports import summary_page
from phieukin.rounds.models import Round, Subject
from phieukin.units.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def _standing_committee_of(province: Unit) -> Client:
    user, _created = User.objects.get_or_create(username=f"tt-{province.slug}")
    Membership.objects.get_or_create(user=user, unit=province, role=Role.STANDING_COMMITTEE)
    client = Client()
    client.force_login(user)
    return client


def _latest(province: Unit) -> Round:
    rnd = Round.objects.filter(organiser_unit=province).order_by("-year", "-number").first()
    assert rnd is not None
    return rnd


def _summary_queries(province: Unit) -> int:
    rnd = _latest(province)
    client = _standing_committee_of(province)
    url = reverse("reports:round", args=[rnd.pk])
    assert client.get(url).status_code == 200  # templates, shapes and snapshots warmed
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # Served from the snapshots stored at publication: no ballot is read.
    assert not [q for q in queries.captured_queries if "ballots_ballot" in q["sql"]]
    return len(queries.captured_queries)


@pytest.fixture
def two_provinces() -> tuple[Unit, Unit]:
    # Hà Nội gets 12 communes and Huế 4 (the split follows their real sizes).
    generate_country(size=CountrySize(provinces=2, communes=16, rounds=3, respondents=10))
    big, small = Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("pk")
    assert big.children.count() == 3 * small.children.count()
    return big, small


def test_a_province_summary_does_not_query_once_per_commune(
    two_provinces: tuple[Unit, Unit], django_assert_max_num_queries: Any
) -> None:
    big, small = two_provinces
    few = _summary_queries(small)
    many = _summary_queries(big)
    assert many == few
    rnd = Round.objects.filter(organiser_unit=big).order_by("-year", "-number").first()
    assert rnd is not None
    client = _standing_committee_of(big)
    with django_assert_max_num_queries(few):
        client.get(reverse("reports:round", args=[rnd.pk]))


def test_a_province_summary_is_read_a_page_of_communes_at_a_time(
    two_provinces: tuple[Unit, Unit], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary_page, "WARDS_PER_PAGE", 5)
    big, _small = two_provinces
    rnd = _latest(big)
    communes = list(big.children.order_by("sort_key"))
    client = _standing_committee_of(big)
    url = reverse("reports:round", args=[rnd.pk])
    second = client.get(url, {"page": "2"}).content.decode()
    assert "Trang 2 / 3" in second
    shown = [c.name for c in communes if f"<td>{c.name}</td>" in second]
    assert shown == [c.name for c in communes[5:10]]
    assert 'rel="prev"' in second and 'rel="next"' in second


def test_a_province_summary_filters_one_commune_with_its_leaders(
    two_provinces: tuple[Unit, Unit],
) -> None:
    big, _small = two_provinces
    rnd = _latest(big)
    communes = list(big.children.order_by("sort_key"))
    chosen = communes[7]
    client = _standing_committee_of(big)
    body = client.get(reverse("reports:round", args=[rnd.pk]), {"unit": str(chosen.pk)})
    text = body.content.decode()
    assert [c.name for c in communes if f"<td>{c.name}</td>" in text] == [chosen.name]
    leaders = Subject.objects.filter(conference__round=rnd)
    for subject in leaders:
        assert (subject.name in text) == (subject.conference.unit_id == chosen.pk)
    assert f'<option value="{chosen.pk}" selected>' in text
