"""Publication and permissions of the report pages and downloads; openings are recorded."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.reports.models import ReportAccess
from phieukin.reports.tests.conftest import subject_of
from phieukin.rounds.models import Round

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _leader_url(rnd: Round, user: User, name: str = "reports:leader", **extra: str) -> str:
    return reverse(name, args=[rnd.pk, subject_of(user, rnd).pk, *extra.values()])


def test_a_leader_reads_their_own_published_report_and_the_opening_is_recorded(
    published_round: Round, leader: User
) -> None:
    response = _client(leader).get(_leader_url(published_round, leader))
    assert response.status_code == 200
    body = response.content.decode()
    assert leader.full_name in body
    assert "Kết quả theo từng nội dung" in body
    assert response["Cache-Control"] == "no-store"
    access = ReportAccess.objects.get()
    assert (access.user, access.format, access.draft) == (leader, "html", False)
    assert access.subject == subject_of(leader, published_round)


def test_leader_a_cannot_open_leader_b_report(
    published_round: Round, leader: User, other_leader: User
) -> None:
    client = _client(leader)
    assert client.get(_leader_url(published_round, other_leader)).status_code == 404
    pdf = reverse(
        "reports:leader_download",
        args=[published_round.pk, subject_of(other_leader, published_round).pk, "pdf"],
    )
    assert client.get(pdf).status_code == 404
    assert ReportAccess.objects.count() == 0


def test_a_leader_does_not_see_an_unpublished_round(sealed_round: Round, leader: User) -> None:
    client = _client(leader)
    assert client.get(_leader_url(sealed_round, leader)).status_code == 404
    assert client.get(reverse("reports:round", args=[sealed_round.pk])).status_code == 404
    assert sealed_round.title not in client.get(reverse("reports:index")).content.decode()


def test_a_leader_sees_only_their_own_line_and_no_summary(
    published_round: Round, leader: User, other_leader: User
) -> None:
    response = _client(leader).get(reverse("reports:round", args=[published_round.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert leader.full_name in body
    assert other_leader.full_name not in body
    assert "Báo cáo tổng hợp toàn địa bàn" not in body
    summary = reverse("reports:summary_download", args=[published_round.pk, "pdf"])
    assert _client(leader).get(summary).status_code == 404


def test_the_district_organiser_previews_the_draft_and_the_preview_is_logged_as_draft(
    sealed_round: Round, district_organiser: User, leader: User
) -> None:
    client = _client(district_organiser)
    page = client.get(reverse("reports:round", args=[sealed_round.pk]))
    assert page.status_code == 200
    assert "Bản xem trước" in page.content.decode()
    download = client.get(_leader_url(sealed_round, leader, "reports:leader_download", fmt="docx"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    access = ReportAccess.objects.get()
    assert (access.format, access.draft, access.user) == ("docx", True, district_organiser)


def test_the_standing_committee_waits_for_publication_then_reads_everything(
    sealed_round: Round, standing: User, leader: User, other_leader: User
) -> None:
    client = _client(standing)
    assert client.get(reverse("reports:round", args=[sealed_round.pk])).status_code == 404
    assert client.get(_leader_url(sealed_round, leader)).status_code == 404
    from phieukin.rounds.services import publish_round

    publish_round(actor=None, round=sealed_round)
    page = client.get(reverse("reports:round", args=[sealed_round.pk])).content.decode()
    assert leader.full_name in page and other_leader.full_name in page
    assert "Báo cáo tổng hợp toàn địa bàn" in page
    summary = client.get(reverse("reports:summary_download", args=[sealed_round.pk, "xlsx"]))
    assert summary.status_code == 200
    pdf = client.get(_leader_url(sealed_round, other_leader, "reports:leader_download", fmt="pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert ReportAccess.objects.filter(user=standing, format="pdf").count() == 1


def test_a_ward_office_reads_only_its_own_wards_pooled_results_after_publication(
    sealed_round: Round, ward_organiser: User, outsider: User, leader: User
) -> None:
    from phieukin.rounds.services import publish_round

    own = reverse(
        "reports:ward", args=[sealed_round.pk, subject_of(leader, sealed_round).conference.unit_id]
    )
    client = _client(ward_organiser)
    assert client.get(reverse("reports:round", args=[sealed_round.pk])).status_code == 404
    assert client.get(own).status_code == 404  # nothing before publication
    publish_round(actor=None, round=sealed_round)
    page = client.get(reverse("reports:round", args=[sealed_round.pk])).content.decode()
    assert "Kết quả tổng hợp của phường" in page
    assert own in page
    assert leader.full_name not in page  # no leader's report, not even a name
    results = client.get(own)
    body = results.content.decode()
    assert results.status_code == 200 and results["Cache-Control"] == "no-store"
    assert "Kết quả theo từng nội dung" in body and "Chung" in body
    assert "Không đánh giá" in body  # the percentage base is stated
    assert "Đồng chí cần gần dân hơn nữa." not in body  # comments never shown here
    assert client.get(_leader_url(sealed_round, leader)).status_code == 404
    # Another ward's office reaches its own ward, never the first ward's.
    assert _client(outsider).get(own).status_code == 404


def test_a_ward_office_sees_no_figure_of_a_ward_under_k(
    published_round: Round, wards: list, district_organiser: User
) -> None:
    from phieukin.accounts.models import Membership, Role

    office = User.objects.create_user(username="vanphong3", password="x" * 16)
    Membership.objects.create(user=office, unit=wards[2], role=Role.WARD_ORGANISER)
    url = reverse("reports:ward", args=[published_round.pk, wards[2].pk])
    body = _client(office).get(url).content.decode()
    organiser = _client(district_organiser).get(url).content.decode()
    # Ward 2's Chair has 3 ballots: the engine decides; the page shows what it released.
    for page in (body, organiser):
        assert ("Kết quả theo từng nội dung" in page) != ("không hiển thị kết quả" in page)


def test_a_leaders_round_list_shows_their_own_score(published_round: Round, leader: User) -> None:
    from phieukin.reports.services import RoundReports

    mean = RoundReports(published_round).leader(subject_of(leader, published_round).pk).overall.mean
    assert mean is not None
    page = _client(leader).get(reverse("reports:round", args=[published_round.pk])).content.decode()
    assert f"{mean:.2f}".replace(".", ",") in page


def test_only_the_district_organiser_reads_the_access_log(
    published_round: Round, district_organiser: User, standing: User, leader: User
) -> None:
    _client(leader).get(_leader_url(published_round, leader))
    url = reverse("reports:access_log", args=[published_round.pk])
    page = _client(district_organiser).get(url)
    assert page.status_code == 200
    assert leader.full_name in page.content.decode()
    assert _client(standing).get(url).status_code == 404
    assert _client(leader).get(url).status_code == 404


def test_an_unknown_format_is_not_found(published_round: Round, leader: User) -> None:
    url = _leader_url(published_round, leader, "reports:leader_download", fmt="odt")
    assert _client(leader).get(url).status_code == 404
    assert ReportAccess.objects.count() == 0


def test_the_organiser_previews_an_open_round_whose_boxes_are_not_sealed(
    open_round_: Round, district_organiser: User
) -> None:
    from phieukin.rounds.models import Subject

    client = _client(district_organiser)
    page = client.get(reverse("reports:round", args=[open_round_.pk]))
    assert page.status_code == 200
    subject = Subject.objects.filter(conference__round=open_round_).first()
    assert subject is not None
    report = client.get(reverse("reports:leader", args=[open_round_.pk, subject.pk]))
    assert report.status_code == 200
    assert "không công bố kết quả" in report.content.decode()
