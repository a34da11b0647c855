"""The back-office pages: each step done in the UI by the right role, in Vietnamese."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.followup import services
from phieukin.followup.models import (
    CultivationPlan,
    LeaderResponse,
    ProgressUpdate,
    RemediationPlan,
)
from phieukin.followup.tests.helpers import poster_qr_text
from phieukin.rounds.models import Round, Subject
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_the_leader_responds_and_writes_the_plan_the_organiser_approves_it(
    client: Client, leader: User, district_organiser: User, subject: Subject
) -> None:
    _as(client, leader)
    page = client.get(reverse("followup:index"))
    assert page.status_code == 200 and subject.conference.round.title in page.content.decode()
    url = reverse("followup:subject", args=[subject.pk])
    assert client.post(url, {"accepted": "Tiếp thu", "explained": "Giải trình"}).status_code == 302
    assert LeaderResponse.objects.get(subject=subject).accepted == "Tiếp thu"
    client.post(reverse("followup:plan_start", args=[subject.pk]))
    plan = RemediationPlan.objects.get(subject=subject)
    assert plan.measures.exists()
    for measure in plan.measures.all():
        saved = client.post(
            reverse("followup:measure", args=[plan.pk, measure.pk]),
            {
                "item_text": measure.item_text,
                "action": "Đối thoại với Nhân dân",
                "responsible": "Bí thư",
                "deadline": "2027-03-31",
                "expected_result": "Tỷ lệ Tốt tăng",
            },
        )
        assert saved.status_code == 302
    client.post(reverse("followup:plan_action", args=[plan.pk, "submit"]))
    plan.refresh_from_db()
    assert plan.state == "submitted"
    # The leader cannot approve their own plan: the page refuses with a message, no change.
    client.post(reverse("followup:plan_action", args=[plan.pk, "approve"]))
    plan.refresh_from_db()
    assert plan.state == "submitted"
    _as(client, district_organiser)
    page = client.get(reverse("followup:plan", args=[plan.pk]))
    assert "Phê duyệt" in page.content.decode() or "Approve" in page.content.decode()
    client.post(reverse("followup:plan_action", args=[plan.pk, "approve"]), {"comment": "Đồng ý"})
    plan.refresh_from_db()
    assert plan.state == "approved" and plan.review_comment == "Đồng ý"
    status = client.get(reverse("followup:round", args=[subject.conference.round_id]))
    assert status.status_code == 200 and subject.name in status.content.decode()


def test_progress_with_evidence_is_downloaded_only_by_readers(
    client: Client,
    approved_plan: RemediationPlan,
    leader: User,
    chair: User,
    standing: User,
) -> None:
    services.begin_plan(actor=leader, plan=approved_plan)
    measure = approved_plan.measures.all()[0]
    _as(client, leader)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    client.post(
        reverse("followup:measure_progress", args=[approved_plan.pk, measure.pk]),
        {
            "percent": "40",
            "note": "Ảnh buổi đối thoại",
            "evidence": SimpleUploadedFile("anh.png", png, "image/png"),
        },
    )
    update = ProgressUpdate.objects.get()
    assert update.percent == 40 and update.evidence_type == "image/png"
    url = reverse("followup:evidence", args=[update.pk])
    download = client.get(url)
    assert download.status_code == 200 and download.content == png
    assert download["Content-Disposition"].startswith("attachment")
    assert _as(client, standing).get(url).status_code == 200
    assert _as(client, chair).get(url).status_code == 404


def test_other_people_do_not_see_a_plan(
    client: Client, approved_plan: RemediationPlan, chair: User, outsider: User
) -> None:
    for other in (chair, outsider):
        assert (
            _as(client, other).get(reverse("followup:plan", args=[approved_plan.pk])).status_code
            == 404
        )
        assert (
            _as(client, other)
            .get(reverse("followup:subject", args=[approved_plan.subject_id]))
            .status_code
            == 404
        )


def test_the_head_writes_posts_and_prints_the_plan_with_the_qr_of_the_public_page(
    client: Client, leader: User, wards: list[Unit], settings: Any
) -> None:
    settings.PHIEUKIN_PUBLIC_URL = "https://gopy.example.vn"
    year = dt.date.today().year
    _as(client, leader)
    saved = client.post(
        reverse("followup:cultivation_edit", args=[wards[0].pk, year]),
        {"intro": "Mở đầu", "area_ideology": "Cam kết một\nCam kết hai", "area_ethics": "Giản dị"},
    )
    assert saved.status_code == 302
    plan = CultivationPlan.objects.get()
    assert plan.commitments.count() == 3
    client.post(reverse("followup:cultivation_post", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.is_posted
    poster = client.get(reverse("followup:cultivation_poster", args=[plan.pk]))
    assert poster.status_code == 200 and poster.content.startswith(b"%PDF")
    assert poster_qr_text(poster.content) == (
        f"https://gopy.example.vn/niem-yet/{wards[0].pk}/#ke-hoach-{plan.pk}"
    )


def test_the_office_moderates_and_the_head_answers_in_the_ui(
    client: Client,
    posted_plan: CultivationPlan,
    ward_organiser: User,
    leader: User,
    outsider: User,
) -> None:
    from phieukin.followup import tokens

    feedback = services.submit_feedback(
        plan=posted_plan, body="Góp ý cần duyệt", token=tokens.feedback_token(posted_plan.pk)
    )
    assert feedback is not None
    queue = _as(client, outsider).get(reverse("followup:moderation"))
    assert "Góp ý cần duyệt" not in queue.content.decode()
    assert (
        client.post(
            reverse("followup:moderate", args=[feedback.pk]), {"decision": "publish"}
        ).status_code
        == 404
    )
    queue = _as(client, ward_organiser).get(reverse("followup:moderation"))
    assert "Góp ý cần duyệt" in queue.content.decode()
    client.post(reverse("followup:moderate", args=[feedback.pk]), {"decision": "publish"})
    feedback.refresh_from_db()
    assert feedback.state == "published"
    _as(client, leader).post(
        reverse("followup:answer", args=[feedback.pk]), {"answer": "Xin cảm ơn"}
    )
    feedback.refresh_from_db()
    assert feedback.answer == "Xin cảm ơn"


def test_the_supervisor_reads_the_plans_and_records_a_note(
    client: Client, posted_plan: CultivationPlan, supervisor: User
) -> None:
    _as(client, supervisor)
    index = client.get(reverse("followup:index"))
    assert posted_plan.person.full_name in index.content.decode()
    client.post(
        reverse("followup:cultivation_note", args=[posted_plan.pk]), {"text": "Đã giám sát"}
    )
    assert posted_plan.notes.get().text == "Đã giám sát"


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_the_follow_through_report_downloads(
    client: Client,
    fmt: str,
    approved_plan: RemediationPlan,
    posted_plan: CultivationPlan,
    district_organiser: User,
    published_round: Round,
) -> None:
    _as(client, district_organiser)
    page = client.get(reverse("followup:report"))
    assert page.status_code == 200
    html = page.content.decode()
    assert published_round.title in html and approved_plan.unit.name in html
    response = client.get(reverse("followup:report_download", args=[fmt]))
    assert response.status_code == 200
    assert response.content[:4] in (b"%PDF", b"PK\x03\x04")


def test_the_report_is_refused_to_a_leader(client: Client, leader: User, db: Any) -> None:
    assert _as(client, leader).get(reverse("followup:report")).status_code == 404


def test_the_remediation_api_is_scoped_to_the_organiser(
    client: Client,
    approved_plan: RemediationPlan,
    district_organiser: User,
    leader: User,
    published_round: Round,
) -> None:
    from phieukin.api.auth import create_api_token

    url = f"/api/v1/admin/rounds/{published_round.pk}/remediation"
    assert client.get(url).status_code == 401
    token = create_api_token(user=district_organiser, name="t")
    data = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert len(data["leaders"]) == Subject.objects.filter(conference__round=published_round).count()
    mine = next(row for row in data["leaders"] if row["state"] == "approved")
    assert mine["subject"] == approved_plan.subject_id and mine["measures"]
    leader_token = create_api_token(user=leader, name="t")
    refused = client.get(url, HTTP_AUTHORIZATION=f"Bearer {leader_token}")
    assert refused.status_code == 404


def test_overdue_measures_and_the_posting_rate_show_on_the_dashboards(
    client: Client,
    approved_plan: RemediationPlan,
    posted_plan: CultivationPlan,
    leader: User,
    district_organiser: User,
    chair: User,
) -> None:
    from phieukin.followup.models import Measure

    Measure.objects.filter(plan=approved_plan).update(deadline=dt.date(2020, 1, 1))
    action = approved_plan.measures.all()[0].action
    for reader in (leader, district_organiser):
        html = _as(client, reader).get(reverse("console:dashboard")).content.decode()
        assert 'id="followup-panel"' in html
        assert action in html and "01/01/2020" in html
    organiser_page = _as(client, district_organiser).get(reverse("console:dashboard"))
    assert "đã niêm yết" in organiser_page.content.decode()
    html = _as(client, chair).get(reverse("console:dashboard")).content.decode()
    assert action not in html


def test_an_evidence_upload_above_the_limit_is_refused_before_it_is_read(
    client: Client, approved_plan: RemediationPlan, leader: User, settings: Any
) -> None:
    settings.PHIEUKIN_EVIDENCE_MAX_BYTES = 1024 * 1024
    services.begin_plan(actor=leader, plan=approved_plan)
    measure = approved_plan.measures.all()[0]
    response = _as(client, leader).post(
        reverse("followup:measure_progress", args=[approved_plan.pk, measure.pk]),
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(2 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "Dữ liệu tải lên quá lớn (tối đa 1 MB)." in response.content.decode()
    assert not ProgressUpdate.objects.exists()
