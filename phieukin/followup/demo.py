"""Follow-through data of the Long Biên demo (called by ``manage.py seed_demo``).

For the published 2022 rounds: leaders' responses and remediation plans in every state
(one with an overdue measure, one completed whose flagged items improved in the next
round), self-cultivation plans for every head of 2022 and of this year with a posting
rate below 100 %, Fatherland Front supervisors with notes, and citizen feedback that the
ward offices moderated and the heads answered. Everything goes through the services;
a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from phieukin.accounts import permissions
from phieukin.accounts.models import Membership, Role, User
from phieukin.followup import selectors, services, tokens
from phieukin.followup.models import (
    CitizenFeedback,
    CultivationPlan,
    LeaderResponse,
    ProgressUpdate,
    RemediationPlan,
)
from phieukin.followup.outcome import Movement, movement
from phieukin.rounds.lifecycle import RoundState
from phieukin.rounds.models import Round, Subject
from phieukin.tallying import selectors as tallying
from phieukin.units import lineage
from phieukin.units.models import Unit, UnitKind

DEMO_PASSWORD = "demo12345"  # noqa: S105  (the demo's printed login, as in seed_demo)
STAFFED_WARDS = 3

ACTIONS = (
    "Tổ chức đối thoại trực tiếp với Nhân dân mỗi quý một lần tại các tổ dân phố.",
    "Công khai lịch tiếp công dân; trực tiếp tiếp dân ngày thứ Năm hằng tuần.",
    "Rà soát, rút ngắn thời gian giải quyết thủ tục hành chính; công khai kết quả hằng tháng.",
    "Nêu gương trong sinh hoạt chi bộ; tự phê bình tại hội nghị sơ kết 6 tháng.",
    "Kiểm tra, xử lý dứt điểm các vụ việc tồn đọng về trật tự xây dựng.",
)
RESULTS = (
    "Tỷ lệ đánh giá Tốt và Khá ở nội dung này tăng ở đợt lấy ý kiến sau.",
    "Không còn đơn thư kéo dài; người dân được trả lời đúng hạn.",
)
COMMITMENTS = {
    "ideology": (
        "Kiên định chủ nghĩa Mác - Lê-nin, tư tưởng Hồ Chí Minh; thường xuyên học tập nghị quyết.",
        "Đấu tranh với biểu hiện “tự diễn biến”, “tự chuyển hóa” trong nội bộ.",
    ),
    "ethics": (
        "Giữ gìn lối sống giản dị, trung thực; không để người thân lợi dụng chức vụ.",
        "Kê khai tài sản, thu nhập đầy đủ, đúng hạn.",
    ),
    "style": (
        "Sâu sát cơ sở; tiếp công dân định kỳ và đột xuất khi có việc.",
        "Không né tránh, đùn đẩy; giải quyết công việc đúng hạn.",
    ),
    "role_model": (
        "Nói đi đôi với làm; gương mẫu thực hiện những điều đảng viên không được làm.",
        "Chịu trách nhiệm người đứng đầu về kết quả thực hiện nhiệm vụ của phường.",
    ),
}
FEEDBACK = (
    (
        "Nguyễn Thị Hoa",
        "Đề nghị đồng chí tổ chức tiếp dân thêm buổi tối cho người đi làm.",
        "Xin tiếp thu; từ tháng sau phường tiếp dân thêm tối thứ Ba hằng tuần.",
    ),
    (
        "",
        "Đề nghị công khai kết quả xử lý các vụ vi phạm trật tự xây dựng trên bảng tin.",
        "Kết quả xử lý được niêm yết tại trụ sở và trang thông tin của phường hằng tháng.",
    ),
    (
        "Trần Văn Nam",
        "Cần quan tâm hơn đến vệ sinh môi trường ở khu tập thể.",
        "Phường đã giao tổ dân phố phối hợp với công ty môi trường thu gom hằng ngày.",
    ),
)


def _ensure_user(username: str, full_name: str, unit: Unit, role: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username, full_name=full_name, password=make_password(DEMO_PASSWORD)
        )
    Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return user


def _leader_user(subject: Subject) -> User | None:
    user = User.objects.filter(person_id=subject.person_id).first()
    return user if user is not None and permissions.is_leader(user) else None


def _improvement(first: Subject, second: Subject | None) -> tuple[int, int]:
    """Return (better, -worse) of the flagged items of *first* in the next round."""
    if second is None:
        return (0, 0)
    keys = [f.key for f in selectors.flagged_items(first)]
    if not keys:
        return (0, 0)
    before = tallying.subject_tally(first).total.figures
    after = tallying.subject_tally(second).total.figures
    if before is None or after is None:
        return (0, 0)
    b = {f.key: f.mean for f in before.items}
    a = {f.key: f.mean for f in after.items}
    moves = [movement(b.get(k), a.get(k)) for k in keys]
    return (moves.count(Movement.BETTER), -moves.count(Movement.WORSE))


def _fill(plan: RemediationPlan, actor: User | None, deadline: dt.date, who: str) -> None:
    if not plan.measures.exists():
        services.save_measure(
            actor=actor,
            plan=plan,
            data=services.MeasureInput(
                ACTIONS[0], who, deadline, RESULTS[0], item_text="Nâng cao vai trò nêu gương"
            ),
        )
    for n, measure in enumerate(plan.measures.all()):
        services.save_measure(
            actor=actor,
            plan=plan,
            measure=measure,
            data=services.MeasureInput(
                ACTIONS[n % len(ACTIONS)], who, deadline, RESULTS[n % len(RESULTS)]
            ),
        )


def _evidence_pdf(text: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from reportlab.pdfgen.canvas import Canvas

    from phieukin.core.documents import FONT, register_fonts

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont(FONT, 14)
    canvas.drawString(72, 760, text)
    canvas.save()
    return SimpleUploadedFile("bien-ban-doi-thoai.pdf", buffer.getvalue(), "application/pdf")


def _plan(
    subject: Subject,
    state: str,
    organiser: User,
    held_on: dt.date,
) -> None:
    actor = _leader_user(subject)
    who = f"Đồng chí {subject.name}"
    services.save_response(
        actor=actor,
        subject=subject,
        accepted="Tiếp thu nghiêm túc các ý kiến góp ý, nhất là về tác phong gần dân và "
        "giải quyết thủ tục hành chính.",
        explained="Một số hồ sơ chậm do phường thiếu cán bộ địa chính trong quý I; "
        "đã bổ sung nhân sự từ tháng 4.",
    )
    if state == "response":
        return
    plan = services.start_plan(actor=actor, subject=subject)
    deadline = held_on + dt.timedelta(days=180)
    _fill(plan, actor, deadline, who)
    if state == "draft":
        return
    services.submit_plan(actor=actor, plan=plan)
    if state == "submitted":
        return
    if state == "returned":
        services.return_plan(
            actor=organiser,
            plan=plan,
            comment="Đề nghị nêu cụ thể chỉ tiêu, thời hạn và người chịu trách nhiệm "
            "từng biện pháp.",
        )
        return
    services.approve_plan(actor=organiser, plan=plan, comment="Đồng ý với kế hoạch.")
    services.begin_plan(actor=actor, plan=plan)
    measures = list(plan.measures.all())
    if state == "overdue":
        services.report_progress(
            actor=actor, measure=measures[0], percent=40, note="Đã tổ chức 2 buổi đối thoại."
        )
        return
    for n, measure in enumerate(measures):
        services.report_progress(
            actor=actor,
            measure=measure,
            percent=100,
            note="Đã hoàn thành theo kế hoạch.",
            upload=_evidence_pdf(f"Biên bản đối thoại — {subject.name}") if n == 0 else None,
        )
    services.complete_plan(actor=actor, plan=plan)


def _date_history(rnd: Round, held_on: dt.date) -> None:
    """Give the 2022 follow-through the dates of its time (services stamp today)."""
    zone = timezone.get_current_timezone()

    def at(days: int) -> dt.datetime:
        return dt.datetime.combine(held_on + dt.timedelta(days=days), dt.time(9, 0), tzinfo=zone)

    LeaderResponse.objects.filter(subject__conference__round=rnd).update(updated_at=at(15))
    plans = RemediationPlan.objects.filter(round=rnd)
    plans.update(created_at=at(16))
    plans.exclude(submitted_at=None).update(submitted_at=at(20))
    plans.exclude(reviewed_at=None).update(reviewed_at=at(28))
    plans.exclude(started_at=None).update(started_at=at(30))
    plans.exclude(completed_at=None).update(completed_at=at(170))
    ProgressUpdate.objects.filter(measure__plan__round=rnd).update(created_at=at(160))


def _remediation(stdout: Any, organiser: User, rounds: list[Round]) -> None:
    first = rounds[0]
    if RemediationPlan.objects.filter(round=first).exists():
        return
    second = rounds[1] if len(rounds) > 1 else None
    subjects = list(
        Subject.objects.filter(conference__round=first)
        .select_related("conference__unit", "conference__round")
        .order_by("conference__unit__sort_key", "order")
    )
    held = first.conferences.order_by("held_on").values_list("held_on", flat=True).first()
    held_on = held or dt.date(first.year, 5, 20)
    following = {}
    if second is not None:
        for s in Subject.objects.filter(conference__round=second):
            following[s.position_id] = s
    staffed = [s for s in subjects if _leader_user(s) is not None]
    others = [s for s in subjects if s not in staffed]
    # The completed plan whose items improved: the staffed leader who improved most.
    ranked = sorted(
        staffed, key=lambda s: _improvement(s, following.get(s.position_id)), reverse=True
    )
    states = ["completed", "overdue", "submitted", "returned", "draft", "response"]
    plan_states = dict(zip([s.pk for s in ranked], states, strict=False))
    for n, subject in enumerate(others):
        plan_states[subject.pk] = "response" if n % 7 == 6 else "completed"
    with transaction.atomic():
        for subject in subjects:
            _plan(subject, plan_states.get(subject.pk, "completed"), organiser, held_on)
        _date_history(first, held_on)
    if second is not None:
        with transaction.atomic():
            for subject in Subject.objects.filter(conference__round=second).order_by("id")[:2]:
                _plan(subject, "submitted", organiser, held_on + dt.timedelta(days=180))
    stdout.write(
        f"  {first.title}: {len(subjects)} responses and plans "
        f"({', '.join(states)}); improved: {ranked[0].name if ranked else '—'}"
    )


def _wards_on(old_wards: list[Unit], day: dt.date) -> list[Unit]:
    """Return the wards that carry *old_wards* on *day* (the old wards while they exist)."""
    found: dict[int, Unit] = {}
    for ward in old_wards:
        for unit in lineage.successors_on(ward, day):
            found.setdefault(unit.pk, unit)
    # Without a later map on record the old wards stand.
    return sorted(found.values(), key=lambda u: u.sort_key) or old_wards


def _cultivation(stdout: Any, wards: list[Unit], year: int, skip_every: int) -> None:
    if CultivationPlan.objects.filter(year=year).exists():
        return
    heads = selectors.required_heads([w.pk for w in wards], year)
    posted = 0
    with transaction.atomic():
        for n, head in enumerate(heads):
            if n % skip_every == skip_every - 1:
                continue  # has not written a plan: the posting rate stays below 100 %
            unit = Unit.objects.get(pk=head.unit_id)
            plan = services.save_cultivation_plan(
                actor=None,
                person_id=head.person_id,
                unit=unit,
                year=year,
                intro=(
                    f"Thực hiện Quy định 144-QĐ/TW và Kết luận 21-KL/TW, tôi xây dựng kế hoạch "
                    f"tu dưỡng, rèn luyện, phấn đấu năm {year} như sau."
                ),
                commitments=[
                    services.CommitmentInput(area, texts[(n + i) % len(texts)])
                    for area, texts in COMMITMENTS.items()
                    for i in range(2)
                ],
            )
            if n % (skip_every + 3) == 1:
                continue  # written, not yet posted
            services.post_cultivation_plan(actor=None, plan=plan)
            posted += 1
        if year < timezone.localdate().year:
            zone = timezone.get_current_timezone()
            CultivationPlan.objects.filter(year=year).exclude(posted_at=None).update(
                posted_at=dt.datetime(year, 2, 15, 9, 0, tzinfo=zone)
            )
    stdout.write(f"  self-cultivation plans {year}: {posted} of {len(heads)} heads posted")


def _supervision_and_feedback(stdout: Any, wards: list[Unit], year: int) -> None:
    if CitizenFeedback.objects.exists():
        return
    with transaction.atomic():
        for ward in wards[:STAFFED_WARDS]:
            supervisor = _ensure_user(
                f"mttq-{ward.slug}", f"Ủy ban MTTQ {ward.name}", ward, Role.SUPERVISOR
            )
            office = User.objects.filter(
                memberships__unit=ward, memberships__role=Role.WARD_ORGANISER
            ).first()
            plans = list(
                CultivationPlan.objects.filter(unit=ward, year=year).exclude(posted_at=None)
            )
            for n, plan in enumerate(plans):
                services.add_supervision_note(
                    actor=supervisor,
                    plan=plan,
                    text="Ban Thường trực Ủy ban MTTQ phường đã tiếp nhận kế hoạch; sẽ giám "
                    "sát việc tiếp dân định kỳ và báo cáo vào cuối năm.",
                )
                head = User.objects.filter(person_id=plan.person_id).first()
                for m, (name, body, answer) in enumerate(FEEDBACK):
                    if (n + m) % 2:
                        continue
                    feedback = services.submit_feedback(
                        plan=plan, body=body, name=name, token=tokens.feedback_token(plan.pk)
                    )
                    if feedback is None or office is None or m == 2:
                        continue  # left waiting for the office's moderation
                    services.moderate_feedback(actor=office, feedback=feedback, publish=True)
                    if head is not None and permissions.is_leader(head):
                        services.answer_feedback(actor=head, feedback=feedback, answer=answer)
            if plans:  # one for the office to reject
                services.submit_feedback(
                    plan=plans[0],
                    body="Quảng cáo dịch vụ vay tiền nhanh",
                    token=tokens.feedback_token(plans[0].pk),
                )
    stdout.write(
        f"  MTTQ supervisors (mttq-<ward>, password {DEMO_PASSWORD}), notes and "
        f"{CitizenFeedback.objects.count()} citizen feedback"
    )


def seed(*, stdout: Any) -> None:
    """Add the follow-through of the demo; needs the base demo (rounds, users)."""
    organiser = User.objects.filter(username="tuyengiao").first()
    rounds = list(
        Round.objects.filter(year=2022, state=RoundState.PUBLISHED.value).order_by("number")
    )
    if organiser is None or not rounds:
        stdout.write("  follow-through: skipped (no published 2022 round)")
        return
    stdout.write("Follow-through …")
    _remediation(stdout, organiser, rounds)
    old_wards = list(
        Unit.objects.filter(kind=UnitKind.WARD, parent=rounds[0].organiser_unit).order_by(
            "sort_key"
        )
    )
    today = timezone.localdate()
    # 2022 plans belong to the wards of 2022; this year's to the wards of today.
    _cultivation(stdout, _wards_on(old_wards, dt.date(2022, 12, 31)), 2022, skip_every=28)
    wards = _wards_on(old_wards, today)
    _cultivation(stdout, wards, today.year, skip_every=28)
    _supervision_and_feedback(stdout, wards, today.year)
