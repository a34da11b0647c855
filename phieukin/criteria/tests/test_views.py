"""The criteria pages: upload with line-numbered errors, the official's form, the review."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from phieukin.accounts.models import User
from phieukin.criteria.models import Assessment, AssessmentState, Commitment, CriteriaSet


def _login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_a_wrong_file_is_refused_with_its_line_and_nothing_is_saved(
    client: Client, district_organiser: User
) -> None:
    bad = (
        b"code: x\nversion: 1\ntitle: T\nlevels:\n"
        b"  - {key: a, label: A, min_percent: 150}\ngroups: []\n"
    )
    response = _login(client, district_organiser).post(
        "/criteria/sets/upload/", {"file": SimpleUploadedFile("bo.yaml", bad)}
    )
    assert response.status_code == 200
    assert "dòng 5" in response.content.decode()
    assert not CriteriaSet.objects.exists()


def test_a_ward_organiser_may_not_import_sets(client: Client, ward_organiser: User) -> None:
    assert _login(client, ward_organiser).get("/criteria/sets/upload/").status_code == 403


def test_the_official_submits_and_the_organiser_reviews_on_the_web(
    client: Client,
    commitment: Commitment,
    leader: User,
    district_organiser: User,
    criteria_set: CriteriaSet,
) -> None:
    ids = list(criteria_set.criteria.order_by("order").values_list("pk", flat=True))
    form = {f"score_{pk}": "9" for pk in ids} | {"comment": "Đã hoàn thành.", "submit": "1"}
    url = f"/criteria/commitments/{commitment.pk}/q1/"
    page = _login(client, leader).get(url).content.decode()
    assert "Gửi để nhận xét" in page
    assert client.post(url, form).status_code == 302
    assert Assessment.objects.get().state == AssessmentState.SUBMITTED

    organiser = Client()
    page = _login(organiser, district_organiser).get(url).content.decode()
    assert "Duyệt kết quả" in page and "Đã hoàn thành." in page
    review = {f"score_{pk}": "9" for pk in ids} | {"comment": "Đồng ý.", "approve": "1"}
    review[f"score_{ids[0]}"] = "5"
    assert organiser.post(url, review).status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.state, assessment.reviewed_points) == (AssessmentState.REVIEWED, 86)
    overview = organiser.get("/criteria/?year=2026&quarter=1").content.decode()
    assert "Hoàn thành tốt nhiệm vụ" in overview


def test_another_wards_organiser_sees_nothing_of_the_commitment(
    client: Client, commitment: Commitment, outsider: User
) -> None:
    _login(client, outsider)
    assert client.get(f"/criteria/commitments/{commitment.pk}/").status_code == 404
    assert client.get(f"/criteria/commitments/{commitment.pk}/q1/").status_code == 404
    assert commitment.person.full_name not in client.get("/criteria/?year=2026").content.decode()


def test_the_reminders_page_queues_reminders(
    client: Client, commitment: Commitment, ward_organiser: User
) -> None:
    _login(client, ward_organiser)
    page = client.get("/criteria/reminders/?year=2026&quarter=3").content.decode()
    assert commitment.person.full_name in page
    response = client.post("/criteria/reminders/", {"year": "2026", "quarter": "3"})
    assert response.status_code == 302
    assert "1 nhắc việc" in client.get(response["Location"]).content.decode()


def test_the_dashboard_shows_the_officials_queued_reminder(
    client: Client, commitment: Commitment, leader: User, ward_organiser: User
) -> None:
    from phieukin.criteria import services

    services.queue_reminders(actor=ward_organiser, year=2026, quarter=3, commitments=[commitment])
    page = _login(client, leader).get("/").content.decode()
    assert "Bộ tiêu chí chuyên nghiệp" in page
    assert "Chưa gửi bản tự đánh giá" in page
    assert f"/criteria/commitments/{commitment.pk}/q3/" in page
