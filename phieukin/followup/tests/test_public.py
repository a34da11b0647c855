"""The public pages and the public API: posted plans, answered feedback, nothing else.

The adversarial test searches every public answer for each score, share, comment and
flag of the leader's confidential report, the response and the remediation plan.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.followup import selectors, services, tokens
from phieukin.followup.models import CitizenFeedback, CultivationPlan, RemediationPlan
from phieukin.reports import formatting
from phieukin.reports.services import RoundReports
from phieukin.rounds.models import Subject

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def _public_texts(client: Client, plan: CultivationPlan) -> list[str]:
    pages = [
        client.get(reverse("public:posted_plans", args=[plan.unit_id])),
        client.get(reverse("public:plan_feedback", args=[plan.pk])),
        client.get(f"/api/v1/public/units/{plan.unit_id}/plans"),
    ]
    assert all(p.status_code == 200 for p in pages)
    html_pages = [html.unescape(p.content.decode()) for p in pages[:2]]
    # The API escapes non-ASCII in JSON; search its decoded text.
    return [*html_pages, json.dumps(pages[2].json(), ensure_ascii=False)]


def _report_secrets(subject: Subject) -> set[str]:
    report = RoundReports(subject.conference.round).leader(subject.pk)
    secrets: set[str] = set(report.comments or ())
    for item in report.items:
        for value in (item.mean, item.previous_mean, item.average_mean):
            if value is not None:
                secrets.add(formatting.number(value))
        for share in (item.shares or ()) + (item.low_share,):
            if share:
                secrets.add(formatting.percent(share))
        secrets.update(item.flags)
        if item.flagged:
            secrets.add(item.text)
    for score in (*report.sections, report.overall):
        if score.mean is not None:
            secrets.add(formatting.number(score.mean))
        if score.good_share:
            secrets.add(formatting.percent(score.good_share))
    return {s for s in secrets if s and s != "–"}


def test_public_pages_and_api_show_nothing_of_the_confidential_report(
    client: Client,
    leader: User,
    subject: Subject,
    approved_plan: RemediationPlan,
    posted_plan: CultivationPlan,
    supervisor: User,
    ward_organiser: User,
    district_organiser: User,
) -> None:
    services.save_response(
        actor=leader,
        subject=subject,
        accepted="Tiếp thu nghiêm túc ý kiến về tác phong XYZ-RIENG",
        explained="Giải trình nội bộ về hồ sơ ABC-MAT",
    )
    services.add_supervision_note(
        actor=supervisor, plan=posted_plan, text="Ghi chú giám sát NOI-BO-MTTQ"
    )
    token = tokens.feedback_token(posted_plan.pk)
    pending = services.submit_feedback(plan=posted_plan, body="CHO-DUYET góp ý", token=token)
    rejected = services.submit_feedback(plan=posted_plan, body="BI-TU-CHOI góp ý", token=token)
    approved = services.submit_feedback(plan=posted_plan, body="DA-DUYET chưa trả lời", token=token)
    answered = services.submit_feedback(
        plan=posted_plan, body="Đề nghị tiếp dân buổi tối", name="Nguyễn Văn Dân", token=token
    )
    assert pending and rejected and approved and answered
    services.moderate_feedback(actor=ward_organiser, feedback=rejected, publish=False)
    services.moderate_feedback(actor=ward_organiser, feedback=approved, publish=True)
    services.moderate_feedback(actor=ward_organiser, feedback=answered, publish=True)
    services.answer_feedback(
        actor=leader, feedback=answered, answer="Xin tiếp thu TRA-LOI-CONG-KHAI"
    )

    secrets = _report_secrets(subject)
    assert secrets, "the fixture's report has figures and comments"
    secrets |= {
        "XYZ-RIENG",
        "ABC-MAT",
        "NOI-BO-MTTQ",
        "CHO-DUYET",
        "BI-TU-CHOI",
        "DA-DUYET",
        approved_plan.review_comment or "Tổ chức đối thoại trực tiếp với Nhân dân hằng quý",
        "Đồng chí Bí thư",  # responsible person of the remediation measures
        "Người dân đánh giá Tốt tăng",  # expected result of the remediation measures
    }
    for text in _public_texts(client, posted_plan):
        for secret in secrets:
            assert secret not in text, secret
        assert "Tiếp dân định kỳ vào thứ Năm hằng tuần." in text
        assert "TRA-LOI-CONG-KHAI" in text and "Nguyễn Văn Dân" in text


def test_an_unposted_plan_is_not_public(
    client: Client, leader: User, chair: User, wards: list[Any]
) -> None:
    plan = services.save_cultivation_plan(
        actor=chair,
        person_id=chair.person_id or 0,
        unit=wards[0],
        year=dt.date.today().year,
        intro="",
        commitments=[services.CommitmentInput("ethics", "BAN-NHAP chưa niêm yết")],
    )
    page = client.get(reverse("public:posted_plans", args=[wards[0].pk]))
    assert "BAN-NHAP" not in page.content.decode()
    assert client.get(reverse("public:plan_feedback", args=[plan.pk])).status_code == 404
    api = client.post(
        f"/api/v1/public/plans/{plan.pk}/feedback",
        {"body": "x", "token": tokens.feedback_token(plan.pk)},
        content_type="application/json",
    )
    assert api.status_code == 404


def test_a_citizen_sends_feedback_from_the_page_without_a_name(
    client: Client, posted_plan: CultivationPlan
) -> None:
    url = reverse("public:plan_feedback", args=[posted_plan.pk])
    page = client.get(url)
    token = page.context["form"].initial["token"]
    sent = client.post(
        url, {"name": "", "body": "Đề nghị công khai lịch tiếp dân.", "token": token}
    )
    assert sent.status_code == 200 and sent.context["sent"]
    feedback = CitizenFeedback.objects.get()
    assert (feedback.state, feedback.name) == ("pending", "")
    assert "Đề nghị công khai lịch tiếp dân." not in client.get(url).content.decode()


def test_the_honeypot_and_a_forged_token_store_nothing(
    client: Client, posted_plan: CultivationPlan
) -> None:
    url = reverse("public:plan_feedback", args=[posted_plan.pk])
    token = tokens.feedback_token(posted_plan.pk)
    bot = client.post(url, {"body": "spam", "token": token, "website": "http://spam"})
    assert bot.status_code == 200  # the bot is told nothing
    forged = client.post(url, {"body": "x", "token": token[:-2] + "xx"})
    assert forged.status_code == 400
    assert not CitizenFeedback.objects.exists()


def test_feedback_is_rate_limited_per_client_on_the_page_and_the_api(
    client: Client, posted_plan: CultivationPlan, settings: Any
) -> None:
    settings.PHIEUKIN_FEEDBACK_PER_CLIENT = 2
    url = reverse("public:plan_feedback", args=[posted_plan.pk])
    token = tokens.feedback_token(posted_plan.pk)
    for n in range(2):
        assert client.post(url, {"body": f"ý kiến {n}", "token": token}).status_code == 200
    assert client.post(url, {"body": "ý kiến 3", "token": token}).status_code == 429
    api = client.post(
        f"/api/v1/public/plans/{posted_plan.pk}/feedback",
        {"body": "qua API", "token": token},
        content_type="application/json",
    )
    assert api.status_code == 429 and api.json()["code"] == "rate_limited"
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.post(url, {"body": "máy khác", "token": token}).status_code == 200
    assert CitizenFeedback.objects.count() == 3


def test_the_api_lists_posted_plans_and_queues_feedback(
    client: Client, posted_plan: CultivationPlan, ward_organiser: User, leader: User
) -> None:
    listing = client.get(f"/api/v1/public/units/{posted_plan.unit_id}/plans").json()
    assert [p["id"] for p in listing["plans"]] == [posted_plan.pk]
    plan = listing["plans"][0]
    assert [c["area"] for c in plan["commitments"]] == ["ideology", "style"]
    assert plan["public_url"].endswith(
        f"/niem-yet/{posted_plan.unit_id}/#ke-hoach-{posted_plan.pk}"
    )
    sent = client.post(
        f"/api/v1/public/plans/{posted_plan.pk}/feedback",
        {"body": "Góp ý qua ứng dụng", "name": "Lê Thị B", "token": plan["feedback_token"]},
        content_type="application/json",
    )
    assert sent.status_code == 202 and sent.json()["status"] == "queued"
    feedback = CitizenFeedback.objects.get()
    assert feedback.name == "Lê Thị B" and feedback.state == "pending"
    bad = client.post(
        f"/api/v1/public/plans/{posted_plan.pk}/feedback",
        {"body": "x", "token": "nope"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "form_expired"
    services.moderate_feedback(actor=ward_organiser, feedback=feedback, publish=True)
    services.answer_feedback(actor=leader, feedback=feedback, answer="Cảm ơn bà.")
    listing = client.get(f"/api/v1/public/units/{posted_plan.unit_id}/plans").json()
    assert listing["plans"][0]["feedback"][0]["answer"] == "Cảm ơn bà."
    assert selectors.public_feedback(posted_plan) == [feedback]


def test_an_unknown_unit_is_404(client: Client, db: Any) -> None:
    assert client.get("/api/v1/public/units/987654/plans").status_code == 404
    assert client.get(reverse("public:posted_plans", args=[987654])).status_code == 404
