"""The remediation plan's workflow: every transition and every refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from phieukin.accounts.access import AccessDenied
from phieukin.accounts.models import User
from phieukin.audit.models import AuditEvent
from phieukin.core.errors import Conflict, DomainError
from phieukin.followup import selectors, services
from phieukin.followup.models import LeaderResponse, Measure, RemediationPlan
from phieukin.rounds.models import Round, Subject

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_plan_starts_from_the_flagged_items_of_the_report(leader: User, subject: Subject) -> None:
    flagged = selectors.flagged_items(subject)
    assert flagged, "ward 0's Secretary has a flagged item 1 in the fixture"
    plan = services.start_plan(actor=leader, subject=subject)
    assert plan.state == "draft" and plan.version == 1
    assert [m.item_key for m in plan.measures.all()] == [f.key for f in flagged]
    assert plan.measures.all()[0].item_text.startswith("1. ")
    assert AuditEvent.objects.filter(action="followup.plan.start").count() == 1


def test_a_second_plan_for_the_same_report_is_refused(leader: User, subject: Subject) -> None:
    services.start_plan(actor=leader, subject=subject)
    with pytest.raises(Conflict):
        services.start_plan(actor=leader, subject=subject)


def test_only_the_leader_starts_and_edits_their_own_plan(
    leader: User,
    chair: User,
    district_organiser: User,
    standing: User,
    subject: Subject,
) -> None:
    for other in (chair, district_organiser, standing):
        with pytest.raises(AccessDenied):
            services.start_plan(actor=other, subject=subject)
    plan = services.start_plan(actor=leader, subject=subject)
    data = services.MeasureInput("Biện pháp", "Bí thư", dt.date(2027, 1, 1), "Kết quả")
    for other in (chair, district_organiser, standing):
        with pytest.raises(AccessDenied):
            services.save_measure(actor=other, plan=plan, data=data)
        with pytest.raises(AccessDenied):
            services.submit_plan(actor=other, plan=plan)


def test_an_incomplete_plan_cannot_be_submitted(leader: User, subject: Subject) -> None:
    plan = services.start_plan(actor=leader, subject=subject)
    with pytest.raises(DomainError) as refused:
        services.submit_plan(actor=leader, plan=plan)
    assert refused.value.code == "measure_incomplete"
    Measure.objects.filter(plan=plan).delete()
    with pytest.raises(DomainError) as refused:
        services.submit_plan(actor=leader, plan=plan)
    assert refused.value.code == "plan_empty"


def test_no_approval_without_submission(
    draft_plan: RemediationPlan, district_organiser: User
) -> None:
    with pytest.raises(Conflict) as refused:
        services.approve_plan(actor=district_organiser, plan=draft_plan)
    assert refused.value.code == "plan_cannot_approve"
    draft_plan.refresh_from_db()
    assert draft_plan.state == "draft"


def test_only_the_organiser_approves_or_returns(
    draft_plan: RemediationPlan,
    leader: User,
    standing: User,
    ward_organiser: User,
    supervisor: User,
    district_organiser: User,
) -> None:
    services.submit_plan(actor=leader, plan=draft_plan)
    for other in (leader, standing, ward_organiser, supervisor):
        with pytest.raises(AccessDenied):
            services.approve_plan(actor=other, plan=draft_plan)
        with pytest.raises(AccessDenied):
            services.return_plan(actor=other, plan=draft_plan, comment="Sửa lại")
    plan = services.approve_plan(actor=district_organiser, plan=draft_plan)
    assert plan.state == "approved" and plan.reviewed_by == district_organiser


def test_a_returned_plan_carries_comments_and_is_edited_and_submitted_again(
    draft_plan: RemediationPlan, leader: User, district_organiser: User
) -> None:
    services.submit_plan(actor=leader, plan=draft_plan)
    with pytest.raises(DomainError):
        services.return_plan(actor=district_organiser, plan=draft_plan, comment="  ")
    plan = services.return_plan(
        actor=district_organiser, plan=draft_plan, comment="Cần nêu rõ thời hạn từng biện pháp."
    )
    assert plan.state == "returned"
    assert plan.review_comment == "Cần nêu rõ thời hạn từng biện pháp."
    services.save_measure(
        actor=leader,
        plan=plan,
        data=services.MeasureInput("Thêm biện pháp", "Văn phòng", dt.date(2027, 2, 1), "Xong"),
    )
    assert services.submit_plan(actor=leader, plan=plan).state == "submitted"


def test_no_edit_after_approval_except_a_new_version(
    approved_plan: RemediationPlan, leader: User, district_organiser: User
) -> None:
    measure = approved_plan.measures.all()[0]
    data = services.MeasureInput("Đổi", "Khác", dt.date(2027, 6, 1), "Khác")
    with pytest.raises(Conflict) as refused:
        services.save_measure(actor=leader, plan=approved_plan, data=data, measure=measure)
    assert refused.value.code == "plan_not_editable"
    with pytest.raises(Conflict):
        services.remove_measure(actor=leader, measure=measure)
    with pytest.raises(DomainError):
        services.revise_plan(actor=leader, plan=approved_plan, reason="")
    new = services.revise_plan(
        actor=leader, plan=approved_plan, reason="Điều chỉnh thời hạn do sắp xếp đơn vị."
    )
    assert (new.version, new.state, new.previous_id) == (2, "draft", approved_plan.pk)
    assert new.measures.count() == approved_plan.measures.count()
    with pytest.raises(Conflict):
        services.revise_plan(actor=leader, plan=approved_plan, reason="lần nữa")
    # The approved version stays in force until the new one is approved.
    assert selectors.current_plan(approved_plan.subject) == approved_plan
    services.save_measure(actor=leader, plan=new, data=data, measure=new.measures.all()[0])
    services.submit_plan(actor=leader, plan=new)
    services.approve_plan(actor=district_organiser, plan=new)
    approved_plan.refresh_from_db()
    assert approved_plan.superseded_at is not None
    assert selectors.current_plan(approved_plan.subject) == new
    measure.refresh_from_db()
    assert measure.action != "Đổi"  # the old version's text never changed


def test_progress_with_evidence_then_completion(
    approved_plan: RemediationPlan, leader: User
) -> None:
    measure = approved_plan.measures.all()[0]
    with pytest.raises(Conflict):
        services.report_progress(actor=leader, measure=measure, percent=50)
    services.begin_plan(actor=leader, plan=approved_plan)
    update = services.report_progress(
        actor=leader,
        measure=measure,
        percent=60,
        note="Đã tổ chức 2 buổi đối thoại",
        upload=SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf"),
    )
    assert update.evidence_type == "application/pdf" and update.evidence_name == "bien-ban.pdf"
    with update.evidence.open("rb") as stored:
        assert stored.read() == PDF
    with pytest.raises(DomainError) as refused:
        services.complete_plan(actor=leader, plan=approved_plan)
    assert refused.value.code == "measures_open"
    for m in approved_plan.measures.all():
        services.report_progress(actor=leader, measure=m, percent=100)
    plan = services.complete_plan(actor=leader, plan=approved_plan)
    assert plan.state == "completed" and plan.completed_at is not None


def test_evidence_is_checked_by_its_content_and_size(
    approved_plan: RemediationPlan, leader: User, settings: object
) -> None:
    services.begin_plan(actor=leader, plan=approved_plan)
    measure = approved_plan.measures.all()[0]
    disguised = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(DomainError) as refused:
        services.report_progress(actor=leader, measure=measure, percent=10, upload=disguised)
    assert refused.value.code == "evidence_type"
    settings.PHIEUKIN_EVIDENCE_MAX_BYTES = 100  # type: ignore[attr-defined]
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 200, "application/pdf")
    with pytest.raises(DomainError) as refused:
        services.report_progress(actor=leader, measure=measure, percent=10, upload=big)
    assert refused.value.code == "evidence_too_large"
    assert not measure.updates.exists()


def test_only_the_leader_writes_the_response_which_readers_see(
    leader: User,
    chair: User,
    standing: User,
    district_organiser: User,
    outsider: User,
    subject: Subject,
) -> None:
    with pytest.raises(AccessDenied):
        services.save_response(actor=chair, subject=subject, accepted="x", explained="")
    response = services.save_response(
        actor=leader,
        subject=subject,
        accepted="Tiếp thu ý kiến về việc gần dân.",
        explained="Việc chậm hồ sơ do thiếu cán bộ.",
    )
    assert LeaderResponse.objects.get() == response
    for reader in (leader, standing, district_organiser):
        assert selectors.response_for(reader, subject) == response
    for other in (chair, outsider):
        assert selectors.response_for(other, subject) is None


def test_nothing_starts_before_the_round_is_published(leader: User, open_round_: Round) -> None:
    from phieukin.reports.tests.conftest import fill_round

    fill_round(open_round_)
    subject = Subject.objects.get(conference__round=open_round_, person_id=leader.person_id or 0)
    with pytest.raises(Conflict):
        services.start_plan(actor=leader, subject=subject)
    with pytest.raises(Conflict):
        services.save_response(actor=leader, subject=subject, accepted="x", explained="")


def test_overdue_measures_show_to_the_leader_and_the_organiser_only(
    approved_plan: RemediationPlan,
    leader: User,
    district_organiser: User,
    chair: User,
    outsider: User,
) -> None:
    later = dt.date(2027, 4, 15)
    assert {o.measure.plan_id for o in selectors.overdue_measures(leader, today=later)} == {
        approved_plan.pk
    }
    assert selectors.overdue_measures(district_organiser, today=later)
    assert selectors.overdue_measures(leader, today=dt.date(2027, 3, 1)) == []
    assert selectors.overdue_measures(chair, today=later) == []
    assert selectors.overdue_measures(outsider, today=later) == []


def test_the_round_status_lists_every_leader(
    approved_plan: RemediationPlan, published_round: Round, district_organiser: User, leader: User
) -> None:
    rows = selectors.remediation_status(district_organiser, published_round)
    assert len(rows) == Subject.objects.filter(conference__round=published_round).count()
    mine = next(r for r in rows if r.plan is not None)
    assert mine.plan == approved_plan and mine.measures == approved_plan.measures.count()
    with pytest.raises(AccessDenied):
        selectors.remediation_status(leader, published_round)
